package sim_test

import (
	"net/http"
	"net/url"
	"strings"
	"testing"

	"github.com/sellmigrate/sellmigrate/platform/sim"
)

// TestOAuthAuthorizationCodeFlow walks Zendesk's authorization-code flow: the sign-in
// page, a wrong password, the redirect with a code, the exchange, the token on the
// Support API, and a replayed code (refused, and its token revoked).
func TestOAuthAuthorizationCodeFlow(t *testing.T) {
	t.Parallel()
	e := start(t, sim.Config{})

	page := e.authorizePage("globex", authorizeQuery()).expect(t, http.StatusOK)
	html := string(page.body)
	for _, want := range []string{"Sign in to Globex", `name="email"`, `name="password"`, ">Sign in</button>",
		`action="/zendesk/globex/oauth/authorizations"`, `value="st-123"`} {
		if !strings.Contains(html, want) {
			t.Errorf("sign-in page lacks %q:\n%s", want, html)
		}
	}
	if ct := page.header.Get("Content-Type"); !strings.HasPrefix(ct, "text/html") {
		t.Errorf("sign-in page Content-Type %q", ct)
	}
	if page.header.Get("X-Frame-Options") != "DENY" || strings.Contains(html, "<script") || strings.Contains(html, "https://") {
		t.Errorf("sign-in page must be unframeable and self-contained")
	}

	wrong := e.signIn("globex", authorizeQuery(), "lee@globex.test", "nope").expect(t, http.StatusOK)
	if !strings.Contains(string(wrong.body), "Invalid email or password.") || !strings.Contains(string(wrong.body), `value="lee@globex.test"`) {
		t.Errorf("wrong password: want the form again with an error and the email kept:\n%s", wrong.body)
	}
	for _, who := range []string{"stranger@globex.test", "owner@initech.test"} {
		r := e.signIn("globex", authorizeQuery(), who, "demo-password").expect(t, http.StatusOK)
		if !strings.Contains(string(r.body), "Invalid email or password.") {
			t.Errorf("%s is no user of globex but was not refused", who)
		}
	}

	// An end-user is an active user of the account, so lee signs in.
	code := e.login("globex", "Lee@Globex.test")
	tok := e.exchange("globex", code)
	if got := e.meEmail("globex", tok.AccessToken); got != "lee@globex.test" {
		t.Errorf("users/me with lee's token = %s", got)
	}
	// The token is bound to its account.
	e.do(http.MethodGet, "/zendesk/initech/api/v2/users/me", nil, bearer(tok.AccessToken)...).expect(t, http.StatusUnauthorized)
	// Scope read allows GETs only.
	e.do(http.MethodGet, "/zendesk/globex/api/v2/account", nil, bearer(tok.AccessToken)...).expect(t, http.StatusOK)
	e.do(http.MethodPut, "/zendesk/globex/api/v2/users/1", map[string]any{"user": map[string]string{"name": "x"}},
		bearer(tok.AccessToken)...).expect(t, http.StatusForbidden)
	e.do(http.MethodDelete, "/zendesk/globex/api/v2/accounts/globex", nil, bearer(tok.AccessToken)...).expect(t, http.StatusForbidden)

	// A code is single-use; presenting it again revokes the token it bought.
	tokenError(t, e.tokenJSON("globex", tokenRequest(code)), http.StatusBadRequest, "invalid_grant")
	e.do(http.MethodGet, "/zendesk/globex/api/v2/users/me", nil, bearer(tok.AccessToken)...).expect(t, http.StatusUnauthorized)

	// The owner, exchanged as a form with the client authenticating by HTTP Basic.
	ownerCode := e.login("globex", "owner@globex.test")
	form := url.Values{"grant_type": {"authorization_code"}, "code": {ownerCode}, "redirect_uri": {testRedirect}}
	req, _ := http.NewRequest(http.MethodPost, e.srv.URL+"/zendesk/globex/oauth/tokens", strings.NewReader(form.Encode()))
	req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
	req.SetBasicAuth("sellmigrate", "demo-oauth-secret")
	ownerTok := decode[tokenResp](t, e.send(req).expect(t, http.StatusOK))
	if got := e.meEmail("globex", ownerTok.AccessToken); got != "owner@globex.test" {
		t.Errorf("users/me with the owner's token = %s", got)
	}
	// Tokens live in SQLite: a restarted simulator still honours them.
	e.stop()
	e2 := start(t, sim.Config{DBPath: e.dbPath})
	if got := e2.meEmail("globex", ownerTok.AccessToken); got != "owner@globex.test" {
		t.Errorf("after restart users/me = %s", got)
	}
}

// TestOAuthAuthorizeRefusals: requests that cannot go back to the client end on a 400
// page; the others go back to the client with an OAuth error.
func TestOAuthAuthorizeRefusals(t *testing.T) {
	t.Parallel()
	e := start(t, sim.Config{OAuthRedirectURLs: []string{testRedirect}})
	for name, c := range map[string]struct {
		sub    string
		q      url.Values
		status int
		want   string
	}{
		"unknown client":        {"globex", authorizeQuery("client_id", "other"), http.StatusBadRequest, "is not registered"},
		"missing client":        {"globex", authorizeQuery("client_id", ""), http.StatusBadRequest, "(missing)"},
		"missing redirect_uri":  {"globex", authorizeQuery("redirect_uri", ""), http.StatusBadRequest, "is missing"},
		"unregistered redirect": {"globex", authorizeQuery("redirect_uri", "http://127.0.0.1:9/elsewhere"), http.StatusBadRequest, "not a redirect URL registered"},
		"relative redirect":     {"globex", authorizeQuery("redirect_uri", "/callback"), http.StatusBadRequest, "absolute"},
		"unknown account":       {"nosuch", authorizeQuery(), http.StatusNotFound, "no Zendesk account"},
	} {
		r := e.authorizePage(c.sub, c.q).expect(t, c.status)
		if !strings.Contains(string(r.body), c.want) || !strings.HasPrefix(r.header.Get("Content-Type"), "text/html") {
			t.Errorf("%s: want an HTML page saying %q, got %s", name, c.want, r.body)
		}
		// The form POST checks the same way, so a forged form cannot skip the checks.
		e.signIn(c.sub, c.q, "owner@globex.test", "demo-password").expect(t, c.status)
	}
	for name, c := range map[string]struct {
		q    url.Values
		want string
	}{
		"implicit grant": {authorizeQuery("response_type", "token"), "unsupported_response_type"},
		"no scope":       {authorizeQuery("scope", ""), "invalid_scope"},
		"unknown scope":  {authorizeQuery("scope", "read everything"), "invalid_scope"},
	} {
		q := redirected(t, e.authorizePage("globex", c.q))
		if q.Get("error") != c.want || q.Get("state") != "st-123" || q.Get("code") != "" {
			t.Errorf("%s: redirect query %v, want error %s with the state", name, q, c.want)
		}
	}
	// Cancel on the form goes back with access_denied.
	form := url.Values{}
	for k, v := range authorizeQuery() {
		form[k] = v
	}
	form.Set("cancel", "1")
	req, _ := http.NewRequest(http.MethodPost, e.srv.URL+"/zendesk/globex/oauth/authorizations", strings.NewReader(form.Encode()))
	req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
	if q := redirected(t, e.send(req)); q.Get("error") != "access_denied" || q.Get("code") != "" {
		t.Errorf("cancel: redirect query %v, want access_denied", q)
	}
	// A resource scope is accepted and normalised.
	q := redirected(t, e.signIn("globex", authorizeQuery("scope", "users:read  users:read"), "owner@globex.test", "demo-password"))
	tr := decode[tokenResp](t, e.tokenJSON("globex", tokenRequest(q.Get("code"))).expect(t, http.StatusOK))
	if tr.Scope != "users:read" {
		t.Errorf("scope %q, want users:read", tr.Scope)
	}
}

// TestOAuthTokenRefusals: the exchange checks the client, the grant type and that the
// code belongs to this client, account and redirect_uri.
func TestOAuthTokenRefusals(t *testing.T) {
	t.Parallel()
	e := start(t, sim.Config{OAuthClientID: "custom", OAuthClientSecret: "s3cret"})
	q := authorizeQuery("client_id", "custom")
	// The default client is not registered when another one is configured.
	e.authorizePage("globex", authorizeQuery()).expect(t, http.StatusBadRequest)
	code := redirected(t, e.signIn("globex", q, "owner@globex.test", "demo-password")).Get("code")
	custom := func(set ...string) map[string]string {
		return tokenRequest(code, append([]string{"client_id", "custom", "client_secret", "s3cret"}, set...)...)
	}

	tokenError(t, e.tokenJSON("globex", custom("client_secret", "wrong")), http.StatusUnauthorized, "invalid_client")
	tokenError(t, e.tokenJSON("globex", tokenRequest(code)), http.StatusUnauthorized, "invalid_client")
	tokenError(t, e.tokenJSON("globex", custom("grant_type", "password")), http.StatusBadRequest, "unsupported_grant_type")
	tokenError(t, e.tokenJSON("globex", custom("code", "")), http.StatusBadRequest, "invalid_request")
	tokenError(t, e.tokenJSON("globex", custom("code", "not-a-code")), http.StatusBadRequest, "invalid_grant")
	tokenError(t, e.tokenJSON("globex", custom("redirect_uri", "http://127.0.0.1:9/other")), http.StatusBadRequest, "invalid_grant")
	tokenError(t, e.tokenJSON("initech", custom()), http.StatusBadRequest, "invalid_grant")
	req, _ := http.NewRequest(http.MethodPost, e.srv.URL+"/zendesk/globex/oauth/tokens", strings.NewReader("code="+code))
	req.Header.Set("Content-Type", "text/plain")
	tokenError(t, e.send(req), http.StatusBadRequest, "invalid_request")
	e.tokenJSON("nosuch", custom()).expect(t, http.StatusNotFound)

	// None of those refusals spent the code: the right request still redeems it.
	tr := decode[tokenResp](t, e.tokenJSON("globex", custom()).expect(t, http.StatusOK))
	if got := e.meEmail("globex", tr.AccessToken); got != "owner@globex.test" {
		t.Errorf("users/me = %s", got)
	}
}
