package activities

import (
	"context"
	"net/http"
	"net/http/httptest"
	"path/filepath"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/stretchr/testify/require"

	"github.com/sellmigrate/sellmigrate/platform"
	"github.com/sellmigrate/sellmigrate/platform/sim"
)

// Two workers' Activities (each its own platform client, sharing nothing) read one
// Zendesk account with its stored credential over and over (users/me and the account,
// as the owner check does), against a budget of 20 Support calls a
// window. Adapting to the remainder Zendesk reports, they draw few 429s; with only the
// fixed limiters (off here: they cannot be sized to the shortened 1s window) they draw
// many. The platform test TestTwoWorkersShareOneAccountsBudget checks the pacing itself;
// this one checks it reaches the activities.
func TestTwoWorkersActivitiesShareOneAccountsBudget(t *testing.T) {
	t.Parallel()
	const (
		window    = time.Second
		windows   = 2
		perWorker = 3
	)
	s, err := sim.New(sim.Config{DBPath: filepath.Join(t.TempDir(), "sim.db"), RateLimitPerMinute: 20, RateLimitWindow: window})
	require.NoError(t, err)
	var denied atomic.Int32
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		rec := httptest.NewRecorder()
		s.Handler().ServeHTTP(rec, r)
		if rec.Code == http.StatusTooManyRequests {
			denied.Add(1)
		}
		for k, v := range rec.Header() {
			w.Header()[k] = v
		}
		w.WriteHeader(rec.Code)
		_, _ = w.Write(rec.Body.Bytes())
	}))
	t.Cleanup(func() { srv.Close(); _ = s.Close() })

	worker := func(fixedOnly bool) *Activities {
		acts := activitiesOn(t, srv.URL, func(c *platform.Config) {
			c.Limits = platform.RateLimits{FixedOnly: fixedOnly, BudgetWindow: window}
		})
		allowIn(t, acts, "globex", "owner@globex.test")
		return acts
	}
	run := func(fixedOnly bool) (verified, rateLimited int32) {
		denied.Store(0)
		time.Sleep(time.Until(time.Now().Truncate(window).Add(window)))
		ctx, cancel := context.WithTimeout(context.Background(), windows*window-20*time.Millisecond)
		defer cancel()
		var ok atomic.Int32
		var wg sync.WaitGroup
		for range 2 {
			acts := worker(fixedOnly)
			for range perWorker {
				wg.Go(func() {
					for ctx.Err() == nil {
						// The Support reads an activity makes with the account's stored
						// credential: users/me and the account, as the owner check does.
						support, _, err := acts.supportWith(ctx, "globex", "")
						var res platform.SupportAccount
						if err == nil {
							if _, err = support.Me(ctx); err == nil {
								res, err = support.Account(ctx)
							}
						}
						switch {
						case err == nil && res.OwnerID != 0:
							ok.Add(1)
						case ctx.Err() != nil:
						case platform.IsStatus(err, http.StatusTooManyRequests):
							// Temporal would retry after the Retry-After (1s).
							select {
							case <-time.After(window):
							case <-ctx.Done():
							}
						default:
							t.Errorf("account read = %+v, %v", res, err)
							return
						}
					}
				})
			}
		}
		wg.Wait()
		return ok.Load(), denied.Load()
	}

	aOK, aDenied := run(false)
	bOK, bDenied := run(true)
	t.Logf("adaptive: %d verified, %d 429s; fixed only: %d verified, %d 429s", aOK, aDenied, bOK, bDenied)
	require.LessOrEqual(t, aDenied, int32(2*windows), "adaptive pacing drew too many 429s")
	require.GreaterOrEqual(t, bDenied, 4*max(1, aDenied), "fixed limiters alone should draw several times the 429s")
	require.GreaterOrEqual(t, float64(aOK), 0.6*float64(bOK), "the pacing should spend most of the budget")
}
