package sim_test

import (
	"bytes"
	"net/http"
	"sync"
	"testing"

	"github.com/sellmigrate/sellmigrate/platform/sim"
)

type linkBody struct {
	Data struct {
		SellAccountID int64  `json:"sell_account_id"`
		Subdomain     string `json:"subdomain"`
		LinkedAt      string `json:"linked_at"`
	} `json:"data"`
	Meta struct {
		Type string `json:"type"`
	} `json:"meta"`
}

func linkReq(sub string) map[string]any {
	return map[string]any{"data": map[string]string{"subdomain": sub}}
}

func sellErrCode(t *testing.T, r response) string {
	t.Helper()
	b := decode[struct {
		Errors []struct {
			Error struct {
				Code  string `json:"code"`
				Field string `json:"field"`
			} `json:"error"`
		} `json:"errors"`
	}](t, r)
	if len(b.Errors) != 1 {
		t.Fatalf("sell error body %s", r.body)
	}
	return b.Errors[0].Error.Code
}

func TestSellLinkExactlyOnce(t *testing.T) {
	t.Parallel()
	e := start(t, sim.Config{})
	const path = "/sell/v2/accounts/self/zendesk_link"
	auth := append(sellAuth(1002), "Idempotency-Key", "link-globex")

	first := e.do(http.MethodPost, path, linkReq("globex"), auth...).expect(t, http.StatusOK)
	link := decode[linkBody](t, first)
	if link.Data.SellAccountID != 1002 || link.Data.Subdomain != "globex" || link.Data.LinkedAt == "" || link.Meta.Type != "zendesk_link" {
		t.Fatalf("link %+v", link)
	}
	replay := e.do(http.MethodPost, path, linkReq("globex"), auth...).expect(t, http.StatusOK)
	if !bytes.Equal(replay.body, first.body) {
		t.Fatalf("replay %s, want %s", replay.body, first.body)
	}
	// Without a key, linking again to the same subdomain answers the same link.
	again := e.do(http.MethodPost, path, linkReq("globex"), sellAuth(1002)...).expect(t, http.StatusOK)
	if !bytes.Equal(again.body, first.body) {
		t.Fatalf("relink %s, want %s", again.body, first.body)
	}
	acct := decode[struct {
		Data struct {
			Subdomain *string `json:"subdomain"`
		} `json:"data"`
	}](t, e.do(http.MethodGet, "/sell/v2/accounts/self", nil, sellAuth(1002)...).expect(t, http.StatusOK))
	if acct.Data.Subdomain == nil || *acct.Data.Subdomain != "globex" {
		t.Fatalf("accounts/self subdomain %v after link", acct.Data.Subdomain)
	}

	for _, c := range []struct {
		id   int64
		sub  string
		code string
	}{
		{1002, "initech", "already_linked"},   // Globex is linked elsewhere
		{1001, "nosuch", "unknown_subdomain"}, // no Zendesk account
		{1001, "umbrella", "already_linked"},  // umbrella belongs to 1004
		{1004, "taken", "already_linked"},     // Umbrella is connected already
		{1003, "", "invalid"},                 // blank
	} {
		r := e.do(http.MethodPost, path, linkReq(c.sub), sellAuth(c.id)...).expect(t, http.StatusUnprocessableEntity)
		if got := sellErrCode(t, r); got != c.code {
			t.Errorf("link %d -> %q: code %s, want %s", c.id, c.sub, got, c.code)
		}
	}

	// Concurrent links of Initech, each with its own key, link once.
	var wg sync.WaitGroup
	for i := range 6 {
		wg.Go(func() {
			r := e.do(http.MethodPost, path, linkReq("initech"), append(sellAuth(1003), "Idempotency-Key", "init-"+itoa(int64(i)))...)
			if r.status != http.StatusOK {
				t.Errorf("concurrent link status %d: %s", r.status, r.body)
			}
		})
	}
	wg.Wait()

	entries, err := e.sim.Ledger(t.Context())
	if err != nil {
		t.Fatal(err)
	}
	var linked []string
	for _, en := range entries {
		if en.Kind == sim.LedgerAccountLinked {
			linked = append(linked, en.Subject)
		}
	}
	if len(linked) != 2 || linked[0] != "1002->globex" || linked[1] != "1003->initech" {
		t.Fatalf("account_linked entries %v, want [1002->globex 1003->initech]", linked)
	}
}
