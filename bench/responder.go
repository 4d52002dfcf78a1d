package bench

import (
	"context"
	"fmt"
	"net/http"
	"strconv"
	"strings"
	"sync"
	"time"

	"go.temporal.io/api/workflowservice/v1"
	"go.temporal.io/sdk/client"

	"github.com/sellmigrate/sellmigrate/contract"
	"github.com/sellmigrate/sellmigrate/internal/ownerlink"
	"github.com/sellmigrate/sellmigrate/internal/simsignin"
	"github.com/sellmigrate/sellmigrate/platform/sim"
	"github.com/sellmigrate/sellmigrate/starter"
)

// responderPoll is how often the responder looks for waiting workflows. It adds at
// most this much to each wait, for migrations and floor alike.
const responderPoll = 100 * time.Millisecond

// responderConcurrency bounds the inputs in flight.
const responderConcurrency = 64

// responder plays the people: it finds workflows waiting for the owner login or the
// disclaimers through visibility (as a dashboard would) and answers at once. For a
// migration the owner signs in as a person does, through the API's owner login and the
// simulator's sign-in form (the API then stores the grant and sends the update), and
// the disclaimers go as an update through the starter, the path the HTTP API takes.
// A floor workflow gets both as plain updates.
type responder struct {
	c        client.Client
	st       *starter.Starter
	apiURL   string
	links    *ownerlink.Signer
	http     *http.Client
	typeName string
	floor    bool

	mu      sync.Mutex
	sent    map[string]bool // workflowID + "/" + status
	count   int
	retries int
	lastErr error
}

// waits are the statuses the responder answers, and the input each takes.
var waits = []struct {
	status contract.Status
	input  string
}{
	{contract.StatusAwaitingOwnerLogin, contract.OwnerLoginName},
	{contract.StatusAwaitingDisclaimers, contract.AcceptDisclaimersName},
}

func newResponder(c client.Client, st *starter.Starter, apiURL string, links *ownerlink.Signer, typeName string, floor bool) *responder {
	// Keeps a connection per login in flight to the API and the simulator alike, so a
	// large run reuses connections rather than exhausting loopback ports.
	t := http.DefaultTransport.(*http.Transport).Clone()
	t.MaxIdleConnsPerHost = responderConcurrency
	return &responder{c: c, st: st, apiURL: apiURL, links: links, http: &http.Client{Transport: t}, typeName: typeName, floor: floor, sent: map[string]bool{}}
}

// run answers until ctx ends.
func (r *responder) run(ctx context.Context) {
	sem := make(chan struct{}, responderConcurrency)
	var wg sync.WaitGroup
	defer r.http.CloseIdleConnections()
	defer wg.Wait()
	t := time.NewTicker(responderPoll)
	defer t.Stop()
	for {
		for _, w := range waits {
			ids, err := r.waiting(ctx, w.status)
			if err != nil {
				r.note(err)
				continue
			}
			for _, id := range ids {
				key := id + "/" + string(w.status)
				r.mu.Lock()
				dup := r.sent[key]
				r.sent[key] = true
				r.mu.Unlock()
				if dup {
					continue
				}
				select {
				case sem <- struct{}{}:
				case <-ctx.Done():
					return
				}
				wg.Add(1)
				go func() {
					defer wg.Done()
					defer func() { <-sem }()
					if err := r.send(ctx, id, w.input); err != nil && ctx.Err() == nil {
						// Try again at the next look, if it still waits.
						r.mu.Lock()
						delete(r.sent, key)
						r.retries++
						r.lastErr = err
						r.mu.Unlock()
						return
					}
					r.mu.Lock()
					r.count++
					r.mu.Unlock()
				}()
			}
		}
		select {
		case <-ctx.Done():
			return
		case <-t.C:
		}
	}
}

func (r *responder) note(err error) {
	r.mu.Lock()
	r.lastErr = err
	r.mu.Unlock()
}

// waiting lists the open workflows of the type in a waiting status.
func (r *responder) waiting(ctx context.Context, status contract.Status) ([]string, error) {
	q := fmt.Sprintf("WorkflowType = '%s' AND ExecutionStatus = 'Running' AND %s = '%s'",
		r.typeName, contract.SearchAttrStatus.GetName(), status)
	var ids []string
	var token []byte
	for {
		resp, err := r.c.ListWorkflow(ctx, &workflowservice.ListWorkflowExecutionsRequest{Query: q, PageSize: 1000, NextPageToken: token})
		if err != nil {
			return ids, fmt.Errorf("list waiting workflows: %w", err)
		}
		for _, e := range resp.GetExecutions() {
			ids = append(ids, e.GetExecution().GetWorkflowId())
		}
		if token = resp.GetNextPageToken(); len(token) == 0 {
			return ids, nil
		}
	}
}

// send delivers the input a person would give.
func (r *responder) send(ctx context.Context, workflowID, input string) error {
	id, err := accountOf(workflowID)
	if err != nil {
		return err
	}
	ctx, cancel := context.WithTimeout(ctx, time.Minute)
	defer cancel()
	if !r.floor {
		if input == contract.OwnerLoginName {
			link, _ := r.links.Link(r.apiURL, workflowID, time.Now())
			_, err := simsignin.OwnerLogin(ctx, r.http, link, sim.BenchOwnerEmail(id), sim.DemoPassword)
			return err
		}
		_, err := r.st.Send(ctx, workflowID, input, contract.AcceptDisclaimersInput{By: sim.BenchAdminEmail(id)})
		return err
	}
	// The floor's validators look only at its status; the grant ID only has to be well
	// formed, since no grant is read.
	var payload any = contract.AcceptDisclaimersInput{By: sim.BenchAdminEmail(id)}
	if input == contract.OwnerLoginName {
		payload = contract.OwnerLoginInput{GrantID: "cred_bench_floor"}
	}
	h, err := r.c.UpdateWorkflow(ctx, client.UpdateWorkflowOptions{
		WorkflowID: workflowID, UpdateName: input, Args: []any{payload},
		WaitForStage: client.WorkflowUpdateStageCompleted,
	})
	if err != nil {
		return err
	}
	return h.Get(ctx, nil)
}

func (r *responder) stats() (sent, retries int, lastErr error) {
	r.mu.Lock()
	defer r.mu.Unlock()
	return r.count, r.retries, r.lastErr
}

// floorIDPrefix prefixes the floor workflows' IDs.
const floorIDPrefix = "bench-floor-"

// accountOf is the synthetic account number behind a migration or floor workflow ID.
func accountOf(workflowID string) (int64, error) {
	s := strings.TrimPrefix(strings.TrimPrefix(workflowID, floorIDPrefix), contract.WorkflowIDPrefix)
	id, err := strconv.ParseInt(s, 10, 64)
	if err != nil {
		return 0, fmt.Errorf("bench: workflow %s is not one of the benchmark's", workflowID)
	}
	return id, nil
}
