package sim_test

import (
	"encoding/base64"
	"net/http"
	"path/filepath"
	"testing"

	"github.com/sellmigrate/sellmigrate/platform/sim"
)

func TestSupportAuthAndUnknownSubdomain(t *testing.T) {
	t.Parallel()
	e := start(t, sim.Config{})
	const me = "/zendesk/globex/api/v2/users/me"
	basic := func(s string) []string {
		return []string{"Authorization", "Basic " + base64.StdEncoding.EncodeToString([]byte(s))}
	}
	for name, hdr := range map[string][]string{
		"no header":              nil,
		"wrong token":            basic("owner@globex.test/token:nope"),
		"password, not token":    basic("owner@globex.test:" + sim.DemoAPIToken("globex")),
		"user of another acct":   tokenAuth("owner@taken.test", sim.DemoAPIToken("globex")),
		"token of another acct":  tokenAuth("owner@globex.test", sim.DemoAPIToken("taken")),
		"the old shared token":   tokenAuth("owner@globex.test", "demo-token"),
		"bearer old demo-token":  {"Authorization", "Bearer demo-token"},
		"bearer API token":       {"Authorization", "Bearer " + sim.DemoAPIToken("globex")},
		"bearer partner token":   {"Authorization", "Bearer " + sim.DefaultPartnerToken},
		"unknown email":          supportAuth("nobody@globex.test"),
		"bearer wrong":           {"Authorization", "Bearer nope"},
		"garbage basic encoding": {"Authorization", "Basic %%%"},
	} {
		r := e.do(http.MethodGet, me, nil, hdr...).expect(t, http.StatusUnauthorized)
		if got := string(r.body); got != `{"error":"Couldn't authenticate you"}`+"\n" {
			t.Errorf("%s: 401 body %q", name, got)
		}
		if r.header.Get("X-Rate-Limit") != "700" || r.header.Get("X-Rate-Limit-Remaining") == "" {
			t.Errorf("%s: rate limit headers missing on 401: %v", name, r.header)
		}
	}

	got := decode[struct {
		User user `json:"user"`
	}](t, e.do(http.MethodGet, me, nil, supportAuth("Owner@Globex.test")...).expect(t, http.StatusOK)).User
	if got.Email != "owner@globex.test" || got.Role != "admin" || !got.Active {
		t.Errorf("me = %+v, want the active admin owner@globex.test", got)
	}
	// An end-user is an active user of the account too, and the .json suffix is accepted.
	lee := decode[struct {
		User user `json:"user"`
	}](t, e.do(http.MethodGet, me+".json", nil, supportAuth("lee@globex.test")...).expect(t, http.StatusOK)).User
	if lee.Role != "end-user" || lee.RoleType != nil {
		t.Errorf("lee = %+v, want an end-user with no role_type", lee)
	}

	r := e.do(http.MethodGet, "/zendesk/nosuch/api/v2/users/me", nil, supportAuth("owner@globex.test")...).
		expect(t, http.StatusNotFound)
	if string(r.body) != `{"error":"RecordNotFound","description":"Not found"}`+"\n" {
		t.Errorf("unknown subdomain body %s", r.body)
	}
	e.do(http.MethodGet, "/zendesk/globex/api/v2/no_such_endpoint", nil, supportAuth("owner@globex.test")...).
		expect(t, http.StatusNotFound)
}

func TestSellAuthAndAccount(t *testing.T) {
	t.Parallel()
	e := start(t, sim.Config{})
	type sellErr struct {
		Errors []struct {
			Error struct {
				Code string `json:"code"`
			} `json:"error"`
		} `json:"errors"`
		Meta struct {
			Type       string `json:"type"`
			HTTPStatus string `json:"http_status"`
		} `json:"meta"`
	}
	for _, hdr := range [][]string{nil, sellAuth(9999), {"Authorization", "Bearer demo-token"}} {
		body := decode[sellErr](t, e.do(http.MethodGet, "/sell/v2/accounts/self", nil, hdr...).expect(t, http.StatusUnauthorized))
		if len(body.Errors) != 1 || body.Errors[0].Error.Code != "unauthorized" || body.Meta.Type != "errors" ||
			body.Meta.HTTPStatus != "401 Unauthorized" {
			t.Errorf("401 body %+v", body)
		}
	}
	type account struct {
		Data struct {
			ID        int64   `json:"id"`
			Name      string  `json:"name"`
			Subdomain *string `json:"subdomain"`
			Currency  string  `json:"currency"`
		} `json:"data"`
		Meta struct {
			Type string `json:"type"`
		} `json:"meta"`
	}
	acme := decode[account](t, e.do(http.MethodGet, "/sell/v2/accounts/self", nil, sellAuth(1001)...).expect(t, http.StatusOK))
	if acme.Data.ID != 1001 || acme.Data.Name != "Acme" || acme.Data.Subdomain != nil || acme.Meta.Type != "account" {
		t.Errorf("acme = %+v, want legacy account 1001 with a null subdomain", acme)
	}
	umbrella := decode[account](t, e.do(http.MethodGet, "/sell/v2/accounts/self", nil, sellAuth(1004)...).expect(t, http.StatusOK))
	if umbrella.Data.Subdomain == nil || *umbrella.Data.Subdomain != "umbrella" {
		t.Errorf("umbrella subdomain = %v, want umbrella", umbrella.Data.Subdomain)
	}
	self := decode[struct {
		Data struct {
			Email string `json:"email"`
			Role  string `json:"role"`
		} `json:"data"`
	}](t, e.do(http.MethodGet, "/sell/v2/users/self", nil, sellAuth(1002)...).expect(t, http.StatusOK))
	if self.Data.Email != "admin@globex.test" || self.Data.Role != "admin" {
		t.Errorf("globex self = %+v, want admin@globex.test", self.Data)
	}
	nf := decode[sellErr](t, e.do(http.MethodGet, "/sell/v2/users/1", nil, sellAuth(1002)...).expect(t, http.StatusNotFound))
	if nf.Errors[0].Error.Code != "not_found" {
		t.Errorf("404 body %+v", nf)
	}
}

// The Sell accounts' tokens follow Config.SellTokenTemplate, so a deployment of the
// simulator shares a secret template with its worker rather than the public default.
func TestSellTokenTemplate(t *testing.T) {
	t.Parallel()
	if _, err := sim.New(sim.Config{DBPath: filepath.Join(t.TempDir(), "sim.db"), SellTokenTemplate: "no-placeholder"}); err == nil {
		t.Error("a template without {account_id} was accepted")
	}
	e := start(t, sim.Config{SellTokenTemplate: "s3cr3t-{account_id}-x"})
	for _, token := range []string{"sell-demo-1001", "s3cr3t-1001", "s3cr3t-01001-x", "s3cr3t-1001-xy", "s3cr3t--x"} {
		e.do(http.MethodGet, "/sell/v2/accounts/self", nil, "Authorization", "Bearer "+token).expect(t, http.StatusUnauthorized)
	}
	e.do(http.MethodGet, "/sell/v2/accounts/self", nil, "Authorization", "Bearer s3cr3t-1001-x").expect(t, http.StatusOK)
}
