package platform

import (
	"context"
	"net/http"
	"sync"
	"sync/atomic"
	"testing"
	"time"
)

// The client-side limiter spaces Sell calls per token and Support calls per account,
// and leaves partner calls and other tokens alone. The partner calls carry the partner
// token, as every configured client's do: credentials alone must not put them under
// the accounts subdomain's bucket (at 600 a minute, 40 of them would take 3 s; loopback
// answers them in well under the 2 s allowed).
func TestRateLimitsSpaceCallsPerTokenAndAccount(t *testing.T) {
	t.Parallel()
	var mu sync.Mutex
	seen := map[string][]time.Time{}
	var partner atomic.Int32
	c := newTestClient(t, http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		switch r.URL.Path {
		case "/sell/v2/accounts/self":
			mu.Lock()
			seen[r.Header.Get("Authorization")] = append(seen[r.Header.Get("Authorization")], time.Now())
			mu.Unlock()
			writeJSON(w, 200, map[string]any{"data": map[string]any{"id": 1001, "name": "Acme"}, "meta": map[string]any{"type": "account"}})
		case "/zendesk/www/api/v2/accounts/available":
			partner.Add(1)
			writeJSON(w, 200, map[string]any{"success": true})
		case "/zendesk/acme/api/v2/users/me":
			mu.Lock()
			seen["acme"] = append(seen["acme"], time.Now())
			mu.Unlock()
			writeJSON(w, 200, map[string]any{"user": map[string]any{"id": 1, "email": testEmail}})
		default:
			http.NotFound(w, r)
		}
	}), func(cfg *Config) {
		cfg.Limits = RateLimits{SellPerSecond: 20, SupportPerMinute: 600}
		cfg.PartnerToken = testPartnerToken
	})
	ctx := context.Background()

	began := time.Now()
	var wg sync.WaitGroup
	for range 5 {
		wg.Add(3)
		go func() { defer wg.Done(); _, _ = c.Sell(testSellToken).Account(ctx) }()
		go func() { defer wg.Done(); _, _ = c.Sell("sell-demo-1002").Account(ctx) }()
		go func() { defer wg.Done(); _, _ = c.Support("acme", supportCreds()).Me(ctx) }()
	}
	for range 40 {
		if _, err := c.Accounts().Available(ctx, "fresh"); err != nil {
			t.Fatalf("partner call: %v", err)
		}
	}
	partnerTook := time.Since(began)
	wg.Wait()
	took := time.Since(began)

	// 5 calls at 20/s with a one-call burst take at least 4 intervals of 50ms; the two
	// tokens run side by side, not one after the other.
	if took < 190*time.Millisecond || took > 2*time.Second {
		t.Errorf("15 limited calls took %v, want about 200ms", took)
	}
	if len(seen["Bearer "+testSellToken]) != 5 || len(seen["Bearer sell-demo-1002"]) != 5 || len(seen["acme"]) != 5 {
		t.Fatalf("calls seen = %v", seen)
	}
	for _, key := range []string{"Bearer " + testSellToken, "Bearer sell-demo-1002"} {
		// The bucket grants at 0, 50, ..., 200ms, so each token's last call cannot arrive
		// before 200ms. (Not the span from its first arrival: on a busy machine the
		// first call's connection can take 100ms, and the arrivals then bunch up.)
		times := seen[key]
		if last := times[4].Sub(began); last < 190*time.Millisecond {
			t.Errorf("the 5th call on one token arrived %v after the start, want at least 200ms", last)
		}
	}
	if partner.Load() != 40 || partnerTook > 2*time.Second {
		t.Errorf("partner calls: %d in %v, want 40 unthrottled", partner.Load(), partnerTook)
	}
}

// A caller that gives up while waiting for its turn gets an error naming the setting.
func TestRateLimitWaitRespectsContext(t *testing.T) {
	t.Parallel()
	l := newLimiters(RateLimits{SellPerSecond: 0.1})
	ctx := context.Background()
	if err := l.wait(ctx, ServiceSell, "tok"); err != nil {
		t.Fatalf("first call: %v", err)
	}
	short, cancel := context.WithTimeout(ctx, 50*time.Millisecond)
	defer cancel()
	err := l.wait(short, ServiceSell, "tok")
	if err == nil || !contains(err.Error(), "zendesk.sell_requests_per_second") {
		t.Errorf("second call = %v, want a wait error naming the setting", err)
	}
	if err := newLimiters(RateLimits{}).wait(ctx, ServiceSupport, "x"); err != nil {
		t.Errorf("unlimited: %v", err)
	}
}

func contains(s, sub string) bool {
	for i := 0; i+len(sub) <= len(s); i++ {
		if s[i:i+len(sub)] == sub {
			return true
		}
	}
	return false
}

// What each kind of call counts against: the fixed limiters take Sell calls per token
// and Support calls per account; the reported budget paces every Support call with
// credentials, the partner calls too (the accounts subdomain's own report and 429s).
func TestWhatEachCallCountsAgainst(t *testing.T) {
	c := newTestClient(t, http.NotFoundHandler(), func(cfg *Config) { cfg.PartnerToken = testPartnerToken })
	acme := c.Support("acme", supportCreds()).ep
	partner := c.Accounts().ep
	for _, tc := range []struct {
		name              string
		ep                endpoint
		limit, budgetedBy string
	}{
		{"sell", c.Sell(testSellToken).ep, "Bearer " + testSellToken, ""},
		{"support as an account's user", acme, acme.base, acme.base},
		{"partner", partner, "", partner.base},
		{"support without credentials", c.Support("acme", Credentials{}).ep, "", ""},
	} {
		if got := tc.ep.limitKey(); got != tc.limit {
			t.Errorf("%s: limitKey = %q, want %q", tc.name, got, tc.limit)
		}
		if got := tc.ep.budgetKey(); got != tc.budgetedBy {
			t.Errorf("%s: budgetKey = %q, want %q", tc.name, got, tc.budgetedBy)
		}
	}
}
