package activities

import (
	"errors"
	"net/http"
	"net/http/httptest"
	"strings"
	"sync/atomic"
	"testing"

	"github.com/stretchr/testify/require"
	"go.temporal.io/sdk/temporal"

	"github.com/sellmigrate/sellmigrate/contract"
	"github.com/sellmigrate/sellmigrate/platform"
	"github.com/sellmigrate/sellmigrate/platform/sim"
)

func isCreateUser(r *http.Request) bool {
	return r.Method == http.MethodPost && strings.HasSuffix(r.URL.Path, "/api/v2/users")
}

// addStarkLike adds a Sell account shaped like demo 1007 Stark but with 300 users to
// convert: its admin and user0001..user0299, plus the owner of its existing Zendesk
// account (licensed in Sell, already an agent there), whose bulk imports are off.
func addStarkLike(t *testing.T, f *convFixture) ConvertContributorsInput {
	t.Helper()
	_, err := f.sim.AddAccount(t.Context(), sim.AccountSpec{SellAccountID: 2007, Name: "Jarvis", Users: 299,
		ExistingSupport: &sim.ExistingSupportSpec{Subdomain: "jarvis", OwnerEmail: "owner@jarvis.test",
			OwnerHasSellLicense: true, BulkImportsDisabled: true}})
	require.NoError(t, err)
	allowIn(t, f.acts, "jarvis", "owner@jarvis.test")
	return ConvertContributorsInput{SellAccountID: "2007", Subdomain: "jarvis", ActingEmail: "owner@jarvis.test"}
}

// starkLikeDone is addStarkLike's account converted one by one: 301 Sell users on four
// pages, 300 contributors created, the owner already an admin.
var starkLikeDone = contract.ContributorCursor{NextPage: 5, SellUsers: 301, Converted: 300, AlreadyAgents: 1, Total: 301, OneByOne: true}

// countCalls counts create_many and POST /api/v2/users requests the hook sees.
type countCalls struct{ bulk, single atomic.Int32 }

func (c *countCalls) see(r *http.Request) {
	switch {
	case isCreateMany(r):
		c.bulk.Add(1)
	case isCreateUser(r):
		c.single.Add(1)
	}
}

// TestStarkLikeConvertsOneByOne: with bulk imports off, create_many is refused once and
// the 300 contributors are created one request each, none twice (the owner, an admin
// under their email only, is asked for too, answered 422 and tallied as an agent); the
// result names the one-by-one path.
func TestStarkLikeConvertsOneByOne(t *testing.T) {
	t.Parallel()
	f := newConvFixture(t)
	in := addStarkLike(t, f)
	var calls countCalls
	f.setHook(func(_ http.ResponseWriter, r *http.Request) bool { calls.see(r); return false })
	res, err := f.newAttempt(nil).convert(in)
	require.NoError(t, err)
	require.Equal(t, starkLikeDone, res)
	require.Equal(t, contract.ConversionPathOneByOne, res.Counts().ConversionPath)
	require.EqualValues(t, 1, calls.bulk.Load(), "create_many is tried once, then never again")
	require.EqualValues(t, 301, calls.single.Load(), "one per Sell user not found by external id: 300 created, the owner's answered 422")
	converted, bySubject := f.userConversions(t)
	require.Equal(t, 300, converted)
	requireConvertedOnce(t, bySubject)
}

// TestOneByOneResumesMidPage: the worker dies right after Zendesk created the 150th
// user (its answer never arrives). The last heartbeat says page 2 with 49 of its users
// done and the one-by-one path chosen; the next attempt resumes there, finds the user
// the dead attempt created by its external id, creates the rest, and never calls
// create_many again.
func TestOneByOneResumesMidPage(t *testing.T) {
	t.Parallel()
	f := newConvFixture(t)
	in := addStarkLike(t, f)
	first := f.newAttempt(nil)
	var calls countCalls
	f.setHook(func(w http.ResponseWriter, r *http.Request) bool {
		calls.see(r)
		if isCreateUser(r) && calls.single.Load() == 150 {
			f.sim.Handler().ServeHTTP(httptest.NewRecorder(), r) // Zendesk creates the user…
			first.cancel(errors.New("worker killed"))            // …and the worker dies before the answer
			waitForAbort(r)
			return true
		}
		return false
	})
	_, err := first.convert(in)
	require.Error(t, err)
	var appErr *temporal.ApplicationError
	require.ErrorAs(t, err, &appErr)
	require.False(t, appErr.NonRetryable(), "a killed attempt is retried: %v", err)
	last := first.lastHeartbeat(t)
	require.Equal(t, contract.ContributorCursor{NextPage: 2, SellUsers: 149, Converted: 149, Total: 301, OneByOne: true, PageUsersDone: 49}, last)

	bulkBefore := calls.bulk.Load()
	f.setHook(func(_ http.ResponseWriter, r *http.Request) bool { calls.see(r); return false }) // and forget the pages read
	res, err := f.newAttempt(&last).convert(in)
	require.NoError(t, err)
	require.Equal(t, starkLikeDone, res)
	require.Equal(t, bulkBefore, calls.bulk.Load(), "the resumed attempt does not try create_many")
	require.EqualValues(t, 301, calls.single.Load(), "the user created by the dead attempt is found, not asked for again")
	require.Equal(t, 2, f.pagesRead()[0])
	converted, bySubject := f.userConversions(t)
	require.Equal(t, 300, converted)
	requireConvertedOnce(t, bySubject)
}

// TestOneByOneTreatsTakenEmailAsExisting: two Sell users already have Zendesk users
// under their email but not this migration's external id (an end-user, and a
// contributor someone added by hand). Creating them answers 422 "already being used";
// the conversion looks them up and tallies them for what they are, changing nothing.
func TestOneByOneTreatsTakenEmailAsExisting(t *testing.T) {
	t.Parallel()
	f := newConvFixture(t)
	in := addStarkLike(t, f)
	owner := f.support(t, "jarvis")
	roleID, err := contributorRoleID(t.Context(), owner)
	require.NoError(t, err)
	_, err = owner.CreateUser(t.Context(), platform.NewSupportUser{Name: "Five", Email: "user0005@jarvis.test", Role: platform.RoleEndUser})
	require.NoError(t, err)
	_, err = owner.CreateUser(t.Context(), platform.NewSupportUser{Name: "Six", Email: "user0006@jarvis.test", Role: platform.RoleAgent, CustomRoleID: &roleID})
	require.NoError(t, err)

	var refused atomic.Int32
	f.setHook(func(w http.ResponseWriter, r *http.Request) bool {
		if !isCreateUser(r) {
			return false
		}
		rec := httptest.NewRecorder()
		f.sim.Handler().ServeHTTP(rec, r)
		if rec.Code == http.StatusUnprocessableEntity {
			refused.Add(1)
		}
		for k, v := range rec.Header() {
			w.Header()[k] = v
		}
		w.WriteHeader(rec.Code)
		_, _ = w.Write(rec.Body.Bytes())
		return true
	})
	res, err := f.newAttempt(nil).convert(in)
	require.NoError(t, err)
	want := starkLikeDone
	want.Converted = 299 // user0006 counts as converted: a contributor already
	want.NeedsReactivation, want.NeedsReactivationCount = []string{"user0005@jarvis.test"}, 1
	require.Equal(t, want, res)
	require.EqualValues(t, 3, refused.Load(), "the two taken emails and the owner's were answered 422")
	converted, bySubject := f.userConversions(t)
	require.Equal(t, 300, converted, "298 created by the conversion, 2 by the set-up")
	requireConvertedOnce(t, bySubject)
}

// TestOneByOneSurvivesServerErrors: a fifth of all requests fail with 500/502/503. Each
// failed attempt is retryable and the next resumes from its last heartbeat, as Temporal
// retries it; in the end the 300 contributors exist, none created twice, and the result
// names the one-by-one path.
func TestOneByOneSurvivesServerErrors(t *testing.T) {
	t.Parallel()
	f := newConvFixture(t)
	in := addStarkLike(t, f)
	f.sim.SetFaults(sim.Faults{ErrorRate: 0.2})
	var details *contract.ContributorCursor
	var res contract.ContributorCursor
	attempts := 0
	for ; attempts < 3000; attempts++ {
		a := f.newAttempt(details)
		var err error
		res, err = a.convert(in)
		if err == nil {
			break
		}
		var appErr *temporal.ApplicationError
		require.ErrorAs(t, err, &appErr)
		require.False(t, appErr.NonRetryable(), "attempt %d: a server error must stay retryable: %v", attempts, err)
		a.mu.Lock()
		if a.last != nil {
			details = a.last
		}
		a.mu.Unlock()
	}
	f.sim.SetFaults(sim.Faults{})
	require.Less(t, attempts, 3000, "the conversion never finished")
	require.Greater(t, attempts, 1, "the faults made no attempt fail; the test proves nothing")
	require.Equal(t, starkLikeDone, res)
	require.Equal(t, contract.ConversionPathOneByOne, res.Counts().ConversionPath)
	converted, bySubject := f.userConversions(t)
	require.Equal(t, 300, converted)
	requireConvertedOnce(t, bySubject)
	t.Logf("%d attempts; faults injected: %+v", attempts+1, f.sim.Injected())
}
