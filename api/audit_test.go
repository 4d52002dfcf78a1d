package api

import (
	"bufio"
	"crypto/sha256"
	"encoding/json"
	"fmt"
	"net/http/httptest"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"testing"
	"time"

	"go.uber.org/zap"
	"go.uber.org/zap/zaptest/observer"

	"github.com/sellmigrate/sellmigrate/starter"
)

// auditServer is principalServer with audit.file set to a fresh file (not yet made).
func auditServer(t *testing.T) (*Server, string, *observer.ObservedLogs) {
	t.Helper()
	file := filepath.Join(t.TempDir(), "audit.jsonl")
	core, logs := observer.New(zap.InfoLevel)
	s := testServerWith(t, func(o *Options) {
		o.Starter = starter.New(&recordingClient{}, starter.Options{})
		o.Logger = zap.New(core)
		o.AuditFile = file
		o.Tokens.Named = []NamedToken{
			{Name: "Ana Admin", Email: "ana@example.test", Role: RoleAdmin, SHA256: sha256.Sum256([]byte(anaToken))},
			{Name: "ci-bot", Email: "ci@example.test", Role: RoleOps, SHA256: sha256.Sum256([]byte("ci-secret-token"))},
		}
	})
	return s, file, logs
}

// readAudit reads every line of the audit file, failing on one that is not a record.
func readAudit(t *testing.T, file string) []AuditRecord {
	t.Helper()
	f, err := os.Open(file)
	if err != nil {
		t.Fatal(err)
	}
	defer func() { _ = f.Close() }()
	var out []AuditRecord
	sc := bufio.NewScanner(f)
	for sc.Scan() {
		var rec AuditRecord
		dec := json.NewDecoder(strings.NewReader(sc.Text()))
		dec.DisallowUnknownFields()
		if err := dec.Decode(&rec); err != nil {
			t.Fatalf("audit line %q: %v", sc.Text(), err)
		}
		out = append(out, rec)
	}
	return out
}

// TestAuditLines: each mutating call, run or refused before its handler, writes
// exactly one line with every field, to the file and to the log; reads write none.
func TestAuditLines(t *testing.T) {
	cases := []struct {
		name, method, path, token, body string
		status                          int
		want                            *AuditRecord // nil: no line
	}{
		{name: "start by a named token", method: "POST", path: "/api/v1/migrations", token: "ci-secret-token", body: startBody, status: 201,
			want: &AuditRecord{Principal: "ci-bot", PrincipalEmail: "ci@example.test", Role: "ops", Action: "start", Migration: "1001", Outcome: "ok"}},
		{name: "action by a role-list token", method: "POST", path: "/api/v1/migrations/1001/actions/back", token: "tok-admin", body: `{"by":"lee@globex.test"}`, status: 200,
			want: &AuditRecord{Principal: "admin token 1", Role: "admin", Action: "back", Migration: "1001", Outcome: "ok"}},
		{name: "action refused by its handler", method: "POST", path: "/api/v1/migrations/sell-migration-1002/actions/license-assigned", token: anaToken, body: `{"by":"ana@acme.test"}`, status: 403,
			want: &AuditRecord{Principal: "Ana Admin", PrincipalEmail: "ana@example.test", Role: "admin", Action: "license-assigned", Migration: "sell-migration-1002", Outcome: "forbidden", Status: 403}},
		{name: "bad body", method: "POST", path: "/api/v1/migrations", token: "tok-ops", body: `{"accountId":`, status: 400,
			want: &AuditRecord{Principal: "ops token 1", Role: "ops", Action: "start", Outcome: "bad_request", Status: 400}},
		{name: "no token", method: "POST", path: "/api/v1/migrations/1003/cancel", status: 401,
			want: &AuditRecord{Principal: "anonymous", Role: "none", Action: "cancel", Migration: "1003", Outcome: "unauthenticated", Status: 401}},
		{name: "wrong token", method: "POST", path: "/api/v1/migrations/1004/actions/accept-disclaimers", token: "nope", body: `{}`, status: 401,
			want: &AuditRecord{Principal: "anonymous", Role: "none", Action: "accept-disclaimers", Migration: "1004", Outcome: "unauthenticated", Status: 401}},
		{name: "role too weak", method: "POST", path: "/api/v1/migrations/bulk", token: "tok-viewer", body: `{"rows":[]}`, status: 403,
			want: &AuditRecord{Principal: "viewer token 1", Role: "viewer", Action: "bulk-start", Outcome: "forbidden", Status: 403}},
		{name: "admin input by ops", method: "POST", path: "/api/v1/migrations/1005/actions/accept-disclaimers", token: "ci-secret-token", body: `{}`, status: 403,
			want: &AuditRecord{Principal: "ci-bot", PrincipalEmail: "ci@example.test", Role: "ops", Action: "accept-disclaimers", Migration: "1005", Outcome: "forbidden", Status: 403}},
		{name: "owner-login link issued", method: "GET", path: "/api/v1/migrations/1002/owner-login-link", token: "tok-admin", status: 200,
			want: &AuditRecord{Principal: "admin token 1", Role: "admin", Action: "owner-login-link", Migration: "1002", Outcome: "ok"}},
		{name: "read", method: "GET", path: "/api/v1/me", token: "tok-admin", status: 200},
		{name: "read refused", method: "GET", path: "/api/v1/inputs", status: 401},
		{name: "audit read", method: "GET", path: "/api/v1/audit", token: anaToken, status: 200},
		{name: "audit read refused", method: "GET", path: "/api/v1/audit", token: "tok-ops", status: 403},
		{name: "preflight refused (changes nothing)", method: "POST", path: "/api/v1/preflight", token: "tok-viewer", body: `{"rows":[]}`, status: 403},
		{name: "sign-in with a wrong token", method: "POST", path: "/api/v1/session", body: `{"token":"nope"}`, status: 401,
			want: &AuditRecord{Principal: "anonymous", Role: "none", Action: "sign-in", Outcome: "unauthenticated", Status: 401}},
		{name: "sign-in with a token", method: "POST", path: "/api/v1/session", body: `{"token":"ci-secret-token"}`, status: 200,
			want: &AuditRecord{Principal: "ci-bot", PrincipalEmail: "ci@example.test", Role: "ops", Action: "sign-in", Outcome: "ok"}},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			s, file, logs := auditServer(t)
			req := httptest.NewRequest(tc.method, tc.path, strings.NewReader(tc.body))
			req.RemoteAddr = "198.51.100.7:4321"
			req.Header.Set(RequestIDHeader, "req-"+strings.ReplaceAll(tc.name, " ", "-")[:4])
			if tc.token != "" {
				req.Header.Set("Authorization", "Bearer "+tc.token)
			}
			if tc.body != "" {
				req.Header.Set("Content-Type", "application/json")
			}
			before := time.Now().UTC()
			rec := httptest.NewRecorder()
			s.Handler().ServeHTTP(rec, req)
			if rec.Code != tc.status {
				t.Fatalf("status %d, want %d: %s", rec.Code, tc.status, rec.Body)
			}
			lines := readAudit(t, file)
			logged := logs.FilterMessage("audit").All()
			if tc.want == nil {
				if len(lines) != 0 || len(logged) != 0 {
					t.Fatalf("a call that changes nothing wrote %d file line(s) %v and %d log line(s)", len(lines), lines, len(logged))
				}
				return
			}
			if len(lines) != 1 || len(logged) != 1 {
				t.Fatalf("%d file line(s) %v and %d log line(s), want one each", len(lines), lines, len(logged))
			}
			got := lines[0]
			if got.Time.Before(before.Add(-time.Second)) || got.Time.After(time.Now().Add(time.Second)) || got.Time.Location() != time.UTC {
				t.Errorf("time %v, want about now in UTC", got.Time)
			}
			w := *tc.want
			w.Time, w.RequestID, w.ClientIP = got.Time, rec.Header().Get(RequestIDHeader), "198.51.100.7"
			if got != w {
				t.Errorf("line\n %+v\nwant\n %+v", got, w)
			}
			if w.RequestID == "" || !strings.HasPrefix(w.RequestID, "req-") {
				t.Errorf("request ID %q is not the one sent", w.RequestID)
			}
			f := logged[0].ContextMap()
			for k, v := range map[string]string{"principal": w.Principal, "role": w.Role, "action": w.Action, "migration": w.Migration,
				"outcome": w.Outcome, "requestId": w.RequestID, "clientIp": w.ClientIP} {
				if f[k] != v {
					t.Errorf("log field %s = %v, want %q", k, f[k], v)
				}
			}
			if raw, _ := os.ReadFile(file); strings.Count(string(raw), "\n") != 1 || strings.Contains(string(raw), "secret-token") {
				t.Errorf("file %q: want one line, no token", raw)
			}
		})
	}
}

// TestAuditFileMode: the file is created 0600 at start, and appended to, not
// replaced, by a restarted server.
func TestAuditFileMode(t *testing.T) {
	s, file, _ := auditServer(t)
	info, err := os.Stat(file)
	if err != nil {
		t.Fatalf("the audit file is not made at start: %v", err)
	}
	if info.Mode().Perm() != 0o600 {
		t.Errorf("mode %v, want 0600", info.Mode().Perm())
	}
	call(t, s, "POST", "/api/v1/migrations", "", "application/json", startBody)
	s2 := testServerWith(t, func(o *Options) { o.AuditFile = file })
	call(t, s2, "POST", "/api/v1/migrations", "", "application/json", startBody)
	if n := len(readAudit(t, file)); n != 2 {
		t.Errorf("%d lines after two refused starts across a restart, want 2", n)
	}
	if _, err := NewServer(Options{Starter: starter.New(nil, starter.Options{}), Tokens: Tokens{Admin: []string{"a"}},
		AuditFile: filepath.Join(t.TempDir(), "missing", "audit.jsonl")}); err == nil || !strings.Contains(err.Error(), "audit.file") {
		t.Errorf("an audit file in a missing directory: %v, want an error naming audit.file", err)
	}
}

// TestAuditConcurrentWrites: lines written at once from many requests never mix.
func TestAuditConcurrentWrites(t *testing.T) {
	s, file, _ := auditServer(t)
	const n = 40
	var wg sync.WaitGroup
	for i := range n {
		wg.Add(1)
		go func() {
			defer wg.Done()
			req := httptest.NewRequest("POST", fmt.Sprintf("/api/v1/migrations/%d/cancel", 2000+i), nil)
			s.Handler().ServeHTTP(httptest.NewRecorder(), req)
		}()
	}
	wg.Wait()
	lines := readAudit(t, file)
	seen := map[string]bool{}
	for _, l := range lines {
		seen[l.Migration] = true
	}
	if len(lines) != n || len(seen) != n {
		t.Errorf("%d lines for %d migrations, want %d each", len(lines), len(seen), n)
	}
}

// TestAuditEndpoint: GET /api/v1/audit reads the file newest first, filters and
// limits, is for admins only, refuses bad parameters with what to do, and says to set
// audit.file when it is not.
func TestAuditEndpoint(t *testing.T) {
	s, file, _ := auditServer(t)
	t0 := time.Date(2026, 12, 1, 6, 0, 0, 0, time.UTC)
	records := []AuditRecord{
		{Time: t0, Principal: "ci-bot", PrincipalEmail: "ci@example.test", Role: "ops", Action: "start", Migration: "1001", Outcome: "ok"},
		{Time: t0.Add(time.Minute), Principal: "anonymous", Role: "none", Action: "cancel", Migration: "1001", Outcome: "unauthenticated", Status: 401},
		{Time: t0.Add(2 * time.Minute), Principal: "Ana Admin", PrincipalEmail: "ana@example.test", Role: "admin", Action: "accept-disclaimers", Migration: "sell-migration-1001", Outcome: "ok"},
		{Time: t0.Add(3 * time.Minute), Principal: "ops token 1", Role: "ops", Action: "start", Migration: "1002", Outcome: "conflict", Status: 409},
		{Time: t0.Add(4 * time.Minute), Principal: "viewer token 1", Role: "viewer", Action: "cancel", Migration: "1002", Outcome: "forbidden", Status: 403},
	}
	for i, r := range records {
		r.RequestID, r.ClientIP = fmt.Sprintf("r%d", i), "192.0.2.1"
		if err := s.auditFile.append(r); err != nil {
			t.Fatal(err)
		}
	}
	// A line cut short by a crash is skipped, not an error.
	f, _ := os.OpenFile(file, os.O_WRONLY|os.O_APPEND, 0)
	_, _ = f.WriteString(`{"time":"2026-12-01T07:00:00Z","princ` + "\n")
	_ = f.Close()

	cases := []struct {
		name, query, token string
		status             int
		want               string // request IDs in order, or the error code
		more               bool
	}{
		{name: "all, newest first", want: "r4 r3 r2 r1 r0"},
		{name: "limit", query: "limit=2", want: "r4 r3", more: true},
		{name: "limit exactly", query: "limit=5", want: "r4 r3 r2 r1 r0"},
		{name: "principal by name", query: "principal=ci-bot", want: "r0"},
		{name: "principal by email, any case", query: "principal=ANA@example.test", want: "r2"},
		{name: "anonymous", query: "principal=anonymous", want: "r1"},
		{name: "action", query: "action=cancel", want: "r4 r1"},
		{name: "migration by account or workflow ID", query: "migration=sell-migration-1001", want: "r2 r1 r0"},
		{name: "migration by account ID", query: "migration=1001&limit=1", want: "r2", more: true},
		{name: "outcome", query: "outcome=ok", want: "r2 r0"},
		{name: "since", query: "since=2026-12-01T06:03:00Z", want: "r4 r3"},
		{name: "since with offset", query: "since=2026-12-01T07:02:00%2B01:00", want: "r4 r3 r2"},
		{name: "combined", query: "action=start&outcome=conflict&principal=ops+token+1", want: "r3"},
		{name: "none match", query: "action=back", want: ""},
		{name: "ops refused", token: "tok-ops", status: 403, want: "forbidden"},
		{name: "viewer refused", token: "tok-viewer", status: 403, want: "forbidden"},
		{name: "no token", token: "-", status: 401, want: "unauthorized"},
		{name: "limit 0", query: "limit=0", status: 400, want: "bad_request"},
		{name: "limit too big", query: "limit=1001", status: 400, want: "bad_request"},
		{name: "limit not a number", query: "limit=ten", status: 400, want: "bad_request"},
		{name: "since not RFC 3339", query: "since=2026-12-01", status: 400, want: "bad_request"},
		{name: "unknown parameter", query: "who=ana", status: 400, want: "bad_request"},
		{name: "repeated parameter", query: "action=start&action=cancel", status: 400, want: "bad_request"},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			token := "Bearer " + anaToken
			switch tc.token {
			case "-":
				token = ""
			case "":
			default:
				token = "Bearer " + tc.token
			}
			if tc.status == 0 {
				tc.status = 200
			}
			path := "/api/v1/audit"
			if tc.query != "" {
				path += "?" + tc.query
			}
			rec, m := call(t, s, "GET", path, token, "", "")
			if rec.Code != tc.status {
				t.Fatalf("status %d, want %d: %s", rec.Code, tc.status, rec.Body)
			}
			if tc.status != 200 {
				e, _ := m["error"].(map[string]any)
				if e["code"] != tc.want {
					t.Errorf("error %v, want code %s", m, tc.want)
				}
				if tc.status == 400 && len(e["message"].(string)) < 20 {
					t.Errorf("message %q does not say what to do", e["message"])
				}
				return
			}
			var page auditPage
			if err := json.Unmarshal(rec.Body.Bytes(), &page); err != nil {
				t.Fatal(err)
			}
			var ids []string
			for _, e := range page.Entries {
				ids = append(ids, e.RequestID)
			}
			if got := strings.Join(ids, " "); got != tc.want || page.More != tc.more {
				t.Errorf("entries %q more %v, want %q more %v", got, page.More, tc.want, tc.more)
			}
			if page.Entries == nil {
				t.Error("entries is null, want []")
			}
		})
	}
	// Reading wrote nothing (refusals of reads included).
	if n := len(readAuditLoose(t, file)); n != len(records) {
		t.Errorf("%d records in the file after reading, want %d", n, len(records))
	}
}

// readAuditLoose counts the well-formed records, skipping a cut line.
func readAuditLoose(t *testing.T, file string) []AuditRecord {
	t.Helper()
	a := &auditFile{path: file}
	page, err := a.read(auditFilter{limit: maxAuditLimit})
	if err != nil {
		t.Fatal(err)
	}
	return page.Entries
}

// TestAuditEndpointWithoutFile: without audit.file the endpoint says to set it.
func TestAuditEndpointWithoutFile(t *testing.T) {
	s := testServer(t)
	rec, m := call(t, s, "GET", "/api/v1/audit", "Bearer tok-admin", "", "")
	msg := wantError(t, rec, m, 404, "not_found")
	if !strings.Contains(msg, "audit.file") {
		t.Errorf("message %q does not say to set audit.file", msg)
	}
}

// TestAuditWindow: the reader keeps only the newest matches in memory, however many
// lines the file has.
func TestAuditWindow(t *testing.T) {
	a := &auditFile{path: filepath.Join(t.TempDir(), "audit.jsonl")}
	for i := range 57 {
		if err := a.append(AuditRecord{Time: time.Unix(int64(i), 0).UTC(), Principal: "p", Role: "ops", Action: "start", Migration: fmt.Sprint(i), Outcome: "ok"}); err != nil {
			t.Fatal(err)
		}
	}
	for _, limit := range []int{1, 3, 10, 56, 57, 1000} {
		page, err := a.read(auditFilter{limit: limit})
		if err != nil {
			t.Fatal(err)
		}
		wantN := min(limit, 57)
		if len(page.Entries) != wantN || page.More != (limit < 57) {
			t.Fatalf("limit %d: %d entries, more %v", limit, len(page.Entries), page.More)
		}
		for i, e := range page.Entries {
			if e.Migration != fmt.Sprint(56-i) {
				t.Fatalf("limit %d: entry %d is %s, want %d", limit, i, e.Migration, 56-i)
			}
		}
	}
}

// TestAuditActionEveryMutatingRoute: every authenticated route that is not a read has
// an audit action, so its refusals are recorded; preflight (which changes nothing) is
// the one exception, and no read has one.
func TestAuditActionEveryMutatingRoute(t *testing.T) {
	s := testServer(t)
	for _, rt := range s.apiRoutes() {
		action := auditAction(rt)
		switch {
		case rt.role == rolePublic || rt.method == "GET" || rt.path == "/api/v1/preflight":
			if action != "" {
				t.Errorf("%s has audit action %q, yet changes no migration", rt.pattern(), action)
			}
		case action == "":
			t.Errorf("%s changes migrations but has no audit action; name it in auditAction", rt.pattern())
		}
	}
}

// TestAuditSignOut: signing out is recorded under the session's principal; a cookie
// that names no session signs nobody out and records nothing.
func TestAuditSignOut(t *testing.T) {
	s, _, logs := auditServer(t)
	c := signIn(t, s, "ci-secret-token")
	if rec, _ := call(t, s, "DELETE", "/api/v1/session", "", "", "", c); rec.Code != 204 {
		t.Fatalf("sign out: %d", rec.Code)
	}
	if rec, _ := call(t, s, "DELETE", "/api/v1/session", "", "", "", c); rec.Code != 204 {
		t.Fatalf("sign out again: %d", rec.Code)
	}
	var outs []string
	for _, e := range logs.FilterMessage("audit").All() {
		if f := e.ContextMap(); f["action"] == "sign-out" {
			outs = append(outs, fmt.Sprint(f["principal"], " ", f["outcome"]))
		}
	}
	if len(outs) != 1 || outs[0] != "ci-bot ok" {
		t.Errorf("sign-out audit lines = %q, want one for ci-bot", outs)
	}
}
