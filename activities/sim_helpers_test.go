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
	"go.temporal.io/sdk/testsuite"

	"github.com/sellmigrate/sellmigrate/credstore"
	"github.com/sellmigrate/sellmigrate/platform"
	"github.com/sellmigrate/sellmigrate/platform/sim"
)

// simFixture is the real simulator over real HTTP, with a switch that makes chosen
// requests fail, to stand for a crash at an exact point.
type simFixture struct {
	sim  *sim.Sim
	srv  *httptest.Server
	acts *Activities
	// failJobPolls, while > 0, makes that many job-status polls answer 503.
	failJobPolls atomic.Int32
	// failJobPollsFromSellPage arms failJobPolls when that Sell page is read.
	failJobPollsFromSellPage string
	mu                       sync.Mutex
	sellPages                []string
}

func newSimFixture(t *testing.T) *simFixture {
	t.Helper()
	s, err := sim.New(sim.Config{DBPath: filepath.Join(t.TempDir(), "sim.db"), RateLimitPerMinute: 100000, JobDuration: testJobDuration})
	require.NoError(t, err)
	f := &simFixture{sim: s}
	f.srv = httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if r.Method == http.MethodGet && filepath.Base(filepath.Dir(r.URL.Path)) == "job_statuses" && f.failJobPolls.Load() > 0 {
			f.failJobPolls.Add(-1)
			http.Error(w, `{"error":"ServiceUnavailable","description":"injected"}`, http.StatusServiceUnavailable)
			return
		}
		if r.URL.Path == "/sell/v2/users" {
			f.mu.Lock()
			page := r.URL.Query().Get("page")
			f.sellPages = append(f.sellPages, page)
			if page == f.failJobPollsFromSellPage {
				f.failJobPolls.Store(1000)
			}
			f.mu.Unlock()
		}
		s.Handler().ServeHTTP(w, r)
	}))
	t.Cleanup(func() { f.srv.Close(); _ = s.Close() })
	f.acts = activitiesOn(t, f.srv.URL)
	allowIn(t, f.acts, "globex", "owner@globex.test") // as in newConvFixture
	return f
}

// Test jobs take testJobDuration in the simulator and are first polled after
// testJobPoll, so a job the simulator runs on time needs exactly one poll: the call
// counts TestContributorLookupCalls pins do not depend on timing, and a page costs
// ~20ms of waiting instead of the second production polling starts with.
const (
	testJobDuration = 10 * time.Millisecond
	testJobPoll     = 20 * time.Millisecond
)

// activitiesOn builds the activities on a simulator served at url, with a credential
// store of their own (empty: tests add what each account needs with allowIn), polling jobs from testJobPoll; tune changes the client's config further.
func activitiesOn(t testing.TB, url string, tune ...func(*platform.Config)) *Activities {
	t.Helper()
	cfg := platform.Config{
		SupportURL:     url + "/zendesk/{subdomain}",
		SellURL:        url + "/sell",
		PartnerToken:   sim.DefaultPartnerToken,
		Timeout:        5 * time.Second,
		JobPollInitial: testJobPoll,
		JobPollMax:     5 * testJobPoll,
	}
	for _, f := range tune {
		f(&cfg)
	}
	client, err := platform.New(cfg)
	require.NoError(t, err)
	acts, err := New(Deps{Platform: client, Credentials: newTestStore(t), SellTokenTemplate: "sell-demo-{account_id}"})
	require.NoError(t, err)
	return acts
}

func (f *simFixture) env() *testsuite.TestActivityEnvironment {
	var suite testsuite.WorkflowTestSuite
	env := suite.NewTestActivityEnvironment()
	env.RegisterActivity(f.acts)
	return env
}

// ledger counts the simulator's side effects by kind and by kind+subject.
func (f *simFixture) ledger(t *testing.T) (byKind map[string]int, bySubject map[string]int) {
	t.Helper()
	entries, err := f.sim.Ledger(context.Background())
	require.NoError(t, err)
	byKind, bySubject = map[string]int{}, map[string]int{}
	for _, e := range entries {
		byKind[e.Kind]++
		bySubject[e.Kind+" "+e.Subject]++
	}
	return byKind, bySubject
}

func requireNoDuplicates(t *testing.T, bySubject map[string]int) {
	t.Helper()
	for subject, n := range bySubject {
		require.Equal(t, 1, n, "side effect %q happened %d times", subject, n)
	}
}

// newTestStore is a credential store in a temporary SQLite file under a fresh key.
func newTestStore(t testing.TB) *credstore.Store {
	t.Helper()
	key, err := credstore.NewKey()
	require.NoError(t, err)
	ring, err := credstore.ParseKeyring([]string{key}, "")
	require.NoError(t, err)
	store, err := credstore.Open(context.Background(), "sqlite:"+filepath.Join(t.TempDir(), "credentials.db"), ring)
	require.NoError(t, err)
	t.Cleanup(func() { _ = store.Close() })
	return store
}

// credsOf is the credential store the activities act with.
func credsOf(a *Activities) *credstore.Store { return a.credentials.(*credstore.Store) }

// allowIn stores the simulator's demo API token of subdomain, acting as email, as an
// operator adds one with "sellmigrate credentials add"; it returns its ID.
func allowIn(t testing.TB, a *Activities, subdomain, email string) string {
	t.Helper()
	c, err := credsOf(a).Put(context.Background(), credstore.Credential{
		Kind: credstore.KindOperatorToken, Scheme: credstore.SchemeAPIToken, Subdomain: subdomain, Email: email, Secret: sim.DemoAPIToken(subdomain),
	})
	require.NoError(t, err)
	return c.ID
}
