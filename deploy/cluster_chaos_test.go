//go:build cluster

package deploy_test

import (
	"context"
	"flag"
	"fmt"
	"strings"
	"sync"
	"testing"
	"time"

	"go.temporal.io/sdk/client"

	"github.com/sellmigrate/sellmigrate/contract"
	"github.com/sellmigrate/sellmigrate/e2e/harness"
	"github.com/sellmigrate/sellmigrate/starter"
)

// migrations is the load: 100 migrations, every demo shape among them in the demo's
// proportions (harness.ChaosMix), as the embedded chaos run has.
var migrations = flag.Int("cluster.migrations", 100, "migrations in the cluster chaos run, of every demo shape")

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
	accts := harness.LayOut(5001, "cl", harness.ScaleMix(*migrations))
	// An operator stores a token of each already connected account's admin, in the
	// workers' store (PostgreSQL), with the CLI as the cluster's env sets it up.
	harness.AddChaosAccounts(t, sim, accts, func(sub, email string) { c.addOperatorToken(t, sub, email) })
	sim.SetFaults(t, harness.ChaosFaults)

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
	reads := watchAPI(ctx, c.apiURL(), c.adminToken(t))
	resp := harness.NewResponder(st, sim, harness.API{URL: c.apiURL(), AdminToken: c.adminToken(t)}, accts)
	go resp.Watch(ctx, 500*time.Millisecond)

	// The faults, one 5 seconds after the previous one is repaired, while the migrations
	// start and run.
	faultsDone := make(chan []string, 1)
	var pg pgWindow
	inFlight := func() int { return len(resp.Unsettled(accts)) }
	go func() { faultsDone <- injectFaults(t, c, &pg, inFlight) }()

	// The starts are spread over about the time the faults take, so every fault meets
	// migrations in flight whatever the load.
	pace := max(100*time.Millisecond, 90*time.Second/time.Duration(len(accts)))
	for _, a := range accts {
		harness.StartMigration(t, st, a, 2*time.Minute)
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
		pending := resp.Unsettled(accts)
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
	injected, err := harness.InjectedFaults(sim)
	if err != nil {
		t.Error(err)
	}
	sim.SetFaults(t, map[string]any{})
	cancel()
	resp.Wait()

	out := harness.CheckOutcomes(t, st, sim, accts)
	resp.CheckWaits(t, accts)
	_, retried := resp.Waits()
	checkReads(t, reads(), &pg)
	if got := c.pid("api"); got != apiPid {
		t.Errorf("the API was restarted (pid %d, then %d); it must recover from PostgreSQL's restart by itself", apiPid, got)
	}
	t.Logf("cluster chaos: %d/%d migrations reached their outcome (%d completed, %d already connected) in %s; %d faults injected by the simulator; %d sends retried",
		out.Completed+out.AlreadyConnected, len(accts), out.Completed, out.AlreadyConnected, time.Since(began).Round(time.Second), injected, retried)
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
