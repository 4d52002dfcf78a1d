package harness

import (
	"context"
	"errors"
	"fmt"
	"sync"
	"testing"
	"time"

	"github.com/sellmigrate/sellmigrate/contract"
	"github.com/sellmigrate/sellmigrate/starter"
)

// Responder plays the people of a chaos run: it watches every migration through
// visibility (no worker needed) and gives each human input as soon as a migration waits
// for it, through the starter package as the CLI and the API do; owners sign in through
// the API's owner login page. Sends run in the background and are tried again while the
// migration still waits, so a killed worker or a restarting stack only delays them.
type Responder struct {
	st   *starter.Starter
	sim  Sim
	api  API
	byWF map[string]ChaosAccount

	mu       sync.Mutex
	latest   map[string]starter.Summary // the statuses of the last complete list
	answered map[string]bool            // workflowID/status answered
	inFlight map[string]bool            // workflowID/status being answered
	lastTry  map[string]time.Time       // workflowID/status last attempt
	failed   int
	wg       sync.WaitGroup
}

// NewResponder answers the waits of accounts.
func NewResponder(st *starter.Starter, sim Sim, api API, accounts []ChaosAccount) *Responder {
	r := &Responder{st: st, sim: sim, api: api, byWF: map[string]ChaosAccount{},
		answered: map[string]bool{}, inFlight: map[string]bool{}, lastTry: map[string]time.Time{}}
	for _, a := range accounts {
		r.byWF[a.WorkflowID()] = a
	}
	return r
}

// Tick lists the migrations once, answers the waiting ones and returns every status.
func (r *Responder) Tick(ctx context.Context) (map[string]starter.Summary, error) {
	lctx, cancel := context.WithTimeout(ctx, 10*time.Second)
	defer cancel()
	list, err := r.st.List(lctx, starter.ListFilter{})
	if err != nil {
		return nil, err
	}
	out := make(map[string]starter.Summary, len(list))
	for _, s := range list {
		out[s.WorkflowID] = s
		a, ok := r.byWF[s.WorkflowID]
		if !ok || !contract.Status(s.Status).Waiting() {
			continue
		}
		key := s.WorkflowID + "/" + s.Status
		r.mu.Lock()
		due := !r.answered[key] && !r.inFlight[key] && time.Since(r.lastTry[key]) > 2*time.Second
		if due {
			r.inFlight[key], r.lastTry[key] = true, time.Now()
		}
		r.mu.Unlock()
		if due {
			r.wg.Add(1)
			go r.answer(ctx, key, a, contract.Status(s.Status))
		}
	}
	return out, nil
}

// Watch ticks every interval until ctx ends, keeping each complete list for Unsettled.
func (r *Responder) Watch(ctx context.Context, interval time.Duration) {
	for ctx.Err() == nil {
		if s, err := r.Tick(ctx); err == nil {
			r.mu.Lock()
			r.latest = s
			r.mu.Unlock()
		}
		time.Sleep(interval)
	}
}

// Unsettled lists the accounts' migrations not yet settled in the last list Watch kept.
func (r *Responder) Unsettled(accounts []ChaosAccount) []string {
	r.mu.Lock()
	seen := r.latest
	r.mu.Unlock()
	return Unsettled(seen, accounts)
}

func (r *Responder) answer(ctx context.Context, key string, a ChaosAccount, status contract.Status) {
	defer r.wg.Done()
	sctx, cancel := context.WithTimeout(ctx, 30*time.Second)
	defer cancel()
	err := Answer(sctx, r.st, r.sim, r.api, a.Person(), status)
	r.mu.Lock()
	defer r.mu.Unlock()
	delete(r.inFlight, key)
	if err != nil {
		// Not answered (the worker died, the stack restarts, or the input raced the
		// status): the next tick tries again while the migration still waits.
		r.failed++
		return
	}
	r.answered[key] = true
}

// Wait waits for the sends in flight (cancel their context first).
func (r *Responder) Wait() { r.wg.Wait() }

// Waits returns every wait the responder saw (workflowID/status, answered or not: a
// send that timed out may still have been applied) and the sends that failed.
func (r *Responder) Waits() (seen map[string]bool, failed int) {
	r.mu.Lock()
	defer r.mu.Unlock()
	seen = map[string]bool{}
	for k := range r.lastTry {
		seen[k] = true
	}
	return seen, r.failed
}

// CheckWaits checks each migration waited for exactly the people its path needs.
func (r *Responder) CheckWaits(t testing.TB, accounts []ChaosAccount) {
	t.Helper()
	seen, _ := r.Waits()
	want := map[string]bool{}
	for _, a := range accounts {
		for _, w := range a.Waits() {
			want[a.WorkflowID()+"/"+string(w)] = true
		}
	}
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
}

// StartMigration starts one migration, trying again for up to within while Temporal is
// unreachable; a start whose answer was lost but which happened is found and counts.
func StartMigration(t testing.TB, st *starter.Starter, a ChaosAccount, within time.Duration) {
	t.Helper()
	if err := StartMigrationWithin(context.Background(), st, a, within); err != nil {
		t.Fatal(err)
	}
}

// StartMigrationWithin is StartMigration for a goroutine: it returns the last error
// once within has passed, or at once when ctx ends, instead of failing the test.
func StartMigrationWithin(ctx context.Context, st *starter.Starter, a ChaosAccount, within time.Duration) error {
	deadline := time.Now().Add(within)
	for {
		callCtx, cancel := context.WithTimeout(ctx, 10*time.Second)
		_, err := st.Start(callCtx, a.Start())
		cancel()
		var dup *starter.AlreadyStartedError
		if err == nil || errors.As(err, &dup) {
			return nil
		}
		if time.Now().After(deadline) || ctx.Err() != nil {
			return fmt.Errorf("start the migration of %d: %w", a.ID, err)
		}
		time.Sleep(500 * time.Millisecond)
	}
}

// Unsettled lists the migrations not yet settled (outcome recorded, run closed) in the
// statuses seen.
func Unsettled(seen map[string]starter.Summary, accounts []ChaosAccount) []string {
	var out []string
	for _, a := range accounts {
		s, ok := seen[a.WorkflowID()]
		if !ok || !s.Settled() {
			out = append(out, fmt.Sprintf("%d (%s) %s/%s (%s)", a.ID, a.Shape, s.Step, s.Status, s.Execution))
		}
	}
	return out
}

// Outcomes is what CheckOutcomes found.
type Outcomes struct {
	Completed, AlreadyConnected int
	// Ledger is the simulator's side effects by kind; Repeats those done more than once.
	Ledger  map[string]int
	Repeats int
}

// CheckOutcomes checks each migration's outcome and counts, and the ledger: each account
// created and linked and each user converted exactly once, in the exact totals.
func CheckOutcomes(t testing.TB, st *starter.Starter, sim Sim, accounts []ChaosAccount) Outcomes {
	t.Helper()
	var o Outcomes
	want := map[string]int{"account_created": 0, "account_linked": 0, "user_converted": 0, "account_released": 0}
	for _, a := range accounts {
		// The ledger's totals count every account, whatever its status says.
		want["user_converted"] += a.Converted
		if a.Created {
			want["account_created"]++
		}
		if a.Linked {
			want["account_linked"]++
		}
		ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
		r, err := st.Status(ctx, fmt.Sprint(a.ID))
		cancel()
		if err != nil {
			t.Errorf("status of %d: %v", a.ID, err)
			continue
		}
		res := r.Result
		if r.Status != a.Outcome || res == nil || res.Outcome != a.Outcome {
			t.Errorf("%d (%s): status %s result %+v, want %s (last error %q; %s)", a.ID, a.Shape, r.Status, res, a.Outcome, r.LastError, r.ProgressNote)
			continue
		}
		if res.UsersConverted != a.Converted || res.AlreadyAgents != a.AlreadyAgents || len(res.NeedsReactivation) != 0 {
			t.Errorf("%d (%s): converted %d, already agents %d, reactivation %v; want %d and %d", a.ID, a.Shape,
				res.UsersConverted, res.AlreadyAgents, res.NeedsReactivation, a.Converted, a.AlreadyAgents)
		}
		if a.Outcome == contract.StatusCompleted {
			o.Completed++
			if res.Subdomain != a.Subdomain {
				t.Errorf("%d (%s): subdomain %q, want %q", a.ID, a.Shape, res.Subdomain, a.Subdomain)
			}
		} else {
			o.AlreadyConnected++
		}
	}
	o.Ledger, o.Repeats = sim.CheckLedger(t, want)
	return o
}
