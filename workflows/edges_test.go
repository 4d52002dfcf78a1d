package workflows

import (
	"context"
	"testing"
	"time"

	"github.com/stretchr/testify/mock"
	"github.com/stretchr/testify/require"
	"go.temporal.io/sdk/temporal"

	"github.com/sellmigrate/sellmigrate/activities"
	"github.com/sellmigrate/sellmigrate/contract"
)

// An owner-login update waits for the verification. When the migration is cancelled
// while VerifyOwner runs, the update still gets an answer saying so.
func TestUpdateInFlightWhenCancelledGetsAnAnswer(t *testing.T) {
	h := newHarness(t)
	h.preflightLegacy()
	h.env.OnActivity(h.a.CheckSubdomainExists, mock.Anything, "globex").Return(true, nil).Once()
	h.env.OnActivity(h.a.VerifyOwner, mock.Anything, mock.Anything).After(10*time.Minute).
		Return(activities.VerifyOwnerResult{IsOwner: true, HasSellLicense: true}, nil).Maybe()
	var login *updateOutcome
	h.at(time.Minute, func() {
		login = h.update(contract.OwnerLoginName, ownerLoginAs("owner@globex.test"))
	})
	h.at(2*time.Minute, func() { h.env.CancelWorkflow() })
	h.run(newInput("1002", contract.ModeExisting, "globex"))

	require.True(t, temporal.IsCanceledError(h.env.GetWorkflowError()))
	require.True(t, login.done, "the update in flight got no answer")
	require.NoError(t, login.rejected)
	require.ErrorContains(t, login.failed, "the migration ended (cancelled) before owner-login took effect")
	require.Equal(t, contract.StatusCancelled, h.progress().Status)
}

// A choose-subdomain update is in flight when the account creation fails for good. The
// workflow sets closing, then awaits workflow.AllHandlersFinished before it returns, so
// the update answers with how the migration ended instead of being dropped or answering
// "accepted" for an input that never took effect.
func TestWorkflowWaitsForHandlersBeforeItEnds(t *testing.T) {
	h := newHarness(t)
	h.preflightLegacy()
	h.env.OnActivity(h.a.ReserveSubdomain, mock.Anything, mock.Anything).Return(
		func(context.Context, activities.ReserveSubdomainInput) (activities.ReserveSubdomainResult, error) {
			return activities.ReserveSubdomainResult{}, temporal.NewNonRetryableApplicationError(
				"zendesk support POST /api/v2/accounts: 403 Forbidden", contract.ErrTypeZendeskClient, nil)
		}).Once()
	var choose *updateOutcome
	h.at(time.Minute, func() {
		choose = h.update(contract.ChooseSubdomainName, contract.ChooseSubdomainInput{Subdomain: "acme", By: "admin@acme.test"})
	})
	h.run(newInput("1001", contract.ModeNew, ""))

	require.ErrorContains(t, h.env.GetWorkflowError(), "403 Forbidden")
	require.True(t, choose.done, "the update in flight got no answer before the workflow closed")
	require.NoError(t, choose.rejected)
	require.ErrorContains(t, choose.failed, "the migration ended (failed) before choose-subdomain took effect")
	p := h.progress()
	require.Equal(t, contract.StatusFailed, p.Status)
	require.Len(t, p.Inputs, 1)
	require.Contains(t, p.LastError, "403 Forbidden")
}
