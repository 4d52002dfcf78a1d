package sim_test

import (
	"net/http"
	"testing"

	"github.com/sellmigrate/sellmigrate/platform/sim"
)

// TestRestartKeepsState: a second simulator on the same file sees every change and
// does not seed the demo data again.
func TestRestartKeepsState(t *testing.T) {
	t.Parallel()
	e := start(t, sim.Config{})
	owner := e.createAccount("Acme", "acme", "admin@acme.test", "k")
	e.do(http.MethodPost, "/sell/v2/accounts/self/zendesk_link", linkReq("acme"), sellAuth(1001)...).expect(t, http.StatusOK)
	if err := e.sim.AssignSellLicense(t.Context(), 1003, "Bill Lumbergh", "owner@initech.test"); err != nil {
		t.Fatal(err)
	}
	before, err := e.sim.Ledger(t.Context())
	if err != nil {
		t.Fatal(err)
	}
	e.stop()

	e2 := start(t, sim.Config{DBPath: e.dbPath})
	after, err := e2.sim.Ledger(t.Context())
	if err != nil {
		t.Fatal(err)
	}
	if len(after) != len(before) || len(after) != 2 || after[1] != before[1] {
		t.Fatalf("ledger after restart %+v, want %+v", after, before)
	}
	// The idempotency key survives: the replay creates nothing.
	// The idempotency key survives: the replay creates nothing and hands out the same
	// owner token, which still works.
	replay := decode[createdBody](t, e2.do(http.MethodPost, "/zendesk/www/api/v2/accounts", newAccount("Acme", "acme", "admin@acme.test"),
		append(partnerAuth(), "Idempotency-Key", "k")...).expect(t, http.StatusCreated))
	if replay.OwnerToken.AccessToken != owner {
		t.Fatalf("replayed owner token differs from the first")
	}
	if got := e2.meEmail("acme", owner); got != "admin@acme.test" {
		t.Fatalf("owner token after restart acts as %q", got)
	}
	acct := decode[struct {
		Data struct {
			Subdomain *string `json:"subdomain"`
		} `json:"data"`
	}](t, e2.do(http.MethodGet, "/sell/v2/accounts/self", nil, sellAuth(1001)...).expect(t, http.StatusOK))
	if acct.Data.Subdomain == nil || *acct.Data.Subdomain != "acme" {
		t.Fatalf("acme link lost on restart: %v", acct.Data.Subdomain)
	}
	e2.do(http.MethodGet, "/zendesk/acme/api/v2/users/me", nil, supportAuth("admin@acme.test")...).expect(t, http.StatusOK)
	initech := decode[sellUserItems](t, e2.do(http.MethodGet, "/sell/v2/users?email=owner@initech.test", nil, sellAuth(1003)...).
		expect(t, http.StatusOK))
	if len(initech.Items) != 1 {
		t.Fatal("Sell license lost on restart")
	}
	// Not seeded twice: Hooli still has exactly 2,500 Sell users.
	noDuplicates(t, "hooli after restart", walkSell(t, e2), 2500)
	if c := e2.ledgerCounts(); c["account_created"] != 1 || c["account_linked"] != 1 {
		t.Fatalf("ledger counts after restart and replay %v", c)
	}
}
