package activities

import (
	"context"
	"io"
	"net/http"
	"net/http/httptest"
	"path/filepath"
	"strconv"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/stretchr/testify/require"
	"go.temporal.io/sdk/activity"
	"go.temporal.io/sdk/converter"
	"go.temporal.io/sdk/temporal"
	"go.temporal.io/sdk/testsuite"
	"go.temporal.io/sdk/worker"

	"github.com/sellmigrate/sellmigrate/contract"
	"github.com/sellmigrate/sellmigrate/platform"
	"github.com/sellmigrate/sellmigrate/platform/sim"
)

// convFixture is the simulator over real loopback HTTP with a hook in front of it, so a
// test can stop an attempt at the exact request it chooses: answer a fault, or cancel
// the attempt's context the way the workflow's cancellation does.
type convFixture struct {
	t    testing.TB
	sim  *sim.Sim
	srv  *httptest.Server
	acts *Activities

	mu sync.Mutex
	// hook sees every request first; it returns true when it has answered it.
	hook func(w http.ResponseWriter, r *http.Request) bool
	// sellPages are the unfiltered Sell user pages read, in order.
	sellPages []int
	// supportWrites counts Support requests other than GET.
	supportWrites int
}

func newConvFixture(t testing.TB) *convFixture {
	t.Helper()
	s, err := sim.New(sim.Config{DBPath: filepath.Join(t.TempDir(), "sim.db"), RateLimitPerMinute: 100000, JobDuration: testJobDuration})
	require.NoError(t, err)
	f := &convFixture{t: t, sim: s}
	f.srv = httptest.NewServer(http.HandlerFunc(f.serve))
	t.Cleanup(func() { f.srv.Close(); _ = s.Close() })
	f.acts = activitiesOn(t, f.srv.URL)
	// Globex is the seeded existing account most tests convert: its owner's API token
	// is stored, as an operator would add it.
	allowIn(t, f.acts, "globex", "owner@globex.test")
	return f
}

func (f *convFixture) serve(w http.ResponseWriter, r *http.Request) {
	f.mu.Lock()
	if r.URL.Path == "/sell/v2/users" && !r.URL.Query().Has("email") {
		n, _ := strconv.Atoi(r.URL.Query().Get("page"))
		f.sellPages = append(f.sellPages, n)
	}
	if strings.HasPrefix(r.URL.Path, "/zendesk/") && r.Method != http.MethodGet {
		f.supportWrites++
	}
	hook := f.hook
	f.mu.Unlock()
	if hook != nil && hook(w, r) {
		return
	}
	f.sim.Handler().ServeHTTP(w, r)
}

// setHook replaces the hook (nil removes it) and forgets the Sell pages read so far.
func (f *convFixture) setHook(h func(w http.ResponseWriter, r *http.Request) bool) {
	f.mu.Lock()
	defer f.mu.Unlock()
	f.hook, f.sellPages = h, nil
}

func (f *convFixture) pagesRead() []int {
	f.mu.Lock()
	defer f.mu.Unlock()
	return append([]int(nil), f.sellPages...)
}

func (f *convFixture) writes() int {
	f.mu.Lock()
	defer f.mu.Unlock()
	return f.supportWrites
}

// attempt is one activity attempt: its own environment, a context the test may cancel
// as the workflow would, and the last cursor it heartbeated.
type attempt struct {
	env    *testsuite.TestActivityEnvironment
	acts   *Activities
	cancel context.CancelCauseFunc

	mu   sync.Mutex
	last *contract.ContributorCursor
	n    int
	// bare counts heartbeats that carried no cursor: each would erase the stored one.
	bare int
}

// newAttempt starts an attempt; details, when not nil, are the heartbeat details an
// earlier attempt left (as the server hands them to a retry).
func (f *convFixture) newAttempt(details *contract.ContributorCursor) *attempt {
	var suite testsuite.WorkflowTestSuite
	a := &attempt{env: suite.NewTestActivityEnvironment(), acts: f.acts}
	ctx, cancel := context.WithCancelCause(context.Background())
	a.cancel = cancel
	f.t.Cleanup(func() { cancel(nil) })
	// No heartbeat throttling, so every cursor reaches the listener.
	a.env.SetWorkerOptions(worker.Options{BackgroundActivityContext: ctx, MaxHeartbeatThrottleInterval: time.Nanosecond})
	a.env.RegisterActivity(f.acts)
	a.env.SetOnActivityHeartbeatListener(func(_ *activity.Info, d converter.EncodedValues) {
		var c contract.ContributorCursor
		a.mu.Lock()
		defer a.mu.Unlock()
		if d == nil || !d.HasValues() || d.Get(&c) != nil || c.NextPage < 1 {
			a.bare++
			return
		}
		a.last, a.n = &c, a.n+1
	})
	if details != nil {
		a.env.SetHeartbeatDetails(*details)
	}
	return a
}

// cancelAsWorkflow cancels the attempt's context the way the SDK does when the workflow
// cancels the activity (the cause is a CanceledError).
func (a *attempt) cancelAsWorkflow() { a.cancel(temporal.NewCanceledError()) }

func (a *attempt) lastHeartbeat(t *testing.T) contract.ContributorCursor {
	t.Helper()
	a.mu.Lock()
	defer a.mu.Unlock()
	require.NotNil(t, a.last, "the attempt heartbeated no cursor")
	require.Zero(t, a.bare, "heartbeats without the cursor (each erases the stored one)")
	return *a.last
}

func (a *attempt) convert(in ConvertContributorsInput) (contract.ContributorCursor, error) {
	v, err := a.env.ExecuteActivity(a.acts.ConvertContributors, in)
	if err != nil {
		return contract.ContributorCursor{}, err
	}
	var res contract.ContributorCursor
	return res, v.Get(&res)
}

// waitForAbort is a hook's way to stand in for a request that never finishes: it waits
// until the client gives up on it (its context was cancelled), or a bound passes. The
// body is read first: only then does the server watch the connection and notice the
// client hanging up.
func waitForAbort(r *http.Request) {
	_, _ = io.Copy(io.Discard, r.Body)
	select {
	case <-r.Context().Done():
	case <-time.After(5 * time.Second):
	}
}

// userConversions counts user_converted ledger entries per subject and in all.
func (f *convFixture) userConversions(t testing.TB) (total int, bySubject map[string]int) {
	t.Helper()
	entries, err := f.sim.Ledger(context.Background())
	require.NoError(t, err)
	bySubject = map[string]int{}
	for _, e := range entries {
		if e.Kind == sim.LedgerUserConverted {
			total++
			bySubject[e.Subject]++
		}
	}
	return total, bySubject
}

func requireConvertedOnce(t testing.TB, bySubject map[string]int) {
	t.Helper()
	for subject, n := range bySubject {
		require.Equal(t, 1, n, "user %s was converted %d times", subject, n)
	}
}

// createAccount creates an empty Zendesk account owned by ownerEmail, as the subdomain
// step would.
func (f *convFixture) createAccount(t testing.TB, name, subdomain, ownerEmail string) {
	t.Helper()
	_, err := f.newAttempt(nil).env.ExecuteActivity(f.acts.ReserveSubdomain, ReserveSubdomainInput{
		AccountName: name, Subdomain: subdomain, OwnerName: name + " Owner", OwnerEmail: ownerEmail, IdempotencyKey: "test/" + subdomain,
	})
	require.NoError(t, err)
}

// support is the Support API of subdomain with the credential stored for it.
func (f *convFixture) support(t testing.TB, subdomain string) *platform.Support {
	t.Helper()
	s, _, err := f.acts.supportWith(context.Background(), subdomain, "")
	require.NoError(t, err)
	return s
}
