package sim_test

import (
	"crypto/sha256"
	"encoding/base64"
	"net/http"
	"net/url"
	"strings"
	"testing"

	"github.com/sellmigrate/sellmigrate/platform/sim"
)

const testVerifier = "dBjftJeZ4CVP-mB92K27uhbUJU1p1r_wW1gFWFOEjXk-0123456789"

func s256(verifier string) string {
	sum := sha256.Sum256([]byte(verifier))
	return base64.RawURLEncoding.EncodeToString(sum[:])
}

// TestOAuthPKCE: a code issued for a code_challenge is exchanged only with the
// matching code_verifier (the sign-in form carries the challenge through), and a code
// issued without one still needs none.
func TestOAuthPKCE(t *testing.T) {
	t.Parallel()
	e := start(t, sim.Config{})
	q := authorizeQuery("code_challenge", s256(testVerifier), "code_challenge_method", "S256")
	page := string(e.authorizePage("globex", q).expect(t, http.StatusOK).body)
	if !strings.Contains(page, `name="code_challenge" value="`+s256(testVerifier)+`"`) || !strings.Contains(page, `name="code_challenge_method" value="S256"`) {
		t.Errorf("the sign-in form does not carry the challenge:\n%s", page)
	}
	code := redirected(t, e.signIn("globex", q, "owner@globex.test", "demo-password")).Get("code")

	tokenError(t, e.tokenJSON("globex", tokenRequest(code)), http.StatusBadRequest, "invalid_grant")
	tokenError(t, e.tokenJSON("globex", tokenRequest(code, "code_verifier", testVerifier+"x")), http.StatusBadRequest, "invalid_grant")
	tokenError(t, e.tokenJSON("globex", tokenRequest(code, "code_verifier", s256(testVerifier))), http.StatusBadRequest, "invalid_grant")
	tokenError(t, e.tokenJSON("globex", tokenRequest(code, "code_verifier", "short")), http.StatusBadRequest, "invalid_grant")

	// The form body takes code_verifier too.
	form := url.Values{}
	for k, v := range tokenRequest(code, "code_verifier", testVerifier) {
		form.Set(k, v)
	}
	req, _ := http.NewRequest(http.MethodPost, e.srv.URL+"/zendesk/globex/oauth/tokens", strings.NewReader(form.Encode()))
	req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
	tr := decode[tokenResp](t, e.send(req).expect(t, http.StatusOK))
	if got := e.meEmail("globex", tr.AccessToken); got != "owner@globex.test" {
		t.Errorf("users/me = %s", got)
	}

	// Without PKCE the flow is as before, a verifier sent anyway notwithstanding.
	plain := e.login("globex", "owner@globex.test")
	decode[tokenResp](t, e.tokenJSON("globex", tokenRequest(plain, "code_verifier", testVerifier)).expect(t, http.StatusOK))
}

func TestOAuthPKCEAuthorizeRefusals(t *testing.T) {
	t.Parallel()
	e := start(t, sim.Config{})
	for name, q := range map[string]url.Values{
		"plain method":         authorizeQuery("code_challenge", testVerifier[:43], "code_challenge_method", "plain"),
		"method left out":      authorizeQuery("code_challenge", s256(testVerifier)),
		"method alone":         authorizeQuery("code_challenge_method", "S256"),
		"challenge not a S256": authorizeQuery("code_challenge", "abc", "code_challenge_method", "S256"),
	} {
		got := redirected(t, e.authorizePage("globex", q))
		if got.Get("error") != "invalid_request" || got.Get("state") != "st-123" || got.Get("code") != "" {
			t.Errorf("%s: redirect query %v, want invalid_request with the state", name, got)
		}
		if got := redirected(t, e.signIn("globex", q, "owner@globex.test", "demo-password")); got.Get("code") != "" {
			t.Errorf("%s: the form POST issued a code", name)
		}
	}
}
