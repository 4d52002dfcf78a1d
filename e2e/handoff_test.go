package e2e

import (
	"context"
	"fmt"
	"maps"
	"net/http"
	"strconv"
	"strings"
	"testing"
	"time"

	enumspb "go.temporal.io/api/enums/v1"
	"go.temporal.io/sdk/client"
	"go.temporal.io/sdk/converter"

	"github.com/sellmigrate/sellmigrate/contract"
	"github.com/sellmigrate/sellmigrate/e2e/harness"
)

// TestWorkersHandOffConversion runs three worker processes on the task queue and
// migrates Hooli (demo account 1005, 2,500 Sell users). The worker running the
// contributor conversion is killed twice with SIGKILL:
//
//   - once the ledger shows more than 500 users converted: the conversion's heartbeat
//     stops, Temporal retries it on another worker, and that worker resumes from the
//     heartbeat cursor: Sell users page 1 is never served again;
//   - then, the simulator slowed to 800 ms a call, while the second attempt looks up
//     the users of a page nobody converted yet (the Sell page was served, its cursor is
//     in Temporal, nothing of the page is created): the third attempt, on the last
//     worker, resumes at that very page, reading no page before it again.
//
// In the end 2,499 users are converted, none twice.
func TestWorkersHandOffConversion(t *testing.T) {
	t.Parallel()
	began := time.Now()
	logDir := t.TempDir()
	d := harness.DevT(t, binaries(t), harness.DevOptions{Name: "handoff-stack", LogDir: logDir, NoWorker: true})
	sim := d.Sim()
	c := harness.MustClient(t, d)
	// Heartbeats reach Temporal within 100 ms of each page, so the cursor Temporal holds
	// is the page in progress by the time the next Sell page has been served.
	workers := map[int]*harness.Proc{}
	for _, name := range []string{"worker-a", "worker-b", "worker-c"} {
		w := harness.WorkerT(t, d, logDir, name, harness.Settings{"worker.max_heartbeat_throttle": "100ms"})
		workers[w.Pid()] = w
	}
	awaitPollers(t, c, workers)

	// A dead worker's conversion is noticed after 2 s without a heartbeat; the policy is
	// recorded at start, so it goes in the start command's environment.
	if r := d.CLIWith(harness.Settings{"migration.heartbeat_timeout": "2s"},
		"start", "--account", "1005", "--mode", "new", "--subdomain", "hooli", "--requested-by", "admin@hooli.test"); r.Code != 0 {
		t.Fatalf("start: %s", r)
	}
	harness.AwaitStatus(t, d, "1005", "awaiting_disclaimers")
	harness.MustCLI(t, d, "signal", "1005", "accept-disclaimers", "--by", "admin@hooli.test")

	// Kill 1: the conversion is well under way.
	converted := awaitConverted(t, sim, 500)
	victim1 := conversionWorker(t, c, workers, 1)
	pagesAtKill1 := sim.PagesServed(t, "1005")
	victim1.Kill()
	// A job the killed attempt queued still runs in Zendesk after its worker died: read
	// the ledger once it has stopped moving.
	byKind := settledLedger(t, sim, "hooli")
	t.Logf("kill 1: %s (pid %d) with %d users converted (%d once it died) and Sell pages %v served",
		victim1.Name, victim1.Pid(), converted, byKind["user_converted"], pagesAtKill1)
	// Page 1 holds the admin, who owns the account: 99 users; every later page 100. A
	// page is created in one job, so the ledger tells which pages are done.
	pagesDone := (byKind["user_converted"] + 1) / 100

	// Kill 2: slow every call down, so a page's look-up lasts 800 ms (time enough to kill
	// inside it on a busy machine). Attempt 2 runs elsewhere; once it has been served a
	// page nobody converted yet, and Temporal holds that page as the cursor, it is
	// looking the page's users up: kill it there.
	sim.SetFaults(t, map[string]any{"latency_ms": 800})
	victim2 := conversionWorker(t, c, workers, 2)
	if victim2 == victim1 {
		t.Fatalf("attempt 2 runs on the killed worker %s", victim1.Name)
	}
	page, pagesAtKill2 := awaitLookUp(t, c, harness.MustCodec(t, d).DataConverter(), sim, sim.PagesServed(t, "1005"), pagesDone+1)
	victim2.Kill()
	sim.SetFaults(t, map[string]any{})
	byKind, _ = sim.LedgerCounts(t, "hooli")
	if want := 100*(page-1) - 1; byKind["user_converted"] != want {
		t.Errorf("kill 2 during the look-up of page %d: the ledger shows %d users converted, want %d (the pages before it): "+
			"the kill was not during the look-up", page, byKind["user_converted"], want)
	}
	t.Logf("kill 2: %s (pid %d) while it looked up page %d; Sell pages %v served", victim2.Name, victim2.Pid(), page, pagesAtKill2)

	// Attempt 3, on the last worker, finishes.
	var last *harness.Proc
	for _, w := range workers {
		if w != victim1 && w != victim2 {
			last = w
		}
	}
	third := ""
	deadline := time.Now().Add(harness.AwaitStatusTimeout)
	for {
		s := harness.StatusNow(t, d, "1005")
		if s.Status == "completed" {
			break
		}
		if id := pendingConversionIdentity(c, 3); id != "" {
			third = id
		}
		if time.Now().After(deadline) {
			t.Fatalf("1005 is %s/%s after the second kill (last error %q); %s log:\n%s", s.Step, s.Status, s.LastError, last.Name, last.LogTail())
		}
		time.Sleep(100 * time.Millisecond)
	}
	if third != "" && !strings.HasPrefix(third, strconv.Itoa(last.Pid())+"@") {
		t.Errorf("attempt 3 ran on %q, want the last worker %s (pid %d)", third, last.Name, last.Pid())
	}

	s := harness.Status(t, d, "1005")
	if r := s.Result; r == nil || r.UsersConverted != 2499 || r.AlreadyAgents != 1 {
		t.Errorf("1005 result = %+v, want 2499 converted and the admin already an agent", s.Result)
	}
	byKind, bySubject := sim.LedgerCounts(t, "hooli")
	if byKind["user_converted"] != 2499 || byKind["account_created"] != 1 || byKind["account_linked"] != 1 {
		t.Errorf("ledger counts %v, want 2499 user_converted, 1 account_created, 1 account_linked", byKind)
	}
	for subject, n := range bySubject {
		if n != 1 {
			t.Errorf("side effect %q happened %d times", subject, n)
		}
	}

	// After kill 1, page 1 was never read again (before it, page 1 was served to the
	// conversion and to the count of Sell users, which runs once).
	pagesAfter := sim.PagesServed(t, "1005")
	if pagesAfter["1"] != pagesAtKill1["1"] || pagesAtKill1["1"] > 2 {
		t.Errorf("Sell users page 1 was served %d times (%d before kill 1); the conversion must resume from its cursor, not page 1",
			pagesAfter["1"], pagesAtKill1["1"])
	}
	// After kill 2, attempt 3 read the page it was killed on once more, and every later
	// page once: nothing before it.
	read := 0
	for p := 1; p <= 25; p++ {
		key := strconv.Itoa(p)
		n := pagesAfter[key] - pagesAtKill2[key]
		read += n
		want := 0
		if p >= page {
			want = 1
		}
		if n != want {
			t.Errorf("after kill 2 (at page %d) Sell page %d was served %d more times, want %d", page, p, n, want)
		}
	}
	t.Logf("attempt 3 on %s read %d Sell pages from page %d; %.1fs in all", last.Name, read, page, time.Since(began).Seconds())
}

// awaitLookUp waits until attempt 2 of the conversion has been served a Sell page, at
// minPage or later, beyond those in before, while Temporal's heartbeat cursor names that
// page as the one to do: the page is read and not done, so its users are being looked
// up. It returns the page and the pages served at that moment.
func awaitLookUp(t *testing.T, c client.Client, dc converter.DataConverter, sim harness.Sim, before map[string]int, minPage int) (int, map[string]int) {
	t.Helper()
	// Attempt 2 starts once Temporal sees attempt 1's heartbeat time out, later on a
	// loaded machine; 4 minutes bounds the wait without failing a slow run.
	deadline := time.Now().Add(4 * time.Minute)
	var cur contract.ContributorCursor
	var attempt int32
	var served map[string]int
	for time.Now().Before(deadline) {
		served = sim.PagesServed(t, "1005")
		cur, attempt = heartbeatCursor(c, dc)
		page := strconv.Itoa(cur.NextPage)
		if attempt == 2 && cur.NextPage >= minPage && served[page] > before[page] {
			return cur.NextPage, served
		}
		time.Sleep(10 * time.Millisecond)
	}
	t.Fatalf("attempt 2 was not seen looking up page %d or later within 4 minutes; last seen: attempt %d at page %d, pages served %v (before: %v)",
		minPage, attempt, cur.NextPage, served, before)
	return 0, nil
}

// heartbeatCursor is the contributor cursor of the pending conversion's last heartbeat,
// read with the stack's payload codec (dc).
func heartbeatCursor(c client.Client, dc converter.DataConverter) (contract.ContributorCursor, int32) {
	ctx, cancel := context.WithTimeout(context.Background(), 5*time.Second)
	defer cancel()
	var cur contract.ContributorCursor
	desc, err := c.DescribeWorkflowExecution(ctx, contract.WorkflowID("1005"), "")
	if err != nil {
		return cur, 0
	}
	for _, a := range desc.GetPendingActivities() {
		if a.GetActivityType().GetName() != "ConvertContributors" || a.GetHeartbeatDetails() == nil {
			continue
		}
		if dc.FromPayloads(a.GetHeartbeatDetails(), &cur) == nil {
			return cur, a.GetAttempt()
		}
	}
	return cur, 0
}

// awaitPollers waits until every worker process polls the activity task queue.
func awaitPollers(t *testing.T, c client.Client, workers map[int]*harness.Proc) {
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
func awaitConverted(t *testing.T, sim harness.Sim, n int) int {
	t.Helper()
	deadline := time.Now().Add(2 * time.Minute)
	for {
		var l struct {
			Counts map[string]int `json:"counts"`
		}
		// kind=account_released keeps the entries short; counts cover the whole ledger.
		sim.JSON(t, http.MethodGet, "/_sim/ledger?kind=account_released", nil, &l)
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

// conversionWorker finds the worker process running attempt minAttempt (or later) of
// the conversion, from the identity Temporal recorded for the activity (the SDK's
// default identity starts with the pid).
func conversionWorker(t *testing.T, c client.Client, workers map[int]*harness.Proc, minAttempt int32) *harness.Proc {
	t.Helper()
	deadline := time.Now().Add(time.Minute)
	for {
		id := pendingConversionIdentity(c, minAttempt)
		pid, _, _ := strings.Cut(id, "@")
		n, err := strconv.Atoi(pid)
		if w, ok := workers[n]; err == nil && ok && !w.Exited() {
			return w
		}
		if time.Now().After(deadline) {
			t.Fatalf("attempt %d of the conversion runs on %q, none of the live worker processes %v", minAttempt, id, fmt.Sprint(workers))
		}
		time.Sleep(50 * time.Millisecond)
	}
}

// settledLedger is the ledger's counts once they have stopped changing (two reads 300 ms
// apart agree; at most 10 s), so that jobs queued before a kill have run.
func settledLedger(t *testing.T, sim harness.Sim, subdomain string) map[string]int {
	t.Helper()
	prev, _ := sim.LedgerCounts(t, subdomain)
	for deadline := time.Now().Add(10 * time.Second); time.Now().Before(deadline); {
		time.Sleep(300 * time.Millisecond)
		cur, _ := sim.LedgerCounts(t, subdomain)
		if maps.Equal(prev, cur) {
			return cur
		}
		prev = cur
	}
	t.Fatalf("the ledger of %s kept changing for 10 s after the kill: %v", subdomain, prev)
	return nil
}
