package sim_test

import (
	"net/http"
	"strings"
	"testing"

	"github.com/sellmigrate/sellmigrate/platform/sim"
)

// TestAddAccountShapes adds one account of each demo shape over POST /_sim/accounts
// and reads each back through the Sell and Support APIs as a migration would.
func TestAddAccountShapes(t *testing.T) {
	e := start(t, sim.Config{})

	// New mode, paged: an admin and 250 users, three Sell pages of 100.
	added := decode[sim.AccountAdded](t, e.do(http.MethodPost, "/_sim/accounts",
		map[string]any{"sellAccountId": 2001, "name": "Chaos 2001", "users": 250}).expect(t, http.StatusCreated))
	if added.AdminEmail != "admin@chaos2001.test" || added.SellUsers != 251 || added.SellToken != sim.DemoSellToken(2001) || added.SupportSubdomain != "" {
		t.Fatalf("added = %+v", added)
	}
	acct := decode[struct {
		Data struct {
			Name      string  `json:"name"`
			Subdomain *string `json:"subdomain"`
		} `json:"data"`
	}](t, e.do(http.MethodGet, "/sell/v2/accounts/self", nil, sellAuth(2001)...).expect(t, http.StatusOK))
	if acct.Data.Name != "Chaos 2001" || acct.Data.Subdomain != nil {
		t.Errorf("Sell account = %+v, want legacy Chaos 2001", acct.Data)
	}
	type sellPage struct {
		Items []struct {
			Data struct{ Email, Role string } `json:"data"`
		} `json:"items"`
		Meta struct {
			Links map[string]string `json:"links"`
		} `json:"meta"`
	}
	p3 := decode[sellPage](t, e.do(http.MethodGet, "/sell/v2/users?page=3&per_page=100", nil, sellAuth(2001)...).expect(t, http.StatusOK))
	if len(p3.Items) != 51 || p3.Meta.Links["next_page"] != "" || p3.Items[50].Data.Email != "user0250@chaos2001.test" {
		t.Errorf("page 3 has %d items (last %+v), want 51 ending with user0250", len(p3.Items), p3.Items[len(p3.Items)-1])
	}
	p1 := decode[sellPage](t, e.do(http.MethodGet, "/sell/v2/users?page=1&per_page=100", nil, sellAuth(2001)...).expect(t, http.StatusOK))
	if p1.Items[0].Data.Email != "admin@chaos2001.test" || p1.Items[0].Data.Role != "admin" {
		t.Errorf("first Sell user = %+v, want the admin", p1.Items[0].Data)
	}
	// The pages served are counted per account.
	pages := decode[struct {
		PagesServed map[string]int `json:"pagesServed"`
	}](t, e.do(http.MethodGet, "/_sim/sell/2001/user_pages", nil).expect(t, http.StatusOK))
	if pages.PagesServed["1"] != 1 || pages.PagesServed["3"] != 1 || pages.PagesServed["2"] != 0 {
		t.Errorf("pages served = %v, want page 1 and 3 once each", pages.PagesServed)
	}

	// Existing mode: the Zendesk account exists; its owner holds a Sell license.
	added = decode[sim.AccountAdded](t, e.do(http.MethodPost, "/_sim/accounts", map[string]any{
		"sellAccountId": 2002, "name": "Chaos 2002", "users": 2,
		"existingSupport": map[string]any{"subdomain": "chaos2002", "ownerEmail": "owner@chaos2002.test", "ownerHasSellLicense": true},
	}).expect(t, http.StatusCreated))
	if added.SellUsers != 4 || added.SupportSubdomain != "chaos2002" {
		t.Fatalf("existing-mode account = %+v, want 4 Sell users and subdomain chaos2002", added)
	}
	me := decode[struct {
		User struct{ Email, Role string } `json:"user"`
	}](t, e.do(http.MethodGet, "/zendesk/chaos2002/api/v2/users/me", nil, supportAuth("owner@chaos2002.test")...).expect(t, http.StatusOK))
	if me.User.Role != "admin" {
		t.Errorf("owner of chaos2002 is %+v, want an admin", me.User)
	}
	e.do(http.MethodGet, "/sell/v2/users?email=owner@chaos2002.test", nil, sellAuth(2002)...).expect(t, http.StatusOK)

	// Existing mode, owner without a license: not a Sell user.
	e.do(http.MethodPost, "/_sim/accounts", map[string]any{
		"sellAccountId": 2003, "name": "Chaos 2003", "users": 1,
		"existingSupport": map[string]any{"subdomain": "chaos2003", "ownerEmail": "owner@chaos2003.test"},
	}).expect(t, http.StatusCreated)
	none := decode[sellPage](t, e.do(http.MethodGet, "/sell/v2/users?email=owner@chaos2003.test", nil, sellAuth(2003)...).expect(t, http.StatusOK))
	if len(none.Items) != 0 {
		t.Errorf("unlicensed owner is a Sell user: %+v", none.Items)
	}

	// Already connected.
	e.do(http.MethodPost, "/_sim/accounts", map[string]any{
		"sellAccountId": 2004, "name": "Chaos 2004", "users": 1, "connectedSubdomain": "chaos2004",
	}).expect(t, http.StatusCreated)
	acct = decode[struct {
		Data struct {
			Name      string  `json:"name"`
			Subdomain *string `json:"subdomain"`
		} `json:"data"`
	}](t, e.do(http.MethodGet, "/sell/v2/accounts/self", nil, sellAuth(2004)...).expect(t, http.StatusOK))
	if acct.Data.Subdomain == nil || *acct.Data.Subdomain != "chaos2004" {
		t.Errorf("connected account subdomain = %v, want chaos2004", acct.Data.Subdomain)
	}
	avail := decode[struct {
		Success bool `json:"success"`
	}](t, e.do(http.MethodGet, "/zendesk/www/api/v2/accounts/available?subdomain=chaos2004", nil, partnerAuth()...).expect(t, http.StatusOK))
	if avail.Success {
		t.Errorf("chaos2004 is available; the connected account must exist")
	}

	// Set-up is not a side effect of a migration: the ledger stays empty.
	for kind, n := range e.ledgerCounts() {
		if n != 0 {
			t.Errorf("ledger has %d %s after adding accounts, want 0", n, kind)
		}
	}
}

// TestAddAccountRefusals checks each bad request is refused with a reason and changes nothing.
func TestAddAccountRefusals(t *testing.T) {
	e := start(t, sim.Config{})
	cases := []struct {
		name   string
		body   any
		status int
		reason string
	}{
		{"demo id taken", map[string]any{"sellAccountId": 1001, "name": "Again"}, http.StatusConflict, "Sell account 1001 exists"},
		{"subdomain taken", map[string]any{"sellAccountId": 2010, "name": "X2010",
			"existingSupport": map[string]any{"subdomain": "globex", "ownerEmail": "o@x.test"}}, http.StatusConflict, "globex exists"},
		{"no id", map[string]any{"name": "X"}, http.StatusUnprocessableEntity, "sellAccountId"},
		{"no name", map[string]any{"sellAccountId": 2011, "name": "  "}, http.StatusUnprocessableEntity, "name"},
		{"negative users", map[string]any{"sellAccountId": 2012, "name": "X", "users": -1}, http.StatusUnprocessableEntity, "users -1"},
		{"both shapes", map[string]any{"sellAccountId": 2013, "name": "X", "connectedSubdomain": "xyz2013",
			"existingSupport": map[string]any{"subdomain": "xyz2013", "ownerEmail": "o@x.test"}}, http.StatusUnprocessableEntity, "not both"},
		{"bad subdomain", map[string]any{"sellAccountId": 2014, "name": "X", "connectedSubdomain": "9lives"}, http.StatusUnprocessableEntity, "start with a lowercase letter"},
		{"bad owner", map[string]any{"sellAccountId": 2015, "name": "X",
			"existingSupport": map[string]any{"subdomain": "xyz2015", "ownerEmail": "nobody"}}, http.StatusUnprocessableEntity, "ownerEmail"},
		{"unknown field", map[string]any{"sellAccountId": 2016, "name": "X", "usres": 3}, http.StatusBadRequest, "usres"},
		{"more inactive than users", map[string]any{"sellAccountId": 2017, "name": "X", "users": 2, "inactiveUsers": 3},
			http.StatusUnprocessableEntity, "inactiveUsers 3"},
		{"more suspended than users", map[string]any{"sellAccountId": 2018, "name": "X", "users": 1,
			"existingSupport": map[string]any{"subdomain": "xyz2018", "ownerEmail": "o@x.test", "suspendedAgents": 2}},
			http.StatusUnprocessableEntity, "suspendedAgents 2"},
		{"negative job duration", map[string]any{"sellAccountId": 2019, "name": "X", "jobDurationMs": -1},
			http.StatusUnprocessableEntity, "jobDurationMs -1"},
		{"job duration over an hour", map[string]any{"sellAccountId": 2020, "name": "X", "jobDurationMs": 3_600_001},
			http.StatusUnprocessableEntity, "jobDurationMs 3600001"},
	}
	for _, c := range cases {
		r := e.do(http.MethodPost, "/_sim/accounts", c.body)
		if r.status != c.status || !strings.Contains(string(r.body), c.reason) {
			t.Errorf("%s: %d %s, want %d mentioning %q", c.name, r.status, r.body, c.status, c.reason)
		}
	}
	// The refused id 2010 was not half-created.
	e.do(http.MethodGet, "/sell/v2/accounts/self", nil, sellAuth(2010)...).expect(t, http.StatusUnauthorized)
}

// TestFaultsReportInjected checks GET /_sim/faults counts the failures it injected and
// that PUT accepts the GET body back (the count is read-only).
func TestFaultsReportInjected(t *testing.T) {
	e := start(t, sim.Config{Seed: 7})
	e.do(http.MethodPut, "/_sim/faults", map[string]any{"error_rate": 0.5, "rate_limit_rate": 0.5, "retry_after_seconds": 1}).expect(t, http.StatusOK)
	var got500, got429 int64
	for i := 0; i < 40; i++ {
		switch e.do(http.MethodGet, "/sell/v2/accounts/self", nil, sellAuth(1001)...).status {
		case http.StatusTooManyRequests:
			got429++
		case http.StatusInternalServerError, http.StatusBadGateway, http.StatusServiceUnavailable:
			got500++
		}
	}
	type report struct {
		ErrorRate float64 `json:"error_rate"`
		sim.FaultCounts
	}
	r := e.do(http.MethodGet, "/_sim/faults", nil).expect(t, http.StatusOK)
	rep := decode[report](t, r)
	if rep.FaultCounts.ServerErrors != got500 || rep.FaultCounts.RateLimited != got429 || got500+got429 != 40 {
		t.Errorf("injected = %+v, the client saw %d 5xx and %d 429 of 40", rep.FaultCounts, got500, got429)
	}
	if got := e.sim.Injected(); got != rep.FaultCounts {
		t.Errorf("Injected() = %+v, GET says %+v", got, rep.FaultCounts)
	}
	// The GET body goes back unchanged; /_sim itself is never faulted.
	req, _ := http.NewRequest(http.MethodPut, e.srv.URL+"/_sim/faults", strings.NewReader(string(r.body)))
	resp, err := http.DefaultClient.Do(req)
	if err != nil || resp.StatusCode != http.StatusOK {
		t.Fatalf("PUT the GET body back: %v %v", err, resp)
	}
	resp.Body.Close()
}
