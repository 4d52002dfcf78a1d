package activities

import (
	"net/http"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/stretchr/testify/require"
	"go.temporal.io/sdk/activity"
	"go.temporal.io/sdk/converter"
	"go.temporal.io/sdk/temporal"
	"go.temporal.io/sdk/testsuite"
	"go.temporal.io/sdk/workflow"

	"github.com/sellmigrate/sellmigrate/contract"
	"github.com/sellmigrate/sellmigrate/platform/sim"
)

// slowJob is how long each bulk job takes in the Slowco account.
const slowJob = time.Second

// newSlowAccount adds Sell account 3001 (Slowco, 120 users besides its admin) whose
// Zendesk jobs take slowJob each, and its Zendesk account slowco linked to it, as the
// migration leaves them before the conversion.
func newSlowAccount(t *testing.T, f *convFixture) ConvertContributorsInput {
	t.Helper()
	_, err := f.sim.AddAccount(t.Context(), sim.AccountSpec{SellAccountID: 3001, Name: "Slowco", Users: 120,
		JobDurationMs: slowJob.Milliseconds()})
	require.NoError(t, err)
	f.createAccount(t, "Slowco", "slowco", "admin@slowco.test")
	_, err = f.newAttempt(nil).env.ExecuteActivity(f.acts.LinkAccounts, LinkInput{SellAccountID: "3001", Subdomain: "slowco", IdempotencyKey: "test/link-slowco"})
	require.NoError(t, err)
	return ConvertContributorsInput{SellAccountID: "3001", Subdomain: "slowco", ActingEmail: "admin@slowco.test"}
}

// convertWithHeartbeatTimeout runs ConvertContributors as a workflow would schedule it,
// with a heartbeat timeout far shorter than one job and no retry: a wait that did not
// heartbeat would end it.
func convertWithHeartbeatTimeout(ctx workflow.Context, in ConvertContributorsInput) (contract.ContributorCursor, error) {
	ctx = workflow.WithActivityOptions(ctx, workflow.ActivityOptions{
		StartToCloseTimeout: time.Minute,
		HeartbeatTimeout:    slowJob / 3,
		RetryPolicy:         &temporal.RetryPolicy{MaximumAttempts: 1},
	})
	var out contract.ContributorCursor
	err := workflow.ExecuteActivity(ctx, "ConvertContributors", in).Get(ctx, &out)
	return out, err
}

// TestSlowJobsDoNotTimeOutTheConversion: with jobs of a second and a heartbeat timeout
// of a third of that, the conversion completes in one attempt, and every heartbeat that
// reaches the server carries the committed cursor.
func TestSlowJobsDoNotTimeOutTheConversion(t *testing.T) {
	t.Parallel()
	f := newConvFixture(t)
	in := newSlowAccount(t, f)

	var suite testsuite.WorkflowTestSuite
	env := suite.NewTestWorkflowEnvironment()
	env.RegisterActivity(f.acts)
	env.RegisterWorkflow(convertWithHeartbeatTimeout)
	var mu sync.Mutex
	var beats []contract.ContributorCursor
	bare := 0
	env.SetOnActivityHeartbeatListener(func(_ *activity.Info, d converter.EncodedValues) {
		mu.Lock()
		defer mu.Unlock()
		var c contract.ContributorCursor
		if d == nil || !d.HasValues() || d.Get(&c) != nil || c.NextPage < 1 {
			bare++
			return
		}
		beats = append(beats, c)
	})
	start := time.Now()
	env.ExecuteWorkflow(convertWithHeartbeatTimeout, in)
	require.True(t, env.IsWorkflowCompleted())
	require.NoError(t, env.GetWorkflowError())
	var got contract.ContributorCursor
	require.NoError(t, env.GetWorkflowResult(&got))
	require.Equal(t, contract.ContributorCursor{NextPage: 3, SellUsers: 121, Converted: 120, AlreadyAgents: 1, Total: 121}, got)
	require.GreaterOrEqual(t, time.Since(start), 2*slowJob, "two pages, two jobs of %s each", slowJob)

	mu.Lock()
	defer mu.Unlock()
	require.Zero(t, bare, "heartbeats without the cursor (each erases the stored one)")
	require.NotEmpty(t, beats)
	for i, b := range beats {
		require.Contains(t, []int{1, 2, 3}, b.NextPage, "heartbeat %d: %+v", i, b)
		if b.NextPage == 2 {
			// While page 2's job runs, the heartbeat is page 1's committed tally, never
			// page 2's partial one.
			require.Equal(t, 100, b.SellUsers, "heartbeat %d", i)
		}
	}
}

// TestPageConverterBeatsOnEveryJobPoll: while a page waits on its create_many job, the
// converter calls beat once per poll of the job, so the activity heartbeats as often
// as it asks Zendesk, not only on its keep-alive timer.
func TestPageConverterBeatsOnEveryJobPoll(t *testing.T) {
	t.Parallel()
	f := newConvFixture(t)
	in := newSlowAccount(t, f)
	var polls atomic.Int32
	f.setHook(func(_ http.ResponseWriter, r *http.Request) bool {
		if isJobPoll(r) {
			polls.Add(1)
		}
		return false
	})
	support := f.support(t, in.Subdomain)
	roleID, err := contributorRoleID(t.Context(), support)
	require.NoError(t, err)
	page, err := f.acts.sell(in.SellAccountID).Users(t.Context(), 2, sellPageSize)
	require.NoError(t, err)
	var beats atomic.Int32
	conv := pageConverter{support: support, sellAccountID: in.SellAccountID, roleID: roleID, beat: func() { beats.Add(1) }}
	start := time.Now()
	next, err := conv.convert(t.Context(), contract.ContributorCursor{NextPage: 2}, page.Users)
	require.NoError(t, err)
	require.Equal(t, 21, next.Converted)
	require.GreaterOrEqual(t, time.Since(start), slowJob)
	// 20ms, 40ms, 80ms, then every 100ms (activitiesOn): about a dozen polls for 1s.
	require.GreaterOrEqual(t, polls.Load(), int32(5))
	require.Equal(t, polls.Load(), beats.Load(), "one beat per job poll")
}

// TestResumedPageWaitsForTheJobAlreadyQueued: the workflow cancels the conversion while
// page 1's job (a second long) runs. The cancellation's cursor names that job; the new
// execution given it waits for the job, then finds page 1's 99 new contributors by
// external id. Only the row that job refused (the admin, whose email the account's
// owner has) is sent again, refused again and searched by email; everyone is converted
// once. Without the job in the cursor, the new execution would look the page up before
// the job ran, send all 100 again, and search each of the 100 rows refused as taken.
func TestResumedPageWaitsForTheJobAlreadyQueued(t *testing.T) {
	t.Parallel()
	f := newConvFixture(t)
	in := newSlowAccount(t, f)
	first := f.newAttempt(nil)
	var creates, searches atomic.Int32
	f.setHook(func(_ http.ResponseWriter, r *http.Request) bool {
		if isCreateMany(r) {
			creates.Add(1)
		}
		if isJobPoll(r) && creates.Load() == 1 {
			first.cancelAsWorkflow() // mid-wait on page 1's job
		}
		if r.Method == http.MethodGet && strings.HasSuffix(r.URL.Path, "/api/v2/users/search") {
			searches.Add(1)
		}
		return false
	})
	_, err := first.convert(in)
	var canceled *temporal.CanceledError
	require.ErrorAs(t, err, &canceled, "cancelled while page 1's job runs: %v", err)
	cur, ok := CursorFromError(err)
	require.True(t, ok)
	require.Equal(t, 1, cur.NextPage)
	require.NotEmpty(t, cur.CreateJobID, "the cursor names page 1's queued job")
	require.Equal(t, cur, first.lastHeartbeat(t), "the heartbeat names it too")

	resumed := in
	resumed.Resume = &cur
	got, err := f.newAttempt(nil).convert(resumed)
	require.NoError(t, err)
	require.Equal(t, contract.ContributorCursor{NextPage: 3, SellUsers: 121, Converted: 120, AlreadyAgents: 1, Total: 121}, got)
	require.EqualValues(t, 3, creates.Load(), "page 1, its refused row again, page 2")
	require.EqualValues(t, 1, searches.Load(), "only the admin's row, refused as taken, was searched by email")
	converted, bySubject := f.userConversions(t)
	require.Equal(t, 120, converted)
	requireConvertedOnce(t, bySubject)
}
