package sim_test

import (
	"net/http"
	"testing"

	"github.com/sellmigrate/sellmigrate/config"
	"github.com/sellmigrate/sellmigrate/platform/sim"
)

// TestPartnerCallsNeedThePartnerToken: both partner calls answer 401, in the Support
// API's shape, without the partner credential or with any other, and work with it.
func TestPartnerCallsNeedThePartnerToken(t *testing.T) {
	t.Parallel()
	e := start(t, sim.Config{PartnerToken: "custom-partner"})
	const available = "/zendesk/www/api/v2/accounts/available?subdomain=acme"
	const create = "/zendesk/www/api/v2/accounts"
	for name, hdr := range map[string][]string{
		"none":            nil,
		"wrong":           bearer("nope"),
		"the default one": bearer(sim.DefaultPartnerToken),
		"an API token":    supportAuth("owner@globex.test"),
		"basic partner":   {"Authorization", "Basic custom-partner"},
	} {
		for _, r := range []response{
			e.do(http.MethodGet, available, nil, hdr...),
			e.do(http.MethodPost, create, newAccount("Acme", "acme", "admin@acme.test"), hdr...),
		} {
			if r.status != http.StatusUnauthorized || string(r.body) != `{"error":"Couldn't authenticate you"}`+"\n" {
				t.Errorf("%s: status %d body %s, want 401 Couldn't authenticate you", name, r.status, r.body)
			}
		}
	}
	if n := e.ledgerCounts()["account_created"]; n != 0 {
		t.Fatalf("refused creations created %d accounts", n)
	}
	if !decode[map[string]bool](t, e.do(http.MethodGet, available, nil, bearer("custom-partner")...).expect(t, http.StatusOK))["success"] {
		t.Error("acme not available with the partner token")
	}
	e.do(http.MethodPost, create, newAccount("Acme", "acme", "admin@acme.test"), bearer("custom-partner")...).expect(t, http.StatusCreated)
}

// TestDevSendsThePartnerToken: dev's zendesk.partner_token default is the one the
// simulator takes, so `sellmigrate dev` can create accounts out of the box.
func TestDevSendsThePartnerToken(t *testing.T) {
	if config.DemoPartnerToken != sim.DefaultPartnerToken {
		t.Fatalf("config.DemoPartnerToken %q differs from sim.DefaultPartnerToken %q", config.DemoPartnerToken, sim.DefaultPartnerToken)
	}
}
