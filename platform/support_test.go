package platform

import (
	"context"
	"errors"
	"strings"
	"testing"
	"time"
)

func TestSupportMeAndAccount(t *testing.T) {
	c := newTestClient(t, newFakeZendesk(0, 0).handler())
	ctx := context.Background()
	s := c.Support("acme", supportCreds())
	me, err := s.Me(ctx)
	if err != nil || me.Email != testEmail || me.Role != RoleAdmin {
		t.Fatalf("Me = %+v, %v", me, err)
	}
	acct, err := s.Account(ctx)
	if err != nil || acct.Subdomain != "acme" || acct.OwnerID != 1 {
		t.Fatalf("Account = %+v, %v", acct, err)
	}
	if s.Subdomain() != "acme" {
		t.Errorf("Subdomain = %q", s.Subdomain())
	}

	_, err = c.Support("acme", Credentials{Email: testEmail, APIToken: "wrong"}).Me(ctx)
	if ae := mustAPIError(t, err, 401); ae.Message != "Couldn't authenticate you" {
		t.Errorf("401: %+v", ae)
	}
	_, err = c.Support("acme", Credentials{}).Me(ctx)
	mustAPIError(t, err, 401)
	_, err = c.Support("nosuch", supportCreds()).Account(ctx)
	if ae := mustAPIError(t, err, 404); ae.Code != "RecordNotFound" {
		t.Errorf("unknown subdomain: %+v", ae)
	}
}

func TestSupportRelease(t *testing.T) {
	f := newFakeZendesk(0, 0)
	f.accounts["spare"] = true
	f.link = "acme"
	c := newTestClient(t, f.handler())
	ctx := context.Background()

	if err := c.Support("spare", supportCreds()).Release(ctx); err != nil {
		t.Fatalf("release: %v", err)
	}
	// Gone now: the account no longer answers, so the caller sees 404 and knows there
	// is nothing left to release.
	if err := c.Support("spare", supportCreds()).Release(ctx); !IsStatus(err, 404) {
		t.Errorf("second release: %v", err)
	}
	err := c.Support("acme", supportCreds()).Release(ctx)
	if ae := mustAPIError(t, err, 409); ae.Code != "AccountLinked" || ae.Retryable() {
		t.Errorf("linked: %+v", ae)
	}
}

func TestSupportSearchUserByEmail(t *testing.T) {
	c := newTestClient(t, newFakeZendesk(30, 0).handler())
	ctx := context.Background()
	s := c.Support("acme", supportCreds())

	u, err := s.SearchUserByEmail(ctx, "USER0012@acme.test")
	if err != nil || u == nil || u.ID != 12 {
		t.Fatalf("found %+v, %v", u, err)
	}
	// "user001" matches ten users partially but none exactly.
	u, err = s.SearchUserByEmail(ctx, "user001")
	if err != nil || u != nil {
		t.Errorf("partial match returned %+v, %v", u, err)
	}
	u, err = s.SearchUserByEmail(ctx, "nobody@acme.test")
	if err != nil || u != nil {
		t.Errorf("no match returned %+v, %v", u, err)
	}
	if _, err := s.SearchUserByEmail(ctx, " "); err == nil {
		t.Error("an empty email must be refused")
	}
}

func TestSupportListUsersWalksCursorPages(t *testing.T) {
	c := newTestClient(t, newFakeZendesk(250, 0).handler())
	ctx := context.Background()
	s := c.Support("acme", supportCreds())

	var all []SupportUser
	pages := 0
	opts := ListUsersOptions{}
	for {
		p, err := s.ListUsers(ctx, opts)
		if err != nil {
			t.Fatal(err)
		}
		pages++
		all = append(all, p.Users...)
		if !p.HasMore {
			break
		}
		if p.AfterCursor == "" {
			t.Fatal("HasMore without a cursor")
		}
		opts.After = p.AfterCursor
	}
	if pages != 3 || len(all) != 250 || all[0].ID != 1 || all[249].ID != 250 {
		t.Errorf("%d pages, %d users", pages, len(all))
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
	p, err = s.ListUsers(ctx, ListUsersOptions{Roles: []string{RoleAgent, RoleAdmin}})
	if err != nil || len(p.Users) != 25 || p.HasMore {
		t.Errorf("agents+admins: %d users, more %v, %v", len(p.Users), p.HasMore, err)
	}

	for _, size := range []int{-1, 101} {
		if _, err := s.ListUsers(ctx, ListUsersOptions{PageSize: size}); err == nil || !strings.Contains(err.Error(), "between 1 and 100") {
			t.Errorf("PageSize %d: %v", size, err)
		}
	}
}

func TestSupportCustomRoles(t *testing.T) {
	c := newTestClient(t, newFakeZendesk(0, 0).handler())
	roles, err := c.Support("acme", supportCreds()).CustomRoles(context.Background())
	if err != nil || len(roles) != 2 {
		t.Fatalf("roles %+v, %v", roles, err)
	}
	if r := roles[1]; r.ID != 12 || r.Name != "Contributor" || r.RoleType != RoleTypeContributor || r.Description == "" {
		t.Errorf("contributor role %+v", r)
	}
}

func TestSupportCreateManyUsersAndWaitJob(t *testing.T) {
	f := newFakeZendesk(3, 0)
	c := newTestClient(t, f.handler())
	ctx := context.Background()
	s := c.Support("acme", supportCreds())
	contributor := int64(12)
	batch := []NewSupportUser{
		{Name: "Ana", Email: "ana@acme.test", Role: RoleAgent, CustomRoleID: &contributor, Verified: true},
		{Name: "Existing", Email: "user0002@acme.test", Role: RoleAgent, CustomRoleID: &contributor, Verified: true},
	}
	job, err := s.CreateManyUsers(ctx, batch)
	if err != nil || job.ID == "" || job.Status != JobQueued || job.Total != 2 {
		t.Fatalf("job %+v, %v", job, err)
	}
	done, err := s.WaitJob(ctx, job.ID, 5*time.Millisecond)
	if err != nil {
		t.Fatal(err)
	}
	if done.Status != JobCompleted || len(done.Results) != 2 || f.jobPolls != 3 {
		t.Fatalf("after %d polls: %+v", f.jobPolls, done)
	}
	if r := done.Results[0]; r.Status != "Created" || r.ID == 0 || r.Email != "ana@acme.test" {
		t.Errorf("row 0: %+v", r)
	}
	if r := done.Results[1]; r.Status != "Failed" || r.Error != "EmailAlreadyTaken" || r.Index != 1 {
		t.Errorf("row 1: %+v", r)
	}

	for _, n := range []int{0, 101} {
		if _, err := s.CreateManyUsers(ctx, make([]NewSupportUser, n)); err == nil || !strings.Contains(err.Error(), "batches") {
			t.Errorf("%d users: %v", n, err)
		}
	}
}

func TestWaitJobReportsAFailedJob(t *testing.T) {
	f := newFakeZendesk(0, 0)
	c := newTestClient(t, f.handler())
	ctx := context.Background()
	s := c.Support("acme", supportCreds())
	job, err := s.CreateManyUsers(ctx, []NewSupportUser{{Name: "D", Email: "doomed@acme.test", Role: RoleAgent}})
	if err != nil {
		t.Fatal(err)
	}
	js, err := s.WaitJob(ctx, job.ID, time.Millisecond)
	if !errors.Is(err, ErrJobFailed) || IsRetryable(err) || js.Status != JobFailed {
		t.Fatalf("got %+v, %v", js, err)
	}
	if !strings.Contains(err.Error(), "zendesk support job "+job.ID+" ended failed") {
		t.Errorf("message %q", err)
	}
}

func TestWaitJobRidesOutRateLimitsAndServerErrors(t *testing.T) {
	f := newFakeZendesk(0, 0)
	c := newTestClient(t, f.handler())
	ctx := context.Background()
	s := c.Support("acme", supportCreds())
	job, err := s.CreateManyUsers(ctx, []NewSupportUser{{Name: "B", Email: "bo@acme.test", Role: RoleAgent}})
	if err != nil {
		t.Fatal(err)
	}
	f.mu.Lock()
	f.jobFailures = []int{503, 429}
	f.mu.Unlock()
	start := time.Now()
	js, err := s.WaitJob(ctx, job.ID, time.Millisecond)
	if err != nil || js.Status != JobCompleted {
		t.Fatalf("got %+v, %v", js, err)
	}
	if d := time.Since(start); d < time.Second {
		t.Errorf("waited %s; the 429's Retry-After: 1 was not honoured", d)
	}
}

func TestWaitJobGivesUpOnPersistentOrFatalErrors(t *testing.T) {
	f := newFakeZendesk(0, 0)
	c := newTestClient(t, f.handler())
	ctx := context.Background()
	s := c.Support("acme", supportCreds())

	// A job that does not exist is not waited for.
	_, err := s.WaitJob(ctx, "nosuch", time.Millisecond)
	if !IsStatus(err, 404) || f.jobPolls != 1 {
		t.Errorf("unknown job after %d polls: %v", f.jobPolls, err)
	}
	// Six 500s in a row exhaust the five tolerated poll failures.
	f.mu.Lock()
	f.jobPolls = 0
	f.jobFailures = []int{500, 500, 500, 500, 500, 500}
	f.mu.Unlock()
	_, err = s.WaitJob(ctx, "job1", time.Millisecond)
	if !IsStatus(err, 500) || f.jobPolls != 6 {
		t.Errorf("persistent 500 after %d polls: %v", f.jobPolls, err)
	}
	if _, err := s.JobStatus(ctx, ""); err == nil {
		t.Error("an empty job id must be refused")
	}
}

func TestWaitJobHonoursContext(t *testing.T) {
	f := newFakeZendesk(0, 0)
	c := newTestClient(t, f.handler())
	s := c.Support("acme", supportCreds())
	job, err := s.CreateManyUsers(context.Background(), []NewSupportUser{{Name: "C", Email: "cy@acme.test", Role: RoleAgent}})
	if err != nil {
		t.Fatal(err)
	}
	ctx, cancel := context.WithTimeout(context.Background(), 50*time.Millisecond)
	defer cancel()
	start := time.Now()
	js, err := s.WaitJob(ctx, job.ID, time.Hour)
	if !errors.Is(err, context.DeadlineExceeded) || IsRetryable(err) {
		t.Fatalf("got %v", err)
	}
	if js.Status != JobWorking || time.Since(start) > 2*time.Second {
		t.Errorf("last status %q after %s", js.Status, time.Since(start))
	}
}

func TestWaitJobIsBounded(t *testing.T) {
	defer func(d time.Duration) { jobWaitLimit = d }(jobWaitLimit)
	jobWaitLimit = 30 * time.Millisecond
	f := newFakeZendesk(0, 0)
	c := newTestClient(t, f.handler())
	ctx := context.Background()
	s := c.Support("acme", supportCreds())
	job, err := s.CreateManyUsers(ctx, []NewSupportUser{{Name: "S", Email: "slow@acme.test", Role: RoleAgent}})
	if err != nil {
		t.Fatal(err)
	}
	f.mu.Lock()
	f.jobs[job.ID].pollsTo = 1 << 30 // never finishes
	f.mu.Unlock()
	js, err := s.WaitJob(ctx, job.ID, 10*time.Millisecond)
	if !errors.Is(err, ErrJobPending) || !IsRetryable(err) || js.Status != JobWorking {
		t.Fatalf("got %+v, %v", js, err)
	}
	if !strings.Contains(err.Error(), `is still "working" after 30ms`) {
		t.Errorf("message %q", err)
	}
}
