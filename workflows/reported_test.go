package workflows

import (
	"testing"
	"time"

	"github.com/stretchr/testify/mock"
	"github.com/stretchr/testify/require"

	"github.com/sellmigrate/sellmigrate/activities"
	"github.com/sellmigrate/sellmigrate/contract"
)

// TestInactiveAndSuspendedReachProgressAndResult: what the conversion reports beside
// its counts (inactive Sell users, suspended Zendesk users) is in the progress and the
// result, and the suspended are not counted converted or as agents.
func TestInactiveAndSuspendedReachProgressAndResult(t *testing.T) {
	h := newHarness(t)
	h.preflightLegacy()
	h.reserveCreates("acme")
	h.link("acme")
	h.env.OnActivity(h.a.ConvertContributors, mock.Anything, mock.Anything).
		Return(contract.ContributorCursor{NextPage: 2, SellUsers: 6, Converted: 3, AlreadyAgents: 1, Total: 6,
			Inactive: 1, InactiveEmails: []string{"dan@acme.test"},
			Suspended: 1, SuspendedEmails: []string{"carla@acme.test"}}, nil).Once()
	h.at(2*time.Minute, func() { h.update(contract.AcceptDisclaimersName, accept("admin@acme.test")) })
	h.run(newInput("1001", contract.ModeNew, "acme"))

	r := h.result()
	require.Equal(t, contract.StatusCompleted, r.Outcome)
	require.Equal(t, 3, r.UsersConverted)
	require.Equal(t, 1, r.AlreadyAgents)
	require.Equal(t, 1, r.Inactive)
	require.Equal(t, []string{"dan@acme.test"}, r.InactiveEmails)
	require.Equal(t, 1, r.Suspended)
	require.Equal(t, []string{"carla@acme.test"}, r.SuspendedEmails)

	c := h.progress().Contributors
	require.NotNil(t, c)
	require.Equal(t, 1, c.Inactive)
	require.Equal(t, []string{"dan@acme.test"}, c.InactiveEmails)
	require.Equal(t, 1, c.Suspended)
	require.Equal(t, []string{"carla@acme.test"}, c.SuspendedEmails)
}

// TestAlreadyConnectedReportsSuspended: a connected account whose check finds every
// active user present still reports who is suspended or inactive.
func TestAlreadyConnectedReportsSuspended(t *testing.T) {
	h := newHarness(t)
	h.env.OnActivity(h.a.Preflight, mock.Anything, mock.Anything).
		Return(activities.PreflightResult{AccountName: "Umbrella", Connected: true, ConnectedSubdomain: "umbrella", LoginURL: "https://umbrella.zendesk.com"}, nil).Once()
	h.env.OnActivity(h.a.CheckContributors, mock.Anything, mock.Anything).
		Return(activities.ContributorCheck{SellUsers: 4, Active: 3, Contributors: 2, Suspended: 1, SuspendedEmails: []string{"chris@umbrella.test"},
			Inactive: 1, InactiveEmails: []string{"ada@umbrella.test"}, Complete: true}, nil).Once()
	h.run(newInput("1004", contract.ModeNew, "umbrella"))

	r := h.result()
	require.Equal(t, contract.StatusAlreadyConnected, r.Outcome)
	require.Contains(t, r.Checked, "1 suspended")
	require.Equal(t, []string{"chris@umbrella.test"}, r.SuspendedEmails)
	require.Equal(t, []string{"ada@umbrella.test"}, r.InactiveEmails)
	c := h.progress().Contributors
	require.Equal(t, 1, c.Suspended)
	require.Equal(t, 1, c.Inactive)
	require.Equal(t, 2, c.Converted)
}
