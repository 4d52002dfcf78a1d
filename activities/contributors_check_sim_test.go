package activities

import (
	"io"
	"net/http"
	"strconv"
	"strings"
	"sync/atomic"
	"testing"

	"github.com/stretchr/testify/require"
	"go.temporal.io/sdk/activity"
	"go.temporal.io/sdk/converter"

	"github.com/sellmigrate/sellmigrate/contract"
	"github.com/sellmigrate/sellmigrate/platform/sim"
)

// check runs CheckContributors; onBeat, when set, sees each heartbeat that reaches the
// server (the SDK batches some); details, when set, are an earlier attempt's heartbeat.
func (f *convFixture) check(t *testing.T, in CheckContributorsInput, onBeat func(checkCursor), details *checkCursor) (ContributorCheck, error) {
	t.Helper()
	a := f.newAttempt(nil)
	if onBeat != nil {
		a.env.SetOnActivityHeartbeatListener(func(_ *activity.Info, d converter.EncodedValues) {
			var c checkCursor
			if d == nil || d.Get(&c) != nil {
				c = checkCursor{} // a heartbeat without the check's cursor
			}
			onBeat(c)
		})
	}
	if details != nil {
		a.env.SetHeartbeatDetails(*details)
	}
	v, err := a.env.ExecuteActivity(f.acts.CheckContributors, in)
	if err != nil {
		return ContributorCheck{}, err
	}
	var res ContributorCheck
	return res, v.Get(&res)
}

// TestCheckContributorsTellsWhatIsMissingWithoutChangingAnything: Globex before its
// conversion has its owner (an admin), lee (an end-user) and six Sell users missing:
// the check stops at the first of them and writes nothing. After the conversion it is complete; a contributor later
// downgraded to end-user is reported for reactivation, and the account stays complete.
func TestCheckContributorsTellsWhatIsMissingWithoutChangingAnything(t *testing.T) {
	t.Parallel()
	f := newConvFixture(t)
	in := CheckContributorsInput{SellAccountID: "1002", Subdomain: "globex", ActingEmail: "owner@globex.test"}

	before, err := f.check(t, in, nil, nil)
	require.NoError(t, err)
	require.False(t, before.Complete)
	require.True(t, before.StoppedAtFirstMissing)
	require.Equal(t, 1, before.Missing)
	require.Equal(t, 8, before.SellUsers)
	require.Zero(t, f.writes(), "the check changed something in Zendesk")
	converted, _ := f.userConversions(t)
	require.Zero(t, converted)

	res, err := f.newAttempt(nil).convert(ConvertContributorsInput{SellAccountID: "1002", Subdomain: "globex", ActingEmail: "owner@globex.test"})
	require.NoError(t, err)
	require.Equal(t, 6, res.Converted)
	writes := f.writes()

	after, err := f.check(t, in, nil, nil)
	require.NoError(t, err)
	require.Equal(t, ContributorCheck{SellUsers: 8, Active: 8, Contributors: 6, OtherAgents: 1,
		NeedsReactivation: []string{"lee@globex.test"}, NeedsReactivationCount: 1, Complete: true}, after)
	require.Equal(t, writes, f.writes(), "the check changed something in Zendesk")

	mia, err := f.support(t, "globex").SearchUserByEmail(t.Context(), "mia@globex.test")
	require.NoError(t, err)
	require.NotNil(t, mia)
	req, err := http.NewRequest(http.MethodPut, f.srv.URL+"/zendesk/globex/api/v2/users/"+itoa(mia.ID),
		stringsReader(`{"user":{"role":"end-user"}}`))
	require.NoError(t, err)
	req.Header.Set("Content-Type", "application/json")
	req.SetBasicAuth("owner@globex.test/token", sim.DemoAPIToken("globex"))
	resp, err := f.srv.Client().Do(req)
	require.NoError(t, err)
	require.NoError(t, resp.Body.Close())
	require.Equal(t, http.StatusOK, resp.StatusCode)

	downgraded, err := f.check(t, in, nil, nil)
	require.NoError(t, err)
	require.Equal(t, 5, downgraded.Contributors)
	require.ElementsMatch(t, []string{"lee@globex.test", "mia@globex.test"}, downgraded.NeedsReactivation)
	require.Equal(t, 2, downgraded.NeedsReactivationCount)
	require.True(t, downgraded.Complete)
}

// TestCheckContributorsPagesHooli: a half-converted Hooli is incomplete, and the check
// says so at the first page with a missing user, after one search; a converted one is
// complete. The check heartbeats its page, resumes from its last heartbeat, and costs
// one look-up per page plus one search per user it does not find by external id.
func TestCheckContributorsPagesHooli(t *testing.T) {
	t.Parallel()
	f := newConvFixture(t)
	f.createAccount(t, "Hooli", "hooli", "admin@hooli.test")
	in := CheckContributorsInput{SellAccountID: "1005", Subdomain: "hooli", ActingEmail: "admin@hooli.test"}

	// Convert pages 1–12, then the workflow cancels.
	first := f.newAttempt(nil)
	var creates atomic.Int32
	f.setHook(func(_ http.ResponseWriter, r *http.Request) bool {
		if isCreateMany(r) && creates.Add(1) == 13 {
			first.cancelAsWorkflow()
			waitForAbort(r)
			return true
		}
		return false
	})
	_, err := first.convert(hooliIn)
	require.Error(t, err)
	f.setHook(nil)

	var beats []checkCursor
	var lookups, searches atomic.Int32
	f.setHook(func(_ http.ResponseWriter, r *http.Request) bool {
		switch {
		case isShowMany(r):
			lookups.Add(1)
		case r.URL.Path == "/zendesk/hooli/api/v2/users/search":
			searches.Add(1)
		}
		return false
	})
	half, err := f.check(t, in, func(c checkCursor) { beats = append(beats, c) }, nil)
	require.NoError(t, err)
	require.Equal(t, ContributorCheck{SellUsers: 1300, Active: 1300, Contributors: 1199, OtherAgents: 1, Missing: 1, StoppedAtFirstMissing: true}, half)
	require.Equal(t, int32(13), lookups.Load(), "pages 1-12 converted, page 13 the first with a missing user")
	require.Equal(t, int32(2), searches.Load(), "the owner, and the first user not created yet")
	require.NotEmpty(t, beats)
	for i, b := range beats {
		require.True(t, b.NextPage >= 2 && b.NextPage <= 14, "heartbeat %d carries no page: %+v", i, b)
		require.Equal(t, (b.NextPage-1)*100, b.Check.SellUsers, "heartbeat %d", i)
	}

	// A retry resumes from the heartbeat: only pages 10–13 are read again.
	f.setHook(nil)
	partial := checkCursor{NextPage: 10, Check: ContributorCheck{SellUsers: 900, Active: 900, Contributors: 899, OtherAgents: 1}}
	resumed, err := f.check(t, in, nil, &partial)
	require.NoError(t, err)
	require.Equal(t, half, resumed)
	require.Equal(t, []int{10, 11, 12, 13}, f.pagesRead())

	res, err := f.newAttempt(nil).convert(hooliIn)
	require.NoError(t, err)
	require.Equal(t, hooliDone, res)
	f.setHook(func(_ http.ResponseWriter, r *http.Request) bool {
		switch {
		case isShowMany(r):
			lookups.Add(1)
		case r.URL.Path == "/zendesk/hooli/api/v2/users/search":
			searches.Add(1)
		}
		return false
	})
	lookups.Store(0)
	searches.Store(0)
	full, err := f.check(t, in, nil, nil)
	require.NoError(t, err)
	require.Equal(t, ContributorCheck{SellUsers: 2500, Active: 2500, Contributors: 2499, OtherAgents: 1, Complete: true}, full)
	require.Equal(t, int32(25), lookups.Load())
	require.Equal(t, int32(1), searches.Load(), "only the owner, who was not created by the migration")
}

// TestCheckContributorsRefusesBadInput names the bad field, non-retryable.
func TestCheckContributorsRefusesBadInput(t *testing.T) {
	t.Parallel()
	f := newConvFixture(t)
	_, err := f.check(t, CheckContributorsInput{SellAccountID: "1002", Subdomain: "globex", CredentialID: "owner@globex.test"}, nil, nil)
	requireNonRetryable(t, err, contract.ErrTypeInvalidInput, "not a credential store ID")
}

func itoa(n int64) string { return strconv.FormatInt(n, 10) }

func stringsReader(s string) io.Reader { return strings.NewReader(s) }
