package e2e

import (
	"context"
	"fmt"
	"sync"
	"time"

	"github.com/sellmigrate/sellmigrate/contract"
	"github.com/sellmigrate/sellmigrate/e2e/harness"
	"github.com/sellmigrate/sellmigrate/starter"
)

// responder plays the people: it watches every migration through visibility (no
// worker needed) and sends each human input as soon as a migration waits for it,
// through the starter package as the CLI and the API do. Sends run in the background
// and are retried while the migration still waits, so a killed worker or a restarting
// stack only delays an answer.
type responder struct {
	st       *starter.Starter
	sim      harness.Sim
	apiURL   string                  // the owners sign in through its owner login page
	accounts map[string]chaosAccount // by workflow ID

	mu       sync.Mutex
	answered map[string]bool      // workflowID/status answered
	inFlight map[string]bool      // workflowID/status being answered
	lastTry  map[string]time.Time // workflowID/status last attempt
	failed   int
	wg       sync.WaitGroup
}

func newResponder(st *starter.Starter, sim harness.Sim, apiURL string, accounts []chaosAccount) *responder {
	r := &responder{st: st, sim: sim, apiURL: apiURL, accounts: map[string]chaosAccount{},
		answered: map[string]bool{}, inFlight: map[string]bool{}, lastTry: map[string]time.Time{}}
	for _, a := range accounts {
		r.accounts[contract.WorkflowID(fmt.Sprint(a.id))] = a
	}
	return r
}

// tick lists the migrations once, answers the waiting ones and returns every status.
func (r *responder) tick(ctx context.Context) (map[string]starter.Summary, error) {
	lctx, cancel := context.WithTimeout(ctx, 5*time.Second)
	defer cancel()
	list, err := r.st.List(lctx, starter.ListFilter{})
	if err != nil {
		return nil, err
	}
	out := make(map[string]starter.Summary, len(list))
	for _, s := range list {
		out[s.WorkflowID] = s
		if !contract.Status(s.Status).Waiting() {
			continue
		}
		a, ok := r.accounts[s.WorkflowID]
		if !ok {
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

// answer sends the input the status asks for.
func (r *responder) answer(ctx context.Context, key string, a chaosAccount, status contract.Status) {
	defer r.wg.Done()
	sctx, cancel := context.WithTimeout(ctx, 30*time.Second)
	defer cancel()
	err := harness.Answer(sctx, r.st, r.sim, r.apiURL,
		harness.Person{SellAccountID: a.id, Subdomain: a.subdomain, Admin: a.admin, Owner: a.owner}, status)
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

// waits returns every wait the responder saw (workflowID/status, answered or not: a
// send that timed out may still have been applied) and the sends that failed.
func (r *responder) waits() (seen map[string]bool, failed int) {
	r.mu.Lock()
	defer r.mu.Unlock()
	seen = map[string]bool{}
	for k := range r.lastTry {
		seen[k] = true
	}
	return seen, r.failed
}

// expectedWaits is every wait the accounts' paths go through, as workflowID/status.
func expectedWaits(accounts []chaosAccount) map[string]bool {
	out := map[string]bool{}
	for _, a := range accounts {
		id := contract.WorkflowID(fmt.Sprint(a.id)) + "/"
		var waits []contract.Status
		switch a.shape {
		case shapeNewSmall, shapeNewPaged:
			waits = []contract.Status{contract.StatusAwaitingDisclaimers}
		case shapeExisting:
			waits = []contract.Status{contract.StatusAwaitingOwnerLogin, contract.StatusAwaitingDisclaimers}
		case shapeOwnerUnlicense:
			waits = []contract.Status{contract.StatusAwaitingOwnerLogin, contract.StatusOwnerNeedsSellLicense, contract.StatusAwaitingDisclaimers}
		case shapeTakenThenFixed:
			waits = []contract.Status{contract.StatusNeedsSubdomain, contract.StatusAwaitingDisclaimers}
		}
		for _, w := range waits {
			out[id+string(w)] = true
		}
	}
	return out
}
