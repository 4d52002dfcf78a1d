package e2e

import (
	"context"
	"fmt"
	"slices"
	"strings"
	"testing"
	"time"

	"go.temporal.io/api/workflowservice/v1"

	"github.com/sellmigrate/sellmigrate/contract"
	"github.com/sellmigrate/sellmigrate/e2e/harness"
)

// reminderRuns is how many runs Acme's migration must reach at the disclaimers: it
// continued as new three times. reminderWait bounds the wait for them (20–35 s alone
// here, up to 80 s beside the other tests).
const (
	reminderRuns = 4
	reminderWait = 3 * time.Minute
)

// TestLongWaitRemindsAndContinuesAsNew leaves Acme's migration at the disclaimers,
// started with a reminder every second and runs that continue as new at the smallest
// history limit accepted (the policy is recorded at start, so it goes in the start
// command's environment), until it has continued as new three times (runs in status
// --json, and ContinuedAsNew runs in Temporal visibility); it is still listed once. The
// admin got about one reminder a second by email, each linking to the migration's
// dashboard page, and the webhook receiver one delivery per reminder. Accepting the
// disclaimers then completes it with its whole timeline and as many reminders recorded
// as were mailed. Shared stack, demo account 1001.
func TestLongWaitRemindsAndContinuesAsNew(t *testing.T) {
	t.Parallel()
	d := shared(t)
	sim := d.Sim()
	wf := contract.WorkflowID("1001")
	policy := harness.Settings{"migration.reminder_interval": "1s", "migration.max_history_events": fmt.Sprint(contract.MinMaxHistoryEvents)}
	r := d.CLIWith(policy, "start", "--account", "1001", "--mode", "new", "--subdomain", "acme", "--requested-by", "admin@acme.test")
	if r.Code != 0 {
		t.Fatalf("start: %s", r)
	}
	harness.AwaitStatus(t, d, "1001", "awaiting_disclaimers")

	// Wait until it has continued as new three times, still at the disclaimers.
	began := time.Now()
	var s harness.StatusJSON
	for s.Runs < reminderRuns {
		if time.Since(began) > reminderWait {
			t.Fatalf("after %s at the disclaimers the migration is in run %d (%d reminders); with max_history_events %d and a reminder a second it must have reached run %d",
				reminderWait, s.Runs, s.RemindersSent, contract.MinMaxHistoryEvents, reminderRuns)
		}
		time.Sleep(2 * time.Second)
		s = harness.StatusNow(t, d, "1001")
		if s.Status != "awaiting_disclaimers" {
			t.Fatalf("after %s waiting, 1001 is %s/%s (last error %q)", time.Since(began).Round(time.Second), s.Step, s.Status, s.LastError)
		}
	}
	s = harness.Status(t, d, "1001")
	// It keeps continuing as new while visibility is counted: a run that closed in
	// between counts too.
	n := continuedRuns(t, d, wf, s.Runs-1)
	if now := harness.StatusNow(t, d, "1001").Runs; n < s.Runs-1 || n > now-1 {
		t.Errorf("visibility shows %d ContinuedAsNew runs; status --json said run %d, then run %d", n, s.Runs, now)
	}
	listed := 0
	for _, line := range strings.Split(harness.MustCLI(t, d, "list"), "\n") {
		if strings.HasPrefix(line, "1001 ") {
			listed++
		}
	}
	if listed != 1 {
		t.Errorf("list shows 1001 %d times, want once", listed)
	}

	// A reminder a second at most: the next is due a second after the previous one's
	// email and webhook were sent, which take a while on a loaded machine; a quarter of
	// the seconds waited still shows they kept coming across every run.
	waited := time.Since(began).Seconds()
	mails := sim.Mail(t, wf)
	if min, max := int(waited/4), int(waited)+5; len(mails) < min || len(mails) > max {
		t.Errorf("%d reminder emails in %.0fs; a reminder a second, each after the previous one was sent, means %d to %d", len(mails), waited, min, max)
	}
	link := d.APIURL + "/#/migrations/" + wf
	for i, m := range mails {
		if !slices.Equal(m.To, []string{"admin@acme.test"}) || !strings.Contains(m.Body, link) || !strings.Contains(m.Subject, "Reminder") {
			t.Errorf("reminder email %d: to %v, subject %q, body without %s:\n%s", i, m.To, m.Subject, link, m.Body)
			break
		}
	}
	hooks := sim.Webhooks(t, wf)
	for _, h := range hooks {
		if h.Deliveries != 1 || h.Link != link {
			t.Errorf("webhook %s: %d deliveries, link %q; want one delivery linking to %s", h.Key, h.Deliveries, h.Link, link)
		}
	}

	harness.MustCLI(t, d, "signal", "1001", "accept-disclaimers", "--by", "admin@acme.test")
	done := harness.AwaitStatus(t, d, "1001", "completed")
	var steps []string
	for _, st := range done.Timeline {
		steps = append(steps, st.Step)
	}
	if want := []string{"preflight", "subdomain", "disclaimers", "link", "contributors", "done"}; !slices.Equal(steps, want) {
		t.Errorf("timeline %v, want %v", steps, want)
	}
	if done.Result == nil || done.Result.UsersConverted != 4 {
		t.Errorf("result %+v, want 4 users converted", done.Result)
	}
	mails, hooks = sim.Mail(t, wf), sim.Webhooks(t, wf)
	if done.RemindersSent == 0 || done.RemindersSent != len(mails) || done.RemindersSent != len(hooks) {
		t.Errorf("remindersSent %d; the sink got %d emails and the receiver %d webhooks; want all three equal", done.RemindersSent, len(mails), len(hooks))
	}
	channels := map[string]bool{}
	for _, n := range done.Notifications {
		channels[n.Channel] = true
		if n.Error != "" {
			t.Errorf("notification not sent: %+v", n)
		}
	}
	if !channels["email"] || !channels["webhook"] {
		t.Errorf("notifications %+v, want email and webhook", done.Notifications)
	}
	t.Logf("%.0fs at the disclaimers: %d runs, %d reminders (emails %d, webhooks %d)", waited, done.Runs, done.RemindersSent, len(mails), len(hooks))
}

// continuedRuns counts the migration's runs that closed by continuing as new, as Temporal
// visibility lists them, waiting (briefly) for visibility to catch up with want.
func continuedRuns(t *testing.T, d *harness.Dev, workflowID string, want int) int {
	t.Helper()
	c := harness.MustClient(t, d)
	query := fmt.Sprintf("WorkflowId = '%s' AND ExecutionStatus = 'ContinuedAsNew'", workflowID)
	deadline := time.Now().Add(30 * time.Second)
	for {
		ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
		resp, err := c.CountWorkflow(ctx, &workflowservice.CountWorkflowExecutionsRequest{Query: query})
		cancel()
		if err != nil {
			t.Fatalf("count %s: %v", query, err)
		}
		if n := int(resp.GetCount()); n >= want || time.Now().After(deadline) {
			return n
		}
		time.Sleep(200 * time.Millisecond)
	}
}
