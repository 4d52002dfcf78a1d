package e2e

import (
	"context"
	"net/http"
	"regexp"
	"strconv"
	"strings"
	"testing"
	"time"

	enumspb "go.temporal.io/api/enums/v1"

	"github.com/sellmigrate/sellmigrate/contract"
	"github.com/sellmigrate/sellmigrate/e2e/harness"
)

// TestCancelHooliMidConversionThenStartAgain cancels Hooli's migration (demo account
// 1005, a new account, 2,500 Sell users) while its contributors are converted, on a
// simulator slowed to 300 ms a call so the conversion lasts long enough to watch:
// status --json shows contributors.done growing towards contributors.total (2,500)
// before the step ends. Cancelled past the link, nothing is undone: the compensation
// says the account stays linked and how many of the 2,500 remain. Starting it again
// with the same command finishes it: the simulator's Zendesk account then holds 2,500
// distinct agents (2,499 contributors and the admin who owns it), and the ledger shows
// every user converted once. Its stack is its own: it slows the simulator down.
//
// The cancel comes late in the conversion (once the ledger shows 1,800 users
// converted) because the second run first checks every Sell user, searching Zendesk by
// email for each one it does not find by external id, within Zendesk's 700 Support
// calls a minute: each user still missing costs about 86 ms there. So that the
// conversion cannot finish before the cancel reaches it (through its next heartbeat,
// within 10 s), the simulator then holds every new call for 15 s. The moment is read
// from the ledger, which is cheap to poll, not from status --json, which a busy machine
// answers seconds late.
func TestCancelHooliMidConversionThenStartAgain(t *testing.T) {
	t.Parallel()
	const cancelAtConverted, freeze = 1800, 15 * time.Second
	d := harness.DevT(t, binaries(t), harness.DevOptions{Name: "hooli-cancel-dev"})
	sim := d.Sim()
	start := []string{"start", "--account", "1005", "--mode", "new", "--subdomain", "hooli", "--requested-by", "admin@hooli.test"}
	harness.MustCLI(t, d, start...)
	harness.AwaitStatus(t, d, "1005", "awaiting_disclaimers")
	sim.SetFaults(t, map[string]any{"latency_ms": 300})
	harness.MustCLI(t, d, "signal", "1005", "accept-disclaimers", "--by", "admin@hooli.test")

	// Watch the conversion through status --json until it has visibly moved twice.
	var seen []int
	deadline := time.Now().Add(3 * time.Minute)
	for len(seen) < 3 {
		s := harness.Status(t, d, "1005")
		if s.Status != "running" || (s.Step != "contributors" && s.Step != "link") {
			t.Fatalf("while converting, 1005 is %s/%s (last error %q); the conversion ended before it was seen moving (seen %v)", s.Step, s.Status, s.LastError, seen)
		}
		if c := s.Contributors; c != nil && c.Total > 0 {
			if c.Total != 2500 || c.Done >= c.Total {
				t.Fatalf("contributors %+v while converting; want done below a total of 2500", *c)
			}
			if len(seen) == 0 || c.Done > seen[len(seen)-1] {
				seen = append(seen, c.Done)
			}
		}
		if time.Now().After(deadline) {
			t.Fatalf("contributors.done was not seen growing within 3 minutes (seen %v)", seen)
		}
		time.Sleep(200 * time.Millisecond)
	}
	if n := awaitConverted(t, sim, cancelAtConverted-1); n >= 2499 {
		t.Fatalf("the conversion finished (%d users converted) before it could be cancelled", n)
	}
	frozen := time.Now()
	sim.SetFaults(t, map[string]any{"latency_ms": freeze.Milliseconds()})
	// A call held then (a POST whose body the simulator has not read does not notice its
	// client going away) finishes at most 15 s later; the stack stops cleanly only after.
	defer func() { time.Sleep(time.Until(frozen.Add(freeze))) }()
	harness.MustCLI(t, d, "cancel", "1005")
	s := harness.AwaitStatus(t, d, "1005", "cancelled")
	sim.SetFaults(t, map[string]any{})
	t.Logf("done seen growing %v; compensation: %s", seen, s.Compensation)

	m := regexp.MustCompile(`(\d+) of 2500 Sell users handled, (\d+) remain`).FindStringSubmatch(s.Compensation)
	if !strings.Contains(s.Compensation, "linked") || m == nil {
		t.Fatalf("compensation %q; want it to say the account stays linked and how many of 2500 remain", s.Compensation)
	}
	handled, _ := strconv.Atoi(m[1])
	remain, _ := strconv.Atoi(m[2])
	if handled+remain != 2500 || handled < seen[len(seen)-1] || remain == 0 {
		t.Errorf("compensation says %d handled and %d remain; want them to add up to 2500, with at least the %d seen done", handled, remain, seen[len(seen)-1])
	}
	// Nothing is undone past the link: the account stays, and so do the contributors
	// created (up to a page more than the cursor says: the page in flight).
	byKind, _ := sim.LedgerCounts(t, "hooli")
	if byKind["account_released"] != 0 || byKind["account_linked"] != 1 || byKind["user_converted"] < handled-1 || byKind["user_converted"] > handled-1+100 {
		t.Errorf("after the cancel the ledger shows %v; want the link kept, nothing released, and about %d users converted", byKind, handled-1)
	}

	// The same command again finishes it.
	harness.MustCLI(t, d, start...)
	s = harness.AwaitStatus(t, d, "1005", "completed")
	if s.Result == nil || s.Result.Subdomain != "hooli" {
		t.Errorf("second run result = %+v", s.Result)
	}
	sim.GrantDemoToken(t, "hooli") // created by the migration, it has no API token yet
	if n := distinctAgents(t, sim, "hooli", "admin@hooli.test"); n != 2500 {
		t.Errorf("Zendesk account hooli holds %d distinct agents, want 2500 (2,499 contributors and the owner)", n)
	}
	byKind, bySubject := sim.LedgerCounts(t, "hooli")
	if byKind["user_converted"] != 2499 || byKind["account_created"] != 1 || byKind["account_linked"] != 1 || byKind["account_released"] != 0 {
		t.Errorf("ledger %v, want 2499 users converted, one account created and linked, none released", byKind)
	}
	for subject, n := range bySubject {
		if n != 1 {
			t.Errorf("side effect %q happened %d times", subject, n)
		}
	}
}

// distinctAgents counts the agents and admins of a simulated Zendesk account, paging
// through its users as its owner (email) with the account's demo API token.
func distinctAgents(t *testing.T, sim harness.Sim, subdomain, owner string) int {
	t.Helper()
	emails := map[string]bool{}
	path := "/api/v2/users?page[size]=100"
	for pages := 0; path != ""; pages++ {
		if pages > 100 {
			t.Fatal("the users of " + subdomain + " do not end after 100 pages")
		}
		var page struct {
			Users []struct {
				Email string `json:"email"`
				Role  string `json:"role"`
			} `json:"users"`
			Meta struct {
				HasMore     bool   `json:"has_more"`
				AfterCursor string `json:"after_cursor"`
			} `json:"meta"`
		}
		sim.Support(t, http.MethodGet, subdomain, owner, path, nil, &page)
		for _, u := range page.Users {
			if u.Role == "agent" || u.Role == "admin" {
				emails[strings.ToLower(u.Email)] = true
			}
		}
		path = ""
		if page.Meta.HasMore {
			path = "/api/v2/users?page[size]=100&page[after]=" + page.Meta.AfterCursor
		}
	}
	return len(emails)
}

// TestCancelWhileAStepRuns cancels migrations while a Zendesk call of theirs is still
// running, on a simulator slowed to 4 s a call (so the cancel lands in time however
// busy the machine is):
//
//   - Acme's (1001, new account) while ReserveSubdomain creates its account: the
//     creation finishes after the cancel, and compensation, which waited for it,
//     releases the account it made (ledger: created once, released once), and says so;
//   - Globex's (1002) while the owner's login is being verified: the owner-login
//     update waiting for that verification gets an answer saying the migration ended.
//
// Its stack is its own: it slows the simulator down.
func TestCancelWhileAStepRuns(t *testing.T) {
	t.Parallel()
	d := harness.DevT(t, binaries(t), harness.DevOptions{Name: "slow-dev"})
	sim := d.Sim()
	harness.MustCLI(t, d, "start", "--account", "1002", "--mode", "existing", "--subdomain", "globex", "--requested-by", "admin@globex.test")
	harness.AwaitStatus(t, d, "1002", "awaiting_owner_login")

	sim.SetFaults(t, map[string]any{"latency_ms": 4000})
	harness.MustCLI(t, d, "start", "--account", "1001", "--mode", "new", "--subdomain", "acme", "--requested-by", "admin@acme.test")
	awaitPending(t, d, "1001", "ReserveSubdomain")
	harness.MustCLI(t, d, "cancel", "1001")
	if byKind, _ := sim.LedgerCounts(t, "acme"); byKind["account_created"] != 0 {
		t.Fatalf("the account was created before the cancel (ledger %v); the cancel must come while the creation runs", byKind)
	}

	// Meanwhile Globex's owner logs in, and the migration is cancelled while the login
	// is being verified.
	type answer struct{ r harness.Result }
	done := make(chan answer, 1)
	go func() {
		done <- answer{d.CLI("signal", "1002", "owner-login", "--as", "owner@globex.test", "--password", harness.DemoPassword)}
	}()
	awaitPending(t, d, "1002", "VerifyOwner")
	harness.MustCLI(t, d, "cancel", "1002")
	select {
	case a := <-done:
		if a.r.Code == 0 || !strings.Contains(a.r.Stderr, "the migration ended (cancelled) before owner-login took effect") {
			t.Errorf("owner-login in flight during the cancel: %s", a.r)
		}
	case <-time.After(2 * time.Minute):
		t.Fatal("the owner-login update in flight got no answer within 2 minutes of the cancel")
	}
	sim.SetFaults(t, map[string]any{})
	harness.AwaitStatus(t, d, "1002", "cancelled")

	s := harness.AwaitStatus(t, d, "1001", "cancelled")
	if !strings.Contains(s.Compensation, "released subdomain acme") || !strings.Contains(s.Compensation, "never linked") {
		t.Errorf("compensation %q; want it to say subdomain acme, created by this migration, was released", s.Compensation)
	}
	byKind, _ := sim.LedgerCounts(t, "acme")
	if byKind["account_created"] != 1 || byKind["account_released"] != 1 || byKind["account_linked"] != 0 {
		t.Errorf("acme ledger %v, want the account created once and released once, never linked", byKind)
	}
}

// awaitPending waits until the migration runs an activity of that type (started, not
// just scheduled).
func awaitPending(t *testing.T, d *harness.Dev, account, activityType string) {
	t.Helper()
	c := harness.MustClient(t, d)
	deadline := time.Now().Add(time.Minute)
	for {
		ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
		desc, err := c.DescribeWorkflowExecution(ctx, contract.WorkflowID(account), "")
		cancel()
		if err == nil {
			for _, a := range desc.GetPendingActivities() {
				if a.GetActivityType().GetName() == activityType && a.GetState() == enumspb.PENDING_ACTIVITY_STATE_STARTED {
					return
				}
			}
		}
		if time.Now().After(deadline) {
			t.Fatalf("%s of %s was not seen running within a minute (%v)", activityType, account, err)
		}
		time.Sleep(50 * time.Millisecond)
	}
}
