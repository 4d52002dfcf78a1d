//go:build cluster

package deploy_test

import (
	"context"
	"fmt"
	"net/http"
	"net/url"
	"sync"
	"time"

	"github.com/sellmigrate/sellmigrate/contract"
	"github.com/sellmigrate/sellmigrate/e2e/harness"
	"github.com/sellmigrate/sellmigrate/internal/simsignin"
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
	ref := fmt.Sprint(a.id)
	sctx, cancel := context.WithTimeout(ctx, 30*time.Second)
	defer cancel()
	var err error
	switch status {
	case contract.StatusNeedsSubdomain:
		_, err = r.st.Send(sctx, ref, contract.ChooseSubdomainName, contract.ChooseSubdomainInput{Subdomain: a.subdomain, By: a.admin})
	case contract.StatusAwaitingOwnerLogin:
		// The owner login page (contract's owner-login Page) on the API.
		link := r.apiURL + "/oauth/owner-login?migration=" + url.QueryEscape(ref)
		_, err = simsignin.OwnerLogin(sctx, nil, link, a.owner, "demo-password")
	case contract.StatusOwnerNeedsSellLicense:
		err = r.sim.Do(http.MethodPost, fmt.Sprintf("/_sim/sell/%d/users", a.id),
			map[string]string{"name": "Owner", "email": a.owner, "role": "user"}, nil, []int{http.StatusCreated, http.StatusOK})
		if err == nil {
			_, err = r.st.Send(sctx, ref, contract.LicenseAssignedName, contract.LicenseAssignedInput{By: a.admin})
		}
	case contract.StatusAwaitingDisclaimers:
		_, err = r.st.Send(sctx, ref, contract.AcceptDisclaimersName, contract.AcceptDisclaimersInput{By: a.admin})
	}
	r.mu.Lock()
	defer r.mu.Unlock()
	delete(r.inFlight, key)
	if err != nil {
		r.failed++
	}
}
