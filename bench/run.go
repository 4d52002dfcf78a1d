package bench

import (
	"context"
	"errors"
	"fmt"
	"os"
	"runtime"
	"strconv"
	"strings"
	"time"

	enumspb "go.temporal.io/api/enums/v1"
	"go.temporal.io/api/workflowservice/v1"
	"go.temporal.io/sdk/client"
	"golang.org/x/sync/errgroup"

	"github.com/sellmigrate/sellmigrate/contract"
	"github.com/sellmigrate/sellmigrate/platform/sim"
	"github.com/sellmigrate/sellmigrate/starter"
)

// Run performs one benchmark: the end-to-end case (N floor workflows, then N
// migrations, on the same server and worker) or, with Options.Parked, the parked case.
func Run(ctx context.Context, o Options) (Result, error) {
	o, err := o.withDefaults()
	if err != nil {
		return Result{}, err
	}
	ctx, cancel := context.WithTimeout(ctx, o.Timeout)
	defer cancel()
	began := time.Now()
	accounts := max(o.N, o.Parked)
	o.Progress("starting the embedded Temporal server, the simulator (%d synthetic accounts) and a worker", accounts)
	e, err := startEnv(ctx, o, accounts)
	if err != nil {
		return Result{}, err
	}
	res := Result{N: accounts, Setup: setupOf(o, began)}
	st := starter.New(e.client, starter.Options{BulkConcurrency: o.BulkConcurrency, Logger: o.Logger, DataConverter: e.codec.DataConverter()})
	if err := e.serveAPI(ctx, st); err != nil {
		return Result{}, errors.Join(err, e.close())
	}
	switch {
	case o.Campaign:
		res.Mode = "campaign"
		err = runCampaign(ctx, o, e, st, &res)
	case o.Parked > 0:
		res.Mode = "parked"
		err = runParked(ctx, o, e, st, &res)
	default:
		res.Mode = "end_to_end"
		err = runEndToEnd(ctx, o, e, st, &res)
	}
	res.SimStats = e.sim.Stats()
	res.VisibilityQueries = e.visibility.Top(12)
	res.FrontendCalls = e.visibility.Methods()
	for _, q := range res.VisibilityQueries[:min(5, len(res.VisibilityQueries))] {
		o.Progress("visibility: %.1f s in %d calls (mean %.1f ms, max %.0f ms): %s %s", q.TotalSec, q.Calls, q.MeanMs, q.MaxMs, q.Method, q.Query)
	}
	_, res.PeakRSSMB = e.workerRSS()
	_, res.ServerPeakRSSMB = procRSS("/proc/self/status")
	res.PeakRSSMB, res.ServerPeakRSSMB = round(res.PeakRSSMB), round(res.ServerPeakRSSMB)
	res.Setup.DurationSec = round(time.Since(began).Seconds())
	if cerr := e.close(); cerr != nil {
		o.Logger.Warn("benchmark environment did not close cleanly")
		err = errors.Join(err, cerr)
	}
	return res, err
}

func runEndToEnd(ctx context.Context, o Options, e *env, st *starter.Starter, res *Result) error {
	var fl, mg phase
	batch := (o.N + o.Rounds - 1) / o.Rounds
	for first := 0; first < o.N; first += batch {
		b := span{first: first, n: min(batch, o.N-first)}
		o.Progress("round %d/%d: %d floor workflows (no-op activities), then %d migrations", first/batch+1, o.Rounds, b.n, b.n)
		if err := runPhase(ctx, o, e, st, b, true, &fl); err != nil {
			return fmt.Errorf("bench: floor workflows: %w", err)
		}
		if err := runPhase(ctx, o, e, st, b, false, &mg); err != nil {
			return fmt.Errorf("bench: migrations: %w", err)
		}
		o.Progress("  so far: floor %.1f/s, migrations %.1f/s", fl.rate(), mg.rate())
	}
	sortDurations(fl.latencies)
	sortDurations(mg.latencies)
	res.MigrationsPerSec, res.FloorPerSec = round(mg.rate()), round(fl.rate())
	if fl.rate() > 0 {
		res.Ratio = round(mg.rate() / fl.rate())
	}
	res.P50ms, res.P95ms, res.P99ms = percentile(mg.latencies, 50), percentile(mg.latencies, 95), percentile(mg.latencies, 99)
	res.FloorP50ms, res.FloorP95ms, res.FloorP99ms = percentile(fl.latencies, 50), percentile(fl.latencies, 95), percentile(fl.latencies, 99)
	res.StartsPerSec, res.FloorStartsPerSec = round(mg.startRate()), round(fl.startRate())
	res.Completed, res.NotCompleted = mg.completed, mg.other
	res.InputsSent, res.InputRetries = mg.sent, mg.retries
	res.HistoryEvents, res.FloorHistoryEvents = mg.events, fl.events
	res.CPUmsPerWorkflow = map[string]float64{
		"migration_server": round(mg.serverCPU * 1000 / float64(max(1, mg.count))),
		"migration_worker": round(mg.workerCPU * 1000 / float64(max(1, mg.count))),
		"floor_server":     round(fl.serverCPU * 1000 / float64(max(1, fl.count))),
		"floor_worker":     round(fl.workerCPU * 1000 / float64(max(1, fl.count))),
	}
	if mg.other > 0 {
		return fmt.Errorf("bench: %d of %d migrations did not complete; see the worker log", mg.other, o.N)
	}
	return nil
}

// span is a batch of synthetic accounts: indexes first to first+n-1.
type span struct{ first, n int }

// runPhase starts one batch of workflows of one kind with the responder answering,
// waits until all are closed, and adds their timings to p: the batch lasts from its
// first start to its last close (server time).
func runPhase(ctx context.Context, o Options, e *env, st *starter.Starter, b span, floor bool, p *phase) error {
	typeName := contract.WorkflowName
	if floor {
		typeName = FloorWorkflowName
	}
	resp := newResponder(e.client, st, e.apiURL, e.links, typeName, floor)
	rctx, stopResponder := context.WithCancel(ctx)
	responderDone := make(chan struct{})
	go func() { defer close(responderDone); resp.run(rctx) }()
	defer func() { stopResponder(); <-responderDone }()

	closedBefore := p.completed + p.other
	serverCPU, workerCPU := e.cpuSeconds()
	defer func() {
		s, w := e.cpuSeconds()
		p.serverCPU += s - serverCPU
		p.workerCPU += w - workerCPU
	}()
	began := time.Now()
	var err error
	if floor {
		err = startFloor(ctx, e.client, o, b)
	} else {
		err = startMigrations(ctx, st, b)
	}
	if err != nil {
		return err
	}
	startSecs := time.Since(began).Seconds()
	p.starts += b.n
	p.startSecs += startSecs
	o.Progress("  %s: started %d in %.1fs (%.0f/s)", typeName, b.n, startSecs, float64(b.n)/startSecs)
	if err := waitClosed(ctx, e.client, typeName, closedBefore+b.n, o.Progress); err != nil {
		sent, retries, lastErr := resp.stats()
		return fmt.Errorf("%w (inputs sent %d, retried %d, last error: %v)", err, sent, retries, lastErr)
	}
	lastClose, err := collect(ctx, e.client, typeName, began, p)
	if err != nil {
		return err
	}
	p.count += b.n
	p.secs += lastClose.Sub(began).Seconds()
	if p.events == 0 {
		id := floorIDPrefix + strconv.Itoa(firstAccountID+b.first)
		if !floor {
			id = contract.WorkflowID(strconv.Itoa(firstAccountID + b.first))
		}
		p.events = historyLength(ctx, e.client, id)
	}
	sent, retries, _ := resp.stats()
	p.sent += sent
	p.retries += retries
	return nil
}

// startMigrations uses the bulk starter, as `start --csv` and the API's bulk start do.
func startMigrations(ctx context.Context, st *starter.Starter, b span) error {
	reqs := make([]starter.StartRequest, b.n)
	for i := range reqs {
		reqs[i] = benchRequest(b.first + i)
	}
	var failed []string
	for _, r := range st.StartRows(ctx, starter.CheckRows(reqs)) {
		if r.Err != nil {
			failed = append(failed, fmt.Sprintf("%s: %v", r.AccountID, r.Err))
		}
	}
	if len(failed) > 0 {
		return fmt.Errorf("%d starts failed, first: %s", len(failed), failed[0])
	}
	return nil
}

// benchRequest is the existing-mode start of synthetic account number i (0-based).
func benchRequest(i int) starter.StartRequest {
	id := int64(firstAccountID + i)
	return starter.StartRequest{
		AccountID: strconv.FormatInt(id, 10), Mode: string(contract.ModeExisting),
		Subdomain: sim.BenchSubdomain(id), RequestedBy: sim.BenchAdminEmail(id), OwnerEmail: sim.BenchOwnerEmail(id),
	}
}

// startFloor starts the floor workflows with the same concurrency as the bulk starter.
func startFloor(ctx context.Context, c client.Client, o Options, b span) error {
	g, gctx := errgroup.WithContext(ctx)
	g.SetLimit(bulkConcurrency(o))
	for i := range b.n {
		id := strconv.Itoa(firstAccountID + b.first + i)
		g.Go(func() error {
			_, err := c.ExecuteWorkflow(gctx, client.StartWorkflowOptions{
				ID: floorIDPrefix + id, TaskQueue: contract.TaskQueue,
				WorkflowIDConflictPolicy: enumspb.WORKFLOW_ID_CONFLICT_POLICY_FAIL,
			}, FloorWorkflowName, FloorInput{SellAccountID: id})
			return err
		})
	}
	return g.Wait()
}

func bulkConcurrency(o Options) int {
	if o.BulkConcurrency > 0 {
		return o.BulkConcurrency
	}
	return 16 // the starter's default
}

// waitClosed polls visibility until n workflows of the type are closed.
func waitClosed(ctx context.Context, c client.Client, typeName string, n int, progress func(string, ...any)) error {
	q := fmt.Sprintf("WorkflowType = '%s' AND ExecutionStatus != 'Running'", typeName)
	lastReport := time.Now()
	for {
		resp, err := c.CountWorkflow(ctx, &workflowservice.CountWorkflowExecutionsRequest{Query: q})
		if err == nil && resp.GetCount() >= int64(n) {
			return nil
		}
		if time.Since(lastReport) > 10*time.Second && err == nil {
			progress("  %d of %d closed", resp.GetCount(), n)
			lastReport = time.Now()
		}
		select {
		case <-ctx.Done():
			return fmt.Errorf("gave up waiting for %d %s to close: %w", n, typeName, ctx.Err())
		case <-time.After(200 * time.Millisecond):
		}
	}
}

// collect reads the workflows of the type closed since the batch began (each batch
// runs alone): latencies, outcomes and the last close time.
func collect(ctx context.Context, c client.Client, typeName string, since time.Time, p *phase) (time.Time, error) {
	q := fmt.Sprintf("WorkflowType = '%s' AND ExecutionStatus != 'Running' AND StartTime >= '%s'",
		typeName, since.UTC().Format(time.RFC3339Nano))
	var last time.Time
	var token []byte
	for {
		resp, err := c.ListWorkflow(ctx, &workflowservice.ListWorkflowExecutionsRequest{Query: q, PageSize: 1000, NextPageToken: token})
		if err != nil {
			return last, fmt.Errorf("list closed %s: %w", typeName, err)
		}
		for _, info := range resp.GetExecutions() {
			start, end := info.GetStartTime().AsTime(), info.GetCloseTime().AsTime()
			p.latencies = append(p.latencies, end.Sub(start))
			if p.firstStart.IsZero() || start.Before(p.firstStart) {
				p.firstStart = start
			}
			if start.After(p.lastStart) {
				p.lastStart = start
			}
			if end.After(last) {
				last = end
			}
			if info.GetStatus() == enumspb.WORKFLOW_EXECUTION_STATUS_COMPLETED {
				p.completed++
			} else {
				p.other++
			}
		}
		if token = resp.GetNextPageToken(); len(token) == 0 {
			break
		}
	}
	return last, nil
}

func setupOf(o Options, began time.Time) Setup {
	s := Setup{
		Command: strings.Join(os.Args, " "), StartedAt: began.UTC(), CPUs: runtime.NumCPU(), GoVersion: runtime.Version(),
		SQLiteSynchronous: o.SQLiteSynchronous, UsersPerAccount: o.UsersPerAccount, BulkConcurrency: bulkConcurrency(o),
		WorkerEnv: map[string]string{}, Rounds: o.Rounds, SimSupportLimit: o.SimSupportLimitPerMinute,
		ServerConfig: o.ServerConfig, SQLiteMaxConns: max(1, o.SQLiteMaxConns), Workers: o.Workers,
		TemporalAddress: o.TemporalAddress,
	}
	if s.SimSupportLimit == 0 {
		s.SimSupportLimit = 700
	}
	if o.Parked > 0 {
		s.Rounds = 0
	}
	if s.SQLiteSynchronous == "" {
		s.SQLiteSynchronous = "normal"
	}
	for _, kv := range os.Environ() {
		if k, v, ok := strings.Cut(kv, "="); ok && (strings.HasPrefix(k, "SELLMIGRATE_WORKER_") || strings.HasPrefix(k, "SELLMIGRATE_ZENDESK_") || k == "GOMEMLIMIT" || k == "GOGC") {
			if !strings.Contains(k, "TOKEN") {
				s.WorkerEnv[k] = v
			}
		}
	}
	return s
}

// historyLength counts the events of a closed workflow's history (0 if unreadable):
// the shape the two kinds have in Temporal's eyes.
func historyLength(ctx context.Context, c client.Client, workflowID string) int {
	it := c.GetWorkflowHistory(ctx, workflowID, "", false, enumspb.HISTORY_EVENT_FILTER_TYPE_ALL_EVENT)
	n := 0
	for it.HasNext() {
		if _, err := it.Next(); err != nil {
			return 0
		}
		n++
	}
	return n
}
