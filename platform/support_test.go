package platform

import (
	"context"
	"errors"
	"fmt"
	"net/http"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/sellmigrate/sellmigrate/platform/sim"
)

func TestSupportMeAndAccount(t *testing.T) {
	t.Parallel()
	c, _ := newSimClient(t)
	ctx := context.Background()
	s := c.Support("globex", simCreds("owner@globex.test"))
	me, err := s.Me(ctx)
	if err != nil || me.Email != "owner@globex.test" || me.Role != RoleAdmin {
		t.Fatalf("Me = %+v, %v", me, err)
	}
	acct, err := s.Account(ctx)
	if err != nil || acct.Subdomain != "globex" || acct.OwnerID != me.ID {
		t.Fatalf("Account = %+v, %v (owner %d)", acct, err, me.ID)
	}
	if s.Subdomain() != "globex" {
		t.Errorf("Subdomain = %q", s.Subdomain())
	}

	_, err = c.Support("globex", Credentials{Email: "owner@globex.test", APIToken: "wrong"}).Me(ctx)
	if ae := mustAPIError(t, err, 401); ae.Message != "Couldn't authenticate you" {
		t.Errorf("401: %+v", ae)
	}
	_, err = c.Support("globex", Credentials{}).Me(ctx)
	mustAPIError(t, err, 401)
	_, err = c.Support("nosuch", simCreds("owner@globex.test")).Account(ctx)
	if ae := mustAPIError(t, err, 404); ae.Code != "RecordNotFound" {
		t.Errorf("unknown subdomain: %+v", ae)
	}
}

func TestSupportRelease(t *testing.T) {
	t.Parallel()
	c, s := newSimClient(t)
	ctx := context.Background()
	created, err := c.Accounts().Create(ctx, NewAccount{Name: "Spare", Subdomain: "spare", OwnerName: "Sam Spare", OwnerEmail: "sam@spare.test"}, "")
	if err != nil {
		t.Fatal(err)
	}
	owner := Credentials{BearerToken: created.OwnerToken}
	if err := c.Support("spare", owner).Release(ctx); err != nil {
		t.Fatalf("release: %v", err)
	}
	// Gone now: the account no longer answers, so the caller sees 404 and knows there
	// is nothing left to release.
	if err := c.Support("spare", owner).Release(ctx); !IsStatus(err, 404) {
		t.Errorf("second release: %v", err)
	}
	if n := ledgerCount(t, s, sim.LedgerAccountReleased, "spare"); n != 1 {
		t.Errorf("%d releases of spare in the ledger, want 1", n)
	}
	// umbrella is linked to Sell account 1004.
	err = c.Support("umbrella", simCreds("admin@umbrella.test")).Release(ctx)
	if ae := mustAPIError(t, err, 409); ae.Code != "AccountLinked" || ae.Retryable() {
		t.Errorf("linked: %+v", ae)
	}
}

func TestSupportSearchUserByEmail(t *testing.T) {
	t.Parallel()
	c, _ := newSimClient(t)
	ctx := context.Background()
	s := c.Support("globex", simCreds("owner@globex.test"))

	u, err := s.SearchUserByEmail(ctx, "LEE@globex.test")
	if err != nil || u == nil || u.Email != "lee@globex.test" || u.Role != RoleEndUser {
		t.Fatalf("found %+v, %v", u, err)
	}
	// "lee" is part of lee@globex.test but not an exact address.
	u, err = s.SearchUserByEmail(ctx, "lee")
	if err != nil || u != nil {
		t.Errorf("partial match returned %+v, %v", u, err)
	}
	u, err = s.SearchUserByEmail(ctx, "nobody@globex.test")
	if err != nil || u != nil {
		t.Errorf("no match returned %+v, %v", u, err)
	}
	if _, err := s.SearchUserByEmail(ctx, " "); err == nil {
		t.Error("an empty email must be refused")
	}
}

// pagerSupport is a Support account of 250 users: its owner (admin), 199 contributor
// agents and 50 end-users.
func pagerSupport(t *testing.T, c *Client, s *sim.Sim) *Support {
	t.Helper()
	ctx := context.Background()
	if _, err := s.AddAccount(ctx, sim.AccountSpec{SellAccountID: 3002, Name: "Pager", Users: 199, ConnectedSubdomain: "pager"}); err != nil {
		t.Fatal(err)
	}
	sup := c.Support("pager", simCreds("admin@pager.test"))
	var endUsers []NewSupportUser
	for i := 1; i <= 50; i++ {
		endUsers = append(endUsers, NewSupportUser{Name: fmt.Sprintf("Customer %d", i), Email: fmt.Sprintf("customer%02d@pager.test", i), Role: RoleEndUser})
	}
	job, err := sup.CreateManyUsers(ctx, endUsers)
	if err != nil {
		t.Fatal(err)
	}
	if _, err := sup.WaitJob(ctx, job.ID, nil); err != nil {
		t.Fatal(err)
	}
	return sup
}

func TestSupportListUsersWalksCursorPages(t *testing.T) {
	t.Parallel()
	c, sm := newSimClient(t)
	ctx := context.Background()
	s := pagerSupport(t, c, sm)

	walk := func(opts ListUsersOptions) (all []SupportUser, pages int) {
		t.Helper()
		for {
			p, err := s.ListUsers(ctx, opts)
			if err != nil {
				t.Fatal(err)
			}
			pages++
			all = append(all, p.Users...)
			if !p.HasMore {
				return all, pages
			}
			if p.AfterCursor == "" {
				t.Fatal("HasMore without a cursor")
			}
			if pages > 10 {
				t.Fatal("pagination does not end")
			}
			opts.After = p.AfterCursor
		}
	}
	all, pages := walk(ListUsersOptions{})
	if pages != 3 || len(all) != 250 {
		t.Errorf("%d pages, %d users; want 3 and 250", pages, len(all))
	}
	for i := 1; i < len(all); i++ {
		if all[i].ID <= all[i-1].ID {
			t.Fatalf("users out of order at %d: %d after %d", i, all[i].ID, all[i-1].ID)
		}
	}

	// One role goes as role=, several as role[]=.
	p, err := s.ListUsers(ctx, ListUsersOptions{Roles: []string{RoleAgent}, PageSize: 10})
	if err != nil || len(p.Users) != 10 || !p.HasMore {
		t.Fatalf("agents page: %d users, more %v, %v", len(p.Users), p.HasMore, err)
	}
	for _, u := range p.Users {
		if u.Role != RoleAgent {
			t.Errorf("role filter ignored: %+v", u)
		}
	}
	staff, _ := walk(ListUsersOptions{Roles: []string{RoleAgent, RoleAdmin}})
	if len(staff) != 200 {
		t.Errorf("agents+admins: %d users, want 200", len(staff))
	}
	for _, u := range staff {
		if u.Role == RoleEndUser {
			t.Errorf("roles filter let an end-user through: %+v", u)
		}
	}

	for _, size := range []int{-1, 101} {
		if _, err := s.ListUsers(ctx, ListUsersOptions{PageSize: size}); err == nil || !strings.Contains(err.Error(), "between 1 and 100") {
			t.Errorf("PageSize %d: %v", size, err)
		}
	}
}

func TestSupportCustomRoles(t *testing.T) {
	t.Parallel()
	c, _ := newSimClient(t)
	roles, err := c.Support("globex", simCreds("owner@globex.test")).CustomRoles(context.Background())
	if err != nil || len(roles) < 2 {
		t.Fatalf("roles %+v, %v", roles, err)
	}
	var contributor *CustomRole
	for i := range roles {
		if roles[i].Name == "Contributor" {
			contributor = &roles[i]
		}
	}
	if r := contributor; r == nil || r.ID == 0 || r.RoleType != RoleTypeContributor || r.Description == "" {
		t.Errorf("contributor role %+v in %+v", r, roles)
	}
}

// contributorRoleID is the Contributor role's id in a Support account.
func contributorRoleID(t *testing.T, s *Support) int64 {
	t.Helper()
	roles, err := s.CustomRoles(context.Background())
	if err != nil {
		t.Fatal(err)
	}
	for _, r := range roles {
		if r.Name == "Contributor" {
			return r.ID
		}
	}
	t.Fatalf("no Contributor role in %+v", roles)
	return 0
}

func TestSupportCreateManyUsersAndWaitJob(t *testing.T) {
	t.Parallel()
	polls := &jobPolls{working: 2} // queued (the POST), working twice, then done
	c, _ := newSimClient(t, polls.wrap)
	ctx := context.Background()
	s := c.Support("globex", simCreds("owner@globex.test"))
	contributor := contributorRoleID(t, s)
	batch := []NewSupportUser{
		{Name: "Mia Moreau", Email: "mia@globex.test", Role: RoleAgent, CustomRoleID: &contributor, Verified: true},
		{Name: "Lee Lambert", Email: "lee@globex.test", Role: RoleAgent, CustomRoleID: &contributor, Verified: true},
	}
	job, err := s.CreateManyUsers(ctx, batch)
	if err != nil || job.ID == "" || job.Status != JobQueued || job.Total != 2 {
		t.Fatalf("job %+v, %v", job, err)
	}
	done, err := s.WaitJob(ctx, job.ID, nil)
	if err != nil {
		t.Fatal(err)
	}
	if done.Status != JobCompleted || len(done.Results) != 2 || polls.count() != 3 {
		t.Fatalf("after %d polls: %+v", polls.count(), done)
	}
	if r := done.Results[0]; r.Status != "Created" || r.ID == 0 || r.Email != "mia@globex.test" {
		t.Errorf("row 0: %+v", r)
	}
	// lee@globex.test is already an end-user there: left alone, reported by index.
	if r := done.Results[1]; r.Status != "Failed" || r.Error != "EmailAlreadyTaken" || r.Index != 1 {
		t.Errorf("row 1: %+v", r)
	}

	for _, n := range []int{0, 101} {
		if _, err := s.CreateManyUsers(ctx, make([]NewSupportUser, n)); err == nil || !strings.Contains(err.Error(), "batches") {
			t.Errorf("%d users: %v", n, err)
		}
	}
}

// queueJob starts a one-user job in globex and returns its id.
func queueJob(t *testing.T, s *Support, email string) string {
	t.Helper()
	job, err := s.CreateManyUsers(context.Background(), []NewSupportUser{{Name: "Job User", Email: email, Role: RoleEndUser}})
	if err != nil {
		t.Fatal(err)
	}
	return job.ID
}

func TestWaitJobReportsAFailedJob(t *testing.T) {
	t.Parallel()
	polls := &jobPolls{fail: true}
	c, _ := newSimClient(t, polls.wrap)
	s := c.Support("globex", simCreds("owner@globex.test"))
	id := queueJob(t, s, "doomed@globex.test")
	js, err := s.WaitJob(context.Background(), id, nil)
	if !errors.Is(err, ErrJobFailed) || IsRetryable(err) || js.Status != JobFailed {
		t.Fatalf("got %+v, %v", js, err)
	}
	if !strings.Contains(err.Error(), "zendesk support job "+id+" ended failed") {
		t.Errorf("message %q", err)
	}
}

func TestWaitJobRidesOutRateLimitsAndServerErrors(t *testing.T) {
	t.Parallel()
	polls := &jobPolls{}
	c, _ := newSimClient(t, polls.wrap)
	s := c.Support("globex", simCreds("owner@globex.test"))
	id := queueJob(t, s, "bo@globex.test")
	polls.set(func(j *jobPolls) { j.errs = []int{503, 429} })
	start := time.Now()
	js, err := s.WaitJob(context.Background(), id, nil)
	if err != nil || js.Status != JobCompleted {
		t.Fatalf("got %+v, %v", js, err)
	}
	if d := time.Since(start); d < time.Second {
		t.Errorf("waited %s; the 429's Retry-After: 1 was not honoured", d)
	}
	if n := polls.count(); n != 3 {
		t.Errorf("%d polls, want 3 (503, 429, completed)", n)
	}
}

func TestWaitJobGivesUpOnPersistentOrFatalErrors(t *testing.T) {
	t.Parallel()
	polls := &jobPolls{}
	c, _ := newSimClient(t, polls.wrap)
	ctx := context.Background()
	s := c.Support("globex", simCreds("owner@globex.test"))

	// A job that does not exist is not waited for.
	_, err := s.WaitJob(ctx, "nosuch", nil)
	if !IsStatus(err, 404) || polls.count() != 1 {
		t.Errorf("unknown job after %d polls: %v", polls.count(), err)
	}
	// Six 500s in a row exhaust the five tolerated poll failures.
	id := queueJob(t, s, "cy@globex.test")
	polls.set(func(j *jobPolls) { j.polls, j.errs = 0, []int{500, 500, 500, 500, 500, 500} })
	_, err = s.WaitJob(ctx, id, nil)
	if !IsStatus(err, 500) || polls.count() != 6 {
		t.Errorf("persistent 500 after %d polls: %v", polls.count(), err)
	}
	if _, err := s.JobStatus(ctx, ""); err == nil {
		t.Error("an empty job id must be refused")
	}
}

func TestWaitJobHonoursContext(t *testing.T) {
	t.Parallel()
	polls := &jobPolls{working: -1}
	c, _ := newSimClient(t, polls.wrap)
	s := c.Support("globex", simCreds("owner@globex.test"))
	id := queueJob(t, s, "dee@globex.test")
	// Long enough for a poll or two to answer "working" on a busy machine (a poll
	// cut short by the deadline leaves no status); short against the job, which never ends.
	ctx, cancel := context.WithTimeout(context.Background(), 500*time.Millisecond)
	defer cancel()
	start := time.Now()
	js, err := s.WaitJob(ctx, id, nil)
	if !errors.Is(err, context.DeadlineExceeded) || IsRetryable(err) {
		t.Fatalf("got %v", err)
	}
	if js.Status != JobWorking || time.Since(start) > 2*time.Second {
		t.Errorf("last status %q after %s", js.Status, time.Since(start))
	}

	// The context also cuts a long wait between polls short.
	slow, _ := newSimClientWith(t, func(c *Config) { c.JobPollInitial, c.JobPollMax = time.Hour, time.Hour }, polls.wrap)
	ss := slow.Support("globex", simCreds("owner@globex.test"))
	id = queueJob(t, ss, "dee2@globex.test")
	ctx, cancel = context.WithTimeout(context.Background(), 50*time.Millisecond)
	defer cancel()
	start = time.Now()
	if _, err := ss.WaitJob(ctx, id, nil); !errors.Is(err, context.DeadlineExceeded) || time.Since(start) > 2*time.Second {
		t.Fatalf("an hour's poll interval under a 50ms context: %v after %s", err, time.Since(start))
	}
}

// TestWaitJobBacksOff: the first poll comes JobPollInitial after the wait starts, each
// wait then doubles up to JobPollMax, and the callback hears of every poll, failed
// ones included.
func TestWaitJobBacksOff(t *testing.T) {
	t.Parallel()
	polls := &jobPolls{working: 6} // the failed first poll uses one of the six
	c, _ := newSimClientWith(t, func(c *Config) { c.JobPollInitial, c.JobPollMax = 40*time.Millisecond, 100*time.Millisecond }, polls.wrap)
	s := c.Support("globex", simCreds("owner@globex.test"))
	id := queueJob(t, s, "eve@globex.test")
	polls.set(func(j *jobPolls) { j.errs = []int{500} }) // the first poll fails
	type call struct {
		status string
		err    error
	}
	var calls []call
	start := time.Now()
	js, err := s.WaitJob(context.Background(), id, func(last JobStatus, err error) { calls = append(calls, call{last.Status, err}) })
	if err != nil || js.Status != JobCompleted {
		t.Fatalf("got %+v, %v", js, err)
	}
	at := polls.times()
	if len(at) != 7 || len(calls) != 7 {
		t.Fatalf("%d polls and %d callbacks, want 7 each (a 500, 5 working, completed)", len(at), len(calls))
	}
	if calls[0].err == nil || calls[0].status != "" || calls[1].status != JobWorking || calls[6].status != JobCompleted || calls[6].err != nil {
		t.Errorf("callbacks %+v", calls)
	}
	// Waits: 40ms, 80ms, then 100ms (capped) each. Only lower bounds are exact on a busy
	// machine; the cap is checked by the last wait staying well under the 640ms an
	// uncapped doubling would reach.
	want := []time.Duration{40, 80, 100, 100, 100, 100, 100}
	prev := start
	for i, a := range at {
		if gap := a.Sub(prev); gap < want[i]*time.Millisecond {
			t.Errorf("poll %d came %s after the previous, want at least %dms", i+1, gap, want[i])
		}
		prev = a
	}
	if last := at[6].Sub(at[5]); last > 400*time.Millisecond {
		t.Errorf("last wait %s: the backoff is not capped at 100ms", last)
	}
}

func TestWaitJobIsBounded(t *testing.T) {
	t.Parallel()
	polls := &jobPolls{working: -1} // never finishes
	c, _ := newSimClientWith(t, func(cfg *Config) { cfg.JobWaitMax = 30 * time.Millisecond }, polls.wrap)
	s := c.Support("globex", simCreds("owner@globex.test"))
	id := queueJob(t, s, "slow@globex.test")
	js, err := s.WaitJob(context.Background(), id, nil)
	if !errors.Is(err, ErrJobPending) || !IsRetryable(err) || js.Status != JobWorking {
		t.Fatalf("got %+v, %v", js, err)
	}
	if !strings.Contains(err.Error(), `is still "working" after 30ms`) {
		t.Errorf("message %q", err)
	}
}

// TestCreateManyBeyondThirtyJobsIsARetryable429: with 30 jobs of a minute queued in one
// account, the 31st create_many is Zendesk's 429, retryable, with the Retry-After the
// caller's retry should wait.
func TestCreateManyBeyondThirtyJobsIsARetryable429(t *testing.T) {
	t.Parallel()
	s, err := sim.New(sim.Config{DBPath: filepath.Join(t.TempDir(), "sim.db"), JobDuration: time.Minute})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { _ = s.Close() })
	c := newTestClient(t, s.Handler())
	sup := c.Support("globex", simCreds("owner@globex.test"))
	for i := range 30 {
		queueJob(t, sup, fmt.Sprintf("queued%02d@globex.test", i))
	}
	_, err = sup.CreateManyUsers(context.Background(), []NewSupportUser{{Name: "Late", Email: "late@globex.test", Role: RoleEndUser}})
	ae, ok := AsAPIError(err)
	if !ok || ae.StatusCode != http.StatusTooManyRequests || ae.Code != "TooManyJobs" || !IsRetryable(err) {
		t.Fatalf("31st job: %v", err)
	}
	if ae.RetryAfter < time.Second || ae.RetryAfter > time.Minute {
		t.Errorf("Retry-After %s, want up to the minute until the first job is due", ae.RetryAfter)
	}
}
