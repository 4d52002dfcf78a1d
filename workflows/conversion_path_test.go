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

// TestOneByOneReachesProgressAndResult: a conversion that went one by one (bulk imports
// off) and stopped mid-page shows that path in the progress; the retry resumes from the
// cursor with the path and the page position in it, and the result names the path.
func TestOneByOneReachesProgressAndResult(t *testing.T) {
	h := newHarness(t)
	h.preflightLegacy()
	h.reserveCreates("acme")
	h.link("acme")
	reached := contract.ContributorCursor{NextPage: 2, SellUsers: 140, Converted: 139, AlreadyAgents: 1, Total: 300,
		OneByOne: true, PageUsersDone: 40}
	var resumedFrom *contract.ContributorCursor
	h.env.OnActivity(h.a.ConvertContributors, mock.Anything, mock.Anything).Return(
		func(_ context.Context, _ activities.ConvertContributorsInput) (contract.ContributorCursor, error) {
			return contract.ContributorCursor{}, temporal.NewApplicationErrorWithOptions(
				"Zendesk account acme has no Contributor custom role", contract.ErrTypeZendeskClient,
				temporal.ApplicationErrorOptions{NonRetryable: true, Details: []any{reached}})
		}).Once()
	h.env.OnActivity(h.a.ConvertContributors, mock.Anything, mock.Anything).Return(
		func(_ context.Context, in activities.ConvertContributorsInput) (contract.ContributorCursor, error) {
			resumedFrom = in.Resume
			return contract.ContributorCursor{NextPage: 4, SellUsers: 300, Converted: 299, AlreadyAgents: 1, Total: 300, OneByOne: true}, nil
		}).Once()
	h.at(time.Minute, func() { h.update(contract.AcceptDisclaimersName, accept("admin@acme.test")) })
	h.at(2*time.Minute, func() {
		p := h.progress()
		require.Equal(t, contract.StatusNeedsAttention, p.Status)
		require.NotNil(t, p.Contributors)
		require.Equal(t, contract.ConversionPathOneByOne, p.Contributors.ConversionPath)
		require.Equal(t, 140, p.Contributors.Done)
	})
	h.at(3*time.Minute, func() { h.update(contract.RetryName, contract.RetryInput{By: "ops@example.test"}) })
	h.run(newInput("1001", contract.ModeNew, "acme"))

	require.NotNil(t, resumedFrom)
	require.Equal(t, reached, *resumedFrom, "the retry resumes mid-page, one by one")
	r := h.result()
	require.Equal(t, contract.StatusCompleted, r.Outcome)
	require.Equal(t, 299, r.UsersConverted)
	require.Equal(t, contract.ConversionPathOneByOne, r.ConversionPath)
	require.Equal(t, contract.ConversionPathOneByOne, h.progress().Contributors.ConversionPath)
}

// TestBulkPathReachesResult: a conversion that never met the imports refusal says bulk.
func TestBulkPathReachesResult(t *testing.T) {
	h := newHarness(t)
	h.preflightLegacy()
	h.reserveCreates("acme")
	h.link("acme")
	h.env.OnActivity(h.a.ConvertContributors, mock.Anything, mock.Anything).
		Return(contract.ContributorCursor{NextPage: 2, SellUsers: 5, Converted: 4, AlreadyAgents: 1, Total: 5}, nil).Once()
	h.at(time.Minute, func() { h.update(contract.AcceptDisclaimersName, accept("admin@acme.test")) })
	h.run(newInput("1001", contract.ModeNew, "acme"))
	require.Equal(t, contract.ConversionPathBulk, h.result().ConversionPath)
}
