package sim_test

import (
	"net/http"
	"testing"

	"github.com/sellmigrate/sellmigrate/platform/sim"
)

// TestAssignSellLicense: Initech's Zendesk owner has no Sell license until an admin
// assigns one; assigning twice is harmless.
func TestAssignSellLicense(t *testing.T) {
	t.Parallel()
	e := start(t, sim.Config{})
	lookup := func(email string) sellUserItems {
		return decode[sellUserItems](t, e.do(http.MethodGet, "/sell/v2/users?email="+email, nil, sellAuth(1003)...).
			expect(t, http.StatusOK))
	}
	if got := lookup("owner@initech.test"); len(got.Items) != 0 {
		t.Fatalf("owner@initech.test already has a Sell license: %+v", got.Items)
	}
	if got := decode[sellUserItems](t, e.do(http.MethodGet, "/sell/v2/users?email=owner@globex.test", nil, sellAuth(1002)...)); len(got.Items) != 1 {
		t.Fatal("owner@globex.test should hold a Globex Sell license")
	}
	for range 2 {
		if err := e.sim.AssignSellLicense(t.Context(), 1003, "Bill Lumbergh", "Owner@Initech.test"); err != nil {
			t.Fatalf("AssignSellLicense: %v", err)
		}
	}
	got := lookup("owner@initech.test")
	if len(got.Items) != 1 || got.Items[0].Data.Status != "active" || got.Items[0].Data.Role != "user" ||
		got.Items[0].Data.Name != "Bill Lumbergh" {
		t.Fatalf("after AssignSellLicense: %+v", got.Items)
	}
	if err := e.sim.AssignSellLicense(t.Context(), 4242, "X", "x@y.test"); err == nil {
		t.Fatal("AssignSellLicense on an unknown account succeeded")
	}
	if err := e.sim.AssignSellLicense(t.Context(), 1003, "X", "not an email"); err == nil {
		t.Fatal("AssignSellLicense with a bad email succeeded")
	}

	// The HTTP form: 201 when created, 200 when the user already holds a license.
	e.do(http.MethodPost, "/_sim/sell/1001/users", map[string]string{"name": "Eve", "email": "eve@acme.test", "role": "user"}).
		expect(t, http.StatusCreated)
	e.do(http.MethodPost, "/_sim/sell/1001/users", map[string]string{"name": "Eve", "email": "eve@acme.test"}).
		expect(t, http.StatusOK)
	e.do(http.MethodPost, "/_sim/sell/4242/users", map[string]string{"name": "Eve", "email": "eve@acme.test"}).
		expect(t, http.StatusNotFound)
	if c := e.ledgerCounts(); c["account_created"]+c["account_linked"]+c["user_converted"]+c["account_released"] != 0 {
		t.Fatalf("licensing is not a migration side effect, ledger %v", c)
	}
}
