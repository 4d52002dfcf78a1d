package workflows

import (
	"context"
	"testing"
	"time"

	"github.com/stretchr/testify/mock"
	"github.com/stretchr/testify/require"
	"go.temporal.io/sdk/activity"
	"go.temporal.io/sdk/temporal"

	"github.com/sellmigrate/sellmigrate/activities"
	"github.com/sellmigrate/sellmigrate/contract"
)

// Past the link a failing step parks the migration in needs_attention, tells ops, and
// on retry runs the step again from the cursor the failure carried.
func TestFailureAfterLinkWaitsForRetryAndResumesFromCursor(t *testing.T) {
	h := newHarness(t)
	h.preflightLegacy()
	h.reserveCreates("acme")
	h.link("acme")
	reached := contract.ContributorCursor{NextPage: 3, SellUsers: 200, Converted: 200, Total: 250}
	var resumedFrom *contract.ContributorCursor
	h.env.OnActivity(h.a.ConvertContributors, mock.Anything, mock.Anything).Return(
		func(_ context.Context, in activities.ConvertContributorsInput) (contract.ContributorCursor, error) {
			return contract.ContributorCursor{}, temporal.NewApplicationErrorWithOptions(
				"Zendesk account acme has no Contributor role; enable it in Admin Center > Team > Roles", contract.ErrTypeZendeskClient,
				temporal.ApplicationErrorOptions{NonRetryable: true, Details: []any{reached}})
		}).Once()
	h.env.OnActivity(h.a.ConvertContributors, mock.Anything, mock.Anything).Return(
		func(_ context.Context, in activities.ConvertContributorsInput) (contract.ContributorCursor, error) {
			resumedFrom = in.Resume
			return contract.ContributorCursor{NextPage: 4, SellUsers: 250, Converted: 249, AlreadyAgents: 1, Total: 250}, nil
		}).Once()
	h.at(time.Minute, func() { h.update(contract.AcceptDisclaimersName, accept("admin@acme.test")) })
	var early, retry *updateOutcome
	h.at(30*time.Second, func() { early = h.update(contract.RetryName, contract.RetryInput{By: "ops@example.test"}) })
	h.at(2*time.Minute, func() {
		p := h.progress()
		require.Equal(t, contract.StatusNeedsAttention, p.Status)
		require.Equal(t, contract.StepContributors, p.Step)
		require.True(t, p.Linked)
		require.Contains(t, p.LastError, "no Contributor role")
		require.Contains(t, p.WaitingFor, "retry")
		require.Equal(t, []string{contract.RetryName}, p.AllowedInputs)
		require.Equal(t, 200, p.Contributors.Done)
		require.Equal(t, 250, p.Contributors.Total)
	})
	// A reminder an hour later goes to ops, with what to fix.
	h.at(90*time.Minute, func() { retry = h.update(contract.RetryName, contract.RetryInput{By: "ops@example.test"}) })
	h.run(newInput("1001", contract.ModeNew, "acme"))

	require.Equal(t, contract.StatusCompleted, h.result().Outcome)
	require.ErrorContains(t, early.rejected, "retry applies only to a migration that needs attention")
	require.True(t, retry.done)
	require.NoError(t, retry.failed)
	require.NotNil(t, resumedFrom, "the retry must resume from the cursor the failure carried")
	require.Equal(t, reached, *resumedFrom)
	require.Len(t, h.reminded, 1)
	require.Equal(t, "ops", h.reminded[0].Audience)
	require.Contains(t, h.reminded[0].Problem, "no Contributor role")
	p := h.progress()
	require.Empty(t, p.LastError)
	require.Equal(t, 249, h.result().UsersConverted)
}

// An account linked by an earlier run that did not finish is finished by a new run,
// which skips everything up to the conversion.
func TestConnectedButUnfinishedFinishesTheConversion(t *testing.T) {
	h := newHarness(t)
	h.env.OnActivity(h.a.Preflight, mock.Anything, mock.Anything).
		Return(activities.PreflightResult{AccountName: "Hooli", Connected: true, ConnectedSubdomain: "hooli", LoginURL: "https://hooli.zendesk.com"}, nil).Once()
	h.env.OnActivity(h.a.CheckContributors, mock.Anything, mock.Anything).
		Return(activities.ContributorCheck{SellUsers: 2500, Active: 2500, Contributors: 1000, OtherAgents: 1, Missing: 1499}, nil).Once()
	h.env.OnActivity(h.a.ConvertContributors, mock.Anything, mock.MatchedBy(func(in activities.ConvertContributorsInput) bool {
		return in.Subdomain == "hooli" && in.ActingEmail == "admin@acme.test"
	})).Return(contract.ContributorCursor{NextPage: 26, SellUsers: 2500, Converted: 2499, AlreadyAgents: 1, Total: 2500}, nil).Once()
	h.run(newInput("1005", contract.ModeNew, "hooli"))

	r := h.result()
	require.Equal(t, contract.StatusCompleted, r.Outcome)
	require.Equal(t, 2499, r.UsersConverted)
	h.env.AssertNotCalled(t, "ReserveSubdomain", mock.Anything, mock.Anything)
	h.env.AssertNotCalled(t, "LinkAccounts", mock.Anything, mock.Anything)
	p := h.progress()
	require.True(t, p.Linked)
	require.Equal(t, []contract.Step{contract.StepPreflight, contract.StepContributors, contract.StepDone}, timelineSteps(p))
}

// Cancelled while the conversion runs: the account stays linked, the outcome says so
// and how to finish, and nothing is released. (The SDK's test environment answers a
// cancelled activity at once, without waiting for it as a real server does, so the
// count of users left is proven end to end: TestCancelHooliMidConversionThenFinish.)
func TestCancelDuringConversionSaysWhatRemains(t *testing.T) {
	h := newHarness(t)
	h.preflightLegacy()
	h.reserveCreates("hooli")
	h.link("hooli")
	h.env.OnActivity(h.a.ConvertContributors, mock.Anything, mock.Anything).Return(
		func(ctx context.Context, _ activities.ConvertContributorsInput) (contract.ContributorCursor, error) {
			// The test clock stands still while an activity runs, so the cancel comes from
			// here; it reaches the activity through its heartbeats, as on a real worker.
			h.env.CancelWorkflow()
			for ctx.Err() == nil {
				activity.RecordHeartbeat(ctx)
				time.Sleep(time.Millisecond)
			}
			return contract.ContributorCursor{}, temporal.NewCanceledError(contract.ContributorCursor{NextPage: 11, SellUsers: 1000, Converted: 999, AlreadyAgents: 1, Total: 2500})
		}).Once()
	h.at(time.Minute, func() { h.update(contract.AcceptDisclaimersName, accept("admin@acme.test")) })
	h.run(newInput("1005", contract.ModeNew, "hooli"))

	require.True(t, temporal.IsCanceledError(h.env.GetWorkflowError()))
	p := h.progress()
	require.Equal(t, contract.StatusCancelled, p.Status)
	require.Contains(t, p.Compensation, "already linked to Sell account 1005")
	require.Contains(t, p.Compensation, "its Sell users are not all contributors yet")
	require.Contains(t, p.Compensation, "start the migration again to finish it")
	h.env.AssertNotCalled(t, "ReleaseSubdomain", mock.Anything, mock.Anything)
}

// Cancelled while the account is being created, without an answer from the attempt:
// compensation releases the account only if it exists and is the requester's.
func TestCancelDuringCreationReleasesItIfOurs(t *testing.T) {
	h := newHarness(t)
	h.preflightLegacy()
	h.env.OnActivity(h.a.ReserveSubdomain, mock.Anything, mock.Anything).Return(
		func(ctx context.Context, _ activities.ReserveSubdomainInput) (activities.ReserveSubdomainResult, error) {
			h.env.CancelWorkflow()
			for ctx.Err() == nil {
				activity.RecordHeartbeat(ctx)
				time.Sleep(time.Millisecond)
			}
			return activities.ReserveSubdomainResult{}, ctx.Err()
		}).Once()
	h.env.OnActivity(h.a.ReleaseIfOwned, mock.Anything, activities.ReleaseSubdomainInput{Subdomain: "acme", OwnerEmail: "admin@acme.test", IdempotencyKey: "default-test-workflow-id/account/acme/1"}).
		Return(activities.ReleaseResult{Released: true}, nil).Once()
	h.run(newInput("1001", contract.ModeNew, "acme"))

	require.True(t, temporal.IsCanceledError(h.env.GetWorkflowError()))
	p := h.progress()
	require.Equal(t, contract.StatusCancelled, p.Status)
	require.Contains(t, p.Compensation, "released subdomain acme, created by this migration while it was being cancelled")
	h.env.AssertNotCalled(t, "ReleaseSubdomain", mock.Anything, mock.Anything)
}

// A link attempt that gave no answer is looked up before compensation: linked, the
// account is kept; the migration never tries to release a linked account.
func TestUnansweredLinkIsCheckedBeforeRelease(t *testing.T) {
	h := newHarness(t)
	h.preflightLegacy()
	h.reserveCreates("acme")
	h.env.OnActivity(h.a.LinkAccounts, mock.Anything, mock.Anything).
		Return(activities.LinkResult{}, temporal.NewApplicationError("link: zendesk sell 503", contract.ErrTypeZendeskUnavailable)).Times(4)
	h.env.OnActivity(h.a.CheckLink, mock.Anything, activities.CheckLinkInput{SellAccountID: "1001", Subdomain: "acme"}).
		Return(activities.LinkStatus{Linked: true, Subdomain: "acme"}, nil).Once()
	h.at(time.Minute, func() { h.update(contract.AcceptDisclaimersName, accept("admin@acme.test")) })
	h.run(newInput("1001", contract.ModeNew, "acme"))

	require.Error(t, h.env.GetWorkflowError())
	p := h.progress()
	require.Equal(t, contract.StatusFailed, p.Status)
	require.True(t, p.Linked)
	require.Contains(t, p.Compensation, "kept subdomain acme")
	h.env.AssertNotCalled(t, "ReleaseSubdomain", mock.Anything, mock.Anything)
}

func timelineSteps(p contract.Progress) []contract.Step {
	var out []contract.Step
	for _, r := range p.Timeline {
		out = append(out, r.Step)
	}
	return out
}

// A migration parked in needs_attention whose history grows long continues as new with
// its contributor cursor, and the next run's retry resumes from the page reached, not
// from the first.
func TestNeedsAttentionCarriesTheCursorAcrossContinueAsNew(t *testing.T) {
	h := newHarness(t)
	h.env.SetStartTime(testStart)
	h.preflightLegacy()
	h.reserveCreates("acme")
	h.link("acme")
	reached := contract.ContributorCursor{NextPage: 3, SellUsers: 200, Converted: 200, Total: 250}
	h.env.OnActivity(h.a.ConvertContributors, mock.Anything, mock.Anything).Return(
		func(context.Context, activities.ConvertContributorsInput) (contract.ContributorCursor, error) {
			return contract.ContributorCursor{}, temporal.NewApplicationErrorWithOptions(
				"Zendesk account acme has no Contributor role", contract.ErrTypeZendeskClient,
				temporal.ApplicationErrorOptions{NonRetryable: true, Details: []any{reached}})
		}).Once()
	h.at(time.Minute, func() { h.update(contract.AcceptDisclaimersName, accept("admin@acme.test")) })
	h.at(30*time.Minute, func() { h.env.SetCurrentHistoryLength(5000) })
	h.run(newInput("1001", contract.ModeNew, "acme"))
	next := nextRun(t, h)
	require.Equal(t, contract.StatusNeedsAttention, next.Carry.Progress.Status)
	require.NotNil(t, next.Carry.Cursor)
	require.Equal(t, reached, *next.Carry.Cursor)

	h2 := newHarness(t)
	h2.env.SetStartTime(testStart.Add(30 * time.Minute))
	var resumedFrom *contract.ContributorCursor
	h2.env.OnActivity(h2.a.ConvertContributors, mock.Anything, mock.Anything).Return(
		func(_ context.Context, in activities.ConvertContributorsInput) (contract.ContributorCursor, error) {
			resumedFrom = in.Resume
			return contract.ContributorCursor{NextPage: 4, SellUsers: 250, Converted: 249, AlreadyAgents: 1, Total: 250}, nil
		}).Once()
	h2.at(time.Minute, func() { h2.update(contract.RetryName, contract.RetryInput{By: "ops@example.test"}) })
	h2.run(next)
	require.Equal(t, contract.StatusCompleted, h2.result().Outcome)
	require.NotNil(t, resumedFrom, "the retry in the next run must resume from the carried cursor")
	require.Equal(t, reached, *resumedFrom)
	require.Equal(t, 249, h2.result().UsersConverted)
	h2.env.AssertNotCalled(t, "LinkAccounts", mock.Anything, mock.Anything)
}
