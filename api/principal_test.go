package api

import (
	"context"
	"crypto/sha256"
	"encoding/json"
	"strings"
	"sync"
	"testing"

	"go.temporal.io/sdk/client"
	"go.uber.org/zap"
	"go.uber.org/zap/zaptest/observer"

	"github.com/sellmigrate/sellmigrate/contract"
	"github.com/sellmigrate/sellmigrate/starter"
)

// recordingClient is a Temporal client that records the updates and starts sent to
// it and answers them at once; every other call panics (nil embedded interface).
type recordingClient struct {
	client.Client
	mu      sync.Mutex
	updates []client.UpdateWorkflowOptions
	starts  []contract.StartInput
}

func (c *recordingClient) UpdateWorkflow(_ context.Context, o client.UpdateWorkflowOptions) (client.WorkflowUpdateHandle, error) {
	c.mu.Lock()
	defer c.mu.Unlock()
	c.updates = append(c.updates, o)
	return doneUpdate{o.WorkflowID}, nil
}

func (c *recordingClient) ExecuteWorkflow(_ context.Context, o client.StartWorkflowOptions, _ any, args ...any) (client.WorkflowRun, error) {
	c.mu.Lock()
	defer c.mu.Unlock()
	c.starts = append(c.starts, args[0].(contract.StartInput))
	return doneRun{id: o.ID}, nil
}

func (c *recordingClient) sent() ([]client.UpdateWorkflowOptions, []contract.StartInput) {
	c.mu.Lock()
	defer c.mu.Unlock()
	return append([]client.UpdateWorkflowOptions(nil), c.updates...), append([]contract.StartInput(nil), c.starts...)
}

type doneUpdate struct{ workflowID string }

func (u doneUpdate) WorkflowID() string { return u.workflowID }
func (u doneUpdate) RunID() string      { return "run" }
func (u doneUpdate) UpdateID() string   { return "update" }
func (u doneUpdate) Get(_ context.Context, v any) error {
	*(v.(*contract.Progress)) = contract.Progress{WorkflowID: u.workflowID, Status: contract.StatusRunning}
	return nil
}

type doneRun struct {
	client.WorkflowRun
	id string
}

func (r doneRun) GetID() string    { return r.id }
func (r doneRun) GetRunID() string { return "run" }

const anaToken = "ana-secret-token"

// principalServer is a server with the role-list tokens of testServer and a named
// admin token (Ana) and named ops token (CI), on a recording Temporal client, logging
// into an observer.
func principalServer(t *testing.T) (*Server, *recordingClient, *observer.ObservedLogs) {
	t.Helper()
	c := &recordingClient{}
	core, logs := observer.New(zap.InfoLevel)
	s := testServerWith(t, func(o *Options) {
		o.Starter = starter.New(c, starter.Options{})
		o.Logger = zap.New(core)
		o.Tokens.Named = []NamedToken{
			{Name: "Ana Admin", Email: "ana@example.test", Role: RoleAdmin, SHA256: sha256.Sum256([]byte(anaToken))},
			{Name: "ci-bot", Email: "ci@example.test", Role: RoleOps, SHA256: sha256.Sum256([]byte("ci-secret-token"))},
		}
	})
	return s, c, logs
}

// TestTokenLookup: each token, named or from a role list, resolves to its principal;
// an unknown one to none.
func TestTokenLookup(t *testing.T) {
	s, _, _ := principalServer(t)
	for _, tc := range []struct {
		token, role, name, email string
	}{
		{anaToken, "admin", "Ana Admin", "ana@example.test"},
		{"ci-secret-token", "ops", "ci-bot", "ci@example.test"},
		{"tok-viewer", "viewer", "viewer token 1", ""},
		{"tok-ops", "ops", "ops token 1", ""},
		{"tok-admin", "admin", "admin token 1", ""},
	} {
		rec, m := call(t, s, "GET", "/api/v1/me", "Bearer "+tc.token, "", "")
		if rec.Code != 200 || m["role"] != tc.role || m["name"] != tc.name || (m["email"] != nil) != (tc.email != "") || (tc.email != "" && m["email"] != tc.email) {
			t.Errorf("%s: %d %s, want role %s, name %q, email %q", tc.token, rec.Code, rec.Body, tc.role, tc.name, tc.email)
		}
	}
	if _, ok := s.auth.match("ana-secret-tokenx"); ok {
		t.Error("an unknown token matched")
	}
	if _, ok := s.auth.match(strings.Repeat("0", 64)); ok {
		t.Error("a token's hash is not a token")
	}
}

// TestSessionResolvesToPrincipal: a dashboard session answers as the token it was made
// with, named or not, and acts as it.
func TestSessionResolvesToPrincipal(t *testing.T) {
	s, c, _ := principalServer(t)
	for _, tc := range []struct{ token, name, email string }{
		{anaToken, "Ana Admin", "ana@example.test"},
		{"tok-admin", "admin token 1", ""},
	} {
		rec, m := call(t, s, "POST", "/api/v1/session", "", "application/json", `{"token":"`+tc.token+`"}`)
		if rec.Code != 200 || m["name"] != tc.name || m["role"] != "admin" {
			t.Fatalf("sign in with %s: %d %s", tc.name, rec.Code, rec.Body)
		}
		session := rec.Result().Cookies()[0]
		if strings.Contains(session.Value, tc.token) {
			t.Error("the cookie carries the token")
		}
		rec, m = call(t, s, "GET", "/api/v1/me", "", "", "", session)
		if rec.Code != 200 || m["name"] != tc.name || (tc.email != "" && m["email"] != tc.email) {
			t.Errorf("me with %s's session: %d %s", tc.name, rec.Code, rec.Body)
		}
	}
	// Ana's session is stamped as Ana.
	rec, _ := call(t, s, "POST", "/api/v1/session", "", "application/json", `{"token":"`+anaToken+`"}`)
	rec, _ = call(t, s, "POST", "/api/v1/migrations/1001/actions/back", "", "application/json", `{}`, rec.Result().Cookies()[0])
	updates, _ := c.sent()
	if rec.Code != 200 || len(updates) != 1 {
		t.Fatalf("back from Ana's session: %d %s, %d updates", rec.Code, rec.Body, len(updates))
	}
	if in := updates[0].Args[0].(contract.BackInput); in.By != "ana@example.test" || in.Principal == nil || in.Principal.Name != "Ana Admin" {
		t.Errorf("sent %+v, want Ana's email and principal", in)
	}
}

// TestSessionWithNamedToken: a named token's session carries its principal.
func TestSessionWithNamedToken(t *testing.T) {
	named := []NamedToken{{Name: "ana", Email: "ana@example.test", Role: RoleAdmin, SHA256: sha256.Sum256([]byte(anaToken))}}
	a, err := newAuthenticator(Tokens{Named: named}, false)
	if err != nil {
		t.Fatal(err)
	}
	e, _ := a.match(anaToken)
	v, _, err := a.newSession(e.principal(true))
	if err != nil {
		t.Fatal(err)
	}
	if got, ok := a.checkSession(v); !ok || got.name != "ana" || got.email != "ana@example.test" || got.role != RoleAdmin || got.tokenID != e.id {
		t.Errorf("session = %+v, %v", got, ok)
	}
}

// TestNamedTokensConfig: bad named tokens are refused without echoing a token.
func TestNamedTokensConfig(t *testing.T) {
	h := sha256.Sum256([]byte("tok-ops"))
	for name, tokens := range map[string]Tokens{
		"no name":         {Named: []NamedToken{{Email: "a@b.test", Role: RoleOps, SHA256: h}}},
		"no role":         {Named: []NamedToken{{Name: "a", SHA256: h}}},
		"same name":       {Named: []NamedToken{{Name: "a", Role: RoleOps, SHA256: h}, {Name: "A", Role: RoleOps, SHA256: sha256.Sum256([]byte("x"))}}},
		"same hash":       {Named: []NamedToken{{Name: "a", Role: RoleOps, SHA256: h}, {Name: "b", Role: RoleAdmin, SHA256: h}}},
		"listed two ways": {Ops: []string{"tok-ops"}, Named: []NamedToken{{Name: "a", Role: RoleOps, SHA256: h}}},
	} {
		if _, err := newAuthenticator(tokens, false); err == nil || strings.Contains(err.Error(), "tok-ops") {
			t.Errorf("%s: %v, want an error without the token", name, err)
		}
	}
	if r, err := ParseRole("ops"); err != nil || r != RoleOps {
		t.Errorf("ParseRole(ops) = %v, %v", r, err)
	}
	if _, err := ParseRole("root"); err == nil {
		t.Error("ParseRole(root) accepted")
	}
}

// TestByStampedFromPrincipal: for a named token, a forged by is refused with 403 and
// nothing reaches Temporal; an absent by is filled with the principal's email; role-list
// tokens keep today's behaviour (by is the caller's, required).
func TestByStampedFromPrincipal(t *testing.T) {
	cases := []struct {
		name, token, input, body string
		status                   int
		code                     string
		wantBy                   string
		wantPrincipal            string
		wantMsg                  []string
	}{
		{name: "forged by", token: anaToken, input: "license-assigned", body: `{"by":"ana@acme.test"}`,
			status: 403, code: "forbidden", wantMsg: []string{`by "ana@acme.test"`, "Ana Admin's (ana@example.test)"}},
		{name: "forged by on retry", token: "ci-secret-token", input: "retry", body: `{"by":"ops@example.test"}`,
			status: 403, code: "forbidden", wantMsg: []string{"ci-bot's (ci@example.test)"}},
		{name: "forged by with other fields", token: anaToken, input: "choose-subdomain", body: `{"subdomain":"acme","by":"lee@globex.test"}`,
			status: 403, code: "forbidden", wantMsg: []string{"ana@example.test"}},
		{name: "body sets principal", token: anaToken, input: "back", body: `{"principal":{"name":"Someone Else"}}`,
			status: 422, code: "invalid_input", wantMsg: []string{"principal is set by the server"}},
		{name: "role-list body sets principal", token: "tok-admin", input: "back", body: `{"by":"a@b.test","principal":{"name":"x"}}`,
			status: 422, code: "invalid_input"},
		{name: "absent by filled", token: anaToken, input: "accept-disclaimers", body: `{"version":"2024-01"}`,
			status: 200, wantBy: "ana@example.test", wantPrincipal: "Ana Admin"},
		{name: "same by kept", token: anaToken, input: "back", body: `{"by":"ana@example.test"}`,
			status: 200, wantBy: "ana@example.test", wantPrincipal: "Ana Admin"},
		{name: "same by other case", token: anaToken, input: "back", body: `{"by":"Ana@Example.test"}`,
			status: 200, wantBy: "ana@example.test", wantPrincipal: "Ana Admin"},
		{name: "role-list token, any by", token: "tok-admin", input: "back", body: `{"by":"lee@globex.test"}`,
			status: 200, wantBy: "lee@globex.test", wantPrincipal: "admin token 1"},
		{name: "role-list token, no by", token: "tok-admin", input: "back", body: `{}`,
			status: 422, code: "invalid_input", wantMsg: []string{"by is missing"}},
		{name: "owner-login has no by to stamp", token: anaToken, input: "owner-login", body: `{"grantId":"cred_0123456789abcdefghijklmnop","userEmail":"owner@globex.test"}`,
			status: 200, wantPrincipal: "Ana Admin"},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			s, c, logs := principalServer(t)
			rec, m := call(t, s, "POST", "/api/v1/migrations/1001/actions/"+tc.input, "Bearer "+tc.token, "application/json", tc.body)
			updates, _ := c.sent()
			if tc.status != 200 {
				msg := wantError(t, rec, m, tc.status, tc.code)
				for _, w := range tc.wantMsg {
					if !strings.Contains(msg, w) {
						t.Errorf("message %q lacks %q", msg, w)
					}
				}
				if len(updates) != 0 {
					t.Errorf("refused, yet %d update(s) reached Temporal", len(updates))
				}
			} else {
				if rec.Code != 200 || len(updates) != 1 {
					t.Fatalf("%d %s, %d updates; want 200 and one update", rec.Code, rec.Body, len(updates))
				}
				p := updates[0].Args[0].(contract.Payload)
				if p.Sender() != tc.wantBy && tc.input != "owner-login" {
					t.Errorf("by = %q, want %q", p.Sender(), tc.wantBy)
				}
				if p.SentBy() == nil || p.SentBy().Name != tc.wantPrincipal {
					t.Errorf("principal = %+v, want %q", p.SentBy(), tc.wantPrincipal)
				}
				// The payload as Temporal records it names the principal.
				b, _ := json.Marshal(p)
				if !strings.Contains(string(b), `"principal":{"name":"`+tc.wantPrincipal+`"`) {
					t.Errorf("payload JSON %s lacks the principal", b)
				}
			}
			audit := logs.FilterMessage("audit").All()
			if len(audit) != 1 {
				t.Fatalf("%d audit lines, want 1", len(audit))
			}
			f := audit[0].ContextMap()
			wantOutcome := "ok"
			if tc.status != 200 {
				wantOutcome = tc.code
			}
			if f["action"] != tc.input || f["migration"] != "1001" || f["outcome"] != wantOutcome || f["requestId"] == "" || f["role"] == "" || f["principal"] == "" {
				t.Errorf("audit line %v", f)
			}
		})
	}
}

// TestStartRecordsPrincipal: a start and a bulk start record the principal beside
// requestedBy, which is the Sell admin asking and never compared with the principal.
func TestStartRecordsPrincipal(t *testing.T) {
	s, c, logs := principalServer(t)
	rec, _ := call(t, s, "POST", "/api/v1/migrations", "Bearer ci-secret-token", "application/json", startBody)
	if rec.Code != 201 {
		t.Fatalf("start: %d %s", rec.Code, rec.Body)
	}
	rec, _ = call(t, s, "POST", "/api/v1/migrations/bulk", "Bearer tok-ops", "application/json",
		`{"rows":[{"accountId":"1002","mode":"new","subdomain":"globex","requestedBy":"admin@globex.test"}]}`)
	if rec.Code != 200 || !strings.Contains(rec.Body.String(), `"started":1`) {
		t.Fatalf("bulk: %d %s", rec.Code, rec.Body)
	}
	rec, _ = call(t, s, "POST", "/api/v1/migrations", "Bearer ci-secret-token", "application/json",
		`{"accountId":"1003","mode":"new","requestedBy":"admin@initech.test","principal":{"name":"x"}}`)
	if rec.Code != 400 {
		t.Errorf("a start whose body sets principal: %d %s, want 400 (unknown field)", rec.Code, rec.Body)
	}
	_, starts := c.sent()
	if len(starts) != 2 {
		t.Fatalf("%d starts, want 2", len(starts))
	}
	want := []struct{ requestedBy, name, email string }{
		{"admin@acme.test", "ci-bot", "ci@example.test"},
		{"admin@globex.test", "ops token 1", ""},
	}
	for i, w := range want {
		in := starts[i]
		if in.RequestedBy != w.requestedBy || in.Principal == nil || in.Principal.Name != w.name || in.Principal.Email != w.email {
			t.Errorf("start %d = requestedBy %q, principal %+v; want %+v", i, in.RequestedBy, in.Principal, w)
		}
	}
	var actions []string
	for _, e := range logs.FilterMessage("audit").All() {
		f := e.ContextMap()
		actions = append(actions, f["action"].(string)+" "+f["migration"].(string)+" "+f["outcome"].(string)+" "+f["principal"].(string))
	}
	if got := strings.Join(actions, "; "); got != "start 1001 ok ci-bot; bulk-start 1002 ok ops token 1; start 1003 bad_request ci-bot" {
		t.Errorf("audit = %s", got)
	}
}
