//go:build cluster

package deploy_test

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"net/http"
	"strings"
	"sync"
	"testing"
	"time"

	"go.temporal.io/sdk/client"

	"github.com/sellmigrate/sellmigrate/contract"
	"github.com/sellmigrate/sellmigrate/e2e/harness"
	"github.com/sellmigrate/sellmigrate/starter"
)

// perKind is the load: the 100 migrations of every demo kind by default; CI
// passes a smaller number to fit its time (see .ci/run).
var perKind = flag.Int("cluster.per-kind", 100, "migrations of every demo kind in the cluster chaos run")

// TestClusterChaos runs migrations of every demo kind on deploy/local/cluster (Temporal
// on PostgreSQL, its services in four processes, two workers, the API) while the
// simulator answers 20% of Zendesk calls with a 5xx and 10% with a 429, and these
// faults come one after another: a worker SIGKILLed five times, the history service
// and the matching service SIGKILLed once each, PostgreSQL restarted once (fast
// shutdown, then start). `deploy/local/cluster up` restarts what was killed, as a
// supervisor would. Every migration must reach its expected outcome, the simulator's
// ledger must show each side effect exactly once, and the API must answer reads
// throughout except while PostgreSQL is down, recovering without a restart.
func TestClusterChaos(t *testing.T) {
	began := time.Now()
	c := newCluster(t)
	// down runs however the test ends, a failed up included: nothing is left running.
	t.Cleanup(func() { c.down(t) })
	// The first up may build the Temporal server (minutes on a cold cache).
	c.up(t, 15*time.Minute)
	t.Logf("cluster up in %s (ports from %d, data in %s)", time.Since(began).Round(time.Second), c.base, c.dir)
	apiPid := c.pid("api")

	sim := harness.Sim{URL: c.simURL()}
	accts := accounts(5001, *perKind)
	for _, a := range accts {
		if err := sim.Do(http.MethodPost, "/_sim/accounts", a.spec(), nil, []int{http.StatusCreated}); err != nil {
			t.Fatalf("add account %d: %v", a.id, err)
		}
	}
	sim.SetFaults(t, faults)

	// The test reads and writes payloads as the CLI does: with the payload key
	// `cluster env cli` gives it (compose's), so the workers' encrypted progress reads.
	pc := c.codec(t)
	tc, err := client.Dial(client.Options{HostPort: c.frontend(), Namespace: "default",
		DataConverter: pc.DataConverter(), FailureConverter: pc.FailureConverter()})
	if err != nil {
		t.Fatal(err)
	}
	defer tc.Close()
	// Short retries and timeouts (recorded in each migration): faults never exhaust
	// them, and a killed worker's activities are retried within seconds.
	p := contract.DefaultPolicy()
	p.RetryInitialInterval, p.RetryMaxInterval = 50*time.Millisecond, time.Second
	p.RetryMaxAttempts, p.ActivityTimeout, p.HeartbeatTimeout = 100000, 10*time.Second, 3*time.Second
	st := starter.New(tc, starter.Options{Policy: p, UpdateTimeout: 20 * time.Second, DataConverter: pc.DataConverter()})

	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	reads := watchAPI(ctx, c.apiURL())
	resp := newResponder(st, sim, c.apiURL(), accts)
	var mu sync.Mutex
	var latest map[string]starter.Summary
	go func() {
		for ctx.Err() == nil {
			if s, err := resp.tick(ctx); err == nil {
				mu.Lock()
				latest = s
				mu.Unlock()
			}
			time.Sleep(500 * time.Millisecond)
		}
	}()

	// The faults, one 5 seconds after the previous one is repaired, while the migrations
	// start and run.
	faultsDone := make(chan []string, 1)
	var pg pgWindow
	inFlight := func() int {
		mu.Lock()
		defer mu.Unlock()
		return len(unfinished(latest, accts))
	}
	go func() { faultsDone <- injectFaults(t, c, &pg, inFlight) }()

	// The starts are spread over about the time the faults take, so every fault meets
	// migrations in flight whatever the load.
	pace := max(100*time.Millisecond, 90*time.Second/time.Duration(len(accts)))
	for _, a := range accts {
		startMigration(t, st, a)
		time.Sleep(pace)
	}
	t.Logf("%d migrations started in %s", len(accts), time.Since(began).Round(time.Second))

	var faultLog []string
	deadline := time.Now().Add(time.Duration(len(accts))*2*time.Second + 5*time.Minute)
	lastReport := time.Now()
	for {
		if faultLog == nil {
			select {
			case faultLog = <-faultsDone:
			default:
			}
		}
		mu.Lock()
		snap := latest
		mu.Unlock()
		pending := unfinished(snap, accts)
		if len(pending) == 0 && faultLog != nil {
			break
		}
		if time.Since(lastReport) >= 15*time.Second {
			lastReport = time.Now()
			t.Logf("after %s: %d migrations without an outcome; e.g. %s", time.Since(began).Round(time.Second),
				len(pending), strings.Join(pending[:min(3, len(pending))], "; "))
		}
		if time.Now().After(deadline) {
			t.Fatalf("after %s, %d migrations have no outcome (faults done: %v): %s\nworker-1 log:\n%s", time.Since(began).Round(time.Second),
				len(pending), faultLog != nil, strings.Join(pending[:min(20, len(pending))], "; "), c.logTail("worker-1"))
		}
		time.Sleep(time.Second)
	}
	for _, f := range faultLog {
		t.Log("fault: " + f)
	}
	injected := injectedFaults(t, sim)
	sim.SetFaults(t, map[string]any{})
	cancel()
	resp.wg.Wait()

	completed, connected := checkOutcomes(t, st, sim, accts)
	checkReads(t, reads(), &pg)
	if got := c.pid("api"); got != apiPid {
		t.Errorf("the API was restarted (pid %d, then %d); it must recover from PostgreSQL's restart by itself", apiPid, got)
	}
	t.Logf("cluster chaos: %d/%d migrations reached their outcome (%d completed, %d already connected) in %s; %d faults injected by the simulator; %d sends retried",
		completed+connected, len(accts), completed, connected, time.Since(began).Round(time.Second), injected, resp.failed)
}

// pgWindow is when PostgreSQL was down, for the API's reads.
type pgWindow struct {
	mu         sync.Mutex
	start, end time.Time
}

func (w *pgWindow) set(start, end time.Time) {
	w.mu.Lock()
	defer w.mu.Unlock()
	w.start, w.end = start, end
}

func (w *pgWindow) get() (time.Time, time.Time) {
	w.mu.Lock()
	defer w.mu.Unlock()
	return w.start, w.end
}

// injectFaults runs the faults one after another and returns what it did.
// Each crash is followed by `up`, which starts the part again; nothing else restarts.
func injectFaults(t *testing.T, c *cluster, pg *pgWindow, inFlight func() int) []string {
	steps := []string{"worker-1", "temporal-history", "worker-2", "worker-1", "temporal-matching", "postgres", "worker-2", "worker-1"}
	var log []string
	for _, part := range steps {
		time.Sleep(5 * time.Second)
		at, pending := time.Now(), inFlight()
		if part == "postgres" {
			if _, err := c.run(2*time.Minute, "stop", "postgres"); err != nil {
				t.Error(err)
			}
			time.Sleep(5 * time.Second)
		} else {
			pid := c.pid(part)
			if _, err := c.run(time.Minute, "stop", part, "--kill"); err != nil {
				t.Error(err)
			}
			if pid == 0 || processAlive(pid) {
				t.Errorf("%s (pid %d) was not killed", part, pid)
			}
		}
		if _, err := c.run(5*time.Minute, "up"); err != nil {
			t.Error(err)
			return log
		}
		if part == "postgres" {
			pg.set(at, time.Now())
		}
		log = append(log, fmt.Sprintf("%s %s with %d migrations in flight, back after %s", part,
			map[bool]string{true: "restarted", false: "SIGKILLed"}[part == "postgres"], pending, time.Since(at).Round(100*time.Millisecond)))
	}
	return log
}

// startMigration starts one migration, retrying while the cluster is unreachable; a
// start whose answer was lost but which happened is found running and counts.
func startMigration(t *testing.T, st *starter.Starter, a account) {
	t.Helper()
	deadline := time.Now().Add(2 * time.Minute)
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

// unfinished lists the migrations not yet settled (outcome recorded, run closed) in
// the statuses seen.
func unfinished(seen map[string]starter.Summary, accts []account) []string {
	var out []string
	for _, a := range accts {
		s, ok := seen[contract.WorkflowID(fmt.Sprint(a.id))]
		if !ok || !s.Settled() {
			out = append(out, fmt.Sprintf("%d (%s) %s/%s (%s)", a.id, a.kind, s.Step, s.Status, s.Execution))
		}
	}
	return out
}

func injectedFaults(t *testing.T, sim harness.Sim) int64 {
	var f struct {
		ServerErrors int64 `json:"injected_server_errors"`
		RateLimited  int64 `json:"injected_rate_limited"`
	}
	if err := sim.Do(http.MethodGet, "/_sim/faults", nil, &f, nil); err != nil {
		t.Error(err)
	}
	return f.ServerErrors + f.RateLimited
}

// checkOutcomes checks each migration's outcome and counts, and the ledger: each
// account created and linked and each user converted exactly once.
func checkOutcomes(t *testing.T, st *starter.Starter, sim harness.Sim, accts []account) (completed, connected int) {
	t.Helper()
	want := map[string]int{"account_created": 0, "account_linked": 0, "user_converted": 0, "account_released": 0}
	for _, a := range accts {
		ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
		r, err := st.Status(ctx, fmt.Sprint(a.id))
		cancel()
		if err != nil {
			t.Errorf("status of %d: %v", a.id, err)
			continue
		}
		res := r.Result
		if r.Status != a.outcome || res == nil || res.Outcome != a.outcome {
			t.Errorf("%d (%s): status %s result %+v, want %s (last error %q)", a.id, a.kind, r.Status, res, a.outcome, r.LastError)
			continue
		}
		if res.UsersConverted != a.converted || res.AlreadyAgents != a.alreadyAgents {
			t.Errorf("%d (%s): converted %d, already agents %d; want %d and %d", a.id, a.kind,
				res.UsersConverted, res.AlreadyAgents, a.converted, a.alreadyAgents)
		}
		if a.outcome == contract.StatusCompleted {
			completed++
		} else {
			connected++
		}
		want["user_converted"] += a.converted
		if a.created {
			want["account_created"]++
		}
		if a.linked {
			want["account_linked"]++
		}
	}
	sim.CheckLedger(t, want)
	return completed, connected
}
