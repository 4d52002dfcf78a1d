package workflows

import (
	"testing"
	"time"

	"github.com/stretchr/testify/mock"
	"github.com/stretchr/testify/require"
	"go.temporal.io/sdk/temporal"
	"go.temporal.io/sdk/workflow"

	"github.com/sellmigrate/sellmigrate/activities"
	"github.com/sellmigrate/sellmigrate/contract"
)

// TestLicenseRecheckOldBranchReverifiesOwner pins the old branch of ChangeLicenseRecheck:
// a run started before the change re-runs VerifyOwner after license-assigned and never
// calls CheckSellLicense. (The new branch is TestOwnerWithoutLicenseWaitsForLicense.)
func TestLicenseRecheckOldBranchReverifiesOwner(t *testing.T) {
	h := newHarness(t)
	h.beforeOneMarker()
	h.env.OnGetVersion(ChangeLicenseRecheck, workflow.DefaultVersion, 1).Return(workflow.DefaultVersion)
	h.preflightLegacy()
	h.env.OnActivity(h.a.CheckSubdomainExists, mock.Anything, "initech").Return(true, nil).Once()
	h.env.OnActivity(h.a.VerifyOwner, mock.Anything, mock.Anything).
		Return(activities.VerifyOwnerResult{IsOwner: true, Reason: "the account owner owner@initech.test has no Sell license"}, nil).Once()
	h.env.OnActivity(h.a.VerifyOwner, mock.Anything, mock.Anything).
		Return(activities.VerifyOwnerResult{IsOwner: true, HasSellLicense: true}, nil).Once()
	h.linkAndConvert("initech", 3)
	h.at(time.Minute, func() { h.update(contract.OwnerLoginName, ownerLoginAs("owner@initech.test")) })
	h.at(2*time.Minute, func() {
		h.update(contract.LicenseAssignedName, contract.LicenseAssignedInput{By: "admin@initech.test"})
	})
	h.at(3*time.Minute, func() { h.update(contract.AcceptDisclaimersName, accept("admin@initech.test")) })
	h.run(newInput("1003", contract.ModeExisting, "initech"))
	require.Equal(t, contract.StatusCompleted, h.result().Outcome)
	h.env.AssertNumberOfCalls(t, "VerifyOwner", 2)
	h.env.AssertNumberOfCalls(t, "CheckSellLicense", 0)
}

// TestNeedsAttentionOldBranchFails pins the old branch of ChangeNeedsAttention: a run
// started before the change fails when a step past the link fails, instead of waiting
// for an operator's retry, and says what stays linked. (The new branch is
// TestFailureAfterLinkWaitsForRetryAndResumesFromCursor; no recorded history has a
// run of the old code failing past the link.)
func TestNeedsAttentionOldBranchFails(t *testing.T) {
	h := newHarness(t)
	h.beforeOneMarker()
	h.env.OnGetVersion(ChangeNeedsAttention, workflow.DefaultVersion, 1).Return(workflow.DefaultVersion)
	h.preflightLegacy()
	h.reserveCreates("acme")
	h.link("acme")
	reached := contract.ContributorCursor{NextPage: 3, SellUsers: 200, Converted: 200, Total: 250}
	h.env.OnActivity(h.a.ConvertContributors, mock.Anything, mock.Anything).Return(contract.ContributorCursor{},
		temporal.NewApplicationErrorWithOptions("Zendesk account acme has no Contributor role", contract.ErrTypeZendeskClient,
			temporal.ApplicationErrorOptions{NonRetryable: true, Details: []any{reached}})).Once()
	h.at(time.Minute, func() { h.update(contract.AcceptDisclaimersName, accept("admin@acme.test")) })
	h.run(newInput("1001", contract.ModeNew, "acme"))

	require.Error(t, h.env.GetWorkflowError())
	p := h.progress()
	require.Equal(t, contract.StatusFailed, p.Status)
	require.Contains(t, p.LastError, "no Contributor role")
	require.Contains(t, p.Compensation, "already linked")
	require.Contains(t, p.Compensation, "200 of 250 Sell users handled, 50 remain")
	h.env.AssertNumberOfCalls(t, "ConvertContributors", 1)
}

// Runs from before bounded-quiet-wait wait for quiet without bound: with an input
// pending and continue-as-new due, no reminder goes out until the input's step comes
// (here the admin picks the subdomain; the owner login pending since is then handled).
func TestBoundedQuietWaitOldBranchWaitsForQuiet(t *testing.T) {
	h := existingHarness(t, false)
	h.beforeOneMarker()
	h.env.OnGetVersion(ChangeBoundedQuietWait, workflow.DefaultVersion, 1).Return(workflow.DefaultVersion)
	h.env.SetStartTime(testStart)
	h.at(10*time.Minute, func() { h.update(contract.OwnerLoginName, ownerLoginAs("owner@globex.test")) })
	h.at(20*time.Minute, func() { h.env.SetCurrentHistoryLength(5000) })
	h.at(3*time.Hour, func() {
		p := h.progress()
		require.Equal(t, contract.StatusNeedsSubdomain, p.Status)
		require.Zero(t, p.RemindersSent, "the old branch stops reminding while it waits for quiet")
		h.env.SignalWorkflow(chooseOne.name, chooseOne.payload)
	})
	h.at(3*time.Hour+time.Minute, func() { h.env.CancelWorkflow() })
	in := newInput("1002", contract.ModeExisting, "")
	in.RequestedBy = "admin@globex.test"
	h.run(in)
	require.True(t, h.env.IsWorkflowCompleted())
}

// askedChanges counts the GetVersion calls a run makes for each settled change.
func askedChanges(h *harness) map[string]int {
	asked := map[string]int{}
	for id := range settledVersions {
		h.env.OnGetVersion(id, workflow.DefaultVersion, 1).
			Run(func(mock.Arguments) { asked[id]++ }).Return(workflow.Version(1)).Maybe()
	}
	return asked
}

// A new run records ChangeOneMarker and asks none of the settled changes (each would
// record a marker and upsert TemporalChangeVersion, a visibility write); one started
// before the marker asks those its path reaches, as it did.
func TestNewRunSettlesItsChangesWithOneMarker(t *testing.T) {
	h := existingHarness(t, false)
	asked := askedChanges(h)
	runExistingHappyPath(h)
	require.Equal(t, contract.StatusCompleted, h.result().Outcome)
	require.Empty(t, asked, "a run with the one marker asks no settled change")

	old := existingHarness(t, false)
	old.beforeOneMarker()
	asked = askedChanges(old)
	runExistingHappyPath(old)
	require.Equal(t, contract.StatusCompleted, old.result().Outcome)
	for _, id := range []string{ChangeLocalChecks, ChangeCoalescedUpserts, ChangeSellAdminInputs, ChangeRevokeGrant, ChangeLocalRevoke} {
		require.Positive(t, asked[id], "a run from before the marker asks %s", id)
	}
}
