package api

import (
	"fmt"
	"io"
	"net/http"
	"net/http/cookiejar"
	"net/http/httptest"
	"net/url"
	"strings"
	"testing"

	"go.uber.org/zap"
	"go.uber.org/zap/zaptest/observer"
	"golang.org/x/oauth2"

	"github.com/sellmigrate/sellmigrate/platform/sim/staffidp"
)

// staffRig is the dev provider and the API, in process, as dev runs them: the
// provider under /_oidc of its own server, the API with it as its OIDC issuer.
type staffRig struct {
	api, idp *httptest.Server
	s        *Server
	// logs holds the API's info lines, the audit trail among them.
	logs *observer.ObservedLogs
}

func newStaffRig(t *testing.T) *staffRig {
	t.Helper()
	var idpHandler, apiHandler http.Handler
	rig := &staffRig{
		idp: httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) { idpHandler.ServeHTTP(w, r) })),
		api: httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) { apiHandler.ServeHTTP(w, r) })),
	}
	t.Cleanup(rig.idp.Close)
	t.Cleanup(rig.api.Close)
	users := append(staffidp.DemoUsers(), staffidp.User{ID: "staff-none", Email: "nobody@example.test", Name: "No Role", Password: staffidp.DemoPassword})
	h, err := staffidp.New(staffidp.Options{Issuer: rig.idp.URL + "/_oidc", ClientID: "sellmigrate",
		RedirectURIs: []string{rig.api.URL + "/auth/callback"}, RoleClaim: "sellmigrate_role", Users: users})
	if err != nil {
		t.Fatal(err)
	}
	idpHandler = http.StripPrefix("/_oidc", h)
	core, logs := observer.New(zap.InfoLevel)
	rig.logs = logs
	rig.s = testServerWith(t, func(o *Options) {
		o.Logger = zap.New(core)
		o.PublicURL = rig.api.URL
		o.OIDC = OIDCOptions{Issuer: rig.idp.URL + "/_oidc", ClientID: "sellmigrate", RoleClaim: "sellmigrate_role"}
	})
	apiHandler = rig.s.Handler()
	return rig
}

// browser is a cookie-keeping client that stops before the API's callback, so a test
// can look at (or tamper with) what the provider sends back.
func browser(t *testing.T) *http.Client {
	jar, err := cookiejar.New(nil)
	if err != nil {
		t.Fatal(err)
	}
	return &http.Client{Jar: jar, CheckRedirect: func(req *http.Request, _ []*http.Request) error {
		if req.URL.Path == staffCallback || req.URL.Path == "/" {
			return http.ErrUseLastResponse
		}
		return nil
	}}
}

// signInAtProvider begins a sign-in at the API, fills the provider's form and returns
// the callback URL the provider sends the browser back to.
func (rig *staffRig) signInAtProvider(t *testing.T, b *http.Client, email string) *url.URL {
	t.Helper()
	resp, err := b.Get(rig.api.URL + staffLoginPath)
	if err != nil {
		t.Fatal(err)
	}
	body, _ := io.ReadAll(resp.Body)
	resp.Body.Close()
	first := resp.Request.URL
	if resp.StatusCode != 200 || !strings.Contains(string(body), `name="password"`) {
		t.Fatalf("the sign-in form: %d at %s\n%s", resp.StatusCode, first, body)
	}
	id := first.Query().Get("authRequestID")
	resp, err = b.PostForm(rig.idp.URL+"/_oidc/login", url.Values{"authRequestID": {id}, "email": {email}, "password": {staffidp.DemoPassword}})
	if err != nil {
		t.Fatal(err)
	}
	resp.Body.Close()
	loc, err := resp.Location()
	if resp.StatusCode != http.StatusFound || err != nil || loc.Path != staffCallback {
		t.Fatalf("after the form: %d, Location %v (%v); want a redirect to the API's callback", resp.StatusCode, loc, err)
	}
	return loc
}

func browse(t *testing.T, b *http.Client, u string) (*http.Response, string) {
	t.Helper()
	resp, err := b.Get(u)
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	body, _ := io.ReadAll(resp.Body)
	return resp, string(body)
}

func sessionOf(resp *http.Response) *http.Cookie {
	for _, c := range resp.Cookies() {
		if c.Name == SessionCookie && c.Value != "" {
			return c
		}
	}
	return nil
}

// TestStaffSignInCodeFlow: the full code flow with PKCE ends with a session for the
// right person and role, whose sends are stamped with their email.
func TestStaffSignInCodeFlow(t *testing.T) {
	rig := newStaffRig(t)
	for _, tc := range []struct{ email, role, name string }{
		{"viewer@example.test", "viewer", "Vera Viewer"},
		{"ops@example.test", "ops", "Oscar Ops"},
		{"admin@example.test", "admin", "Ada Admin"},
	} {
		b := browser(t)
		cb := rig.signInAtProvider(t, b, tc.email)
		if cb.Query().Get("code") == "" || cb.Query().Get("state") == "" {
			t.Fatalf("callback %s lacks code or state", cb)
		}
		resp, body := browse(t, b, cb.String())
		c := sessionOf(resp)
		if resp.StatusCode != http.StatusSeeOther || resp.Header.Get("Location") != "/" || c == nil || !c.HttpOnly || c.SameSite != http.SameSiteStrictMode {
			t.Fatalf("%s: callback answered %d to %q, session %+v\n%s", tc.email, resp.StatusCode, resp.Header.Get("Location"), c, body)
		}
		rec, m := call(t, rig.s, "GET", "/api/v1/me", "", "", "", c)
		if rec.Code != 200 || m["role"] != tc.role || m["email"] != tc.email || m["name"] != tc.name {
			t.Errorf("%s: me = %d %v", tc.email, rec.Code, m)
		}
		// Signing out ends it.
		call(t, rig.s, "DELETE", "/api/v1/session", "", "", "", c)
		if rec, _ := call(t, rig.s, "GET", "/api/v1/me", "", "", "", c); rec.Code != 401 {
			t.Errorf("%s: after sign-out, me = %d", tc.email, rec.Code)
		}
	}
	// The audit trail names each person who signed in and out.
	var trail []string
	for _, e := range rig.logs.FilterMessage("audit").All() {
		f := e.ContextMap()
		trail = append(trail, fmt.Sprint(f["action"], " ", f["principalEmail"], " ", f["role"], " ", f["outcome"]))
	}
	want := []string{
		"sign-in viewer@example.test viewer ok", "sign-out viewer@example.test viewer ok",
		"sign-in ops@example.test ops ok", "sign-out ops@example.test ops ok",
		"sign-in admin@example.test admin ok", "sign-out admin@example.test admin ok",
	}
	if strings.Join(trail, "; ") != strings.Join(want, "; ") {
		t.Errorf("audit trail:\n%s\nwant:\n%s", strings.Join(trail, "\n"), strings.Join(want, "\n"))
	}
}

// TestStaffSignInLoginRedirect: the API sends the browser with PKCE (S256), a nonce
// and a state bound to a cookie on the callback path.
func TestStaffSignInLoginRedirect(t *testing.T) {
	rig := newStaffRig(t)
	b := &http.Client{CheckRedirect: func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse }}
	resp, _ := browse(t, b, rig.api.URL+staffLoginPath)
	loc, err := resp.Location()
	if resp.StatusCode != http.StatusFound || err != nil {
		t.Fatalf("login: %d %v", resp.StatusCode, err)
	}
	q := loc.Query()
	if q.Get("code_challenge_method") != "S256" || q.Get("code_challenge") == "" || q.Get("nonce") == "" || q.Get("state") == "" ||
		q.Get("redirect_uri") != rig.api.URL+staffCallback || q.Get("response_type") != "code" {
		t.Errorf("authorize URL %s lacks PKCE, nonce, state or the redirect", loc)
	}
	var state *http.Cookie
	for _, c := range resp.Cookies() {
		if c.Name == staffStateCookie {
			state = c
		}
	}
	if state == nil || state.Path != staffCallback || !state.HttpOnly || state.SameSite != http.SameSiteLaxMode {
		t.Fatalf("state cookie %+v", state)
	}
	// The cookie seals the state, nonce and verifier the redirect's parameters were
	// made from, and shows none of them.
	ls, err := rig.s.staff.sealer.open(state.Value)
	if err != nil || ls.ID != q.Get("state") || ls.Nonce != q.Get("nonce") || oauth2.S256ChallengeFromVerifier(ls.Verifier) != q.Get("code_challenge") {
		t.Errorf("sealed state %+v (%v) does not match the authorize URL %s", ls, err, loc)
	}
	for _, v := range []string{ls.ID, ls.Nonce, ls.Verifier} {
		if strings.Contains(state.Value, v) {
			t.Errorf("the state cookie shows %q in clear", v)
		}
	}
	rec, m := call(t, rig.s, "GET", "/api/v1/session", "", "", "")
	if rec.Code != 200 || m["oidc"] != true || m["loginUrl"] != staffLoginPath {
		t.Errorf("sign-in options: %d %v", rec.Code, m)
	}
}

// TestStaffSignInRefusals: a wrong state, a state from another browser, a replayed
// callback or code, and a person without a role get no session.
func TestStaffSignInRefusals(t *testing.T) {
	rig := newStaffRig(t)

	t.Run("wrong state", func(t *testing.T) {
		b := browser(t)
		cb := rig.signInAtProvider(t, b, "ops@example.test")
		q := cb.Query()
		q.Set("state", q.Get("state")+"x")
		cb.RawQuery = q.Encode()
		resp, body := browse(t, b, cb.String())
		if resp.StatusCode != 400 || sessionOf(resp) != nil || !strings.Contains(body, "not begun here") {
			t.Errorf("%d %v\n%s", resp.StatusCode, sessionOf(resp), body)
		}
	})
	t.Run("another browser's callback", func(t *testing.T) {
		cb := rig.signInAtProvider(t, browser(t), "admin@example.test")
		resp, _ := browse(t, browser(t), cb.String())
		if resp.StatusCode != 400 || sessionOf(resp) != nil {
			t.Errorf("%d %v", resp.StatusCode, sessionOf(resp))
		}
	})
	t.Run("replayed code", func(t *testing.T) {
		b := browser(t)
		cb := rig.signInAtProvider(t, b, "ops@example.test")
		if resp, _ := browse(t, b, cb.String()); resp.StatusCode != http.StatusSeeOther {
			t.Fatalf("first use: %d", resp.StatusCode)
		}
		// The same callback again: its state was used.
		if resp, _ := browse(t, b, cb.String()); resp.StatusCode != 400 || sessionOf(resp) != nil {
			t.Errorf("replayed callback: %d %v", resp.StatusCode, sessionOf(resp))
		}
		// The used code under a fresh, valid state: the provider refuses the code.
		fresh := rig.signInAtProvider(t, b, "ops@example.test")
		q := fresh.Query()
		q.Set("code", cb.Query().Get("code"))
		fresh.RawQuery = q.Encode()
		if resp, body := browse(t, b, fresh.String()); resp.StatusCode != http.StatusBadGateway || sessionOf(resp) != nil {
			t.Errorf("replayed code: %d %v\n%s", resp.StatusCode, sessionOf(resp), body)
		}
	})
	// What the sealed state holds from the start of the sign-in is what the answer must
	// match: another PKCE verifier fails the exchange, another nonce the ID token. (The
	// test reseals with the server's key, which no browser has.)
	for name, tc := range map[string]struct {
		change func(*loginState)
		status int
	}{
		"wrong PKCE verifier": {func(p *loginState) { p.Verifier = strings.Repeat("v", 43) }, http.StatusBadGateway},
		"wrong nonce":         {func(p *loginState) { p.Nonce += "x" }, http.StatusUnauthorized},
	} {
		t.Run(name, func(t *testing.T) {
			b := browser(t)
			cb := rig.signInAtProvider(t, b, "admin@example.test")
			c := stateCookie(t, b, cb)
			ls, err := rig.s.staff.sealer.open(c.Value)
			if err != nil {
				t.Fatal(err)
			}
			tc.change(&ls)
			if c.Value, err = rig.s.staff.sealer.seal(ls); err != nil {
				t.Fatal(err)
			}
			b.Jar.SetCookies(cb, []*http.Cookie{{Name: staffStateCookie, Value: c.Value, Path: staffCallback}})
			if resp, body := browse(t, b, cb.String()); resp.StatusCode != tc.status || sessionOf(resp) != nil {
				t.Errorf("%d %v, want %d\n%s", resp.StatusCode, sessionOf(resp), tc.status, body)
			}
		})
	}
	t.Run("no role claim", func(t *testing.T) {
		b := browser(t)
		cb := rig.signInAtProvider(t, b, "nobody@example.test")
		resp, body := browse(t, b, cb.String())
		if resp.StatusCode != 403 || sessionOf(resp) != nil || !strings.Contains(body, "no sellmigrate role") || !strings.Contains(body, "sellmigrate_role") {
			t.Errorf("%d %v\n%s", resp.StatusCode, sessionOf(resp), body)
		}
	})
	t.Run("provider error", func(t *testing.T) {
		b := browser(t)
		cb := rig.signInAtProvider(t, b, "ops@example.test")
		q := cb.Query()
		q.Del("code")
		q.Set("error", "access_denied")
		cb.RawQuery = q.Encode()
		if resp, _ := browse(t, b, cb.String()); resp.StatusCode != 401 || sessionOf(resp) != nil {
			t.Errorf("%d %v", resp.StatusCode, sessionOf(resp))
		}
	})
}

// TestStaffSignInOff: without an issuer the routes say so and the options say no.
func TestStaffSignInOff(t *testing.T) {
	s := testServer(t)
	rec, m := call(t, s, "GET", "/api/v1/session", "", "", "")
	if rec.Code != 200 || m["oidc"] != false {
		t.Errorf("options: %d %v", rec.Code, m)
	}
	req := httptest.NewRequest("GET", staffLoginPath, nil)
	rr := httptest.NewRecorder()
	s.Handler().ServeHTTP(rr, req)
	if rr.Code != 404 || !strings.Contains(rr.Body.String(), "api.oidc_issuer") {
		t.Errorf("login without OIDC: %d %s", rr.Code, rr.Body)
	}
}

func TestRoleFromClaim(t *testing.T) {
	for _, tc := range []struct {
		v    any
		want Role
		ok   bool
	}{
		{"ops", RoleOps, true}, {[]any{"viewer", "admin", "x"}, RoleAdmin, true}, {[]any{"staff"}, rolePublic, false},
		{nil, rolePublic, false}, {"Admin", rolePublic, false}, {42.0, rolePublic, false},
	} {
		if got, ok := roleFromClaim(tc.v); got != tc.want || ok != tc.ok {
			t.Errorf("roleFromClaim(%v) = %v, %v", tc.v, got, ok)
		}
	}
}

// stateCookie is the sign-in state cookie the browser holds for the callback.
func stateCookie(t *testing.T, b *http.Client, cb *url.URL) *http.Cookie {
	t.Helper()
	for _, c := range b.Jar.Cookies(cb) {
		if c.Name == staffStateCookie {
			return c
		}
	}
	t.Fatal("the browser holds no sign-in state cookie")
	return nil
}
