package platform

import (
	"context"
	"net/http"
	"strings"
	"testing"

	"github.com/sellmigrate/sellmigrate/platform/sim"
)

func TestSellAccount(t *testing.T) {
	t.Parallel()
	c, _ := newSimClient(t)
	ctx := context.Background()
	a, err := c.Sell(sim.DemoSellToken(1001)).Account(ctx)
	if err != nil || a.ID != 1001 || a.Name != "Acme" || a.Connected() || a.Currency != "USD" {
		t.Fatalf("legacy account %+v, %v", a, err)
	}
	a, err = c.Sell(sim.DemoSellToken(1004)).Account(ctx)
	if err != nil || !a.Connected() || *a.Subdomain != "umbrella" {
		t.Fatalf("connected account %+v, %v", a, err)
	}

	_, err = c.Sell("sell-demo-nope").Account(ctx)
	ae := mustAPIError(t, err, 401)
	if ae.Code != "unauthorized" || ae.Service != "sell" || strings.Contains(err.Error(), "sell-demo-nope") {
		t.Errorf("401: %v", err)
	}
}

func TestSellUsersWalksPages(t *testing.T) {
	t.Parallel()
	c, s := newSimClient(t)
	ctx := context.Background()
	// An admin and 249 users: three pages of at most 100.
	if _, err := s.AddAccount(ctx, sim.AccountSpec{SellAccountID: 3001, Name: "Pager", Users: 249}); err != nil {
		t.Fatal(err)
	}
	sell := c.Sell(sim.DemoSellToken(3001))

	seen := map[string]bool{}
	pages := 0
	for page := 1; ; page++ {
		p, err := sell.Users(ctx, page, 100)
		if err != nil {
			t.Fatal(err)
		}
		pages++
		if p.Count != len(p.Users) {
			t.Errorf("page %d: count %d for %d users", page, p.Count, len(p.Users))
		}
		for _, u := range p.Users {
			seen[u.Email] = true
		}
		if p.NextPage == "" {
			break
		}
		if !strings.Contains(p.NextPage, "page=") {
			t.Errorf("NextPage %q", p.NextPage)
		}
		if pages > 5 {
			t.Fatal("pagination does not end")
		}
	}
	if pages != 3 || len(seen) != 250 {
		t.Errorf("%d pages, %d distinct users", pages, len(seen))
	}

	p, err := sell.Users(ctx, 0, 0)
	if err != nil || len(p.Users) != 100 {
		t.Errorf("defaults: %d users, %v", len(p.Users), err)
	}
	for _, bad := range [][2]int{{-1, 10}, {1, 101}, {1, -5}} {
		if _, err := sell.Users(ctx, bad[0], bad[1]); err == nil || !strings.Contains(err.Error(), "between 1 and 100") {
			t.Errorf("Users(%d, %d): %v", bad[0], bad[1], err)
		}
	}
}

func TestSellUserByEmail(t *testing.T) {
	t.Parallel()
	c, _ := newSimClient(t)
	ctx := context.Background()
	sell := c.Sell(sim.DemoSellToken(1001))
	u, err := sell.UserByEmail(ctx, "Admin@Acme.test")
	if err != nil || u == nil || u.Role != "admin" || u.Status != "active" || u.Email != "admin@acme.test" {
		t.Fatalf("admin: %+v, %v", u, err)
	}
	u, err = sell.UserByEmail(ctx, "owner@acme.test")
	if err != nil || u != nil {
		t.Errorf("unknown user: %+v, %v", u, err)
	}
	if _, err := sell.UserByEmail(ctx, ""); err == nil {
		t.Error("an empty email must be refused")
	}
}

func TestSellLink(t *testing.T) {
	t.Parallel()
	var rec *recorder
	c, _ := newSimClient(t, func(h http.Handler) http.Handler {
		rec = &recorder{fn: h.ServeHTTP}
		return rec
	})
	ctx := context.Background()
	sell := c.Sell(sim.DemoSellToken(1002))

	_, err := sell.Link(ctx, "nosuch", "")
	if ae := mustAPIError(t, err, 422); ae.Code != "unknown_subdomain" || ae.FieldCode("subdomain") != "unknown_subdomain" {
		t.Errorf("unknown: %+v", ae)
	}
	l, err := sell.Link(ctx, "globex", "link-1002")
	if err != nil || l.SellAccountID != 1002 || l.Subdomain != "globex" || l.LinkedAt.IsZero() {
		t.Fatalf("link %+v, %v", l, err)
	}
	got := rec.last(t)
	if got.Header.Get("Idempotency-Key") != "link-1002" || got.Body != `{"data":{"subdomain":"globex"}}` {
		t.Errorf("sent key %q body %s", got.Header.Get("Idempotency-Key"), got.Body)
	}
	again, err := sell.Link(ctx, "globex", "")
	if err != nil || again != l {
		t.Errorf("relink same subdomain: %+v, %v; want %+v", again, err, l)
	}
	_, err = sell.Link(ctx, "initech", "")
	ae := mustAPIError(t, err, 422)
	if ae.Code != "already_linked" || ae.Retryable() {
		t.Errorf("other subdomain: %+v", ae)
	}
	if !strings.HasPrefix(err.Error(), "zendesk sell POST /v2/accounts/self/zendesk_link: 422 already_linked: subdomain: ") {
		t.Errorf("message %q", err)
	}
	if _, err := sell.Link(ctx, "", "k"); err == nil {
		t.Error("an empty subdomain must be refused")
	}
}
