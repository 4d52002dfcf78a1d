package workflows

import (
	"testing"
	"time"

	"github.com/stretchr/testify/mock"
	"github.com/stretchr/testify/require"
	"go.temporal.io/sdk/temporal"

	"github.com/sellmigrate/sellmigrate/activities"
	"github.com/sellmigrate/sellmigrate/contract"
)

// An owner login is proven by the grant of the owner's Zendesk sign-in: an email
// alone is refused by the validator and changes nothing, the grant is what VerifyOwner
// checks, the steps after it act with the grant, and it is revoked when the migration
// ends.
func TestOwnerLoginNeedsAGrantActsWithItAndRevokesIt(t *testing.T) {
	h := newHarness(t)
	h.preflightLegacy()
	h.env.OnActivity(h.a.CheckSubdomainExists, mock.Anything, "globex").Return(true, nil).Once()
	grant := grantOf("owner@globex.test")
	h.env.OnActivity(h.a.VerifyOwner, mock.Anything, mock.MatchedBy(func(in activities.VerifyOwnerInput) bool { return in.GrantID == grant })).
		Return(activities.VerifyOwnerResult{IsOwner: true, HasSellLicense: true, Email: "owner@globex.test"}, nil).Once()
	h.link("globex")
	h.env.OnActivity(h.a.ConvertContributors, mock.Anything, mock.MatchedBy(func(in activities.ConvertContributorsInput) bool { return in.CredentialID == grant })).
		Return(contract.ContributorCursor{NextPage: 2, SellUsers: 3, Converted: 3}, nil).Once()
	k := recordKinds(h)
	var emailOnly, forgedEmail *updateOutcome
	h.at(time.Minute, func() {
		emailOnly = h.update(contract.OwnerLoginName, contract.OwnerLoginInput{UserEmail: "owner@globex.test"})
	})
	h.at(90*time.Second, func() {
		p := h.progress()
		require.Equal(t, contract.StatusAwaitingOwnerLogin, p.Status, "an email-only login changes nothing")
		require.Empty(t, p.OwnerEmail)
		// The sender's claim is not who signed in: VerifyOwner's answer is.
		forgedEmail = h.update(contract.OwnerLoginName, contract.OwnerLoginInput{GrantID: grant, UserEmail: "someone@else.test"})
	})
	h.at(3*time.Minute, func() { h.update(contract.AcceptDisclaimersName, accept("admin@globex.test")) })
	in := newInput("1002", contract.ModeExisting, "globex")
	in.RequestedBy = "admin@globex.test"
	h.run(in)

	require.Equal(t, contract.StatusCompleted, h.result().Outcome)
	require.ErrorContains(t, emailOnly.rejected, "grantId is missing")
	require.NoError(t, forgedEmail.rejected)
	require.NoError(t, forgedEmail.failed)
	require.Equal(t, "owner@globex.test", h.progress().OwnerEmail, "the owner is who Zendesk says signed in")
	require.Equal(t, []string{grant}, h.revoked, "the grant is revoked once, when the migration ends")
	require.Equal(t, []string{"local"}, k.of("RevokeGrant"), "the revocation runs inside the workflow task that ends the migration")
}

// A local revocation that fails for a reason a retry may fix is retried as a regular
// activity, which shows in the pending activities while it retries; one no retry can
// fix is logged and left, as before.
func TestRevokeFallsBackToAnActivity(t *testing.T) {
	for _, tc := range []struct {
		name    string
		err     error
		kinds   []string
		revoked int
	}{
		{"retryable", temporal.NewApplicationError("Zendesk answered 503", "Unavailable"), []string{"local", "activity"}, 1},
		{"refused", temporal.NewNonRetryableApplicationError("the credential store refused", "Refused", nil), []string{"local"}, 0},
	} {
		t.Run(tc.name, func(t *testing.T) {
			h := existingHarness(t, false)
			h.revokeErrs = []error{tc.err}
			k := recordKinds(h)
			runExistingHappyPath(h)
			require.Equal(t, contract.StatusCompleted, h.result().Outcome)
			require.Equal(t, tc.kinds, k.of("RevokeGrant"))
			require.Len(t, h.revoked, tc.revoked)
		})
	}
}

// Runs started before ChangeLocalRevoke revoke the grant with a regular activity.
func TestLocalRevokeOldBranchUsesAnActivity(t *testing.T) {
	h, k := runExistingBefore(t, ChangeLocalRevoke)
	require.Equal(t, contract.StatusCompleted, h.result().Outcome)
	require.Equal(t, []string{"activity"}, k.of("RevokeGrant"))
	require.Len(t, h.revoked, 1)
}

// A migration cancelled while it waits after the owner's login still revokes the grant.
func TestCancelledMigrationRevokesTheGrant(t *testing.T) {
	h := newHarness(t)
	h.preflightLegacy()
	h.env.OnActivity(h.a.CheckSubdomainExists, mock.Anything, "globex").Return(true, nil).Once()
	h.env.OnActivity(h.a.VerifyOwner, mock.Anything, mock.Anything).
		Return(activities.VerifyOwnerResult{IsOwner: true, HasSellLicense: true, Email: "owner@globex.test"}, nil).Once()
	h.at(time.Minute, func() { h.update(contract.OwnerLoginName, ownerLoginAs("owner@globex.test")) })
	h.at(2*time.Minute, func() { h.env.CancelWorkflow() })
	in := newInput("1002", contract.ModeExisting, "globex")
	in.RequestedBy = "admin@globex.test"
	h.run(in)

	require.Equal(t, contract.StatusCancelled, h.progress().Status)
	require.Equal(t, []string{grantOf("owner@globex.test")}, h.revoked)
}

// A new account's steps act with the credential its creation stored.
func TestNewAccountStepsActWithTheCreatedCredential(t *testing.T) {
	h := newHarness(t)
	h.preflightLegacy()
	h.env.OnActivity(h.a.ReserveSubdomain, mock.Anything, mock.Anything).
		Return(activities.ReserveSubdomainResult{Created: true, LoginURL: "https://acme.zendesk.com", CredentialID: "cred_acct_test"}, nil).Once()
	h.link("acme")
	h.env.OnActivity(h.a.ConvertContributors, mock.Anything, mock.MatchedBy(func(in activities.ConvertContributorsInput) bool { return in.CredentialID == "cred_acct_test" })).
		Return(contract.ContributorCursor{NextPage: 2, SellUsers: 3, Converted: 3}, nil).Once()
	h.at(time.Minute, func() { h.update(contract.AcceptDisclaimersName, accept("admin@acme.test")) })
	h.run(newInput("1001", contract.ModeNew, "acme"))

	require.Equal(t, contract.StatusCompleted, h.result().Outcome)
	require.Empty(t, h.revoked, "no owner grant was used")
}
