package sim_test

import (
	"net/http"
	"strconv"
	"testing"
	"time"

	"github.com/sellmigrate/sellmigrate/platform/sim"
)

// Zendesk reports the account's budget on every Support response, not only on
// successes: errors and 429s carry X-Rate-Limit and X-Rate-Limit-Remaining too, and every
// caller of one account, whatever its credentials, draws on the one count.
func TestRateLimitHeadersOnEveryResponseOfTheAccount(t *testing.T) {
	// An hour-long window, so the count cannot reset in the middle of the test.
	e := start(t, sim.Config{RateLimitPerMinute: 5, RateLimitWindow: time.Hour})
	calls := []struct {
		name   string
		path   string
		auth   []string
		status int
	}{
		{"owner", "/zendesk/globex/api/v2/users/me", supportAuth("owner@globex.test"), http.StatusOK},
		{"no credentials", "/zendesk/globex/api/v2/users/me", nil, http.StatusUnauthorized},
		{"unknown route", "/zendesk/globex/api/v2/no_such_thing", supportAuth("owner@globex.test"), http.StatusNotFound},
		{"wrong token", "/zendesk/globex/api/v2/users/me", supportAuth("nobody@globex.test"), http.StatusUnauthorized},
		{"owner again", "/zendesk/GLOBEX/api/v2/users/me", supportAuth("owner@globex.test"), http.StatusOK},
		{"over the limit", "/zendesk/globex/api/v2/users/me", supportAuth("owner@globex.test"), http.StatusTooManyRequests},
		{"over, no credentials", "/zendesk/globex/api/v2/users/me", nil, http.StatusTooManyRequests},
	}
	for i, c := range calls {
		r := e.do(http.MethodGet, c.path, nil, c.auth...).expect(t, c.status)
		want := strconv.Itoa(max(0, 5-(i+1)))
		if got := r.header.Get("X-Rate-Limit-Remaining"); got != want || r.header.Get("X-Rate-Limit") != "5" {
			t.Errorf("%s: X-Rate-Limit %q, Remaining %q; want 5 and %s (one count for the account)",
				c.name, r.header.Get("X-Rate-Limit"), got, want)
		}
	}
	// Another account has its own count.
	r := e.do(http.MethodGet, "/zendesk/initech/api/v2/users/me", nil, supportAuth("owner@initech.test")...).expect(t, http.StatusOK)
	if got := r.header.Get("X-Rate-Limit-Remaining"); got != "4" {
		t.Errorf("initech X-Rate-Limit-Remaining %q, want 4", got)
	}
}

// Injected faults are answered after the rate limiter has counted the request, so they
// carry the headers too.
func TestRateLimitHeadersOnInjectedFaults(t *testing.T) {
	e := start(t, sim.Config{RateLimitPerMinute: 50, RateLimitWindow: time.Hour, Faults: sim.Faults{ErrorRate: 0.5, RateLimitRate: 0.5}})
	seen := map[int]bool{}
	for i := range 20 {
		r := e.do(http.MethodGet, "/zendesk/globex/api/v2/users/me", nil, supportAuth("owner@globex.test")...)
		seen[r.status] = true
		if got, want := r.header.Get("X-Rate-Limit-Remaining"), strconv.Itoa(50-(i+1)); got != want {
			t.Errorf("injected %d: X-Rate-Limit-Remaining %q, want %s", r.status, got, want)
		}
	}
	if !seen[http.StatusTooManyRequests] || len(seen) < 2 {
		t.Errorf("statuses seen %v; want injected 429s and errors", seen)
	}
}

// A shortened window (test-only) resets like Zendesk's minute: exhausted, then full again.
func TestRateLimitWindowResets(t *testing.T) {
	const window = 300 * time.Millisecond
	e := start(t, sim.Config{RateLimitPerMinute: 2, RateLimitWindow: window})
	// Start just after a window opens, so three calls fall in one window.
	time.Sleep(time.Until(time.Now().Truncate(window).Add(window + 10*time.Millisecond)))
	e.do(http.MethodGet, "/zendesk/globex/api/v2/users/me", nil, supportAuth("owner@globex.test")...).expect(t, http.StatusOK)
	e.do(http.MethodGet, "/zendesk/globex/api/v2/users/me", nil, supportAuth("owner@globex.test")...).expect(t, http.StatusOK)
	r := e.do(http.MethodGet, "/zendesk/globex/api/v2/users/me", nil, supportAuth("owner@globex.test")...).expect(t, http.StatusTooManyRequests)
	if r.header.Get("Retry-After") != "1" {
		t.Errorf("Retry-After %q, want 1 (whole seconds, rounded up)", r.header.Get("Retry-After"))
	}
	time.Sleep(time.Until(time.Now().Truncate(window).Add(window + 10*time.Millisecond)))
	r = e.do(http.MethodGet, "/zendesk/globex/api/v2/users/me", nil, supportAuth("owner@globex.test")...).expect(t, http.StatusOK)
	if got := r.header.Get("X-Rate-Limit-Remaining"); got != "1" {
		t.Errorf("after the reset X-Rate-Limit-Remaining %q, want 1", got)
	}
}

// A window of negative length is refused at New with the field named.
func TestRateLimitWindowMustBePositive(t *testing.T) {
	_, err := sim.New(sim.Config{DBPath: t.TempDir() + "/sim.db", RateLimitWindow: -time.Second})
	if err == nil {
		t.Fatal("sim.New accepted a negative RateLimitWindow")
	}
}
