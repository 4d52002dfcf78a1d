//go:build cluster

package deploy_test

import (
	"context"
	"fmt"
	"sync"
	"time"

	"github.com/sellmigrate/sellmigrate/contract"
	"github.com/sellmigrate/sellmigrate/e2e/harness"
	"github.com/sellmigrate/sellmigrate/starter"
)

// responder plays the people: it watches every migration through visibility and gives
// each input as soon as a migration waits for it. The owner signs in through the API's
// owner login page on the simulator, as `sellmigrate signal ID owner-login --as` does,
// so the API, its credential store in PostgreSQL and the grant the worker acts with are
// all on the path. Failed sends are tried again while the migration still waits.
type responder struct {
	st     *starter.Starter
	sim    harness.Sim
	apiURL string
	byWF   map[string]account

	mu       sync.Mutex
	inFlight map[string]bool
	lastTry  map[string]time.Time
	failed   int
	wg       sync.WaitGroup
}

func newResponder(st *starter.Starter, sim harness.Sim, apiURL string, accounts []account) *responder {
	r := &responder{st: st, sim: sim, apiURL: apiURL, byWF: map[string]account{},
		inFlight: map[string]bool{}, lastTry: map[string]time.Time{}}
	for _, a := range accounts {
		r.byWF[contract.WorkflowID(fmt.Sprint(a.id))] = a
	}
	return r
}

// tick lists the migrations once, answers the waiting ones and returns every status.
func (r *responder) tick(ctx context.Context) (map[string]starter.Summary, error) {
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
		due := !r.inFlight[key] && time.Since(r.lastTry[key]) > 3*time.Second
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

func (r *responder) answer(ctx context.Context, key string, a account, status contract.Status) {
	defer r.wg.Done()
	sctx, cancel := context.WithTimeout(ctx, 30*time.Second)
	defer cancel()
	err := harness.Answer(sctx, r.st, r.sim, r.apiURL,
		harness.Person{SellAccountID: a.id, Subdomain: a.subdomain, Admin: a.admin, Owner: a.owner}, status)
	r.mu.Lock()
	defer r.mu.Unlock()
	delete(r.inFlight, key)
	if err != nil {
		r.failed++
	}
}
