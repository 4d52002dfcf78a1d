package activities

import (
	"net/http"
	"strings"
	"sync/atomic"
	"testing"

	"github.com/stretchr/testify/require"
	"go.temporal.io/sdk/temporal"

	"github.com/sellmigrate/sellmigrate/contract"
	"github.com/sellmigrate/sellmigrate/platform"
)

var hooliIn = ConvertContributorsInput{SellAccountID: "1005", Subdomain: "hooli", ActingEmail: "admin@hooli.test"}

// hooliDone is Hooli converted: 2,500 Sell users on 25 pages, its admin already the
// owner (an admin agent) of the new account, everyone else a contributor.
var hooliDone = contract.ContributorCursor{NextPage: 26, SellUsers: 2500, Converted: 2499, AlreadyAgents: 1, Total: 2500}

// hooliAfter is the cursor once pages 1..n-1 of Hooli are done.
func hooliAfter(n int) contract.ContributorCursor {
	done := (n - 1) * 100
	return contract.ContributorCursor{NextPage: n, SellUsers: done, Converted: done - 1, AlreadyAgents: 1, Total: 2500}
}

func isCreateMany(r *http.Request) bool {
	return r.Method == http.MethodPost && strings.HasSuffix(r.URL.Path, "/api/v2/users/create_many")
}

func isShowMany(r *http.Request) bool {
	return r.Method == http.MethodGet && strings.HasSuffix(r.URL.Path, "/api/v2/users/show_many")
}

func isJobPoll(r *http.Request) bool {
	return r.Method == http.MethodGet && strings.Contains(r.URL.Path, "/api/v2/job_statuses/")
}

// requireCursor checks that err carries want (CursorFromError) and that it is the last
// cursor the attempt heartbeated: error and heartbeat never disagree.
func requireCursor(t *testing.T, err error, a *attempt, want contract.ContributorCursor) {
	t.Helper()
	got, ok := CursorFromError(err)
	require.True(t, ok, "no cursor in %v", err)
	require.Equal(t, want, got)
	require.Equal(t, want, a.lastHeartbeat(t), "the last heartbeat")
}

// TestCancelledConversionResumesFromWorkflowCursor: the workflow cancels the activity
// while page 5 is being created; the CanceledError carries the cursor (pages 1–4). A new
// execution, with no heartbeat details, resumes from it through Input.Resume at page 5.
func TestCancelledConversionResumesFromWorkflowCursor(t *testing.T) {
	t.Parallel()
	f := newHooliFixture(t)

	first := f.newAttempt(nil)
	var creates atomic.Int32
	f.setHook(func(_ http.ResponseWriter, r *http.Request) bool {
		if isCreateMany(r) && creates.Add(1) == 5 {
			first.cancelAsWorkflow()
			waitForAbort(r) // page 5's create never reaches Zendesk
			return true
		}
		return false
	})
	_, err := first.convert(hooliIn)
	var canceled *temporal.CanceledError
	require.ErrorAs(t, err, &canceled, "a cancelled conversion ends with a CanceledError: %v", err)
	requireCursor(t, err, first, hooliAfter(5))
	converted, _ := f.userConversions(t)
	require.Equal(t, 399, converted)

	f.setHook(nil)
	cur, _ := CursorFromError(err)
	in := hooliIn
	in.Resume = &cur
	res, err := f.newAttempt(nil).convert(in)
	require.NoError(t, err)
	requireHooliDone(t, f, res, 5, 2499)
}

// newHooliFixture is a fixture with Hooli's Zendesk account made, as the migration
// leaves it before the conversion.
func newHooliFixture(t *testing.T) *convFixture {
	t.Helper()
	f := newConvFixture(t)
	f.createAccount(t, "Hooli", "hooli", "admin@hooli.test")
	return f
}

// requireHooliDone checks a conversion that ended with Hooli converted: the result, the
// Sell page it began at (0: not checked) and the users converted in the ledger (each
// once) since the fixture began.
func requireHooliDone(t *testing.T, f *convFixture, res contract.ContributorCursor, firstPage, converted int) {
	t.Helper()
	require.Equal(t, hooliDone, res)
	if firstPage > 0 {
		require.Equal(t, firstPage, f.pagesRead()[0], "the page it began at: %v", f.pagesRead())
	}
	got, bySubject := f.userConversions(t)
	require.Equal(t, converted, got)
	requireConvertedOnce(t, bySubject)
}

// TestTwoInterruptedAttemptsThenResume: attempt 1 dies on page 3 after its create_many
// went through (every job poll fails), its cursor naming page 3's job; attempt 2, given
// attempt 1's last heartbeat, waits for that job, then is cancelled during the look-up
// of page 6; attempt 3, given attempt 2's last heartbeat (and a stale Resume cursor,
// which the heartbeat beats), resumes at page 6. Page 3, created by attempt 1 but never
// counted, is found by external id and not created again; nobody is converted twice.
func TestTwoInterruptedAttemptsThenResume(t *testing.T) {
	t.Parallel()
	f := newHooliFixture(t)

	// Attempt 1: page 3's create_many reaches Zendesk, then every job poll answers 503.
	one := f.newAttempt(nil)
	var creates atomic.Int32
	var failPolls atomic.Bool
	f.setHook(func(w http.ResponseWriter, r *http.Request) bool {
		if isCreateMany(r) && creates.Add(1) == 3 {
			failPolls.Store(true)
		}
		if isJobPoll(r) && failPolls.Load() {
			http.Error(w, `{"error":"ServiceUnavailable","description":"injected"}`, http.StatusServiceUnavailable)
			return true
		}
		return false
	})
	_, err := one.convert(hooliIn)
	var appErr *temporal.ApplicationError
	require.ErrorAs(t, err, &appErr)
	require.False(t, appErr.NonRetryable(), "a Zendesk outage is retryable: %v", err)
	require.Equal(t, contract.ErrTypeZendeskUnavailable, appErr.Type())
	stale, _ := CursorFromError(err)
	require.NotEmpty(t, stale.CreateJobID, "the cursor names page 3's job, queued before the attempt died")
	want := hooliAfter(3)
	want.CreateJobID = stale.CreateJobID
	requireCursor(t, err, one, want)
	converted, _ := f.userConversions(t)
	require.Equal(t, 299, converted, "page 3 was created before the attempt died")

	// Attempt 2: resumes at page 3 from the heartbeat, polling page 3's job before its
	// first look-up; cancelled during page 6's look-up.
	two := f.newAttempt(&stale)
	var lookups, creates2, earlyPolls atomic.Int32
	f.setHook(func(_ http.ResponseWriter, r *http.Request) bool {
		if isCreateMany(r) {
			creates2.Add(1)
		}
		if isJobPoll(r) && lookups.Load() == 0 && strings.HasSuffix(r.URL.Path, "/"+stale.CreateJobID) {
			earlyPolls.Add(1)
		}
		if isShowMany(r) && lookups.Add(1) == 4 { // pages 3, 4, 5, then 6
			two.cancelAsWorkflow()
			waitForAbort(r)
			return true
		}
		return false
	})
	_, err = two.convert(hooliIn)
	var canceled *temporal.CanceledError
	require.ErrorAs(t, err, &canceled)
	requireCursor(t, err, two, hooliAfter(6))
	require.Equal(t, []int{3, 4, 5, 6}, f.pagesRead())
	require.Equal(t, int32(2), creates2.Load(), "page 3 is found by external id, only pages 4 and 5 are created")
	require.Positive(t, earlyPolls.Load(), "attempt 2 polled page 3's job before looking the page up")
	converted, _ = f.userConversions(t)
	require.Equal(t, 499, converted)

	// Attempt 3: heartbeat details (page 6) win over the stale Resume cursor (page 3).
	f.setHook(nil)
	reached := two.lastHeartbeat(t)
	in := hooliIn
	in.Resume = &stale
	res, err := f.newAttempt(&reached).convert(in)
	require.NoError(t, err)
	requireHooliDone(t, f, res, 6, 2499) // attempt 3 starts at the page attempt 2 reached
}

// TestBulkImportRefusedGoesOnOneByOne: Zendesk answers 403 "Data imports are not
// enabled" to create_many from page 4 on (bulk imports switched off). The conversion
// does not stop: it creates page 4 onwards one user at a time, never tries create_many
// again, converts everyone once and says it went one by one.
func TestBulkImportRefusedGoesOnOneByOne(t *testing.T) {
	t.Parallel()
	f := newHooliFixture(t)
	var creates, single atomic.Int32
	f.setHook(func(w http.ResponseWriter, r *http.Request) bool {
		if isCreateUser(r) {
			single.Add(1)
		}
		if isCreateMany(r) && creates.Add(1) >= 4 {
			w.Header().Set("Content-Type", "application/json")
			w.WriteHeader(http.StatusForbidden)
			_, _ = w.Write([]byte(`{"error":"Forbidden","description":"Data imports are not enabled"}`))
			return true
		}
		return false
	})
	res, err := f.newAttempt(nil).convert(hooliIn)
	require.NoError(t, err)
	want := hooliDone
	want.OneByOne = true
	require.Equal(t, want, res)
	require.Equal(t, contract.ConversionPathOneByOne, res.Counts().ConversionPath)
	require.EqualValues(t, 4, creates.Load(), "create_many is not tried again once refused")
	require.EqualValues(t, 2500-300, single.Load(), "pages 4 to 25 are created one user at a time")
	converted, bySubject := f.userConversions(t)
	require.Equal(t, 2499, converted)
	requireConvertedOnce(t, bySubject)
}

// TestOtherForbiddenStopsWithCursorAndAdvice: a 403 to create_many that is not about
// imports (the acting user may not create users) stops the conversion, non-retryable,
// saying what to fix, with the cursor of the pages done; once fixed, a new execution
// resumes there in bulk.
func TestOtherForbiddenStopsWithCursorAndAdvice(t *testing.T) {
	t.Parallel()
	f := newHooliFixture(t)
	first := f.newAttempt(nil)
	var creates atomic.Int32
	f.setHook(func(w http.ResponseWriter, r *http.Request) bool {
		if isCreateMany(r) && creates.Add(1) >= 4 {
			w.Header().Set("Content-Type", "application/json")
			w.WriteHeader(http.StatusForbidden)
			_, _ = w.Write([]byte(`{"error":"Forbidden","description":"You do not have access to this page."}`))
			return true
		}
		return false
	})
	_, err := first.convert(hooliIn)
	requireNonRetryable(t, err, contract.ErrTypeZendeskClient, "the acting user must be an admin")
	require.Contains(t, err.Error(), "retry the migration")
	requireCursor(t, err, first, hooliAfter(4))

	f.setHook(nil)
	cur, _ := CursorFromError(err)
	in := hooliIn
	in.Resume = &cur
	res, err := f.newAttempt(nil).convert(in)
	require.NoError(t, err)
	require.Equal(t, contract.ConversionPathBulk, res.Counts().ConversionPath)
	requireHooliDone(t, f, res, 0, 2499)
}

// TestDeletedContributorRoleStopsWithCursorAndAdvice: an admin deletes the Contributor
// role just after the attempt read it, so page 1's create_many rows are refused; the
// attempt stops non-retryable, saying to recreate the role, with its cursor. Run again
// with the role still gone, it stops at once the same way. With the role recreated
// (POST /api/v2/custom_roles), a new execution converts everyone once.
func TestDeletedContributorRoleStopsWithCursorAndAdvice(t *testing.T) {
	t.Parallel()
	f := newHooliFixture(t)
	owner := f.support(t, "hooli")
	roleID, err := contributorRoleID(t.Context(), owner)
	require.NoError(t, err)

	first := f.newAttempt(nil)
	var deleted atomic.Bool
	f.setHook(func(_ http.ResponseWriter, r *http.Request) bool {
		if isShowMany(r) && !deleted.Swap(true) {
			if err := owner.DeleteCustomRole(r.Context(), roleID); err != nil {
				t.Errorf("delete the Contributor role: %v", err)
			}
		}
		return false
	})
	_, err = first.convert(hooliIn)
	requireNonRetryable(t, err, contract.ErrTypeZendeskClient, "no Contributor custom role")
	require.Contains(t, err.Error(), "POST /api/v2/custom_roles")
	stopped, _ := CursorFromError(err)
	require.NotEmpty(t, stopped.CreateJobID, "the cursor names page 1's job, whose rows were refused")
	requireCursor(t, err, first, contract.ContributorCursor{NextPage: 1, Total: 2500, CreateJobID: stopped.CreateJobID})
	converted, _ := f.userConversions(t)
	require.Zero(t, converted)

	f.setHook(nil)
	again := f.newAttempt(nil)
	_, err = again.convert(hooliIn)
	requireNonRetryable(t, err, contract.ErrTypeZendeskClient, "no Contributor custom role")
	cur, ok := CursorFromError(err)
	require.True(t, ok)

	_, err = owner.CreateCustomRole(t.Context(), platform.NewCustomRole{Name: "Contributor", RoleType: platform.RoleTypeContributor})
	require.NoError(t, err)
	in := hooliIn
	in.Resume = &cur
	res, err := f.newAttempt(nil).convert(in)
	require.NoError(t, err)
	requireHooliDone(t, f, res, 0, 2499)
}

// TestBadInputIsRefusedWithCursor: input the activity cannot act on fails at once,
// non-retryable, naming the field, and still hands back the cursor it was given.
func TestBadInputIsRefusedWithCursor(t *testing.T) {
	t.Parallel()
	f := newConvFixture(t)
	resume := hooliAfter(7)
	for _, in := range []ConvertContributorsInput{
		{SellAccountID: "hooli", Subdomain: "hooli", ActingEmail: "admin@hooli.test", Resume: &resume},
		{SellAccountID: "1005", Subdomain: " ", ActingEmail: "admin@hooli.test", Resume: &resume},
		{SellAccountID: "1005", Subdomain: "hooli", CredentialID: "admin@hooli.test", Resume: &resume},
	} {
		_, err := f.newAttempt(nil).convert(in)
		requireNonRetryable(t, err, contract.ErrTypeInvalidInput, "convert contributors")
		cur, ok := CursorFromError(err)
		require.True(t, ok)
		require.Equal(t, resume, cur)
	}
	bad := contract.ContributorCursor{NextPage: -2, SellUsers: 5}
	_, err := f.newAttempt(nil).convert(ConvertContributorsInput{SellAccountID: "1005", Subdomain: "hooli", ActingEmail: "admin@hooli.test", Resume: &bad})
	requireNonRetryable(t, err, contract.ErrTypeInvalidInput, "pages count from 1")
	require.Empty(t, f.pagesRead(), "nothing was read with a bad cursor")
}

// TestResumeWithAJobItCannotWaitFor: the cursor names a job the attempt cannot wait
// for: Zendesk answers 404 (job statuses are kept for a day; this one never existed),
// reports it failed as a whole, or refuses the poll (403). Waiting only saves calls, so
// the page is looked up and converted as if no job had been sent, and the job is
// forgotten, so no later attempt waits for it.
func TestResumeWithAJobItCannotWaitFor(t *testing.T) {
	t.Parallel()
	const jobID = "0123456789abcdef0123456789abcdef"
	for name, answer := range map[string]func(w http.ResponseWriter){
		"not found": nil, // the simulator's own answer
		"failed": func(w http.ResponseWriter) {
			w.Header().Set("Content-Type", "application/json")
			_, _ = w.Write([]byte(`{"job_status":{"id":"` + jobID + `","status":"failed","total":100,"message":"worker lost"}}`))
		},
		"forbidden": func(w http.ResponseWriter) {
			w.Header().Set("Content-Type", "application/json")
			w.WriteHeader(http.StatusForbidden)
			_, _ = w.Write([]byte(`{"error":"Forbidden","description":"You do not have access to this page."}`))
		},
	} {
		t.Run(name, func(t *testing.T) {
			t.Parallel()
			f := newHooliFixture(t)
			first := f.newAttempt(nil)
			var polls atomic.Int32
			f.setHook(func(w http.ResponseWriter, r *http.Request) bool {
				if isShowMany(r) { // the look-up of page 2: the job is behind it
					first.cancelAsWorkflow()
					waitForAbort(r)
					return true
				}
				if !isJobPoll(r) || !strings.HasSuffix(r.URL.Path, "/"+jobID) {
					return false
				}
				polls.Add(1)
				if answer == nil {
					return false
				}
				answer(w)
				return true
			})
			cur := hooliAfter(2)
			cur.CreateJobID = jobID
			in := hooliIn
			in.Resume = &cur
			_, err := first.convert(in)
			var canceled *temporal.CanceledError
			require.ErrorAs(t, err, &canceled)
			require.Positive(t, polls.Load(), "the named job was polled first")
			requireCursor(t, err, first, hooliAfter(2)) // the job forgotten

			f.setHook(nil)
			forgot, _ := CursorFromError(err)
			in.Resume = &forgot
			res, err := f.newAttempt(nil).convert(in)
			require.NoError(t, err)
			requireHooliDone(t, f, res, 2, 2400) // pages 2 to 25; page 1 counts as done in the cursor
		})
	}
}

// TestCountedTotalSurvivesTheAttempt: counting Hooli's users costs several Sell reads
// (pages 1, 2, 4 … then a binary search). An attempt cancelled during page 1's look-up
// has already committed the total, so the next one reads each page once, in order,
// and counts nothing again.
func TestCountedTotalSurvivesTheAttempt(t *testing.T) {
	t.Parallel()
	f := newHooliFixture(t)
	first := f.newAttempt(nil)
	f.setHook(func(_ http.ResponseWriter, r *http.Request) bool {
		if isShowMany(r) {
			first.cancelAsWorkflow()
			waitForAbort(r)
			return true
		}
		return false
	})
	_, err := first.convert(hooliIn)
	var canceled *temporal.CanceledError
	require.ErrorAs(t, err, &canceled)
	requireCursor(t, err, first, contract.ContributorCursor{NextPage: 1, Total: 2500})
	require.Greater(t, len(f.pagesRead()), 1, "the first attempt counted beyond page 1: %v", f.pagesRead())

	f.setHook(nil)
	counted := first.lastHeartbeat(t)
	before := len(f.pagesRead())
	res, err := f.newAttempt(&counted).convert(hooliIn)
	require.NoError(t, err)
	require.Equal(t, hooliDone, res)
	want := make([]int, 25)
	for i := range want {
		want[i] = i + 1
	}
	require.Equal(t, want, f.pagesRead()[before:], "the retry reads pages 1 to 25 once each: no count")
}
