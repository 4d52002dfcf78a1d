package activities

import (
	"strings"
	"testing"
	"time"

	"github.com/stretchr/testify/require"
	"go.temporal.io/sdk/activity"
	"go.temporal.io/sdk/converter"
	"go.temporal.io/sdk/worker"

	"github.com/sellmigrate/sellmigrate/contract"
)

// createHooli creates the new Zendesk account for demo Sell account 1005 (2,500 users).
func createHooli(t *testing.T, f *simFixture) {
	t.Helper()
	_, err := f.env().ExecuteActivity(f.acts.ReserveSubdomain, ReserveSubdomainInput{
		AccountName: "Hooli", Subdomain: "hooli", OwnerName: "Hooli Admin", OwnerEmail: "admin@hooli.test", IdempotencyKey: "hooli-1",
	})
	require.NoError(t, err)
}

// TestContributorConversionResumesFromHeartbeat crashes the conversion right after the
// create_many of page 6 went through but before page 6 was heartbeated (the job polls
// fail), then runs it again with the last heartbeat, as a retry on another worker does.
// The retry starts at page 6, not page 1, and every user is converted exactly once.
func TestContributorConversionResumesFromHeartbeat(t *testing.T) {
	t.Parallel()
	f := newSimFixture(t)
	createHooli(t, f)
	in := ConvertContributorsInput{SellAccountID: "1005", Subdomain: "hooli", ActingEmail: "admin@hooli.test"}

	var last contract.ContributorCursor
	first := f.env()
	// Heartbeats are throttled; with no throttle every cursor reaches the server.
	first.SetWorkerOptions(worker.Options{MaxHeartbeatThrottleInterval: time.Nanosecond})
	first.SetOnActivityHeartbeatListener(func(_ *activity.Info, details converter.EncodedValues) {
		var p contract.ContributorCursor
		if details != nil && details.Get(&p) == nil && p.NextPage > 0 {
			last = p
		}
	})
	f.mu.Lock()
	f.failJobPollsFromSellPage = "6" // page 6 is created, then every job poll fails
	f.mu.Unlock()
	_, err := first.ExecuteActivity(f.acts.ConvertContributors, in)
	require.Error(t, err, "the first attempt must die mid-page")
	require.Equal(t, 6, last.NextPage)
	fromErr, ok := CursorFromError(err)
	require.True(t, ok, "the error carries the cursor: %v", err)
	require.Equal(t, last, fromErr)
	require.Equal(t, 499, last.Converted) // pages 1–5, less the owner who is an admin already
	byKind, _ := f.ledger(t)
	require.Equal(t, 599, byKind["user_converted"], "page 6 was created before the crash")

	f.failJobPolls.Store(0)
	f.mu.Lock()
	f.failJobPollsFromSellPage = ""
	f.sellPages = nil
	f.mu.Unlock()
	retry := f.env()
	retry.SetHeartbeatDetails(last)
	v, err := retry.ExecuteActivity(f.acts.ConvertContributors, in)
	require.NoError(t, err)
	var res contract.ContributorCursor
	require.NoError(t, v.Get(&res))
	require.Equal(t, 2500, res.SellUsers)
	require.Equal(t, 2499, res.Converted)
	require.Equal(t, 1, res.AlreadyAgents)
	require.Empty(t, res.NeedsReactivation)
	require.Equal(t, "6", f.sellPages[0], "the retry resumes at the heartbeated page: %s", strings.Join(f.sellPages, ","))

	byKind, bySubject := f.ledger(t)
	require.Equal(t, 2499, byKind["user_converted"])
	requireNoDuplicates(t, bySubject)
}

// TestEndUserIsReportedForReactivation converts Globex into its existing account: lee is
// an end-user there and is reported, not promoted; the owner is already an agent.
func TestEndUserIsReportedForReactivation(t *testing.T) {
	t.Parallel()
	f := newSimFixture(t)
	v, err := f.env().ExecuteActivity(f.acts.ConvertContributors, ConvertContributorsInput{SellAccountID: "1002", Subdomain: "globex", ActingEmail: "owner@globex.test"})
	require.NoError(t, err)
	var res contract.ContributorCursor
	require.NoError(t, v.Get(&res))
	require.Equal(t, contract.ContributorCursor{NextPage: 2, SellUsers: 8, Converted: 6, AlreadyAgents: 1, NeedsReactivation: []string{"lee@globex.test"}, NeedsReactivationCount: 1, Total: 8}, res)

	// Run again (a re-run activity): nothing new is converted.
	_, err = f.env().ExecuteActivity(f.acts.ConvertContributors, ConvertContributorsInput{SellAccountID: "1002", Subdomain: "globex", ActingEmail: "owner@globex.test"})
	require.NoError(t, err)
	byKind, bySubject := f.ledger(t)
	require.Equal(t, 6, byKind["user_converted"])
	requireNoDuplicates(t, bySubject)
}
