package workflows

import (
	"errors"
	"testing"
	"time"

	"github.com/stretchr/testify/mock"
	"github.com/stretchr/testify/require"
	"go.temporal.io/sdk/temporal"

	"github.com/sellmigrate/sellmigrate/activities"
	"github.com/sellmigrate/sellmigrate/contract"
)

func TestNewModeCompletes(t *testing.T) {
	h := newHarness(t)
	h.preflightLegacy()
	h.reserveCreates("acme")
	h.linkAndConvert("acme", 4)
	h.expectStatus(time.Minute, contract.StatusAwaitingDisclaimers)
	h.at(2*time.Minute, func() { h.update(contract.AcceptDisclaimersName, accept("admin@acme.test")) })
	h.run(newInput("1001", contract.ModeNew, "acme"))

	r := h.result()
	require.Equal(t, contract.StatusCompleted, r.Outcome)
	require.Equal(t, "https://acme.zendesk.com", r.LoginURL)
	require.Equal(t, 4, r.UsersConverted)
	p := h.progress()
	require.Equal(t, contract.StepDone, p.Step)
	require.Equal(t, contract.StatusCompleted, p.Status)
	require.True(t, p.Linked)
	require.Equal(t, "2024-01", p.DisclaimerVersion)
	require.Len(t, p.Inputs, 1)
	require.Equal(t, "admin@acme.test", p.Inputs[0].By)
	var sum time.Duration
	for _, d := range r.StepDurations {
		sum += d.Duration
	}
	require.Equal(t, r.Duration, sum, "step durations add up to the whole run: %+v", r.StepDurations)
	require.Equal(t, contract.StepPreflight, r.StepDurations[0].Step)
	require.Zero(t, r.StepDurations[0].Duration, "preflight ends when the subdomain step starts")
}

func TestExistingModeWithOwnerLogin(t *testing.T) {
	h := newHarness(t)
	h.preflightLegacy()
	h.env.OnActivity(h.a.CheckSubdomainExists, mock.Anything, "globex").Return(true, nil).Once()
	h.env.OnActivity(h.a.VerifyOwner, mock.Anything, mock.Anything).
		Return(activities.VerifyOwnerResult{IsOwner: true, HasSellLicense: true}, nil).Once()
	h.linkAndConvert("globex", 6)
	h.expectStatus(time.Minute, contract.StatusAwaitingOwnerLogin)
	var login *updateOutcome
	h.at(2*time.Minute, func() {
		login = h.update(contract.OwnerLoginName, ownerLoginAs("owner@globex.test"))
	})
	h.expectStatus(3*time.Minute, contract.StatusAwaitingDisclaimers)
	h.at(4*time.Minute, func() { h.update(contract.AcceptDisclaimersName, accept("admin@globex.test")) })
	in := newInput("1002", contract.ModeExisting, "globex")
	in.RequestedBy = "admin@globex.test"
	h.run(in)

	require.Equal(t, contract.StatusCompleted, h.result().Outcome)
	require.True(t, login.done)
	require.NoError(t, login.rejected)
	require.NoError(t, login.failed)
	require.Equal(t, "owner@globex.test", h.progress().OwnerEmail)
}

func TestAlreadyConnectedAndCompleteEndsAtOnce(t *testing.T) {
	h := newHarness(t)
	h.env.OnActivity(h.a.Preflight, mock.Anything, mock.Anything).
		Return(activities.PreflightResult{AccountName: "Umbrella", Connected: true, ConnectedSubdomain: "umbrella", LoginURL: "https://umbrella.zendesk.com"}, nil).Once()
	h.env.OnActivity(h.a.CheckContributors, mock.Anything, mock.Anything).
		Return(activities.ContributorCheck{SellUsers: 3, Active: 3, Contributors: 2, OtherAgents: 1, Complete: true}, nil).Once()
	h.run(newInput("1004", contract.ModeNew, "umbrella"))
	r := h.result()
	require.Equal(t, contract.StatusAlreadyConnected, r.Outcome)
	require.Equal(t, "umbrella", r.Subdomain)
	require.Contains(t, r.Checked, "all 3 active Sell users are in its Zendesk Support")
	require.Equal(t, contract.StatusAlreadyConnected, h.progress().Status)
	h.env.AssertNotCalled(t, "ConvertContributors", mock.Anything, mock.Anything)
}

func TestTakenSubdomainAsksAgain(t *testing.T) {
	h := newHarness(t)
	h.preflightLegacy()
	h.env.OnActivity(h.a.ReserveSubdomain, mock.Anything, mock.MatchedBy(func(in activities.ReserveSubdomainInput) bool { return in.Subdomain == "taken" })).
		Return(activities.ReserveSubdomainResult{Reason: "taken is already taken"}, nil).Twice()
	h.reserveCreates("acme")
	h.linkAndConvert("acme", 4)
	h.at(time.Minute, func() {
		p := h.progress()
		require.Equal(t, contract.StatusNeedsSubdomain, p.Status)
		require.Contains(t, p.WaitingFor, "taken is already taken")
	})
	var bad *updateOutcome
	h.at(2*time.Minute, func() {
		bad = h.update(contract.ChooseSubdomainName, contract.ChooseSubdomainInput{Subdomain: "Acme Corp", By: "admin@acme.test"})
	})
	var stillTaken, good *updateOutcome
	h.at(3*time.Minute, func() {
		stillTaken = h.update(contract.ChooseSubdomainName, contract.ChooseSubdomainInput{Subdomain: "taken", By: "admin@acme.test"})
	})
	h.at(4*time.Minute, func() {
		good = h.update(contract.ChooseSubdomainName, contract.ChooseSubdomainInput{Subdomain: "acme", By: "admin@acme.test"})
	})
	h.at(5*time.Minute, func() { h.update(contract.AcceptDisclaimersName, accept("admin@acme.test")) })
	h.run(newInput("1001", contract.ModeNew, "taken"))
	require.ErrorContains(t, stillTaken.failed, "the subdomain was not accepted: taken is already taken")
	require.NoError(t, good.failed)

	require.Equal(t, contract.StatusCompleted, h.result().Outcome)
	require.ErrorContains(t, bad.rejected, "spaces are not allowed")
	require.ErrorContains(t, bad.rejected, `try "acme-corp"`)
	require.Equal(t, "acme", h.progress().Subdomain)
}

func TestWrongOwnerIsRefusedThenRightOwnerAccepted(t *testing.T) {
	h := newHarness(t)
	h.preflightLegacy()
	h.env.OnActivity(h.a.CheckSubdomainExists, mock.Anything, "globex").Return(true, nil).Once()
	h.env.OnActivity(h.a.VerifyOwner, mock.Anything, mock.MatchedBy(func(in activities.VerifyOwnerInput) bool { return in.GrantID == grantOf("lee@globex.test") })).
		Return(activities.VerifyOwnerResult{Reason: "lee@globex.test is a user of globex but not its account owner"}, nil).Once()
	h.env.OnActivity(h.a.VerifyOwner, mock.Anything, mock.MatchedBy(func(in activities.VerifyOwnerInput) bool { return in.GrantID == grantOf("owner@globex.test") })).
		Return(activities.VerifyOwnerResult{IsOwner: true, HasSellLicense: true}, nil).Once()
	h.linkAndConvert("globex", 6)
	var wrong *updateOutcome
	h.at(time.Minute, func() {
		wrong = h.update(contract.OwnerLoginName, ownerLoginAs("lee@globex.test"))
	})
	h.expectStatus(2*time.Minute, contract.StatusAwaitingOwnerLogin)
	h.at(3*time.Minute, func() {
		h.env.SignalWorkflow(contract.OwnerLoginName, ownerLoginAs("owner@globex.test"))
	})
	h.at(4*time.Minute, func() { h.update(contract.AcceptDisclaimersName, accept("admin@globex.test")) })
	h.run(newInput("1002", contract.ModeExisting, "globex"))

	require.Equal(t, contract.StatusCompleted, h.result().Outcome)
	require.ErrorContains(t, wrong.failed, "not its account owner")
	p := h.progress()
	require.False(t, p.Inputs[0].Accepted)
	require.Contains(t, p.Inputs[0].Reason, "not its account owner")
	require.True(t, p.Inputs[1].Accepted)
}

func TestOwnerWithoutLicenseWaitsForLicense(t *testing.T) {
	h := newHarness(t)
	h.preflightLegacy()
	h.env.OnActivity(h.a.CheckSubdomainExists, mock.Anything, "initech").Return(true, nil).Once()
	h.env.OnActivity(h.a.VerifyOwner, mock.Anything, mock.Anything).
		Return(activities.VerifyOwnerResult{IsOwner: true, Reason: "the account owner owner@initech.test has no Sell license"}, nil).Once()
	// After license-assigned only the license is checked again (ChangeLicenseRecheck).
	h.env.OnActivity(h.a.CheckSellLicense, mock.Anything, activities.CheckSellLicenseInput{SellAccountID: "1003", Email: "owner@initech.test"}).
		Return(activities.CheckSellLicenseResult{Reason: "the account owner owner@initech.test has no Sell license"}, nil).Once()
	h.env.OnActivity(h.a.CheckSellLicense, mock.Anything, mock.Anything).
		Return(activities.CheckSellLicenseResult{HasSellLicense: true}, nil).Once()
	h.linkAndConvert("initech", 3)
	var early *updateOutcome
	h.at(time.Minute, func() {
		early = h.update(contract.LicenseAssignedName, contract.LicenseAssignedInput{By: "admin@initech.test"})
	})
	h.at(2*time.Minute, func() { h.update(contract.OwnerLoginName, ownerLoginAs("owner@initech.test")) })
	h.at(3*time.Minute, func() {
		p := h.progress()
		require.Equal(t, contract.StatusOwnerNeedsSellLicense, p.Status)
		require.Contains(t, p.LastError, "no Sell license")
	})
	var tooSoon, licensed *updateOutcome
	h.at(4*time.Minute, func() {
		tooSoon = h.update(contract.LicenseAssignedName, contract.LicenseAssignedInput{By: "admin@initech.test"})
	})
	h.at(5*time.Minute, func() {
		licensed = h.update(contract.LicenseAssignedName, contract.LicenseAssignedInput{By: "admin@initech.test"})
	})
	h.at(6*time.Minute, func() { h.update(contract.AcceptDisclaimersName, accept("admin@initech.test")) })
	h.run(newInput("1003", contract.ModeExisting, "initech"))
	require.ErrorContains(t, tooSoon.failed, "the license is not there yet")
	require.NoError(t, licensed.failed)

	require.Equal(t, contract.StatusCompleted, h.result().Outcome)
	require.ErrorContains(t, early.rejected, "license-assigned is not expected now")
}

func TestBackReleasesTheCreatedSubdomain(t *testing.T) {
	h := newHarness(t)
	h.preflightLegacy()
	h.reserveCreates("acme-one")
	h.reserveCreates("acme")
	h.env.OnActivity(h.a.ReleaseSubdomain, mock.Anything, activities.ReleaseSubdomainInput{Subdomain: "acme-one", OwnerEmail: "admin@acme.test"}).Return(nil).Once()
	h.linkAndConvert("acme", 4)
	h.at(time.Minute, func() { h.update(contract.BackName, contract.BackInput{By: "admin@acme.test"}) })
	h.at(2*time.Minute, func() {
		p := h.progress()
		require.Equal(t, contract.StatusNeedsSubdomain, p.Status)
		require.Contains(t, p.Compensation, "released subdomain acme-one")
	})
	h.at(3*time.Minute, func() {
		h.update(contract.ChooseSubdomainName, contract.ChooseSubdomainInput{Subdomain: "acme", By: "admin@acme.test"})
	})
	h.at(4*time.Minute, func() { h.update(contract.AcceptDisclaimersName, accept("admin@acme.test")) })
	h.run(newInput("1001", contract.ModeNew, "acme-one"))
	require.Equal(t, contract.StatusCompleted, h.result().Outcome)
	require.Equal(t, "acme", h.progress().Subdomain)
}

func TestDeadlineExpiresAndReleases(t *testing.T) {
	h := newHarness(t)
	h.preflightLegacy()
	h.reserveCreates("acme")
	h.env.OnActivity(h.a.ReleaseSubdomain, mock.Anything, mock.Anything).Return(nil).Once()
	h.run(newInput("1001", contract.ModeNew, "acme"))

	err := h.env.GetWorkflowError()
	var appErr *temporal.ApplicationError
	require.True(t, errors.As(err, &appErr))
	require.Equal(t, contract.ErrTypeExpired, appErr.Type())
	p := h.progress()
	require.Equal(t, contract.StatusExpired, p.Status)
	require.Contains(t, p.Compensation, "released subdomain acme")
	require.Equal(t, 4, p.RemindersSent) // 5h deadline, a reminder every hour
	require.Equal(t, 4, h.reminders)
}

func TestCancelCompensates(t *testing.T) {
	h := newHarness(t)
	h.preflightLegacy()
	h.reserveCreates("acme")
	h.env.OnActivity(h.a.ReleaseSubdomain, mock.Anything, mock.Anything).Return(nil).Once()
	h.at(time.Minute, func() { h.env.CancelWorkflow() })
	h.run(newInput("1001", contract.ModeNew, "acme"))

	require.True(t, temporal.IsCanceledError(h.env.GetWorkflowError()))
	p := h.progress()
	require.Equal(t, contract.StatusCancelled, p.Status)
	require.Equal(t, "released subdomain acme, created by this migration and never linked", p.Compensation)
	require.Empty(t, p.CreatedSubdomain)
}

func TestTransientFailuresAreRetried(t *testing.T) {
	h := newHarness(t)
	h.preflightLegacy()
	h.reserveCreates("acme")
	unavailable := temporal.NewApplicationError("link: zendesk sell 503", "ZendeskUnavailable")
	h.env.OnActivity(h.a.LinkAccounts, mock.Anything, mock.Anything).Return(activities.LinkResult{}, unavailable).Twice()
	h.linkAndConvert("acme", 4)
	h.at(time.Minute, func() { h.update(contract.AcceptDisclaimersName, accept("admin@acme.test")) })
	h.run(newInput("1001", contract.ModeNew, "acme"))
	require.Equal(t, contract.StatusCompleted, h.result().Outcome)
	h.env.AssertNumberOfCalls(t, "LinkAccounts", 3)
}

func TestNonRetryableFailureIsSurfaced(t *testing.T) {
	h := newHarness(t)
	h.env.OnActivity(h.a.Preflight, mock.Anything, mock.Anything).Return(activities.PreflightResult{},
		temporal.NewNonRetryableApplicationError("ana@acme.test is not an active admin of Sell account 1001 (Acme); only a Sell admin may start the connection", contract.ErrTypeNotSellAdmin, nil)).Once()
	in := newInput("1001", contract.ModeNew, "acme")
	in.RequestedBy = "ana@acme.test"
	h.run(in)
	require.ErrorContains(t, h.env.GetWorkflowError(), "only a Sell admin may start the connection")
	p := h.progress()
	require.Equal(t, contract.StatusFailed, p.Status)
	require.Equal(t, "ana@acme.test is not an active admin of Sell account 1001 (Acme); only a Sell admin may start the connection", p.LastError)
	h.env.AssertNumberOfCalls(t, "Preflight", 1)
}

func TestOutOfOrderInputsAreRejectedAndRecorded(t *testing.T) {
	h := newHarness(t)
	h.preflightLegacy()
	h.reserveCreates("acme")
	h.linkAndConvert("acme", 4)
	var login, version, sender *updateOutcome
	h.at(time.Minute, func() {
		login = h.update(contract.OwnerLoginName, ownerLoginAs("owner@acme.test"))
		version = h.update(contract.AcceptDisclaimersName, contract.AcceptDisclaimersInput{By: "admin@acme.test", Version: "1999-01"})
		sender = h.update(contract.AcceptDisclaimersName, contract.AcceptDisclaimersInput{By: "nobody"})
		h.env.SignalWorkflow(contract.LicenseAssignedName, contract.LicenseAssignedInput{By: "admin@acme.test"})
	})
	h.at(2*time.Minute, func() {
		p := h.progress()
		require.Equal(t, contract.StatusAwaitingDisclaimers, p.Status)
		require.Len(t, p.Inputs, 1) // only the signal is recorded; rejected updates change nothing
		require.False(t, p.Inputs[0].Accepted)
		require.Contains(t, p.Inputs[0].Reason, "license-assigned is only for migrations into an existing Zendesk account")
	})
	h.at(3*time.Minute, func() { h.update(contract.AcceptDisclaimersName, accept("admin@acme.test")) })
	h.run(newInput("1001", contract.ModeNew, "acme"))
	require.Equal(t, contract.StatusCompleted, h.result().Outcome)
	require.ErrorContains(t, login.rejected, "only for migrations into an existing Zendesk account")
	require.ErrorContains(t, version.rejected, `accept version "2024-01"`)
	require.ErrorContains(t, sender.rejected, `by "nobody" is not an email address`)
}

func TestInvalidStartInputFails(t *testing.T) {
	h := newHarness(t)
	in := newInput("acme", contract.ModeNew, "acme")
	h.run(in)
	require.ErrorContains(t, h.env.GetWorkflowError(), `sellAccountId: the Sell account ID "acme" must be digits only`)
}

func TestCancelAfterLinkKeepsTheAccount(t *testing.T) {
	h := newHarness(t)
	h.preflightLegacy()
	h.reserveCreates("acme")
	h.link("acme")
	h.env.OnActivity(h.a.ConvertContributors, mock.Anything, mock.Anything).After(time.Hour).
		Return(contract.ContributorCursor{}, nil).Maybe()
	h.at(time.Minute, func() { h.update(contract.AcceptDisclaimersName, accept("admin@acme.test")) })
	h.at(10*time.Minute, func() { h.env.CancelWorkflow() })
	h.run(newInput("1001", contract.ModeNew, "acme"))

	require.True(t, temporal.IsCanceledError(h.env.GetWorkflowError()))
	p := h.progress()
	require.Equal(t, contract.StatusCancelled, p.Status)
	require.True(t, p.Linked)
	require.Contains(t, p.Compensation, "kept subdomain acme")
	h.env.AssertNotCalled(t, "ReleaseSubdomain", mock.Anything, mock.Anything)
}
