package platform

import (
	"context"
	"errors"
	"net/http"
	"sync"
	"testing"
	"time"
)

func TestPaceDelay(t *testing.T) {
	t.Parallel()
	cases := []struct {
		name              string
		remaining, limit  int
		untilReset, delay time.Duration
	}{
		{"plentiful: no delay", 600, 700, 30 * time.Second, 0},
		{"just over half: no delay", 351, 700, 30 * time.Second, 0},
		{"half: spaced over the time left", 350, 700, 35 * time.Second, 100 * time.Millisecond},
		{"low: spaced over the time left", 10, 700, 30 * time.Second, 3 * time.Second},
		{"last one: the whole time left", 1, 700, 20 * time.Second, 20 * time.Second},
		{"none: until the reset", 0, 700, 12 * time.Second, 12 * time.Second},
		{"window over: no delay", 0, 700, 0, 0},
		{"no limit known: no delay", 0, 0, 10 * time.Second, 0},
	}
	for _, c := range cases {
		if got := paceDelay(c.remaining, c.limit, c.untilReset); got != c.delay {
			t.Errorf("%s: paceDelay(%d, %d, %v) = %v, want %v", c.name, c.remaining, c.limit, c.untilReset, got, c.delay)
		}
	}
}

// fakeClock is a settable clock for budgets.
type fakeClock struct{ t time.Time }

func (c *fakeClock) now() time.Time { return c.t }

func rateHeaders(limit, remaining string) http.Header {
	h := http.Header{}
	if limit != "" {
		h.Set("X-Rate-Limit", limit)
	}
	if remaining != "" {
		h.Set("X-Rate-Limit-Remaining", remaining)
	}
	return h
}

// 10s into a minute window.
var windowStart = time.Date(2026, 1, 2, 3, 4, 0, 0, time.UTC)

func TestBudgetsPaceByTheReportedRemainder(t *testing.T) {
	t.Parallel()
	clock := &fakeClock{windowStart.Add(10 * time.Second)}
	b := newBudgets(time.Minute, clock.now)
	const key = "https://acme.zendesk.com"

	if d := b.reserve(key); d != 0 {
		t.Fatalf("before any report: wait %v, want 0 (fixed limiters only)", d)
	}
	b.observe(key, rateHeaders("700", "600"), clock.t)
	for i := range 5 {
		if d := b.reserve(key); d != 0 {
			t.Fatalf("plentiful, call %d: wait %v, want 0", i, d)
		}
	}

	// Low: 50s left and 10 remaining, so the next call goes now and the one after 5s
	// later; a caller asking early is told to wait the rest, and nothing is booked.
	b.observe(key, rateHeaders("700", "10"), clock.t)
	if d := b.reserve(key); d != 0 {
		t.Errorf("low, first call: wait %v, want 0", d)
	}
	for _, want := range []time.Duration{5 * time.Second, 5 * time.Second} {
		if d := b.reserve(key); d != want {
			t.Errorf("low, second call: wait %v, want %v", d, want)
		}
	}
	clock.t = clock.t.Add(2 * time.Second)
	if d := b.reserve(key); d != 3*time.Second {
		t.Errorf("low, second call asking again 2s later: wait %v, want 3s", d)
	}
	clock.t = clock.t.Add(3 * time.Second)
	if d := b.reserve(key); d != 0 {
		t.Errorf("low, second call at its slot: wait %v, want 0", d)
	}
	// It went with 45s left and 9 remaining: the third goes 45s/9 later.
	if d := b.reserve(key); d != 5*time.Second {
		t.Errorf("low, third call: wait %v, want 5s", d)
	}

	// Another process spends meanwhile: the report says 3 remain, and a caller that was
	// waiting is now spaced by that, not by what was true when it first asked.
	b.observe(key, rateHeaders("700", "3"), clock.t)
	clock.t = clock.t.Add(5 * time.Second)
	if d := b.reserve(key); d != 0 {
		t.Errorf("third call at its slot: wait %v, want 0", d)
	}
	left := windowStart.Add(time.Minute).Sub(clock.t)
	if d := b.reserve(key); d != left/3 {
		t.Errorf("fourth call, after a report of 3: wait %v, want %v (the time left / 3)", d, left/3)
	}

	// An older report with more remaining (answers arrive out of order) does not undo
	// what has been spent since.
	b.observe(key, rateHeaders("700", "9"), clock.t)
	if got := b.accounts[key].remaining; got != 2 {
		t.Errorf("remaining after a stale report = %d, want 2 (3 reported, 1 spent)", got)
	}

	// The last call of the window is left unspent (lastCallsKept), and with none left
	// everyone waits until the window resets.
	for _, remaining := range []string{"1", "0"} {
		b.observe(key, rateHeaders("700", remaining), clock.t)
		if d, want := b.reserve(key), windowStart.Add(time.Minute).Sub(clock.t); d != want {
			t.Errorf("%s left: wait %v, want %v (the reset)", remaining, d, want)
		}
	}

	// Once the window has reset, the old report says nothing: no pacing until the new
	// window's first answer.
	clock.t = windowStart.Add(time.Minute + time.Second)
	if d := b.reserve(key); d != 0 {
		t.Errorf("after the reset: wait %v, want 0", d)
	}
	// A slow answer from the old window does not bring it back.
	b.observe(key, rateHeaders("700", "0"), windowStart.Add(59*time.Second))
	b.observe(key, rateHeaders("700", "690"), clock.t)
	b.observe(key, rateHeaders("700", "0"), windowStart.Add(59*time.Second))
	if d := b.reserve(key); d != 0 {
		t.Errorf("new window, plentiful: wait %v, want 0", d)
	}
}

// Without both headers (Sell sends none) or with garbled ones, nothing is paced: the
// fixed limiters alone apply.
func TestBudgetsIgnoreMissingHeaders(t *testing.T) {
	t.Parallel()
	clock := &fakeClock{windowStart}
	b := newBudgets(0, clock.now)
	for _, h := range []http.Header{
		rateHeaders("", ""), rateHeaders("700", ""), rateHeaders("", "0"),
		rateHeaders("lots", "0"), rateHeaders("700", "-1"), rateHeaders("0", "0"),
	} {
		b.observe("k", h, clock.t)
		if d := b.reserve("k"); d != 0 {
			t.Errorf("headers %v: wait %v, want 0", h, d)
		}
	}
}

// A 429's Retry-After holds every call of this process, not only the one that drew it.
func TestBudgetsHoldCallsForRetryAfter(t *testing.T) {
	t.Parallel()
	clock := &fakeClock{windowStart.Add(30 * time.Second)}
	b := newBudgets(time.Minute, clock.now)
	b.observeRetryAfter("k", 7*time.Second)
	for range 3 {
		if d := b.reserve("k"); d != 7*time.Second {
			t.Fatalf("after a 429: wait %v, want 7s", d)
		}
	}
	clock.t = clock.t.Add(8 * time.Second)
	if d := b.reserve("k"); d != 0 {
		t.Errorf("after Retry-After: wait %v, want 0", d)
	}
}

// Concurrent callers at a low remainder go one at a time, spread over the window, not
// together; once the remainder is spent they wait for the reset.
func TestBudgetsSpreadConcurrentCallers(t *testing.T) {
	t.Parallel()
	clock := &fakeClock{windowStart}
	b := newBudgets(time.Minute, clock.now)
	b.observe("k", rateHeaders("100", "20"), clock.t)
	var mu sync.Mutex
	var wg sync.WaitGroup
	waits := map[time.Duration]int{}
	for range 20 {
		wg.Go(func() {
			d := b.reserve("k")
			mu.Lock()
			waits[d]++
			mu.Unlock()
		})
	}
	wg.Wait()
	if waits[0] != 1 || waits[3*time.Second] != 19 {
		t.Errorf("20 callers at once: waits %v, want one to go and 19 to wait 3s (60s/20)", waits)
	}
	// Each asking again when told: 19 calls (one is kept unspent) over the window.
	went := []time.Time{clock.t}
	for clock.t.Before(windowStart.Add(time.Minute)) {
		d := b.reserve("k")
		if d == 0 {
			went = append(went, clock.t)
			continue
		}
		clock.t = clock.t.Add(d)
	}
	if len(went) != 19 {
		t.Fatalf("%d calls went in the window, want 19 (20 remaining, one kept)", len(went))
	}
	if last := went[len(went)-1].Sub(windowStart); last < 30*time.Second {
		t.Errorf("the last call went %v into the window; want the calls spread over it", last)
	}
}

// A caller that gives up while paced gets its context's error, naming the setting.
func TestBudgetWaitRespectsContext(t *testing.T) {
	t.Parallel()
	clock := &fakeClock{windowStart}
	b := newBudgets(time.Minute, clock.now) // a minute to the reset, however late the test runs
	b.observe("k", rateHeaders("700", "0"), clock.t)
	ctx, cancel := context.WithTimeout(context.Background(), 20*time.Millisecond)
	defer cancel()
	began := time.Now()
	err := b.wait(ctx, "k")
	if !errors.Is(err, context.DeadlineExceeded) {
		t.Fatalf("wait = %v, want the context's deadline", err)
	}
	if took := time.Since(began); took > 5*time.Second {
		t.Errorf("wait returned after %v, want soon after the 20ms deadline", took)
	}
	if err := (*budgets)(nil).wait(ctx, "k"); err != nil {
		t.Errorf("no budgets (FixedOnly): wait = %v, want nil", err)
	}
}
