package workflows

import (
	"errors"
	"testing"
	"time"

	"github.com/stretchr/testify/mock"
	"github.com/stretchr/testify/require"
	"go.temporal.io/sdk/converter"
	"go.temporal.io/sdk/temporal"
	"go.temporal.io/sdk/workflow"

	"github.com/sellmigrate/sellmigrate/contract"
)

var testStart = time.Date(2026, 11, 30, 9, 0, 0, 0, time.UTC)

// nextRun reads the input a run that continued as new handed to the next one.
func nextRun(t *testing.T, h *harness) contract.StartInput {
	t.Helper()
	require.True(t, h.env.IsWorkflowCompleted())
	var can *workflow.ContinueAsNewError
	require.True(t, errors.As(h.env.GetWorkflowError(), &can), "want continue-as-new, got %v", h.env.GetWorkflowError())
	require.Equal(t, contract.WorkflowName, can.WorkflowType.Name)
	var next contract.StartInput
	require.NoError(t, converter.GetDefaultDataConverter().FromPayloads(can.Input, &next))
	require.NotNil(t, next.Carry)
	return next
}

// A long wait continues as new with everything it had, and the next run goes on from
// the same wait: same timeline, inputs, reminders, created subdomain and deadline.
func TestContinueAsNewCarriesTheWholeProgress(t *testing.T) {
	// Run 1 waits for the disclaimers, reminds twice, records a refused input, then
	// its history grows past the limit.
	h := newHarness(t)
	h.env.SetStartTime(testStart)
	h.preflightLegacy()
	h.reserveCreates("acme")
	h.at(90*time.Minute, func() {
		h.env.SignalWorkflow(contract.LicenseAssignedName, contract.LicenseAssignedInput{By: "admin@acme.test"}) // refused: new mode
	})
	h.at(150*time.Minute, func() { h.env.SetCurrentHistoryLength(2000) })
	h.run(newInput("1001", contract.ModeNew, "acme"))
	next := nextRun(t, h)
	c := next.Carry
	require.Equal(t, contract.StatusAwaitingDisclaimers, c.Progress.Status)
	require.Equal(t, contract.StepDisclaimers, c.Progress.Step)
	require.Equal(t, "acme", c.Progress.CreatedSubdomain)
	require.Equal(t, 2, c.Progress.RemindersSent)
	require.Len(t, c.Progress.Notifications, 4, "two reminders, by email and webhook")
	require.Len(t, c.Progress.Inputs, 1)
	require.False(t, c.Progress.Inputs[0].Accepted)
	require.Equal(t, 1, c.Progress.InputCounts[contract.LicenseAssignedName].Rejected)
	since := *c.Progress.WaitingSince
	require.Equal(t, since.Add(5*time.Hour), c.WaitDeadline, "the deadline runs from the start of the wait")
	require.Equal(t, 1, c.Progress.Runs)
	timeline := c.Progress.Timeline

	// Run 2 picks up the same wait: no preflight, no new timeline entry; the disclaimers
	// are accepted and the migration completes with its whole timeline.
	h2 := newHarness(t)
	h2.env.SetStartTime(testStart.Add(150 * time.Minute))
	h2.linkAndConvert("acme", 4)
	h2.at(time.Minute, func() {
		p := h2.progress()
		require.Equal(t, 2, p.Runs)
		require.Equal(t, contract.StatusAwaitingDisclaimers, p.Status)
		require.Equal(t, since, *p.WaitingSince)
		require.Equal(t, timeline, p.Timeline)
		require.Equal(t, []string{contract.BackName, contract.AcceptDisclaimersName}, p.AllowedInputs)
	})
	h2.at(2*time.Minute, func() { h2.update(contract.AcceptDisclaimersName, accept("admin@acme.test")) })
	h2.run(next)
	r := h2.result()
	require.Equal(t, contract.StatusCompleted, r.Outcome)
	require.Equal(t, testStart, r.StartedAt)
	p := h2.progress()
	require.Equal(t, []contract.Step{contract.StepPreflight, contract.StepSubdomain, contract.StepDisclaimers, contract.StepLink, contract.StepContributors, contract.StepDone}, timelineSteps(p))
	require.Equal(t, 2, p.RemindersSent)
	require.Len(t, p.Inputs, 2)
	h2.env.AssertNotCalled(t, "Preflight", mock.Anything, mock.Anything)
	h2.env.AssertNotCalled(t, "ReserveSubdomain", mock.Anything, mock.Anything)
}

// The deadline of a wait carried across runs still counts from the wait's start: the
// next run expires when the first one would have, and releases what it created.
func TestContinuedWaitExpiresOnTheOriginalDeadline(t *testing.T) {
	h := newHarness(t)
	h.env.SetStartTime(testStart)
	h.preflightLegacy()
	h.reserveCreates("acme")
	h.at(3*time.Hour+30*time.Minute, func() { h.env.SetContinueAsNewSuggested(true) })
	h.run(newInput("1001", contract.ModeNew, "acme"))
	next := nextRun(t, h)

	h2 := newHarness(t)
	h2.env.SetStartTime(testStart.Add(3*time.Hour + 30*time.Minute))
	h2.env.OnActivity(h2.a.ReleaseSubdomain, mock.Anything, mock.Anything).Return(nil).Once()
	h2.run(next)
	var appErr *temporal.ApplicationError
	require.True(t, errors.As(h2.env.GetWorkflowError(), &appErr))
	require.Equal(t, contract.ErrTypeExpired, appErr.Type())
	p := h2.progress()
	require.Equal(t, contract.StatusExpired, p.Status)
	require.Contains(t, p.Compensation, "released subdomain acme")
	ended := p.Timeline[len(p.Timeline)-1].EndedAt
	require.WithinDuration(t, testStart.Add(5*time.Hour), *ended, time.Minute, "expired on the first run's deadline")
	require.Equal(t, 4, p.RemindersSent, "a reminder every hour across both runs")
}

// The inputs log keeps the last MaxInputRecords entries and counts every one.
func TestInputsLogIsBounded(t *testing.T) {
	h := newHarness(t)
	h.preflightLegacy()
	h.reserveCreates("acme")
	h.linkAndConvert("acme", 4)
	for i := 0; i < contract.MaxInputRecords+20; i++ {
		h.at(time.Minute+time.Duration(i)*time.Second, func() {
			h.env.SignalWorkflow(contract.RetryName, contract.RetryInput{By: "ops@example.test"}) // refused: nothing needs attention
		})
	}
	h.at(10*time.Minute, func() { h.update(contract.AcceptDisclaimersName, accept("admin@acme.test")) })
	h.run(newInput("1001", contract.ModeNew, "acme"))
	require.Equal(t, contract.StatusCompleted, h.result().Outcome)
	p := h.progress()
	require.Len(t, p.Inputs, contract.MaxInputRecords)
	require.Equal(t, 21, p.InputsDropped)
	require.Equal(t, contract.InputCount{Rejected: contract.MaxInputRecords + 20}, p.InputCounts[contract.RetryName])
	require.Equal(t, contract.InputCount{Accepted: 1}, p.InputCounts[contract.AcceptDisclaimersName])
	require.Equal(t, contract.AcceptDisclaimersName, p.Inputs[len(p.Inputs)-1].Name)
}

// A run whose history is long from the start still runs its activities to the end
// and hands over only at a wait, never while an activity runs.
func TestContinueAsNewOnlyAtAWait(t *testing.T) {
	h := newHarness(t)
	h.env.SetCurrentHistoryLength(5000)
	h.preflightLegacy()
	h.reserveCreates("acme")
	h.run(newInput("1001", contract.ModeNew, "acme"))
	next := nextRun(t, h)
	require.Equal(t, contract.StatusAwaitingDisclaimers, next.Carry.Progress.Status)
	require.Zero(t, next.Carry.Progress.RemindersSent)
	h.env.AssertNumberOfCalls(t, "Preflight", 1)
	h.env.AssertNumberOfCalls(t, "ReserveSubdomain", 1)
}

// An input accepted early for a later step (the owner signs in while the admin still
// picks the subdomain) stays pending until its step, so a run whose history calls for
// continue-as-new meanwhile cannot hand over. The wait must still remind and expire
// rather than wait for quiet without bound.
func TestPendingInputDoesNotStopRemindersWhenTheHistoryIsLong(t *testing.T) {
	h := existingHarness(t, false)
	h.env.SetStartTime(testStart)
	h.env.OnActivity(h.a.ReleaseSubdomain, mock.Anything, mock.Anything).Return(nil).Maybe()
	var login *updateOutcome
	h.at(10*time.Minute, func() {
		require.Equal(t, contract.StatusNeedsSubdomain, h.progress().Status)
		login = h.update(contract.OwnerLoginName, ownerLoginAs("owner@globex.test"))
	})
	h.at(20*time.Minute, func() { h.env.SetCurrentHistoryLength(5000) })
	in := newInput("1002", contract.ModeExisting, "")
	in.RequestedBy = "admin@globex.test"
	h.run(in)

	var appErr *temporal.ApplicationError
	require.True(t, errors.As(h.env.GetWorkflowError(), &appErr), "want the wait to expire, got %v", h.env.GetWorkflowError())
	require.Equal(t, contract.ErrTypeExpired, appErr.Type())
	p := h.progress()
	require.Equal(t, contract.StatusExpired, p.Status)
	require.Equal(t, 4, p.RemindersSent, "a reminder every hour until the deadline, pending input or not")
	require.Equal(t, 1, p.Runs, "it never handed over while the input was pending")
	require.NotNil(t, login)
	require.True(t, login.done, "the pending owner login is answered when the migration ends")
	require.NoError(t, login.rejected, "it was accepted early")
	require.ErrorContains(t, login.failed, "expired", "its answer says the migration expired before its step")
}
