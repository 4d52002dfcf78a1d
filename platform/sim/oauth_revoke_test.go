package sim_test

import (
	"net/http"
	"testing"

	"github.com/sellmigrate/sellmigrate/platform/sim"
)

// TestOAuthScopeAndRevokeCurrent: a client may ask for "read write" and then write; a
// read-only token may not, nor revoke itself; DELETE /api/v2/oauth/tokens/current
// revokes the token it is sent with, which is 401 from then on.
func TestOAuthScopeAndRevokeCurrent(t *testing.T) {
	t.Parallel()
	e := start(t, sim.Config{})
	const revoke = "/zendesk/globex/api/v2/oauth/tokens/current"
	rw := redirected(t, e.signIn("globex", authorizeQuery("scope", "read write"), "owner@globex.test", sim.DemoPassword)).Get("code")
	tok := decode[tokenResp](t, e.tokenJSON("globex", tokenRequest(rw)).expect(t, http.StatusOK))
	if tok.Scope != "read write" {
		t.Fatalf("scope %q, want read write", tok.Scope)
	}
	e.do(http.MethodPost, "/zendesk/globex/api/v2/users", map[string]any{"user": map[string]any{"name": "Wanda", "email": "wanda@globex.test"}},
		bearer(tok.AccessToken)...).expect(t, http.StatusCreated)

	readOnly := e.exchange("globex", e.login("globex", "owner@globex.test"))
	e.do(http.MethodPost, "/zendesk/globex/api/v2/users", map[string]any{"user": map[string]any{"name": "Rex", "email": "rex@globex.test"}},
		bearer(readOnly.AccessToken)...).expect(t, http.StatusForbidden)
	e.do(http.MethodDelete, revoke, nil, bearer(readOnly.AccessToken)...).expect(t, http.StatusForbidden)
	e.meEmail("globex", readOnly.AccessToken)

	// An API token is no OAuth token: nothing to revoke.
	e.do(http.MethodDelete, revoke, nil, supportAuth("owner@globex.test")...).expect(t, http.StatusNotFound)
	e.do(http.MethodDelete, revoke, nil).expect(t, http.StatusUnauthorized)

	r := e.do(http.MethodDelete, revoke+".json", nil, bearer(tok.AccessToken)...).expect(t, http.StatusNoContent)
	if len(r.body) != 0 {
		t.Errorf("204 with a body %q", r.body)
	}
	e.do(http.MethodGet, "/zendesk/globex/api/v2/users/me", nil, bearer(tok.AccessToken)...).expect(t, http.StatusUnauthorized)
	e.do(http.MethodDelete, revoke, nil, bearer(tok.AccessToken)...).expect(t, http.StatusUnauthorized)
	// Only that token: the owner's other one still works.
	e.meEmail("globex", readOnly.AccessToken)

	// The owner token account creation hands out is revoked the same way.
	owner := e.createAccount("Acme", "acme", "admin@acme.test", "")
	e.do(http.MethodDelete, "/zendesk/globex/api/v2/oauth/tokens/current", nil, bearer(owner)...).expect(t, http.StatusUnauthorized)
	e.do(http.MethodDelete, "/zendesk/acme/api/v2/oauth/tokens/current", nil, bearer(owner)...).expect(t, http.StatusNoContent)
	e.do(http.MethodGet, "/zendesk/acme/api/v2/users/me", nil, bearer(owner)...).expect(t, http.StatusUnauthorized)
}

// TestSimulatorHeaderOnSignInPages: the pages a person types a password into say they
// are the simulator's; the API does not.
func TestSimulatorHeaderOnSignInPages(t *testing.T) {
	t.Parallel()
	e := start(t, sim.Config{})
	for name, r := range map[string]response{
		"OAuth authorize page": e.authorizePage("globex", authorizeQuery()).expect(t, http.StatusOK),
		"OAuth sign-in retry":  e.signIn("globex", authorizeQuery(), "owner@globex.test", "nope").expect(t, http.StatusOK),
		"account sign-in page": e.do(http.MethodGet, "/zendesk/globex", nil).expect(t, http.StatusOK),
		"account login page":   e.do(http.MethodGet, "/zendesk/globex/access/login", nil).expect(t, http.StatusOK),
	} {
		if got := r.header.Get(sim.SimulatorHeader); got != "1" {
			t.Errorf("%s: %s = %q, want 1", name, sim.SimulatorHeader, got)
		}
	}
	api := e.do(http.MethodGet, "/zendesk/globex/api/v2/users/me", nil, supportAuth("owner@globex.test")...).expect(t, http.StatusOK)
	if api.header.Get(sim.SimulatorHeader) != "" {
		t.Errorf("the API sends %s; only the sign-in pages should", sim.SimulatorHeader)
	}
}
