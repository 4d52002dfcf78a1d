package main

import (
	"context"
	"fmt"
	"net/http"
	"strconv"
	"strings"
	"testing"
	"time"

	enumspb "go.temporal.io/api/enums/v1"
	"go.temporal.io/sdk/client"

	"github.com/sellmigrate/sellmigrate/config"
	"github.com/sellmigrate/sellmigrate/contract"
	"github.com/sellmigrate/sellmigrate/starter"
	"github.com/sellmigrate/sellmigrate/worker"
)

// TestSecondWorkerResumesConversion runs two worker processes on the task queue and
// migrates Hooli (demo account 1005, 2,500 Sell users). Once the simulator's ledger
// shows more than 500 users converted, the worker running the contributor conversion
// is killed with SIGKILL. The conversion's heartbeat stops, Temporal retries it on the
// other worker, and that worker resumes from the heartbeat cursor: the simulator
// serves Sell users page 1 no more after the kill, and no user is converted twice.
func TestSecondWorkerResumesConversion(t *testing.T) {
	if testing.Short() {
		t.Skip("chaos: runs the embedded Temporal server and two worker processes")
	}
	began := time.Now()
	// A dead worker's conversion is noticed after 2s without a heartbeat.
	logDir, dataDir, temporalPort, simPort := chaosEnv(t, map[string]string{
		"migration.heartbeat_timeout": "2s", "migration.retry_initial_interval": "100ms",
		"migration.retry_max_interval": "1s", "worker.max_heartbeat_throttle": "500ms",
	})
	stack := startStack(t, logDir, dataDir, temporalPort, simPort)
	defer func() {
		if err := stack.terminate(time.Minute); err != nil {
			t.Error(err)
		}
	}()
	workers := map[int]*child{}
	for _, name := range []string{"worker-a", "worker-b"} {
		w := startChild(t, logDir, name, []string{"worker"}, workerEnv(t, stack.simURL)...)
		workers[w.pid()] = w
		defer func() {
			if !w.exited() {
				if err := w.terminate(30 * time.Second); err != nil {
					t.Error(err)
				}
			}
		}()
	}

	cfg, err := config.Load(config.Options{Role: config.RoleClient})
	if err != nil {
		t.Fatal(err)
	}
	c, err := worker.Dial(context.Background(), worker.DialOptions{Address: cfg.Temporal.Address, Namespace: cfg.Temporal.Namespace})
	if err != nil {
		t.Fatal(err)
	}
	defer c.Close()
	st := starter.New(c, starter.Options{Policy: cfg.Migration})
	awaitPollers(t, c, workers)

	ctx := context.Background()
	if _, err := st.Start(ctx, starter.StartRequest{AccountID: "1005", Mode: "new", Subdomain: "hooli", RequestedBy: "admin@hooli.test"}); err != nil {
		t.Fatal(err)
	}
	awaitStatus(t, "1005", "awaiting_disclaimers")
	go func() {
		// Answers once linking is done; the conversion then runs on its own.
		_, _ = st.Send(ctx, "1005", contract.AcceptDisclaimersName, contract.AcceptDisclaimersInput{By: "admin@hooli.test"})
	}()

	// Wait until the conversion is well under way, then kill the worker running it.
	converted := awaitConverted(t, stack.simURL, 500)
	victim := conversionWorker(t, c, workers)
	pagesAtKill := sellPagesServed(t, stack.simURL, 1005)
	victim.kill()
	t.Logf("killed %s (pid %d) with %d users converted and Sell pages %v served", victim.name, victim.pid(), converted, pagesAtKill)

	// The survivor picks the conversion up and finishes it.
	var survivor *child
	for _, w := range workers {
		if w != victim {
			survivor = w
		}
	}
	resumedBy := ""
	deadline := time.Now().Add(2 * time.Minute)
	for {
		s := status(t, "1005")
		if s.Status == "completed" {
			break
		}
		if id := pendingConversionIdentity(c, 2); id != "" {
			resumedBy = id
		}
		if time.Now().After(deadline) {
			t.Fatalf("1005 is %s/%s after the kill (last error %q); survivor log:\n%s", s.Step, s.Status, s.LastError, survivor.logTail())
		}
		time.Sleep(100 * time.Millisecond)
	}
	if resumedBy != "" && !strings.HasPrefix(resumedBy, strconv.Itoa(survivor.pid())+"@") {
		t.Errorf("the retried conversion ran on %q, want the surviving worker (pid %d)", resumedBy, survivor.pid())
	}

	s := status(t, "1005")
	if r := s.Result; r == nil || r.UsersConverted != 2499 || r.AlreadyAgents != 1 {
		t.Errorf("1005 result = %+v, want 2499 converted and the admin already an agent", s.Result)
	}
	byKind, bySubject := ledger(t, stack.simURL)
	if byKind["user_converted"] != 2499 || byKind["account_created"] != 1 || byKind["account_linked"] != 1 {
		t.Errorf("ledger counts %v, want 2499 user_converted, 1 account_created, 1 account_linked", byKind)
	}
	for subject, n := range bySubject {
		if n != 1 {
			t.Errorf("side effect %q happened %d times", subject, n)
		}
	}
	// The survivor resumed from the cursor: page 1 was never served again (before the
	// kill it was served to the conversion and to the count of Sell users, which runs
	// once), and it read fewer pages than a restart from the beginning would have.
	pagesAfter := sellPagesServed(t, stack.simURL, 1005)
	again, total := 0, 0
	for p, n := range pagesAfter {
		total += n - pagesAtKill[p]
		if pagesAtKill[p] > 0 && n > pagesAtKill[p] {
			again++
		}
	}
	if pagesAfter["1"] != pagesAtKill["1"] || pagesAtKill["1"] > 2 {
		t.Errorf("Sell users page 1 was served %d times (%d before the kill); the conversion must resume from its cursor, not page 1",
			pagesAfter["1"], pagesAtKill["1"])
	}
	if total >= 25 || pagesAfter["1"] > pagesAtKill["1"] {
		t.Errorf("after the kill %d Sell pages were read; resuming from the cursor reads fewer than the 25 a restart would", total)
	}
	if resumedBy == "" {
		resumedBy = "(attempt 2 finished between two looks)"
	}
	t.Logf("resumed on %s (attempt 2 seen on %s): %d Sell pages read after the kill, %d of them read before too; %.1fs in all",
		survivor.name, resumedBy, total, again, time.Since(began).Seconds())
}

// awaitPollers waits until every worker process polls the activity task queue.
func awaitPollers(t *testing.T, c client.Client, workers map[int]*child) {
	t.Helper()
	deadline := time.Now().Add(time.Minute)
	for {
		resp, err := c.DescribeTaskQueue(context.Background(), contract.TaskQueue, enumspb.TASK_QUEUE_TYPE_ACTIVITY)
		seen := 0
		if err == nil {
			for pid := range workers {
				for _, p := range resp.GetPollers() {
					if strings.HasPrefix(p.GetIdentity(), strconv.Itoa(pid)+"@") {
						seen++
						break
					}
				}
			}
		}
		if seen == len(workers) {
			return
		}
		if time.Now().After(deadline) {
			t.Fatalf("%d of %d workers poll the task queue after a minute (%v)", seen, len(workers), err)
		}
		time.Sleep(100 * time.Millisecond)
	}
}

// awaitConverted waits until the ledger shows more than n users converted.
func awaitConverted(t *testing.T, simURL string, n int) int {
	t.Helper()
	deadline := time.Now().Add(2 * time.Minute)
	for {
		var l struct {
			Counts map[string]int `json:"counts"`
		}
		// kind=account_released keeps the entries short; counts cover the whole ledger.
		if err := simJSON(http.MethodGet, simURL+"/_sim/ledger?kind=account_released", nil, &l); err != nil {
			t.Fatal(err)
		}
		if got := l.Counts["user_converted"]; got > n {
			return got
		}
		if time.Now().After(deadline) {
			t.Fatalf("the ledger shows %d users converted after 2 minutes, want more than %d", l.Counts["user_converted"], n)
		}
		time.Sleep(50 * time.Millisecond)
	}
}

// pendingConversionIdentity is the identity of the worker running the contributor
// conversion, if its attempt is at least minAttempt.
func pendingConversionIdentity(c client.Client, minAttempt int32) string {
	ctx, cancel := context.WithTimeout(context.Background(), 5*time.Second)
	defer cancel()
	desc, err := c.DescribeWorkflowExecution(ctx, contract.WorkflowID("1005"), "")
	if err != nil {
		return ""
	}
	for _, a := range desc.GetPendingActivities() {
		if a.GetActivityType().GetName() == "ConvertContributors" && a.GetAttempt() >= minAttempt &&
			a.GetState() == enumspb.PENDING_ACTIVITY_STATE_STARTED {
			return a.GetLastWorkerIdentity()
		}
	}
	return ""
}

// conversionWorker finds the worker process running the conversion from the identity
// Temporal recorded for the activity (the SDK's default identity starts with the pid).
func conversionWorker(t *testing.T, c client.Client, workers map[int]*child) *child {
	t.Helper()
	deadline := time.Now().Add(10 * time.Second)
	for {
		id := pendingConversionIdentity(c, 1)
		pid, _, _ := strings.Cut(id, "@")
		n, err := strconv.Atoi(pid)
		if w, ok := workers[n]; err == nil && ok {
			return w
		}
		if time.Now().After(deadline) {
			t.Fatalf("the conversion runs on %q, which is none of the worker processes %v", id, workers)
		}
		time.Sleep(50 * time.Millisecond)
	}
}

// sellPagesServed reads how often the simulator served each Sell users page of an account.
func sellPagesServed(t *testing.T, simURL string, accountID int64) map[string]int {
	t.Helper()
	var p struct {
		PagesServed map[string]int `json:"pagesServed"`
	}
	if err := simJSON(http.MethodGet, fmt.Sprintf("%s/_sim/sell/%d/user_pages", simURL, accountID), nil, &p); err != nil {
		t.Fatal(err)
	}
	return p.PagesServed
}
