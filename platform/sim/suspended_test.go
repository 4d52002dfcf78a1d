package sim_test

import (
	"net/http"
	"testing"

	"github.com/sellmigrate/sellmigrate/platform/sim"
)

// TestAddAccountInactiveAndSuspended adds an account whose last Sell user is deactivated
// and whose first Sell user is a suspended agent of the existing Zendesk account, and
// reads both back as the conversion does: the Sell status, and "suspended" on every
// Support read that returns users (show, show_many, search, list).
func TestAddAccountInactiveAndSuspended(t *testing.T) {
	t.Parallel()
	e := start(t, sim.Config{})
	e.do(http.MethodPost, "/_sim/accounts", map[string]any{
		"sellAccountId": 2101, "name": "Susp", "users": 3, "inactiveUsers": 1,
		"existingSupport": map[string]any{"subdomain": "susp", "ownerEmail": "owner@susp.test", "suspendedAgents": 1},
	}).expect(t, http.StatusCreated)

	sell := decode[struct {
		Items []struct {
			Data struct{ Email, Status string } `json:"data"`
		} `json:"items"`
	}](t, e.do(http.MethodGet, "/sell/v2/users?page=1&per_page=100", nil, sellAuth(2101)...).expect(t, http.StatusOK))
	status := map[string]string{}
	for _, it := range sell.Items {
		status[it.Data.Email] = it.Data.Status
	}
	want := map[string]string{"admin@susp.test": "active", "user0001@susp.test": "active",
		"user0002@susp.test": "active", "user0003@susp.test": "inactive"}
	for email, st := range want {
		if status[email] != st {
			t.Errorf("Sell user %s is %q, want %q (all: %v)", email, status[email], st, status)
		}
	}

	const owner = "owner@susp.test"
	susp := findUser(t, e, "susp", owner, "user0001@susp.test")
	if !susp.Suspended || susp.Role != "agent" || !susp.Active {
		t.Fatalf("search: user0001 = %+v, want an active, suspended agent", susp)
	}
	shown := decode[struct {
		User user `json:"user"`
	}](t, e.do(http.MethodGet, "/zendesk/susp/api/v2/users/"+itoa(susp.ID), nil, supportAuth(owner)...).expect(t, http.StatusOK))
	if !shown.User.Suspended {
		t.Errorf("show: %+v, want suspended", shown.User)
	}
	many := decode[struct {
		Users []user `json:"users"`
	}](t, e.do(http.MethodGet, "/zendesk/susp/api/v2/users/show_many?ids="+itoa(susp.ID), nil, supportAuth(owner)...).expect(t, http.StatusOK))
	if len(many.Users) != 1 || !many.Users[0].Suspended {
		t.Errorf("show_many: %+v, want user0001 suspended", many.Users)
	}
	list := decode[struct {
		Users []user `json:"users"`
	}](t, e.do(http.MethodGet, "/zendesk/susp/api/v2/users", nil, supportAuth(owner)...).expect(t, http.StatusOK))
	suspended := map[string]bool{}
	for _, u := range list.Users {
		suspended[u.Email] = u.Suspended
	}
	if len(list.Users) != 2 || !suspended["user0001@susp.test"] || suspended[owner] {
		t.Errorf("list: suspended by email %v, want the owner and user0001, only user0001 suspended", suspended)
	}

	// Unsuspending through the API is stored like any other change.
	e.do(http.MethodPut, "/zendesk/susp/api/v2/users/"+itoa(susp.ID), map[string]any{"user": map[string]bool{"suspended": false}},
		supportAuth(owner)...).expect(t, http.StatusOK)
	if findUser(t, e, "susp", owner, "user0001@susp.test").Suspended {
		t.Error("user0001 still suspended after PUT suspended:false")
	}
}
