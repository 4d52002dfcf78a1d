package e2e

import (
	"context"
	"testing"
	"time"

	enumspb "go.temporal.io/api/enums/v1"

	"github.com/sellmigrate/sellmigrate/contract"
	"github.com/sellmigrate/sellmigrate/e2e/harness"
)

// TestInputsQueuedWithoutAWorker starts Globex's migration on a stack that runs no worker
// (`sellmigrate dev --no-worker`), then sends owner-login and back as signals (the CLI
// sends updates, which would wait for a worker): both wait in the history, unread. The
// owner-login carries a real grant of the owner, signed in on the simulator and stored
// as the API's callback stores it (the callback itself would send an update, which
// waits for a worker too). Then
// a `sellmigrate worker` starts, and its first workflow task gets the start and both
// signals at once. Inputs that arrive together must never wedge a migration: one of the
// two is recorded as refused, with the reason, the other is taken, and driving the
// migration on from there completes it. Its stack is its own: it runs without a worker.
func TestInputsQueuedWithoutAWorker(t *testing.T) {
	t.Parallel()
	logDir := t.TempDir()
	d := harness.DevT(t, binaries(t), harness.DevOptions{Name: "queued-stack", LogDir: logDir, NoWorker: true})
	harness.MustCLI(t, d, "start", "--account", "1002", "--mode", "existing", "--subdomain", "globex",
		"--requested-by", "admin@globex.test", "--owner-email", "owner@globex.test")
	st, err := d.Starter()
	if err != nil {
		t.Fatal(err)
	}
	ctx, cancel := context.WithTimeout(context.Background(), time.Minute)
	defer cancel()
	grant := d.OwnerGrant(t, "globex", "owner@globex.test", contract.WorkflowID("1002"))
	if err := st.Signal(ctx, "1002", contract.OwnerLoginName, contract.OwnerLoginInput{GrantID: grant, UserEmail: "owner@globex.test"}); err != nil {
		t.Fatalf("signal owner-login: %v", err)
	}
	if err := st.Signal(ctx, "1002", contract.BackName, contract.BackInput{By: "admin@globex.test"}); err != nil {
		t.Fatalf("signal back: %v", err)
	}
	runID, _, _ := harness.LatestRun(t, d, "1002")
	if first := firstTask(t, d, runID); first.completed {
		t.Fatalf("a workflow task completed with no worker running: %+v", first)
	}

	harness.WorkerT(t, d, logDir, "worker", nil)
	s := harness.Await(t, d, "1002", "both signals answered", func(s harness.StatusJSON) bool {
		return len(s.Inputs) == 2 && s.Status != "running"
	})
	first := firstTask(t, d, runID)
	if !first.completed || first.signalsBefore != 2 || first.tasksBefore != 1 {
		t.Errorf("the first workflow task saw %d signals (%d tasks scheduled before it completed); want the start and both signals in one task",
			first.signalsBefore, first.tasksBefore)
	}
	var taken, refused []harness.InputJSON
	for _, in := range s.Inputs {
		if in.Accepted {
			taken = append(taken, in)
		} else {
			refused = append(refused, in)
		}
	}
	if len(taken) != 1 || len(refused) != 1 || refused[0].Reason == "" {
		t.Fatalf("inputs %+v; want one taken and one refused with a reason", s.Inputs)
	}
	t.Logf("taken: %s; refused: %s (%s)", taken[0].Name, refused[0].Name, refused[0].Reason)

	// Drive it on from wherever the taken input led.
	if s.Status == "needs_subdomain" {
		harness.MustCLI(t, d, "signal", "1002", "choose-subdomain", "--subdomain", "globex", "--by", "admin@globex.test")
		s = harness.AwaitStatus(t, d, "1002", "awaiting_owner_login")
	}
	if s.Status == "awaiting_owner_login" {
		harness.MustCLI(t, d, "signal", "1002", "owner-login", "--as", "owner@globex.test", "--password", harness.DemoPassword)
		s = harness.AwaitStatus(t, d, "1002", "awaiting_disclaimers")
	}
	if s.Status != "awaiting_disclaimers" {
		t.Fatalf("after the queued inputs 1002 is %s/%s, waiting for %q; want a wait the demo's inputs answer", s.Step, s.Status, s.Waiting())
	}
	harness.MustCLI(t, d, "signal", "1002", "accept-disclaimers", "--by", "admin@globex.test")
	if s := harness.AwaitStatus(t, d, "1002", "completed"); s.Result == nil || s.Result.UsersConverted != 6 {
		t.Errorf("1002 result = %+v, want 6 users converted", s.Result)
	}
}

// firstTaskView is what a run's history says of its first workflow task.
type firstTaskView struct {
	completed     bool
	signalsBefore int // signals in the history before it completed
	tasksBefore   int // workflow tasks scheduled before it completed
}

func firstTask(t *testing.T, d *harness.Dev, runID string) firstTaskView {
	t.Helper()
	var v firstTaskView
	for _, ev := range harness.History(t, d, "1002", runID).GetEvents() {
		switch ev.GetEventType() {
		case enumspb.EVENT_TYPE_WORKFLOW_EXECUTION_SIGNALED:
			v.signalsBefore++
		case enumspb.EVENT_TYPE_WORKFLOW_TASK_SCHEDULED:
			v.tasksBefore++
		case enumspb.EVENT_TYPE_WORKFLOW_TASK_COMPLETED:
			v.completed = true
			return v
		}
	}
	return v
}
