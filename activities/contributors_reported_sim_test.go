package activities

import (
	"bytes"
	"context"
	"net/http"
	"strconv"
	"testing"

	"github.com/stretchr/testify/require"

	"github.com/sellmigrate/sellmigrate/contract"
	"github.com/sellmigrate/sellmigrate/platform/sim"
)

// addReportedShapes adds Sell account 2201 "Susp": its admin and user0001…user0004,
// user0004 deactivated in Sell, and an existing Zendesk account susp (owner not a Sell
// user) where user0001 is already a suspended agent.
func addReportedShapes(t *testing.T, f *convFixture) ConvertContributorsInput {
	t.Helper()
	_, err := f.sim.AddAccount(context.Background(), sim.AccountSpec{SellAccountID: 2201, Name: "Susp", Users: 4, InactiveUsers: 1,
		ExistingSupport: &sim.ExistingSupportSpec{Subdomain: "susp", OwnerEmail: "owner@susp.test", SuspendedAgents: 1}})
	require.NoError(t, err)
	allowIn(t, f.acts, "susp", "owner@susp.test")
	return ConvertContributorsInput{SellAccountID: "2201", Subdomain: "susp", ActingEmail: "owner@susp.test"}
}

// suspend suspends a Zendesk user of susp through the Support API, as its owner would.
func (f *convFixture) suspend(t *testing.T, email string) {
	t.Helper()
	u, err := f.support(t, "susp").SearchUserByEmail(context.Background(), email)
	require.NoError(t, err)
	require.NotNil(t, u, "no Zendesk user %s", email)
	req, err := http.NewRequest(http.MethodPut, f.srv.URL+"/zendesk/susp/api/v2/users/"+strconv.FormatInt(u.ID, 10),
		bytes.NewReader([]byte(`{"user":{"suspended":true}}`)))
	require.NoError(t, err)
	req.Header.Set("Content-Type", "application/json")
	req.SetBasicAuth("owner@susp.test/token", sim.DemoAPIToken("susp"))
	resp, err := http.DefaultClient.Do(req)
	require.NoError(t, err)
	resp.Body.Close()
	require.Equal(t, http.StatusOK, resp.StatusCode)
}

// TestInactiveAndSuspendedUsersAreReported: the inactive Sell user is listed and not
// converted; the Sell user whose Zendesk user is a suspended agent is reported as
// suspended, neither converted nor counted an agent, and stays suspended. A contributor
// this migration created and an admin later suspended counts as suspended on a re-run
// (found by external id, not by email). The check agrees and calls the account complete.
func TestInactiveAndSuspendedUsersAreReported(t *testing.T) {
	t.Parallel()
	f := newConvFixture(t)
	in := addReportedShapes(t, f)

	res, err := f.newAttempt(nil).convert(in)
	require.NoError(t, err)
	require.Equal(t, contract.ContributorCursor{NextPage: 2, SellUsers: 5, Converted: 3, Total: 5,
		Inactive: 1, InactiveEmails: []string{"user0004@susp.test"},
		Suspended: 1, SuspendedEmails: []string{"user0001@susp.test"}}, res)
	converted, bySubject := f.userConversions(t)
	require.Equal(t, 3, converted)
	require.Zero(t, bySubject["user0001@susp.test"], "the suspended agent was changed")
	still, err := f.support(t, "susp").SearchUserByEmail(context.Background(), "user0001@susp.test")
	require.NoError(t, err)
	require.True(t, still.Suspended, "the conversion unsuspended user0001")

	check, err := f.check(t, CheckContributorsInput{SellAccountID: in.SellAccountID, Subdomain: in.Subdomain, ActingEmail: in.ActingEmail}, nil, nil)
	require.NoError(t, err)
	require.Equal(t, ContributorCheck{SellUsers: 5, Active: 4, Inactive: 1, InactiveEmails: []string{"user0004@susp.test"},
		Contributors: 3, Suspended: 1, SuspendedEmails: []string{"user0001@susp.test"}, Complete: true}, check)

	f.suspend(t, "user0002@susp.test")
	again, err := f.newAttempt(nil).convert(in)
	require.NoError(t, err)
	require.Equal(t, 2, again.Converted)
	require.Equal(t, 2, again.Suspended)
	require.ElementsMatch(t, []string{"user0001@susp.test", "user0002@susp.test"}, again.SuspendedEmails)
}

// TestReportedListsAreBounded: 150 inactive Sell users are all counted, and the first
// contract.MaxReportedEmails of them listed, so cursors and histories stay small.
func TestReportedListsAreBounded(t *testing.T) {
	t.Parallel()
	f := newConvFixture(t)
	_, err := f.sim.AddAccount(context.Background(), sim.AccountSpec{SellAccountID: 2202, Name: "Gone", Users: 150, InactiveUsers: 150,
		ExistingSupport: &sim.ExistingSupportSpec{Subdomain: "gone", OwnerEmail: "admin@gone.test"}})
	require.NoError(t, err)
	allowIn(t, f.acts, "gone", "admin@gone.test")
	res, err := f.newAttempt(nil).convert(ConvertContributorsInput{SellAccountID: "2202", Subdomain: "gone", ActingEmail: "admin@gone.test"})
	require.NoError(t, err)
	require.Equal(t, 151, res.SellUsers)
	require.Equal(t, 150, res.Inactive)
	require.Len(t, res.InactiveEmails, contract.MaxReportedEmails)
	require.Equal(t, "user0001@gone.test", res.InactiveEmails[0])
	require.Equal(t, 1, res.AlreadyAgents, "the admin owns gone")
}
