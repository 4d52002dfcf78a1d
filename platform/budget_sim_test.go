package platform

import (
	"context"
	"errors"
	"net/http"
	"path/filepath"
	"sync"
	"testing"
	"time"

	"go.uber.org/zap"

	"github.com/sellmigrate/sellmigrate/platform/sim"
)

// windowCounts records, per rate-limit window, what the simulator answered one account.
// A request whose handling spans a window boundary may have been counted by the
// simulator in either window; it is kept out of the per-window counts (straddled).
type windowCounts struct {
	window    time.Duration
	mu        sync.Mutex
	served    map[time.Time]int
	denied    map[time.Time]int // 429s
	straddled struct{ served, denied int }
}

func (w *windowCounts) wrap(next http.Handler) http.Handler {
	return http.HandlerFunc(func(rw http.ResponseWriter, r *http.Request) {
		at := time.Now().Truncate(w.window)
		rec := &statusRecorder{ResponseWriter: rw}
		next.ServeHTTP(rec, r)
		straddled := !time.Now().Truncate(w.window).Equal(at)
		w.mu.Lock()
		defer w.mu.Unlock()
		switch {
		case rec.status == http.StatusTooManyRequests && straddled:
			w.straddled.denied++
		case rec.status == http.StatusTooManyRequests:
			w.denied[at]++
		case rec.status < 300 && straddled:
			w.straddled.served++
		case rec.status < 300:
			w.served[at]++
		}
	})
}

type statusRecorder struct {
	http.ResponseWriter
	status int
}

func (s *statusRecorder) WriteHeader(code int) {
	s.status = code
	s.ResponseWriter.WriteHeader(code)
}

func (s *statusRecorder) Write(b []byte) (int, error) {
	if s.status == 0 {
		s.status = http.StatusOK
	}
	return s.ResponseWriter.Write(b)
}

func (w *windowCounts) totals() (served, denied, maxServed int) {
	w.mu.Lock()
	defer w.mu.Unlock()
	for _, n := range w.served {
		served += n
		maxServed = max(maxServed, n)
	}
	for _, n := range w.denied {
		denied += n
	}
	return served + w.straddled.served, denied + w.straddled.denied, maxServed
}

// Two worker processes (two Clients sharing nothing, each over its own connection pool)
// migrate users of one account whose budget is small. Each adapts to the remainder the
// server reports account-wide, so together they stay under the limit: few or no 429s.
// The same load with adaptation off (FixedOnly, today's behaviour: retry after the
// 429's Retry-After) draws many. The simulator's window is shortened to 1s (test-only)
// so three windows pass in three seconds; the clients are told the same length.
// The fixed per-minute limiters are off in both runs, since they cannot be sized to a
// 1s window: the difference between the runs is the adaptation alone.
func TestTwoWorkersShareOneAccountsBudget(t *testing.T) {
	t.Parallel()
	const (
		window      = time.Second
		limit       = 30 // per window
		windows     = 3
		perWorker   = 4 // concurrent calls in each worker
		workerCount = 2
	)
	s, err := sim.New(sim.Config{
		DBPath: filepath.Join(t.TempDir(), "sim.db"), RateLimitPerMinute: limit, RateLimitWindow: window,
	})
	if err != nil {
		t.Fatalf("sim.New: %v", err)
	}
	t.Cleanup(func() {
		if err := s.Close(); err != nil {
			t.Errorf("close the simulator: %v", err)
		}
	})

	run := func(fixedOnly bool) *windowCounts {
		counts := &windowCounts{window: window, served: map[time.Time]int{}, denied: map[time.Time]int{}}
		h := counts.wrap(s.Handler())
		// Start as a window opens, so the run covers whole windows.
		time.Sleep(time.Until(time.Now().Truncate(window).Add(window)))
		ctx, cancel := context.WithTimeout(context.Background(), windows*window-20*time.Millisecond)
		defer cancel()
		var wg sync.WaitGroup
		for range workerCount {
			c := newTestClient(t, h, func(cfg *Config) {
				cfg.Logger = zap.NewNop()
				cfg.Limits = RateLimits{FixedOnly: fixedOnly, BudgetWindow: window}
			})
			for range perWorker {
				wg.Go(func() {
					support := c.Support("globex", simCreds("owner@globex.test"))
					for ctx.Err() == nil {
						_, err := support.Me(ctx)
						var apiErr *APIError
						switch {
						case err == nil, ctx.Err() != nil:
						case errors.As(err, &apiErr) && apiErr.StatusCode == http.StatusTooManyRequests:
							// As the activity's retry would: wait the Retry-After.
							select {
							case <-time.After(apiErr.RetryAfter):
							case <-ctx.Done():
							}
						default:
							t.Errorf("Me: %v", err)
							return
						}
					}
				})
			}
		}
		wg.Wait()
		return counts
	}

	adaptive := run(false)
	baseline := run(true)
	aServed, aDenied, aMax := adaptive.totals()
	bServed, bDenied, bMax := baseline.totals()
	t.Logf("adaptive: %d served, %d 429s; fixed only: %d served, %d 429s; 429s adaptive/fixed = %.2f; served adaptive/fixed = %.2f",
		aServed, aDenied, bServed, bDenied, float64(aDenied)/float64(max(1, bDenied)), float64(aServed)/float64(max(1, bServed)))

	// The simulator, witness: never more served in a window than the limit.
	if aMax > limit || bMax > limit {
		t.Errorf("a window served %d (adaptive) / %d (fixed only) requests; the limit is %d", aMax, bMax, limit)
	}
	// Together the two workers stay under the shared limit: at most a race per window
	// (both reading the last remaining call at once).
	if aDenied > windows*workerCount {
		t.Errorf("adaptive: %d 429s in %d windows; want at most %d", aDenied, windows, windows*workerCount)
	}
	// ... and it is the pacing, not the retries, that keeps them there.
	if bDenied < 4*max(1, aDenied) {
		t.Errorf("fixed only drew %d 429s, adaptive %d; want the adaptation to avoid at least 3 in 4", bDenied, aDenied)
	}
	// Pacing spends the budget rather than stalling: most of it is used.
	if float64(aServed) < 0.6*float64(bServed) {
		t.Errorf("adaptive served %d, fixed only %d: the pacing leaves too much of the budget unused", aServed, bServed)
	}
}
