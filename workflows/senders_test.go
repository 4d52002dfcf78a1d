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

// lee@globex.test is an ordinary Sell user of Globex in the demo data, not an admin.
const notAdmin = "lee@globex.test"

func notAdminReason(input string) string {
	return notAdmin + " is not an active admin of Sell account 1002 (Globex); a Sell admin of the account must send " + input
}

// globexRun is an existing-mode migration of Globex, requested by its admin.
func globexRun(subdomain string) contract.StartInput {
	in := newInput("1002", contract.ModeExisting, subdomain)
	in.RequestedBy = "admin@globex.test"
	return in
}

// An input given on behalf of the customer by someone who is not an active admin of
// the Sell account is refused with the reason, before it takes effect: the update gets
// the error, the inputs log records the refusal, and the wait goes on where it was, on
// the same clock, until a Sell admin sends the input; then the migration completes.
func TestCustomerInputsNeedASellAdmin(t *testing.T) {
	cases := []struct {
		name         string
		at           contract.Status
		subdomain    string
		needsLicense bool
		send         func(by string) any
	}{
		{contract.ChooseSubdomainName, contract.StatusNeedsSubdomain, "", false,
			func(by string) any { return contract.ChooseSubdomainInput{Subdomain: "globex", By: by} }},
		{contract.LicenseAssignedName, contract.StatusOwnerNeedsSellLicense, "globex", true,
			func(by string) any { return contract.LicenseAssignedInput{By: by} }},
		{contract.BackName, contract.StatusAwaitingDisclaimers, "globex", false,
			func(by string) any { return contract.BackInput{By: by} }},
		{contract.AcceptDisclaimersName, contract.StatusAwaitingDisclaimers, "globex", false,
			func(by string) any { return contract.AcceptDisclaimersInput{By: by} }},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			h := existingHarness(t, c.needsLicense)
			h.at(30*time.Second, func() {
				if h.progress().Status == contract.StatusAwaitingOwnerLogin {
					h.env.SignalWorkflow(ownerLogin.name, ownerLogin.payload)
				}
			})
			var before contract.Progress
			h.at(50*time.Second, func() {
				before = h.progress()
				require.Equal(t, c.at, before.Status)
				require.NotNil(t, before.WaitingSince)
			})
			var refused, admitted *updateOutcome
			h.at(time.Minute, func() { refused = h.update(c.name, c.send(notAdmin)) })
			h.at(2*time.Minute, func() {
				p := h.progress()
				require.Equal(t, c.at, p.Status, "a refused input changes nothing")
				require.Equal(t, before.WaitingSince, p.WaitingSince, "the wait goes on on the same clock")
				require.Equal(t, before.WaitingFor, p.WaitingFor)
				require.Contains(t, p.AllowedInputs, c.name, "the input may be sent again, by an admin")
				last := p.Inputs[len(p.Inputs)-1]
				require.Equal(t, c.name, last.Name)
				require.Equal(t, notAdmin, last.By)
				require.False(t, last.Accepted)
				require.Equal(t, notAdminReason(c.name), last.Reason)
				require.Equal(t, 1, p.InputCounts[c.name].Rejected)
				if c.name == contract.BackName {
					require.Equal(t, "globex", p.Subdomain, "a refused back does not go back")
				}
			})
			h.at(3*time.Minute, func() { admitted = h.update(c.name, c.send("admin@globex.test")) })
			h.drive(4 * time.Minute)
			h.run(globexRun(c.subdomain))

			require.Equal(t, contract.StatusCompleted, h.result().Outcome)
			require.NoError(t, refused.rejected, "the validator cannot know; the check refuses it")
			require.EqualError(t, refused.failed, notAdminReason(c.name))
			require.NoError(t, admitted.rejected)
			require.NoError(t, admitted.failed)
			require.Contains(t, h.adminChecks, activities.CheckSellAdminInput{SellAccountID: "1002", AccountName: "Globex", Email: notAdmin, Input: c.name})
			for _, in := range h.adminChecks {
				require.NotEqual(t, contract.OwnerLoginName, in.Input, "owner-login is proven by the grant")
			}
		})
	}
}

// A refused signal is recorded in the inputs log with the reason, and the wait's clock
// does not restart: the reminder comes when it was due, an hour after the wait began.
func TestRefusedSenderKeepsTheWaitsClock(t *testing.T) {
	h := existingHarness(t, false)
	h.at(30*time.Second, func() { h.env.SignalWorkflow(ownerLogin.name, ownerLogin.payload) })
	h.at(30*time.Minute, func() {
		h.env.SignalWorkflow(contract.AcceptDisclaimersName, contract.AcceptDisclaimersInput{By: notAdmin})
	})
	h.at(59*time.Minute, func() {
		p := h.progress()
		require.Equal(t, contract.StatusAwaitingDisclaimers, p.Status)
		require.Zero(t, p.RemindersSent)
		last := p.Inputs[len(p.Inputs)-1]
		require.False(t, last.Accepted)
		require.Equal(t, notAdminReason(contract.AcceptDisclaimersName), last.Reason)
	})
	h.at(62*time.Minute, func() {
		require.Equal(t, 1, h.progress().RemindersSent, "the reminder is due an hour after the wait began, not after the refusal")
		h.env.SignalWorkflow(disclaimers.name, disclaimers.payload)
	})
	h.run(globexRun("globex"))
	require.Equal(t, contract.StatusCompleted, h.result().Outcome)
	p := h.progress()
	require.Equal(t, contract.InputCount{Accepted: 1, Rejected: 1}, p.InputCounts[contract.AcceptDisclaimersName])
}

// The check's activity failing for a moment is retried; failing for good refuses the
// input with the reason, and the migration waits on rather than fail.
func TestSellAdminCheckFailures(t *testing.T) {
	t.Run("transient", func(t *testing.T) {
		h := existingHarness(t, false)
		calls := 0
		h.checkAdmin = func(in activities.CheckSellAdminInput) (activities.CheckSellAdminResult, error) {
			if calls++; calls <= 2 {
				return activities.CheckSellAdminResult{}, temporal.NewApplicationError("look up Sell user: zendesk sell 503", contract.ErrTypeZendeskUnavailable)
			}
			return demoSellAdmin(in), nil
		}
		var accepted *updateOutcome
		h.at(30*time.Second, func() { h.env.SignalWorkflow(ownerLogin.name, ownerLogin.payload) })
		h.at(time.Minute, func() { accepted = h.update(disclaimers.name, disclaimers.payload) })
		h.run(globexRun("globex"))
		require.Equal(t, contract.StatusCompleted, h.result().Outcome)
		require.NoError(t, accepted.failed)
		require.Equal(t, 3, calls, "two failures, then the answer")
	})
	t.Run("for good", func(t *testing.T) {
		h := existingHarness(t, false)
		calls := 0
		h.checkAdmin = func(in activities.CheckSellAdminInput) (activities.CheckSellAdminResult, error) {
			if calls++; calls == 1 {
				return activities.CheckSellAdminResult{}, temporal.NewNonRetryableApplicationError("look up Sell user admin@globex.test: 403 Forbidden", contract.ErrTypeZendeskClient, nil)
			}
			return demoSellAdmin(in), nil
		}
		var failed, accepted *updateOutcome
		h.at(30*time.Second, func() { h.env.SignalWorkflow(ownerLogin.name, ownerLogin.payload) })
		h.at(time.Minute, func() { failed = h.update(disclaimers.name, disclaimers.payload) })
		h.at(2*time.Minute, func() {
			p := h.progress()
			require.Equal(t, contract.StatusAwaitingDisclaimers, p.Status, "the migration waits on")
			last := p.Inputs[len(p.Inputs)-1]
			require.False(t, last.Accepted)
			require.Contains(t, last.Reason, "could not check that admin@globex.test is an active admin of Sell account 1002 (Globex)")
			require.Contains(t, last.Reason, "403 Forbidden")
			require.Contains(t, last.Reason, "send accept-disclaimers again")
		})
		h.at(3*time.Minute, func() { accepted = h.update(disclaimers.name, disclaimers.payload) })
		h.run(globexRun("globex"))
		require.Equal(t, contract.StatusCompleted, h.result().Outcome)
		require.ErrorContains(t, failed.failed, "could not check that admin@globex.test is an active admin")
		require.NoError(t, accepted.failed)
		require.Equal(t, 2, calls, "a non-retryable failure is not retried")
	})
}

// Runs started before ChangeSellAdminInputs take every sender as given: an ordinary
// user's acceptance is taken, and CheckSellAdmin is never called.
func TestSellAdminInputsOldBranchTakesAnySender(t *testing.T) {
	h := existingHarness(t, false)
	h.beforeOneMarker()
	h.env.OnGetVersion(ChangeSellAdminInputs, workflow.DefaultVersion, 1).Return(workflow.DefaultVersion)
	var accepted *updateOutcome
	h.at(30*time.Second, func() { h.env.SignalWorkflow(ownerLogin.name, ownerLogin.payload) })
	h.at(time.Minute, func() {
		accepted = h.update(contract.AcceptDisclaimersName, contract.AcceptDisclaimersInput{By: notAdmin})
	})
	h.run(globexRun("globex"))
	require.Equal(t, contract.StatusCompleted, h.result().Outcome)
	require.NoError(t, accepted.failed)
	require.Empty(t, h.adminChecks)
	h.env.AssertNumberOfCalls(t, "CheckSellAdmin", 0)
}

// A choice sent early, while the preflight still runs, is checked when the subdomain
// step takes it, before anything is claimed: a non-admin's is refused there too.
func TestEarlyChoiceByNonAdminIsRefused(t *testing.T) {
	h := newHarness(t)
	h.env.OnActivity(h.a.Preflight, mock.Anything, mock.Anything).After(2*time.Minute).
		Return(activities.PreflightResult{AccountName: "Globex", AdminName: "Globex Admin"}, nil).Once()
	h.env.OnActivity(h.a.CheckSubdomainExists, mock.Anything, "globex").Return(true, nil).Once()
	h.env.OnActivity(h.a.VerifyOwner, mock.Anything, mock.Anything).
		Return(activities.VerifyOwnerResult{IsOwner: true, HasSellLicense: true}, nil).Once()
	h.linkAndConvert("globex", 7)
	var early *updateOutcome
	h.at(time.Minute, func() {
		require.Equal(t, contract.StepPreflight, h.progress().Step)
		early = h.update(contract.ChooseSubdomainName, contract.ChooseSubdomainInput{Subdomain: "globex", By: notAdmin})
	})
	h.at(4*time.Minute, func() {
		p := h.progress()
		require.Equal(t, contract.StatusNeedsSubdomain, p.Status, "nothing was claimed for the refused choice")
		require.Empty(t, p.Subdomain)
	})
	h.drive(5 * time.Minute)
	h.run(globexRun(""))
	require.Equal(t, contract.StatusCompleted, h.result().Outcome)
	require.NoError(t, early.rejected)
	require.EqualError(t, early.failed, notAdminReason(contract.ChooseSubdomainName))
}
