package e2e

import (
	"context"
	"encoding/json"
	"fmt"
	"math/rand/v2"
	"net/http"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"golang.org/x/sync/errgroup"

	"github.com/sellmigrate/sellmigrate/config"
	"github.com/sellmigrate/sellmigrate/contract"
	"github.com/sellmigrate/sellmigrate/e2e/harness"
	"github.com/sellmigrate/sellmigrate/starter"
)

// chaosSummary is the one-line result of a chaos run, also written to chaos.json.
type chaosSummary struct {
	Migrations       int     `json:"migrations"`
	Completed        int     `json:"migrationsCompleted"`
	AlreadyConnected int     `json:"alreadyConnected"`
	WorkerKills      int     `json:"workerKillsSurvived"`
	WorkerStarts     int     `json:"workerRestarts"`
	StackRestarts    int     `json:"stackRestarts"`
	FaultsInjected   int64   `json:"faultsInjected"`
	WaitsAnswered    int     `json:"waitsAnswered"`
	InputRetries     int     `json:"inputSendsRetried"`
	UsersConverted   int     `json:"usersConverted"`
	AccountsCreated  int     `json:"accountsCreated"`
	AccountsLinked   int     `json:"accountsLinked"`
	Duplicates       int     `json:"duplicates"`
	Seconds          float64 `json:"seconds"`
	FinishedAt       string  `json:"finishedAt"`
}

// TestChaosMigrations runs 50 migrations of every demo shape while the worker process
// is killed with SIGKILL at random moments, 2–4 s into each worker's polling (and
// restarted, as a supervisor would), the whole stack (embedded Temporal + simulator) is
// stopped cleanly and started again on its data directory twice, and the simulator
// answers 20% of Zendesk calls with a 5xx and 10% with a 429 (Retry-After 1s). A
// responder answers every human input as soon as a migration waits for it. Every
// migration must reach its expected outcome, and the simulator's ledger must show each
// account created and linked and each user converted exactly once, in the exact
// expected totals.
func TestChaosMigrations(t *testing.T) {
	t.Parallel()
	bins := binaries(t)
	began := time.Now()
	elapsed := func() time.Duration { return time.Since(began).Round(100 * time.Millisecond) }
	logDir := t.TempDir()
	// The stack runs no worker: the test runs (and kills) them.
	d := harness.DevT(t, bins, harness.DevOptions{Name: "stack", LogDir: logDir, NoWorker: true})
	sim := d.Sim()
	accounts := harness.LayOut(3001, "chaos", harness.ChaosMix)
	harness.AddChaosAccounts(t, sim, accounts, func(sub, email string) { d.AddOperatorToken(t, sub, email) })
	sim.SetFaults(t, harness.ChaosFaults)
	sup := superviseWorker(t, d, logDir, "worker", nil)
	defer func() {
		if err := sup.stop(); err != nil {
			t.Error(err)
		}
	}()

	st := chaosStarter(t, d)
	t.Logf("after %s: the stack runs, with the accounts, and a worker process is started", elapsed())
	resp := harness.NewResponder(st, sim, harness.API{URL: d.APIURL, AdminToken: config.DemoAdminToken}, accounts)
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()

	// The responder watches and answers; the last statuses it saw are kept.
	go resp.Watch(ctx, 250*time.Millisecond)
	// The killer: SIGKILL each worker 2–4 seconds after it begins to poll, until every
	// migration is done. Counting from the poll, not from the last kill, gives every
	// worker the same few seconds of work however long the machine takes to start it:
	// on a loaded machine a fixed clock kills workers before they have taken a task.
	killCtx, stopKilling := context.WithCancel(ctx)
	killerDone := make(chan struct{})
	go func() {
		defer close(killerDone)
		for w := sup.waitReady(killCtx); w != nil; w = sup.waitReady(killCtx) {
			select {
			case <-killCtx.Done():
				return
			case <-time.After(2*time.Second + rand.N(2*time.Second)):
				sup.killIf(w)
			}
		}
	}()

	// Start the migrations one every 0.2s, as ops would fire them: each start goes on
	// (retrying while the stack is down) without holding up the next. Stop and restart
	// the stack twice on the way.
	var injected int64
	stackRestarts := 0
	var starts errgroup.Group
	for i, a := range accounts {
		if i == len(accounts)/3 || i == 2*len(accounts)/3 {
			stopped := time.Now()
			n, err := restartStack(t, d)
			if err != nil {
				t.Fatal(err)
			}
			injected += n
			stackRestarts++
			t.Logf("after %s: the stack restarted, down for %s", elapsed(), time.Since(stopped).Round(100*time.Millisecond))
		}
		// ctx ends if the test fails first: no start outlives it.
		starts.Go(func() error { return harness.StartMigrationWithin(ctx, st, a, time.Minute) })
		time.Sleep(200 * time.Millisecond)
	}
	if err := starts.Wait(); err != nil {
		t.Fatal(err)
	}
	t.Logf("after %s: every migration started", elapsed())

	// Wait until every migration has an outcome.
	deadline := began.Add(chaosDeadline)
	lastReport := time.Now()
	for {
		pending := resp.Unsettled(accounts)
		if len(pending) == 0 {
			break
		}
		if time.Since(lastReport) >= 10*time.Second {
			lastReport = time.Now()
			kills, _ := sup.counts()
			t.Logf("after %s: %d migrations without an outcome, %d worker kills so far; e.g. %s", time.Since(began).Round(time.Second),
				len(pending), kills, strings.Join(pending[:min(3, len(pending))], "; "))
		}
		if time.Now().After(deadline) {
			t.Fatalf("after %s, %d migrations have no outcome: %s\nworker log:\n%s", time.Since(began).Round(time.Second),
				len(pending), strings.Join(pending, "; "), sup.logTail())
		}
		time.Sleep(250 * time.Millisecond)
	}
	stopKilling()
	<-killerDone
	kills, workerStarts := sup.counts()
	if kills < 10 {
		t.Errorf("the worker was killed %d times; the run must survive at least 10 kills", kills)
	}
	n, err := harness.InjectedFaults(sim)
	if err != nil {
		t.Fatal(err)
	}
	injected += n
	sim.SetFaults(t, map[string]any{})

	out := harness.CheckOutcomes(t, st, sim, accounts)
	sum := chaosSummary{Completed: out.Completed, AlreadyConnected: out.AlreadyConnected, Duplicates: out.Repeats,
		UsersConverted: out.Ledger["user_converted"], AccountsCreated: out.Ledger["account_created"],
		AccountsLinked: out.Ledger["account_linked"]}
	sum.Migrations, sum.WorkerKills, sum.WorkerStarts = len(accounts), kills, workerStarts
	sum.StackRestarts, sum.FaultsInjected = stackRestarts, injected
	seen, retried := resp.Waits()
	sum.WaitsAnswered, sum.InputRetries = len(seen), retried
	// Each migration waited for exactly the people its path needs, each wait once.
	resp.CheckWaits(t, accounts)
	sum.Seconds = elapsed().Seconds()
	sum.FinishedAt = time.Now().UTC().Format(time.RFC3339)
	cancel()
	resp.Wait()
	if stackRestarts != 2 || injected == 0 {
		t.Errorf("stack restarts %d, faults injected %d: want 2 restarts and some faults", stackRestarts, injected)
	}
	line := fmt.Sprintf("chaos: %d/%d migrations reached their outcome (%d completed, %d already connected) in %.0fs; "+
		"survived %d worker kills and %d stack restarts; %d faults injected; %d waits answered (%d sends retried); "+
		"ledger: %d accounts created, %d linked, %d users converted; duplicates: %d",
		sum.Completed+sum.AlreadyConnected, sum.Migrations, sum.Completed, sum.AlreadyConnected, sum.Seconds,
		sum.WorkerKills, sum.StackRestarts, sum.FaultsInjected, sum.WaitsAnswered, sum.InputRetries,
		sum.AccountsCreated, sum.AccountsLinked, sum.UsersConverted, sum.Duplicates)
	t.Log(line)
	fmt.Println(line)
	writeChaosArtifact(t, sum)
}

// chaosDeadline bounds the whole run: 1½–3 minutes here (two cores), alone or beside
// the other end-to-end tests; the kills' timing makes it vary.
const chaosDeadline = 6 * time.Minute

// chaosStarter is a starter on the stack, as `sellmigrate start` uses it, with the chaos
// policy (recorded in each migration at start): short retries (faults never exhaust
// them) and short timeouts, so a killed worker's activities are retried within seconds.
func chaosStarter(t *testing.T, d *harness.Dev) *starter.Starter {
	t.Helper()
	p := contract.DefaultPolicy()
	p.RetryInitialInterval, p.RetryMaxInterval = 50*time.Millisecond, 500*time.Millisecond
	p.RetryMaxAttempts, p.ActivityTimeout, p.HeartbeatTimeout = 100000, 5*time.Second, 2*time.Second
	return starter.New(harness.MustClient(t, d), starter.Options{Policy: p, UpdateTimeout: 20 * time.Second,
		DataConverter: harness.MustCodec(t, d).DataConverter()})
}

// restartStack stops the stack cleanly (SIGTERM, exit code 0) and starts it again on
// the same data directory. It returns the faults the simulator injected before the stop
// (its count is in memory), and puts the faults back once the new simulator runs.
func restartStack(t *testing.T, d *harness.Dev) (int64, error) {
	if err := d.Sim().Do(http.MethodPut, "/_sim/faults", map[string]any{}, nil, nil); err != nil {
		return 0, err
	}
	n, err := harness.InjectedFaults(d.Sim())
	if err != nil {
		return 0, err
	}
	if err := d.Stop(); err != nil {
		return 0, fmt.Errorf("stop the stack cleanly: %w", err)
	}
	if err := d.Start(); err != nil {
		return 0, err
	}
	return n, d.Sim().Do(http.MethodPut, "/_sim/faults", harness.ChaosFaults, nil, nil)
}

// writeChaosArtifact writes the summary to $SELLMIGRATE_ARTIFACTS_DIR/chaos.json when set.
func writeChaosArtifact(t *testing.T, sum chaosSummary) {
	dir := artifactsDir(t)
	if dir == "" {
		return
	}
	b, err := json.MarshalIndent(sum, "", "  ")
	if err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(filepath.Join(dir, "chaos.json"), append(b, '\n'), 0o644); err != nil {
		t.Fatalf("write chaos.json: %v", err)
	}
}
