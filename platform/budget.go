package platform

import (
	"context"
	"fmt"
	"net/http"
	"strconv"
	"sync"
	"time"
)

// The fixed limiters (ratelimit.go) keep one process inside the plan's limit, but several
// worker processes share one Zendesk account's budget and none of them can count what the
// others spend. Zendesk tells every caller what remains account-wide: each Support
// response carries X-Rate-Limit (requests per minute) and X-Rate-Limit-Remaining (what is
// left of the current minute). budgets keeps the latest of those per account and paces
// the next calls so the remainder lasts until the window resets. Every process doing the
// same slows down together as the shared budget runs low. docs/ZENDESK.md explains the
// assumptions and the residual overshoot.

// DefaultBudgetWindow is the length of Zendesk's rate-limit window. The reset time is
// not in a header for the account-wide limit; windows are assumed fixed and aligned to
// the clock's minutes, as the simulator models them.
const DefaultBudgetWindow = time.Minute

// pacingShare is the share of the limit below which calls are spaced out. Above it the
// budget is plentiful and calls go as fast as the fixed limiters allow.
const pacingShare = 0.5

// lastCallsKept is how many of a window's calls are left unspent. Processes that read
// the same report at once spend its last calls together; leaving one unspent turns
// that race, at the end of nearly every busy window, into a rarer one.
const lastCallsKept = 1

// accountBudget is what the server last told us about one account's budget, less what
// this process has spent since.
type accountBudget struct {
	limit     int
	remaining int       // server's report, minus calls we have started since
	windowEnd time.Time // when the window the report belongs to is expected to reset
	nextSlot  time.Time // earliest start for the next call (spacing between our calls)
	retryAt   time.Time // a 429's Retry-After: no call before this
}

// budgets is the per-account view, keyed by budgetKey: the account's base URL, or the
// accounts subdomain's for partner calls.
type budgets struct {
	window time.Duration
	now    func() time.Time

	mu       sync.Mutex
	accounts map[string]*accountBudget
}

func newBudgets(window time.Duration, now func() time.Time) *budgets {
	if window <= 0 {
		window = DefaultBudgetWindow
	}
	return &budgets{window: window, now: now, accounts: map[string]*accountBudget{}}
}

// paceDelay is how long to leave between calls so that remaining calls last until the
// window resets: none while the budget is plentiful, an even share of the time left as
// it runs low, and the whole time left when nothing remains.
func paceDelay(remaining, limit int, untilReset time.Duration) time.Duration {
	switch {
	case untilReset <= 0 || limit <= 0:
		return 0
	case remaining <= 0:
		return untilReset
	case float64(remaining) > pacingShare*float64(limit):
		return 0
	default:
		return untilReset / time.Duration(remaining)
	}
}

// reserve takes the next call to key if it may go now, and otherwise returns how long
// to wait before asking again. A call is not booked ahead: a caller that waits asks
// again with the reports that arrived meanwhile, since by then other processes may have
// spent what was left. With no report from the server yet (or one from a window that has
// ended), it returns 0: the fixed limiters alone apply.
func (b *budgets) reserve(key string) time.Duration {
	if b == nil || key == "" {
		return 0
	}
	now := b.now()
	b.mu.Lock()
	defer b.mu.Unlock()
	a, ok := b.accounts[key]
	if !ok {
		return 0
	}
	if a.retryAt.After(now) {
		return a.retryAt.Sub(now)
	}
	if !now.Before(a.windowEnd) {
		// The window the report belongs to has reset: nothing is known of the new one
		// until its first answer.
		delete(b.accounts, key)
		return 0
	}
	if a.remaining <= lastCallsKept {
		// Everyone waiting here asks again when the window resets; the fixed limiters
		// space them, and the first answers of the new window pace the rest.
		return a.windowEnd.Sub(now)
	}
	if a.nextSlot.After(now) {
		return a.nextSlot.Sub(now)
	}
	a.nextSlot = now.Add(paceDelay(a.remaining, a.limit, a.windowEnd.Sub(now)))
	a.remaining--
	return 0
}

// wait blocks until the next call to key may go by the reported budget, or ctx ends.
func (b *budgets) wait(ctx context.Context, key string) error {
	for {
		d := b.reserve(key)
		if d <= 0 {
			return nil
		}
		t := time.NewTimer(d)
		select {
		case <-t.C:
		case <-ctx.Done():
			t.Stop()
			return fmt.Errorf("pacing calls to the account's remaining Zendesk rate-limit budget (zendesk.adaptive_rate_limit), %s to go: %w", d.Round(time.Millisecond), ctx.Err())
		}
	}
}

// observe records the budget a response reports. sent is when the call started: the
// server counted it at or after then, so a report is never taken for a later window
// than its own (a report of 0 taken for the next window would stall a whole minute).
// Responses without both headers (Sell documents none) leave the view unchanged.
func (b *budgets) observe(key string, h http.Header, sent time.Time) {
	if b == nil || key == "" {
		return
	}
	limit, err1 := strconv.Atoi(h.Get("X-Rate-Limit"))
	remaining, err2 := strconv.Atoi(h.Get("X-Rate-Limit-Remaining"))
	if err1 != nil || err2 != nil || limit <= 0 || remaining < 0 {
		return
	}
	windowEnd := sent.Truncate(b.window).Add(b.window)
	b.mu.Lock()
	defer b.mu.Unlock()
	a, ok := b.accounts[key]
	switch {
	case !ok:
		b.accounts[key] = &accountBudget{limit: limit, remaining: remaining, windowEnd: windowEnd}
	case windowEnd.Before(a.windowEnd):
		// A slow answer from a window that has already reset tells nothing new.
	case windowEnd.After(a.windowEnd):
		a.limit, a.remaining, a.windowEnd = limit, remaining, windowEnd
	default:
		// Within one window the remainder only falls; answers arrive out of order, and
		// our own count may already be lower than a report from before our last calls.
		a.limit, a.remaining = limit, min(a.remaining, remaining)
	}
}

// observeRetryAfter holds every call to key until a 429's Retry-After has passed, so
// the calls of this process that are already queued do not draw 429s of their own.
func (b *budgets) observeRetryAfter(key string, retryAfter time.Duration) {
	if b == nil || key == "" || retryAfter <= 0 {
		return
	}
	until := b.now().Add(retryAfter)
	b.mu.Lock()
	defer b.mu.Unlock()
	a, ok := b.accounts[key]
	if !ok {
		// With no report to go by, the window is taken to end with the Retry-After.
		a = &accountBudget{windowEnd: until}
		b.accounts[key] = a
	}
	if until.After(a.retryAt) {
		a.retryAt = until
	}
}
