package sim_test

import (
	"net/http"
	"testing"

	"github.com/sellmigrate/sellmigrate/platform/sim"
)

// TestAPITokensArePerAccount: an account's API token acts as any active user of THAT
// account and is refused on every other; a token added later works like a seeded one.
func TestAPITokensArePerAccount(t *testing.T) {
	t.Parallel()
	e := start(t, sim.Config{})
	globex, initech := sim.DemoAPIToken("globex"), sim.DemoAPIToken("initech")
	e.do(http.MethodGet, "/zendesk/globex/api/v2/users/me", nil, tokenAuth("owner@globex.test", globex)...).expect(t, http.StatusOK)
	e.do(http.MethodGet, "/zendesk/initech/api/v2/users/me", nil, tokenAuth("owner@initech.test", initech)...).expect(t, http.StatusOK)
	// A's token on B, with B's own owner: refused.
	e.do(http.MethodGet, "/zendesk/initech/api/v2/users/me", nil, tokenAuth("owner@initech.test", globex)...).expect(t, http.StatusUnauthorized)
	e.do(http.MethodGet, "/zendesk/globex/api/v2/users/me", nil, tokenAuth("owner@globex.test", initech)...).expect(t, http.StatusUnauthorized)

	const extra = "extra-token-of-initech"
	e.do(http.MethodGet, "/zendesk/initech/api/v2/users/me", nil, tokenAuth("owner@initech.test", extra)...).expect(t, http.StatusUnauthorized)
	if err := e.sim.AddAPIToken(t.Context(), "initech", extra); err != nil {
		t.Fatal(err)
	}
	e.do(http.MethodGet, "/zendesk/initech/api/v2/users/me", nil, tokenAuth("owner@initech.test", extra)...).expect(t, http.StatusOK)
	e.do(http.MethodGet, "/zendesk/globex/api/v2/users/me", nil, tokenAuth("owner@globex.test", extra)...).expect(t, http.StatusUnauthorized)

	if err := e.sim.AddAPIToken(t.Context(), "nosuch", "x"); err == nil {
		t.Error("AddAPIToken on an unknown subdomain succeeded")
	}
	if err := e.sim.AddAPIToken(t.Context(), "globex", "has space"); err == nil {
		t.Error("AddAPIToken took a token with a space")
	}
}

// TestAPITokenRefusesSuspendedUser: the account's own token does not let a suspended
// agent in, while the account's active users still get in with it.
func TestAPITokenRefusesSuspendedUser(t *testing.T) {
	t.Parallel()
	e := start(t, sim.Config{})
	added, err := e.sim.AddAccount(t.Context(), sim.AccountSpec{SellAccountID: 4401, Name: "Susp", Users: 2,
		ExistingSupport: &sim.ExistingSupportSpec{Subdomain: "susp", OwnerEmail: "owner@susp.test", SuspendedAgents: 1}})
	if err != nil {
		t.Fatal(err)
	}
	if added.SupportAPIToken != sim.DemoAPIToken("susp") {
		t.Fatalf("AddAccount's SupportAPIToken = %q, want %q", added.SupportAPIToken, sim.DemoAPIToken("susp"))
	}
	e.do(http.MethodGet, "/zendesk/susp/api/v2/users/me", nil, tokenAuth("owner@susp.test", added.SupportAPIToken)...).expect(t, http.StatusOK)
	e.do(http.MethodGet, "/zendesk/susp/api/v2/users/me", nil, tokenAuth("user0001@susp.test", added.SupportAPIToken)...).
		expect(t, http.StatusUnauthorized)
}

// TestBenchAccountsHaveDemoTokens: AddBenchAccounts' accounts take their own demo token.
func TestBenchAccountsHaveDemoTokens(t *testing.T) {
	t.Parallel()
	e := start(t, sim.Config{})
	if err := e.sim.AddBenchAccounts(t.Context(), sim.BenchAccounts{FirstID: 700000, Count: 2}); err != nil {
		t.Fatal(err)
	}
	sub := sim.BenchSubdomain(700000)
	e.do(http.MethodGet, "/zendesk/"+sub+"/api/v2/users/me", nil, tokenAuth(sim.BenchOwnerEmail(700000), sim.DemoAPIToken(sub))...).
		expect(t, http.StatusOK)
	e.do(http.MethodGet, "/zendesk/"+sub+"/api/v2/users/me", nil,
		tokenAuth(sim.BenchOwnerEmail(700000), sim.DemoAPIToken(sim.BenchSubdomain(700001)))...).expect(t, http.StatusUnauthorized)
}

// TestSimControlAddsDemoAPIToken: POST /_sim/accounts/{subdomain}/api_tokens gives an
// account a migration created its demo API token, once.
func TestSimControlAddsDemoAPIToken(t *testing.T) {
	t.Parallel()
	e := start(t, sim.Config{})
	e.do(http.MethodPost, "/zendesk/www/api/v2/accounts", newAccount("Acme", "acme", "admin@acme.test"), partnerAuth()...).
		expect(t, http.StatusCreated)
	e.do(http.MethodGet, "/zendesk/acme/api/v2/users/me", nil, supportAuth("admin@acme.test")...).expect(t, http.StatusUnauthorized)
	got := decode[map[string]string](t, e.do(http.MethodPost, "/_sim/accounts/acme/api_tokens", nil).expect(t, http.StatusCreated))
	if got["token"] != sim.DemoAPIToken("acme") || got["subdomain"] != "acme" {
		t.Fatalf("answer %v", got)
	}
	e.do(http.MethodGet, "/zendesk/acme/api/v2/users/me", nil, supportAuth("admin@acme.test")...).expect(t, http.StatusOK)
	e.do(http.MethodPost, "/_sim/accounts/acme/api_tokens", nil).expect(t, http.StatusOK)
	e.do(http.MethodPost, "/_sim/accounts/nosuch/api_tokens", nil).expect(t, http.StatusNotFound)
}
