package sim_test

import (
	"context"
	"net/http"
	"strings"
	"testing"

	"github.com/sellmigrate/sellmigrate/platform/sim"
)

func TestBenchAccountsAreMigratableInExistingMode(t *testing.T) {
	e := start(t, sim.Config{})
	err := e.sim.AddBenchAccounts(context.Background(), sim.BenchAccounts{FirstID: 500000, Count: 3, UsersPerAccount: 5})
	if err != nil {
		t.Fatalf("AddBenchAccounts: %v", err)
	}
	const id = 500002
	acct := decode[struct {
		Data struct {
			ID        int64   `json:"id"`
			Subdomain *string `json:"subdomain"`
		} `json:"data"`
	}](t, e.do("GET", "/sell/v2/accounts/self", nil, sellAuth(id)...).expect(t, http.StatusOK))
	if acct.Data.ID != id || acct.Data.Subdomain != nil {
		t.Errorf("sell account = %+v, want legacy %d", acct.Data, id)
	}
	users := decode[struct {
		Items []struct {
			Data struct{ Email, Role string } `json:"data"`
		} `json:"items"`
	}](t, e.do("GET", "/sell/v2/users?per_page=100", nil, sellAuth(id)...).expect(t, http.StatusOK))
	if len(users.Items) != 5 || users.Items[0].Data.Email != sim.BenchAdminEmail(id) || users.Items[0].Data.Role != "admin" {
		t.Errorf("sell users = %+v, want 5 with admin first", users.Items)
	}
	// The owner of the existing Zendesk account is a licensed Sell user and can log in.
	me := decode[struct {
		User struct{ Email, Role string } `json:"user"`
	}](t, e.do("GET", "/zendesk/"+sim.BenchSubdomain(id)+"/api/v2/users/me", nil, supportAuth(sim.BenchOwnerEmail(id))...).expect(t, http.StatusOK))
	if me.User.Email != sim.BenchOwnerEmail(id) || me.User.Role != "admin" {
		t.Errorf("owner = %+v", me.User)
	}
	// A second batch over the same ids changes nothing and says what to do.
	err = e.sim.AddBenchAccounts(context.Background(), sim.BenchAccounts{FirstID: 500001, Count: 1})
	if err == nil || !strings.Contains(err.Error(), "FirstID") {
		t.Errorf("overlapping batch: err = %v", err)
	}
}

func TestStatsCountRequestsPerAccountAndToken(t *testing.T) {
	e := start(t, sim.Config{})
	for range 3 {
		e.do("GET", "/sell/v2/accounts/self", nil, sellAuth(1001)...).expect(t, http.StatusOK)
	}
	e.do("GET", "/sell/v2/accounts/self", nil, sellAuth(1002)...).expect(t, http.StatusOK)
	for range 2 {
		e.do("GET", "/zendesk/globex/api/v2/users/me", nil, supportAuth("owner@globex.test")...).expect(t, http.StatusOK)
	}
	e.do("GET", "/_sim/ledger", nil).expect(t, http.StatusOK) // controls are not counted
	st := decode[sim.Stats](t, e.do("GET", "/_sim/stats", nil).expect(t, http.StatusOK))
	if st.TotalRequests["sell"] != 4 || st.TotalRequests["support"] != 2 {
		t.Errorf("totals = %v, want sell 4, support 2", st.TotalRequests)
	}
	p := st.Peaks
	// The windows are fixed, so a run straddling a boundary splits its counts (3 = 1+2).
	if p.SellTokenPerMinute < 2 || p.SellTokenPerMinute > 3 {
		t.Errorf("sell per token per minute = %d", p.SellTokenPerMinute)
	}
	if p.SellTokenPerSecond < 1 || p.SellTokenPerSecond > 3 || p.SellPerSecond > 4 {
		t.Errorf("sell peaks = %+v", p)
	}
	if p.SupportAccountPerMinute < 1 || p.SupportAccountPerMinute > 2 || p.BusiestSupportAccountByMin != "globex" {
		t.Errorf("support peaks = %+v", p)
	}
	if strings.Contains(string(e.do("GET", "/_sim/stats", nil).body), "sell-demo-") {
		t.Error("stats must never show a token")
	}
}
