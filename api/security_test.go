package api

import (
	"bytes"
	"encoding/base64"
	"fmt"
	"net/http"
	"net/http/httptest"
	"net/url"
	"os"
	"sort"
	"strings"
	"testing"
	"time"

	"go.temporal.io/sdk/converter"

	"github.com/sellmigrate/sellmigrate/codec"
	"github.com/sellmigrate/sellmigrate/config"
	"github.com/sellmigrate/sellmigrate/contract"
	"github.com/sellmigrate/sellmigrate/starter"
)

// securityCase is one row of the security table: a request (or a check outside the
// HTTP handler) and what a caller must get. docs/SECURITY.md names the rows.
type securityCase struct {
	name string
	// req builds the request; nil for rows whose check is run.
	req func(t *testing.T) *http.Request
	// status is the answer the request must get; check, when set, reads it further.
	status int
	check  func(t *testing.T, rec *httptest.ResponseRecorder)
	// run is a row that is not one HTTP request (config refusals, payload encoding).
	run func(t *testing.T)
}

// TestSecurityTable is the security table: every protected route against no, wrong,
// weak, expired and revoked credentials; then a forged "by", CSRF on cookie sessions,
// oversized bodies, stream exhaustion, the codec endpoint without a principal, owner
// links that are not ours, the admin endpoints off the public port, demo secrets and
// plaintext Temporal in production roles, and a payload that must reach Temporal
// without its demo email. Each row names what it proves; the whole table must hold.
func TestSecurityTable(t *testing.T) {
	s, rc, _ := principalServer(t)
	cookie := signIn(t, s, "tok-admin")
	revoked := signIn(t, s, "tok-admin")
	if rec, _ := call(t, s, "DELETE", "/api/v1/session", "", "", "", revoked); rec.Code != http.StatusNoContent {
		t.Fatalf("sign out: %d", rec.Code)
	}

	cases := routeCredentialCases(t, s, revoked)
	cases = append(cases, requestCases(t, s, cookie)...)
	cases = append(cases, ownerLinkCases()...)
	cases = append(cases, configCases()...)
	if len(cases) < 40 {
		t.Fatalf("the security table has %d cases, want at least 40", len(cases))
	}

	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			if tc.run != nil {
				tc.run(t)
				return
			}
			rec := httptest.NewRecorder()
			s.Handler().ServeHTTP(rec, tc.req(t))
			if rec.Code != tc.status {
				t.Fatalf("status %d, want %d: %s", rec.Code, tc.status, rec.Body)
			}
			if tc.check != nil {
				tc.check(t, rec)
			}
		})
	}
	// Nothing refused above reached Temporal.
	if updates, starts := rc.sent(); len(updates) != 0 || len(starts) != 0 {
		t.Errorf("refused requests reached Temporal: %d updates, %d starts", len(updates), len(starts))
	}
}

// concretePath fills a route pattern's wildcards with values that name something.
func concretePath(pattern string) string {
	return strings.NewReplacer("{id}", "1001", "{version}", contract.DefaultPolicy().DisclaimerVersion, "{name}", "wave-1").Replace(pattern)
}

// routeCredentialCases: every route that needs a role, against no credentials, a wrong
// token, a weak one (the role below the route's, or a valid token cut short for
// viewer routes), and a session that has expired or was signed out. Each must be
// refused before anything is read or sent.
func routeCredentialCases(t *testing.T, s *Server, revoked *http.Cookie) []securityCase {
	t.Helper()
	patterns := make([]string, 0, len(s.routes))
	for p, rt := range s.routes {
		if rt.role > rolePublic {
			patterns = append(patterns, p)
		}
	}
	sort.Strings(patterns)
	if len(patterns) < 15 {
		t.Fatalf("only %d protected routes found: %v", len(patterns), patterns)
	}
	below := map[Role]string{RoleOps: "tok-viewer", RoleAdmin: "tok-ops"}
	var out []securityCase
	for _, p := range patterns {
		rt := s.routes[p]
		path := concretePath(rt.path)
		build := func(auth string, c *http.Cookie) func(*testing.T) *http.Request {
			return func(t *testing.T) *http.Request {
				return routeRequest(rt.method, path, auth, c)
			}
		}
		// Each expired row has a session of its own, valid for the route's role until
		// the row moves the clock past its end: a session an earlier row presented
		// expired is deleted, and would make this row test an unknown one instead.
		expired := func(t *testing.T) *http.Request {
			c := signIn(t, s, anaToken)
			if p, ok := s.auth.checkSession(c.Value); !ok || p.role < rt.role {
				t.Fatalf("the fresh admin session is not valid for %s: %v %v", rt.path, ok, p.role)
			}
			s.auth.now = func() time.Time { return time.Now().Add(sessionTTL + time.Minute) }
			t.Cleanup(func() { s.auth.now = time.Now })
			return routeRequest(rt.method, path, "", c)
		}
		out = append(out,
			securityCase{name: p + ": no credentials", req: build("", nil), status: http.StatusUnauthorized, check: wantWWWAuthenticate},
			securityCase{name: p + ": wrong token", req: build("Bearer "+strings.Repeat("x", 43), nil), status: http.StatusUnauthorized},
			securityCase{name: p + ": expired session", req: expired, status: http.StatusUnauthorized},
			securityCase{name: p + ": signed-out session", req: build("", revoked), status: http.StatusUnauthorized},
		)
		if weak, ok := below[rt.role]; ok {
			out = append(out, securityCase{name: p + ": weak token (" + Role(rt.role-1).String() + ")",
				req: build("Bearer "+weak, nil), status: http.StatusForbidden})
		} else {
			out = append(out, securityCase{name: p + ": weak token (a valid one cut short)",
				req: build("Bearer tok-viewe", nil), status: http.StatusUnauthorized})
		}
	}
	return out
}

func routeRequest(method, path, auth string, c *http.Cookie) *http.Request {
	req := httptest.NewRequest(method, path, strings.NewReader(`{}`))
	req.Header.Set("Content-Type", "application/json")
	if auth != "" {
		req.Header.Set("Authorization", auth)
	}
	if c != nil {
		req.AddCookie(c)
	}
	return req
}

func wantWWWAuthenticate(t *testing.T, rec *httptest.ResponseRecorder) {
	if rec.Header().Get("WWW-Authenticate") == "" {
		t.Error("a 401 without WWW-Authenticate")
	}
}

// requestCases are the rows about what a signed-in or anonymous caller sends.
func requestCases(t *testing.T, s *Server, cookie *http.Cookie) []securityCase {
	post := func(path, auth, body string, hdr map[string]string, c *http.Cookie) func(*testing.T) *http.Request {
		return func(*testing.T) *http.Request {
			req := httptest.NewRequest("POST", path, strings.NewReader(body))
			req.Header.Set("Content-Type", "application/json")
			if auth != "" {
				req.Header.Set("Authorization", auth)
			}
			for k, v := range hdr {
				req.Header.Set(k, v)
			}
			if c != nil {
				req.AddCookie(c)
			}
			return req
		}
	}
	get := func(path string) func(*testing.T) *http.Request {
		return func(*testing.T) *http.Request { return httptest.NewRequest("GET", path, nil) }
	}
	disclaimers := `{"version":"` + contract.DefaultPolicy().DisclaimerVersion + `","by":"someone@else.test"}`
	return []securityCase{
		{name: "forged by: a named admin sends as someone else", status: http.StatusForbidden,
			req: post("/api/v1/migrations/1001/actions/accept-disclaimers", "Bearer "+anaToken, disclaimers, nil, nil)},
		{name: "CSRF: a cookie session's change from another origin", status: http.StatusForbidden,
			req: post("/api/v1/migrations/1001/cancel", "", `{}`, map[string]string{"Origin": "https://evil.example"}, cookie)},
		{name: "CSRF: a cookie session's change from a cross-site fetch", status: http.StatusForbidden,
			req: post("/api/v1/migrations/1001/cancel", "", `{}`, map[string]string{"Sec-Fetch-Site": "cross-site"}, cookie)},
		{name: "CSRF: a cookie session's start from the Web UI's origin", status: http.StatusForbidden,
			req: post("/api/v1/migrations", "", `{}`, map[string]string{"Origin": "http://127.0.0.1:8233"}, cookie)},
		{name: "forged by: a named token pauses a campaign as someone else", status: http.StatusForbidden,
			req: post("/api/v1/campaigns/wave-1/pause", "Bearer "+anaToken, `{"by":"someone@else.test"}`, nil, nil)},
		{name: "CSRF: a cookie session's campaign control from another origin", status: http.StatusForbidden,
			req: post("/api/v1/campaigns/wave-1/cancel", "", `{}`, map[string]string{"Origin": "https://evil.example"}, cookie)},
		{name: "oversized body", status: http.StatusRequestEntityTooLarge,
			req: post("/api/v1/migrations", "Bearer tok-ops", `{"accountId":"`+strings.Repeat("1", 5000)+`"}`, nil, nil)},
		{name: "stream exhaustion: one principal past api.max_streams_per_principal", status: http.StatusTooManyRequests,
			req: func(t *testing.T) *http.Request {
				e, ok := s.auth.match("tok-viewer")
				if !ok {
					t.Fatal("tok-viewer unknown")
				}
				for i := 0; i < s.streamQuota.max; i++ {
					release, ok := s.streamQuota.acquire(e.principal(false).key())
					if !ok {
						t.Fatalf("slot %d refused", i+1)
					}
					t.Cleanup(release)
				}
				req := httptest.NewRequest("GET", "/api/v1/events", nil)
				req.Header.Set("Authorization", "Bearer tok-viewer")
				return req
			}},
		{name: "codec endpoint without a principal", status: http.StatusUnauthorized,
			req: post(CodecPath+"/decode", "", `{"payloads":[]}`, nil, nil)},
		{name: "codec endpoint: no CORS for another origin", run: codecNoCORSForAnotherOrigin},
		{name: "/metrics is not on the public port", status: http.StatusNotFound, req: get("/metrics")},
		{name: "/readyz is not on the public port", status: http.StatusNotFound, req: get("/readyz")},
	}
}

// ownerLinkCases: the unauthenticated owner-login page takes only links we signed
// and that have not expired; any other gets, byte for byte, the page for a migration
// that does not exist, although 1001 does wait for its owner. A current link for 1001
// goes on to Zendesk, so the rows would see a difference if there were one.
func ownerLinkCases() []securityCase {
	open := func(t *testing.T, s *Server, link string) *httptest.ResponseRecorder {
		rec := httptest.NewRecorder()
		s.Handler().ServeHTTP(rec, httptest.NewRequest("GET", link, nil))
		return rec
	}
	row := func(name string, link func(t *testing.T) string) securityCase {
		return securityCase{name: name, run: func(t *testing.T) {
			s := ownerLoginServer(t, 1000, map[string]starter.Report{
				"1001": ownerReport("1001", contract.ModeExisting, contract.StatusAwaitingOwnerLogin, "Running")})
			if ok := open(t, s, signedLink(t, "1001")); ok.Code != http.StatusFound {
				t.Fatalf("a current link for 1001: %d, want a redirect to Zendesk", ok.Code)
			}
			none := open(t, s, signedLink(t, "1404"))
			got := open(t, s, link(t))
			if got.Code != none.Code || got.Body.String() != none.Body.String() {
				t.Errorf("%d %s\ndiffers from the page for no migration: %d %s", got.Code, got.Body, none.Code, none.Body)
			}
		}}
	}
	wf := contract.WorkflowID("1001")
	return []securityCase{
		row("owner-login link without a signature", func(*testing.T) string { return "/oauth/owner-login?migration=" + wf }),
		row("owner-login link expired", func(t *testing.T) string {
			link, _ := testLinks(t).Link("", wf, time.Now().Add(-73*time.Hour))
			return link
		}),
		row("owner-login link moved to another migration", func(t *testing.T) string {
			return strings.Replace(signedLink(t, "1002"), contract.WorkflowID("1002"), wf, 1)
		}),
		row("owner-login link with its expiry pushed back", func(t *testing.T) string {
			link := signedLink(t, "1001")
			u, _ := url.Parse(link)
			q := u.Query()
			q.Set("exp", fmt.Sprint(time.Now().Add(1000*time.Hour).Unix()))
			u.RawQuery = q.Encode()
			return u.String()
		}),
	}
}

// configCases: the production roles refuse demo secrets and plaintext Temporal beyond
// loopback, and a payload reaches Temporal without the demo emails it carries.
func configCases() []securityCase {
	refused := func(role config.Role, env map[string]string, key string) func(t *testing.T) {
		return func(t *testing.T) {
			isolateConfig(t)
			for k, v := range productionEnv() {
				t.Setenv(config.EnvVar(k), v)
			}
			if _, err := config.Load(config.Options{Role: role}); err != nil {
				t.Fatalf("the good production config is refused: %v", err)
			}
			for k, v := range env {
				t.Setenv(config.EnvVar(k), v)
			}
			_, err := config.Load(config.Options{Role: role})
			if err == nil || !strings.Contains(err.Error(), key) {
				t.Fatalf("err = %v, want a refusal naming %s", err, key)
			}
		}
	}
	return []securityCase{
		{name: "demo secret in production: api with demo-admin", run: refused(config.RoleAPI, map[string]string{"api.admin_tokens": config.DemoAdminToken}, "api.admin_tokens")},
		{name: "demo secret in production: api with the demo OAuth secret", run: refused(config.RoleAPI, map[string]string{"api.oauth_client_secret": config.DemoOAuthClientSecret}, "api.oauth_client_secret")},
		{name: "demo secret in production: worker with the demo partner token", run: refused(config.RoleWorker, map[string]string{"zendesk.partner_token": config.DemoPartnerToken}, "zendesk.partner_token")},
		{name: "weak secret in production: a 16-character ops token", run: refused(config.RoleAPI, map[string]string{"api.ops_tokens": "0123456789abcdef"}, "api.ops_tokens")},
		{name: "plaintext Temporal beyond loopback: worker", run: refused(config.RoleWorker, map[string]string{"temporal.address": "temporal.internal:7233"}, "temporal.allow_insecure")},
		{name: "plaintext Temporal beyond loopback: api", run: refused(config.RoleAPI, map[string]string{"temporal.address": "10.0.0.5:7233"}, "temporal.allow_insecure")},
		{name: "http public URL while listening beyond loopback", run: refused(config.RoleAPI, map[string]string{"api.public_url": "http://sellmigrate.example.com"}, "api.public_url")},
		{name: "a raw payload holds no demo email", run: rawPayloadHoldsNoEmail},
	}
}

// isolateConfig keeps config.Load from reading this machine's settings: no
// SELLMIGRATE_* or TEMPORAL_* variable and no config file but the one the row gives.
func isolateConfig(t *testing.T) {
	t.Helper()
	t.Chdir(t.TempDir())
	for _, kv := range os.Environ() {
		name, _, _ := strings.Cut(kv, "=")
		if strings.HasPrefix(name, "SELLMIGRATE_") || strings.HasPrefix(name, "TEMPORAL_") {
			t.Setenv(name, "")
		}
	}
	t.Setenv("TEMPORAL_CONFIG_FILE", "/dev/null")
}

// productionEnv is a production configuration the gate lets through.
func productionEnv() map[string]string {
	key := func(b byte) string {
		k := make([]byte, 32)
		for i := range k {
			k[i] = b + byte(i)
		}
		return "k1:" + base64.StdEncoding.EncodeToString(k)
	}
	return map[string]string{
		"api.listen":                  "0.0.0.0:8080",
		"api.public_url":              "https://sellmigrate.example.com",
		"api.admin_tokens":            "admin-token-0123456789abcdef0123456789",
		"api.ops_tokens":              "ops-token-0123456789abcdef0123456789ab",
		"api.oauth_client_secret":     "oauth-secret-0123456789abcdef01234567",
		"zendesk.partner_token":       "partner-0123456789abcdef0123456789",
		"zendesk.sell_token_template": "sell-{account_id}",
		"credentials.dsn":             "sqlite:" + "/tmp/sellmigrate-security-table.db",
		"credentials.keys":            key(1),
		"temporal.codec_keys":         key(100),
	}
}

// rawPayloadHoldsNoEmail encodes a start input as every client does (the payload
// codec under the data converter) and reads the bytes Temporal would store.
func rawPayloadHoldsNoEmail(t *testing.T) {
	_, pc := codecServer(t)
	dc := converter.NewCodecDataConverter(converter.GetDefaultDataConverter(), pc)
	in := contract.StartInput{SellAccountID: "1001", Mode: contract.ModeNew, Subdomain: "acme",
		RequestedBy: "admin@acme.test", OwnerEmail: "owner@acme.test"}
	p, err := dc.ToPayload(in)
	if err != nil {
		t.Fatal(err)
	}
	// The metadata says the payload is sealed, and under which key; it is stored in
	// clear, so it must hold no email either.
	md := p.GetMetadata()
	if got := string(md[converter.MetadataEncoding]); got != codec.Encoding {
		t.Errorf("payload encoding %q, want %q", got, codec.Encoding)
	}
	if len(md[codec.MetadataKeyID]) == 0 {
		t.Errorf("the payload names no key (%s)", codec.MetadataKeyID)
	}
	for _, email := range []string{"admin@acme.test", "owner@acme.test"} {
		if bytes.Contains(p.GetData(), []byte(email)) {
			t.Errorf("the stored payload's data holds %s in clear", email)
		}
		for k, v := range md {
			if bytes.Contains(v, []byte(email)) {
				t.Errorf("the payload's metadata %s holds %s", k, email)
			}
		}
	}
	var back contract.StartInput
	if err := dc.FromPayload(p, &back); err != nil || back.RequestedBy != in.RequestedBy {
		t.Errorf("the payload does not decode back: %v %+v", err, back)
	}
}

// codecNoCORSForAnotherOrigin: a viewer's decode from another origin succeeds (the
// token is good) but carries no Access-Control-Allow-Origin, so that origin's page
// cannot read it; the Web UI's origin, the one configured, does get it, which shows
// the server under test allows CORS at all.
func codecNoCORSForAnotherOrigin(t *testing.T) {
	s, pc := codecServer(t)
	body := encryptedBody(t, pc)
	rec := codecCall(s, "POST", CodecPath+"/decode", "https://evil.example", "Bearer tok-viewer", body)
	if rec.Code != http.StatusOK {
		t.Fatalf("a viewer's decode from another origin: %d, want 200: %s", rec.Code, rec.Body)
	}
	if got := rec.Header().Get("Access-Control-Allow-Origin"); got != "" {
		t.Errorf("CORS allowed for another origin: %q", got)
	}
	if ui := codecCall(s, "POST", CodecPath+"/decode", uiOrigin, "Bearer tok-viewer", body); ui.Code != http.StatusOK || ui.Header().Get("Access-Control-Allow-Origin") != uiOrigin {
		t.Errorf("the UI origin's decode: %d, Allow-Origin %q", ui.Code, ui.Header().Get("Access-Control-Allow-Origin"))
	}
}
