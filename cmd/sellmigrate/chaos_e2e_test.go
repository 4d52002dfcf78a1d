package main

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"math/rand/v2"
	"net/http"
	"os"
	"path/filepath"
	"sort"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/sellmigrate/sellmigrate/config"
	"github.com/sellmigrate/sellmigrate/contract"
	"github.com/sellmigrate/sellmigrate/starter"
	"github.com/sellmigrate/sellmigrate/worker"
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
// is killed with SIGKILL at random moments (and restarted, as a supervisor would), the
// whole stack (embedded Temporal + simulator) is stopped cleanly and started again on
// its data directory twice, and the simulator answers 20% of Zendesk calls with a 5xx
// and 10% with a 429 (Retry-After 1s). A responder answers every human input as soon
// as a migration waits for it. Every migration must reach its expected outcome, and
// the simulator's ledger must show each account created and linked and each user
// converted exactly once, in the exact expected totals.
func TestChaosMigrations(t *testing.T) {
	if testing.Short() {
		t.Skip("chaos: runs the embedded Temporal server and worker processes for a few minutes")
	}
	began := time.Now()
	// Short retries (faults never exhaust them) and short timeouts, so a killed
	// worker's activities are retried within seconds.
	logDir, dataDir, temporalPort, simPort := chaosEnv(t, map[string]string{
		"migration.retry_initial_interval": "50ms", "migration.retry_max_interval": "500ms",
		"migration.retry_max_attempts": "100000", "migration.activity_timeout": "5s",
		"migration.heartbeat_timeout": "2s",
	})

	stack := startStack(t, logDir, dataDir, temporalPort, simPort)
	defer func() { // the stack in use at the end, after the restarts
		if err := stack.terminate(time.Minute); err != nil {
			t.Error(err)
		}
	}()
	simURL := stack.simURL
	accounts := chaosAccounts(3001)
	addChaosAccounts(t, simURL, accounts)
	if err := simJSON(http.MethodPut, simURL+"/_sim/faults", chaosFaults, nil); err != nil {
		t.Fatal(err)
	}
	sup := superviseWorker(t, logDir, "worker", simURL)
	defer func() { _ = sup.stop() }()

	st, closeClient := chaosStarter(t)
	defer closeClient()
	resp := newResponder(st, simURL, accounts)
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()

	// The responder watches and answers; the last statuses it saw are kept.
	var mu sync.Mutex
	var latest map[string]starter.Summary
	go func() {
		for ctx.Err() == nil {
			if s, err := resp.tick(ctx); err == nil {
				mu.Lock()
				latest = s
				mu.Unlock()
			}
			time.Sleep(250 * time.Millisecond)
		}
	}()
	// The killer: SIGKILL the worker every 2–4 seconds until every migration is done.
	killCtx, stopKilling := context.WithCancel(ctx)
	killerDone := make(chan struct{})
	go func() {
		defer close(killerDone)
		for {
			select {
			case <-killCtx.Done():
				return
			case <-time.After(2*time.Second + rand.N(2*time.Second)):
				sup.kill()
			}
		}
	}()

	// Start the migrations one every 0.8s; stop and restart the stack twice on the way.
	var injected int64
	stackRestarts := 0
	for i, a := range accounts {
		if i == len(accounts)/3 || i == 2*len(accounts)/3 {
			n, err := restartStack(t, &stack, logDir, dataDir, temporalPort, simPort)
			if err != nil {
				t.Fatal(err)
			}
			injected += n
			stackRestarts++
		}
		startChaosMigration(t, st, a)
		time.Sleep(800 * time.Millisecond)
	}

	// Wait until every migration has an outcome.
	deadline := began.Add(4 * time.Minute)
	for {
		mu.Lock()
		snap := latest
		mu.Unlock()
		if pending := unfinished(snap, accounts); len(pending) == 0 {
			break
		} else if time.Now().After(deadline) {
			t.Fatalf("after %s, %d migrations have no outcome: %s\nworker log:\n%s", time.Since(began).Round(time.Second),
				len(pending), strings.Join(pending, "; "), sup.current.logTail())
		}
		time.Sleep(250 * time.Millisecond)
	}
	stopKilling()
	<-killerDone
	kills, workerStarts := sup.counts()
	if kills < 10 {
		t.Errorf("the worker was killed %d times; the run must survive at least 10 kills", kills)
	}
	n, err := injectedFaults(simURL)
	if err != nil {
		t.Fatal(err)
	}
	injected += n
	if err := simJSON(http.MethodPut, simURL+"/_sim/faults", map[string]any{}, nil); err != nil {
		t.Fatal(err)
	}

	sum := checkChaosOutcomes(t, st, simURL, accounts)
	sum.Migrations, sum.WorkerKills, sum.WorkerStarts = len(accounts), kills, workerStarts
	sum.StackRestarts, sum.FaultsInjected = stackRestarts, injected
	seen, retried := resp.waits()
	sum.WaitsAnswered, sum.InputRetries = len(seen), retried
	// Each migration waited for exactly the people its path needs, each wait once.
	want := expectedWaits(accounts)
	for k := range want {
		if !seen[k] {
			t.Errorf("migration never waited for %s", k)
		}
	}
	for k := range seen {
		if !want[k] {
			t.Errorf("migration waited for %s, which its path does not include", k)
		}
	}
	sum.Seconds = time.Since(began).Round(100 * time.Millisecond).Seconds()
	sum.FinishedAt = time.Now().UTC().Format(time.RFC3339)
	cancel()
	resp.wg.Wait()
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

// chaosStarter connects a starter to the stack with the policy from the environment,
// as `sellmigrate start` would.
func chaosStarter(t *testing.T) (*starter.Starter, func()) {
	t.Helper()
	cfg, err := config.Load(config.Options{Role: config.RoleClient})
	if err != nil {
		t.Fatal(err)
	}
	c, err := worker.Dial(context.Background(), worker.DialOptions{Address: cfg.Temporal.Address, Namespace: cfg.Temporal.Namespace})
	if err != nil {
		t.Fatal(err)
	}
	return starter.New(c, starter.Options{Policy: cfg.Migration, UpdateTimeout: 20 * time.Second}), c.Close
}

// startChaosMigration starts one migration, retrying while the stack is unreachable; a
// start whose answer was lost but which happened is found running and counts.
func startChaosMigration(t *testing.T, st *starter.Starter, a chaosAccount) {
	t.Helper()
	deadline := time.Now().Add(time.Minute)
	for {
		ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
		_, err := st.Start(ctx, a.start())
		cancel()
		var dup *starter.AlreadyStartedError
		if err == nil || errors.As(err, &dup) {
			return
		}
		if time.Now().After(deadline) {
			t.Fatalf("start the migration of %d: %v", a.id, err)
		}
		time.Sleep(500 * time.Millisecond)
	}
}

// restartStack stops the stack cleanly (SIGTERM) and starts it again on the same data
// directory. It returns the faults the simulator injected before the stop (its count
// is in memory), and puts the faults back once the new simulator runs.
func restartStack(t *testing.T, stack **stackProc, logDir, dataDir string, temporalPort, simPort int) (int64, error) {
	s := *stack
	if err := simJSON(http.MethodPut, s.simURL+"/_sim/faults", map[string]any{}, nil); err != nil {
		return 0, err
	}
	n, err := injectedFaults(s.simURL)
	if err != nil {
		return 0, err
	}
	if err := s.terminate(time.Minute); err != nil {
		return 0, fmt.Errorf("stop the stack cleanly: %w\n%s", err, s.logTail())
	}
	*stack = startStack(t, logDir, dataDir, temporalPort, simPort)
	return n, simJSON(http.MethodPut, (*stack).simURL+"/_sim/faults", chaosFaults, nil)
}

// unfinished lists the migrations without their outcome in the statuses seen.
func unfinished(seen map[string]starter.Summary, accounts []chaosAccount) []string {
	var out []string
	for _, a := range accounts {
		s, ok := seen[contract.WorkflowID(fmt.Sprint(a.id))]
		if !ok || !contract.Status(s.Status).Final() {
			out = append(out, fmt.Sprintf("%d (%s) %s/%s", a.id, a.shape, s.Step, s.Status))
		}
	}
	return out
}

// checkChaosOutcomes checks each migration's outcome and counts, and the ledger.
func checkChaosOutcomes(t *testing.T, st *starter.Starter, simURL string, accounts []chaosAccount) chaosSummary {
	t.Helper()
	var sum chaosSummary
	wantKind := map[string]int{"account_created": 0, "account_linked": 0, "user_converted": 0, "account_released": 0}
	for _, a := range accounts {
		ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
		r, err := st.Status(ctx, fmt.Sprint(a.id))
		cancel()
		if err != nil {
			t.Errorf("status of %d: %v", a.id, err)
			continue
		}
		res := r.Result
		if r.Status != a.outcome || res == nil || res.Outcome != a.outcome {
			t.Errorf("%d (%s): status %s result %+v, want %s (last error %q)", a.id, a.shape, r.Status, res, a.outcome, r.LastError)
			continue
		}
		if res.UsersConverted != a.converted || res.AlreadyAgents != a.alreadyAgents || len(res.NeedsReactivation) != 0 {
			t.Errorf("%d (%s): converted %d, already agents %d, reactivation %v; want %d and %d", a.id, a.shape,
				res.UsersConverted, res.AlreadyAgents, res.NeedsReactivation, a.converted, a.alreadyAgents)
		}
		if a.outcome == contract.StatusCompleted {
			sum.Completed++
			if res.Subdomain != a.subdomain {
				t.Errorf("%d (%s): subdomain %q, want %q", a.id, a.shape, res.Subdomain, a.subdomain)
			}
		} else {
			sum.AlreadyConnected++
		}
		wantKind["user_converted"] += a.converted
		if a.created {
			wantKind["account_created"]++
		}
		if a.linked {
			wantKind["account_linked"]++
		}
	}
	byKind, bySubject := ledger(t, simURL)
	for kind, n := range wantKind {
		if byKind[kind] != n {
			t.Errorf("ledger has %d %s, want exactly %d", byKind[kind], kind, n)
		}
	}
	var dups []string
	for subject, n := range bySubject {
		if n != 1 {
			sum.Duplicates += n - 1
			dups = append(dups, fmt.Sprintf("%s ×%d", subject, n))
		}
	}
	sort.Strings(dups)
	if len(dups) > 0 {
		t.Errorf("side effects done more than once: %s", strings.Join(dups, ", "))
	}
	sum.UsersConverted, sum.AccountsCreated, sum.AccountsLinked = byKind["user_converted"], byKind["account_created"], byKind["account_linked"]
	return sum
}

// writeChaosArtifact writes the summary to $SELLMIGRATE_ARTIFACTS_DIR/chaos.json when set.
func writeChaosArtifact(t *testing.T, sum chaosSummary) {
	dir := os.Getenv("SELLMIGRATE_ARTIFACTS_DIR")
	if dir == "" {
		return
	}
	b, err := json.MarshalIndent(sum, "", "  ")
	if err != nil {
		t.Fatal(err)
	}
	if err := os.MkdirAll(dir, 0o755); err != nil {
		t.Fatalf("create the artifacts directory: %v", err)
	}
	if err := os.WriteFile(filepath.Join(dir, "chaos.json"), append(b, '\n'), 0o644); err != nil {
		t.Fatalf("write chaos.json: %v", err)
	}
}
