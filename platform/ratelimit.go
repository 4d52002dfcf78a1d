package platform

import (
	"context"
	"fmt"
	"sync"
	"time"

	"golang.org/x/time/rate"
)

// RateLimits are the client-side limits a Client keeps to, so that a worker running
// hundreds of migrations at once stays inside Zendesk's documented limits instead of
// drawing 429s. Zero means unlimited.
type RateLimits struct {
	// SellPerSecond caps calls per Sell token (Sell allows about 10 requests/s per token).
	SellPerSecond float64
	// SupportPerMinute caps calls made as users of one Zendesk account (the plan's
	// per-account limit: 200/min on Team, 400 on Growth and Professional, 700 on
	// Enterprise). The partner calls (availability check, account creation) are not made
	// as any account and are not counted here, only paced by the budget the accounts
	// subdomain reports (budget.go; with FixedOnly, not at all); cap them across
	// workers with the task-queue activity rate.
	SupportPerMinute int
	// FixedOnly turns off pacing by the budget Zendesk reports (budget.go), leaving the
	// fixed limits above. Off by default: only the server's report can account for
	// other worker processes spending the same account's budget.
	FixedOnly bool
	// BudgetWindow is the length of Zendesk's rate-limit window, for pacing by the
	// reported budget; 0 means DefaultBudgetWindow, Zendesk's minute. Only tests against
	// a simulator with a shortened window (sim.Config.RateLimitWindow) set it.
	BudgetWindow time.Duration
}

// limiters holds one token bucket per Sell token and per Support account. The buckets
// are sized so that no window of the documented length can exceed the limit: a
// one-token bucket refilled at the Sell rate, and a Support bucket whose burst plus a
// minute of refill equals the per-minute limit.
type limiters struct {
	cfg     RateLimits
	mu      sync.Mutex
	buckets map[string]*rate.Limiter
}

func newLimiters(cfg RateLimits) *limiters {
	return &limiters{cfg: cfg, buckets: map[string]*rate.Limiter{}}
}

// wait blocks until the call may go, or ctx ends. key is the Sell token or the Support
// account's base URL; partner calls pass "".
func (l *limiters) wait(ctx context.Context, service, key string) error {
	if l == nil || key == "" {
		return nil
	}
	b := l.bucket(service, key)
	if b == nil {
		return nil
	}
	if err := b.Wait(ctx); err != nil {
		return fmt.Errorf("waiting for the client-side %s rate limit (zendesk.%s): %w", service, limitKeyName(service), err)
	}
	return nil
}

func (l *limiters) bucket(service, key string) *rate.Limiter {
	var r rate.Limit
	burst := 1
	switch service {
	case ServiceSell:
		if l.cfg.SellPerSecond <= 0 {
			return nil
		}
		r = rate.Limit(l.cfg.SellPerSecond)
	case ServiceSupport:
		perMin := l.cfg.SupportPerMinute
		if perMin <= 0 {
			return nil
		}
		burst = max(1, perMin/60)
		r = rate.Limit(float64(max(1, perMin-burst)) / 60)
	default:
		return nil
	}
	l.mu.Lock()
	defer l.mu.Unlock()
	b, ok := l.buckets[service+" "+key]
	if !ok {
		b = rate.NewLimiter(r, burst)
		l.buckets[service+" "+key] = b
	}
	return b
}

func limitKeyName(service string) string {
	if service == ServiceSell {
		return "sell_requests_per_second"
	}
	return "support_requests_per_minute"
}

// limitKey is what a call counts against: the Sell token, or the Support account (its
// base URL) when the call is made as one of its users. Partner calls carry the partner
// token but are made as no account, so they count against none: one bucket for the
// accounts subdomain would hold every migration's availability check and account
// creation in a process to one account's minute.
func (e endpoint) limitKey() string {
	if e.auth == "" || e.partner {
		return ""
	}
	if e.service == ServiceSell {
		return e.auth
	}
	return e.base
}

// budgetKey is the address whose reported budget paces a call: Support calls with
// credentials, partner calls included. Only what Zendesk itself reports (a budget running
// low, a 429's Retry-After) slows them; Sell documents no rate-limit headers
// (docs/ZENDESK.md).
func (e endpoint) budgetKey() string {
	if e.service != ServiceSupport || e.auth == "" {
		return ""
	}
	return e.base
}

// SupportPerMinute is the per-account Support limit this client keeps to (0: none), so
// an estimate of how long a conversion takes uses the limit the conversion will meet.
func (c *Client) SupportPerMinute() int { return c.limits.cfg.SupportPerMinute }
