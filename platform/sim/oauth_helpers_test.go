package sim_test

import (
	"bytes"
	"encoding/json"
	"io"
	"net/http"
	"net/url"
	"strings"
	"testing"
)

// The OAuth tests play the browser and the client application with one http.Client
// that never follows redirects, so each hop can be checked.

const testRedirect = "http://127.0.0.1:9/oauth/callback?from=test"

// noFollow is a client that reports redirects instead of following them.
func (e *env) noFollow() *http.Client {
	c := *e.srv.Client()
	c.CheckRedirect = func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse }
	return &c
}

func (e *env) send(req *http.Request) response {
	e.t.Helper()
	resp, err := e.noFollow().Do(req)
	if err != nil {
		e.t.Fatalf("%s %s: %v", req.Method, req.URL, err)
	}
	defer resp.Body.Close()
	b, err := io.ReadAll(resp.Body)
	if err != nil {
		e.t.Fatalf("read %s %s: %v", req.Method, req.URL, err)
	}
	return response{status: resp.StatusCode, header: resp.Header, body: b}
}

// authorizeQuery is a well-formed authorization request; override fields with set.
func authorizeQuery(set ...string) url.Values {
	q := url.Values{
		"response_type": {"code"}, "client_id": {"sellmigrate"}, "redirect_uri": {testRedirect},
		"scope": {"read"}, "state": {"st-123"},
	}
	for i := 0; i+1 < len(set); i += 2 {
		if set[i+1] == "" {
			q.Del(set[i])
		} else {
			q.Set(set[i], set[i+1])
		}
	}
	return q
}

// authorizePage GETs the sign-in page.
func (e *env) authorizePage(subdomain string, q url.Values) response {
	e.t.Helper()
	req, _ := http.NewRequest(http.MethodGet, e.srv.URL+"/zendesk/"+subdomain+"/oauth/authorizations/new?"+q.Encode(), nil)
	return e.send(req)
}

// signIn submits the sign-in form as a browser would (the hidden fields echo q).
func (e *env) signIn(subdomain string, q url.Values, email, password string) response {
	e.t.Helper()
	form := url.Values{}
	for k, v := range q {
		form[k] = v
	}
	form.Set("email", email)
	form.Set("password", password)
	req, _ := http.NewRequest(http.MethodPost, e.srv.URL+"/zendesk/"+subdomain+"/oauth/authorizations", strings.NewReader(form.Encode()))
	req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
	return e.send(req)
}

// redirected checks a 302 to the test redirect URL and returns its query.
func redirected(t *testing.T, r response) url.Values {
	t.Helper()
	r.expect(t, http.StatusFound)
	loc, err := url.Parse(r.header.Get("Location"))
	if err != nil || !strings.HasPrefix(loc.String(), "http://127.0.0.1:9/oauth/callback?") {
		t.Fatalf("Location %q, want the redirect_uri", r.header.Get("Location"))
	}
	q := loc.Query()
	if q.Get("from") != "test" {
		t.Errorf("redirect dropped the redirect_uri's own query: %s", loc)
	}
	return q
}

// login signs a user in and returns the code.
func (e *env) login(subdomain, email string) string {
	e.t.Helper()
	q := redirected(e.t, e.signIn(subdomain, authorizeQuery(), email, "demo-password"))
	if q.Get("state") != "st-123" || len(q.Get("code")) < 32 {
		e.t.Fatalf("redirect query %v, want the state back and a code", q)
	}
	return q.Get("code")
}

// tokenJSON posts a JSON token request.
func (e *env) tokenJSON(subdomain string, body map[string]string) response {
	e.t.Helper()
	b, _ := json.Marshal(body)
	req, _ := http.NewRequest(http.MethodPost, e.srv.URL+"/zendesk/"+subdomain+"/oauth/tokens", bytes.NewReader(b))
	req.Header.Set("Content-Type", "application/json")
	return e.send(req)
}

// tokenRequest is the client application's exchange of code.
func tokenRequest(code string, set ...string) map[string]string {
	m := map[string]string{
		"grant_type": "authorization_code", "code": code, "client_id": "sellmigrate",
		"client_secret": "demo-oauth-secret", "redirect_uri": testRedirect, "scope": "read",
	}
	for i := 0; i+1 < len(set); i += 2 {
		m[set[i]] = set[i+1]
	}
	return m
}

type tokenResp struct {
	AccessToken string `json:"access_token"`
	TokenType   string `json:"token_type"`
	Scope       string `json:"scope"`
	Error       string `json:"error"`
	Description string `json:"error_description"`
}

// exchange trades a code for a token, which must succeed.
func (e *env) exchange(subdomain, code string) tokenResp {
	e.t.Helper()
	tr := decode[tokenResp](e.t, e.tokenJSON(subdomain, tokenRequest(code)).expect(e.t, http.StatusOK))
	if tr.AccessToken == "" || tr.TokenType != "bearer" || tr.Scope != "read" {
		e.t.Fatalf("token response %+v, want a bearer token with scope read", tr)
	}
	return tr
}

// tokenError expects an OAuth error response.
func tokenError(t *testing.T, r response, status int, code string) {
	t.Helper()
	tr := decode[tokenResp](t, r.expect(t, status))
	if tr.Error != code || tr.Description == "" || tr.AccessToken != "" {
		t.Errorf("token error %+v, want %s with a description", tr, code)
	}
	if r.header.Get("Cache-Control") != "no-store" {
		t.Errorf("token error without Cache-Control: no-store")
	}
}

func bearer(token string) []string { return []string{"Authorization", "Bearer " + token} }

// meEmail reads users/me with a bearer token.
func (e *env) meEmail(subdomain, token string) string {
	e.t.Helper()
	return decode[struct {
		User user `json:"user"`
	}](e.t, e.do(http.MethodGet, "/zendesk/"+subdomain+"/api/v2/users/me", nil, bearer(token)...).expect(e.t, http.StatusOK)).User.Email
}
