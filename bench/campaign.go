package bench

import (
	"context"
	"errors"
	"fmt"
	"strconv"
	"strings"
	"time"

	enumspb "go.temporal.io/api/enums/v1"
	"go.temporal.io/api/workflowservice/v1"
	"golang.org/x/sync/errgroup"

	"github.com/sellmigrate/sellmigrate/activities"
	"github.com/sellmigrate/sellmigrate/contract"
	"github.com/sellmigrate/sellmigrate/starter"
)

// CampaignResult is the campaign case: N migrations started by one campaign, paced by
// its rate and its max active. Times are the server's, read from visibility.
type CampaignResult struct {
	Name          string `json:"name"`
	MaxActive     int    `json:"max_active"`
	RatePerMinute int    `json:"rate_per_minute"`
	// Adds is how many adds fed the rows past the first batch.
	Adds int `json:"adds"`

	StartedAt time.Time `json:"started_at"`
	// LastMigrationClosedAt ends TotalSec, from the campaign's start;
	// MigrationsPerSec is the migrations closed over it.
	LastMigrationClosedAt time.Time `json:"last_migration_closed_at"`
	TotalSec              float64   `json:"total_sec"`
	MigrationsPerSec      float64   `json:"migrations_per_sec"`

	// AchievedPerMinute is (N-1) / (last start − first start) × 60, from the
	// migrations' start times; RateRatio is it over RatePerMinute (target: 0.95 to 1.05).
	FirstStartAt      time.Time `json:"first_start_at"`
	LastStartAt       time.Time `json:"last_start_at"`
	AchievedPerMinute float64   `json:"achieved_per_minute"`
	RateRatio         float64   `json:"rate_ratio"`

	// PeakActive is the largest count of the campaign's migrations in active steps
	// (activities.CampaignActiveQuery) among ActiveSamples samples about a second
	// apart; ActiveRatio is it over MaxActive. Visibility lags the workflows a little.
	PeakActive    int     `json:"peak_active"`
	ActiveRatio   float64 `json:"active_ratio"`
	ActiveSamples int     `json:"active_samples"`

	// The campaign's own workflow closes after its migrations, at its next count
	// (its drain poll): ClosedAt, ClosedSec from its start, DrainSec after the last
	// migration closed, its Status and its report's Counts.
	ClosedAt  time.Time               `json:"closed_at"`
	ClosedSec float64                 `json:"closed_sec"`
	DrainSec  float64                 `json:"drain_sec"`
	Status    string                  `json:"status"`
	Counts    contract.CampaignCounts `json:"counts"`
}

// benchOperator is who the benchmark starts and feeds its campaigns as.
const benchOperator = "bench@sellmigrate.test"

// campaignWatchEvery is how often the active migrations are counted (the peak);
// campaignCloseCheckEvery how often the closed ones are, with a progress line, while
// some are active. The closed count reads every closed row of the campaign (10,000 by
// the end of the largest run, about 40 ms each time then): counted every second it
// only made the benchmark's own watching cost the server more. Once no migration is
// active (the run's end, or a lull) the closed ones are counted every second again, so
// the end is noticed at once and the CPU figures stop with it.
const (
	campaignWatchEvery      = time.Second
	campaignCloseCheckEvery = 10 * time.Second
)

// campaignFeedEvery is how often the feeder asks the campaign for room in its queue;
// campaignFeedMin the fewest rows it sends in one add (fewer only for the last),
// so adds stay few while the queue holds thousands of rows.
const (
	campaignFeedEvery = 5 * time.Second
	campaignFeedMin   = 1000
)

// runCampaign starts the N synthetic accounts as one campaign through the starter, as
// "sellmigrate campaign start" does, with the responder answering every human input;
// rows past contract.MaxCampaignQueued are fed with adds as the queue drains. It
// samples the active migrations while they run, then reads the start and close times
// from visibility and waits for the campaign's own workflow to close. No floor runs
// in this mode: its ratios are the achieved over the target start rate and the peak
// over the max active migrations.
func runCampaign(ctx context.Context, o Options, e *env, st *starter.Starter, res *Result) error {
	name := "bench-" + strconv.FormatInt(time.Now().Unix(), 10)
	id := contract.CampaignWorkflowID(name)
	activeQuery, err := activities.CampaignActiveQuery(id)
	if err != nil {
		return fmt.Errorf("bench: %w", err)
	}
	cr := &CampaignResult{Name: name, MaxActive: o.MaxActive, RatePerMinute: o.RatePerMinute}
	res.Campaign = cr
	rows := campaignRows(o.N)

	resp := newResponder(e.client, st, e.apiURL, e.links, contract.WorkflowName, false)
	rctx, stopResponder := context.WithCancel(ctx)
	responderDone := make(chan struct{})
	go func() { defer close(responderDone); resp.run(rctx) }()
	defer func() { stopResponder(); <-responderDone }()

	serverCPU, workerCPU := e.cpuSeconds()
	began := time.Now()
	first := min(len(rows), contract.MaxCampaignQueued)
	o.Progress("campaign %s: %d existing-mode migrations, at most %d active, %d/m", name, o.N, o.MaxActive, o.RatePerMinute)
	started, err := st.StartCampaign(ctx, starter.CampaignRequest{Name: name, Rows: rows[:first],
		MaxActive: o.MaxActive, RatePerMinute: o.RatePerMinute, By: benchOperator})
	if err != nil {
		return fmt.Errorf("bench: start campaign %s: %w", name, err)
	}
	cr.Adds = (started.Sent+contract.MaxCampaignAddRows-1)/contract.MaxCampaignAddRows - 1
	if started.AddErr != nil {
		o.Progress("  rows past %d wait for room in the queue: %v", started.Sent, started.AddErr)
	}
	desc, err := e.client.DescribeWorkflowExecution(ctx, id, started.RunID)
	if err != nil {
		return fmt.Errorf("bench: read campaign %s's start time: %w", name, err)
	}
	cr.StartedAt = desc.GetWorkflowExecutionInfo().GetStartTime().AsTime()
	o.Progress("  started with %d rows in %.1fs", started.Sent, time.Since(began).Seconds())

	g, gctx := errgroup.WithContext(ctx)
	g.Go(func() error { return feedCampaign(gctx, o, st, name, rows, started.Sent, &cr.Adds) })
	g.Go(func() error { return watchCampaign(gctx, o, e, id, activeQuery, o.N, cr) })
	if err := g.Wait(); err != nil {
		sent, retries, lastErr := resp.stats()
		return fmt.Errorf("%w (inputs sent %d, retried %d, last error: %v)", err, sent, retries, lastErr)
	}
	s, w := e.cpuSeconds()
	var mg phase
	lastClose, err := collect(ctx, e.client, contract.WorkflowName, began, &mg)
	if err != nil {
		return fmt.Errorf("bench: %w", err)
	}
	mg.count = len(mg.latencies)
	res.CPUmsPerWorkflow = map[string]float64{
		"migration_server": round((s - serverCPU) * 1000 / float64(max(1, mg.count))),
		"migration_worker": round((w - workerCPU) * 1000 / float64(max(1, mg.count))),
	}
	cr.measure(mg, lastClose)
	sortDurations(mg.latencies)
	res.MigrationsPerSec = cr.MigrationsPerSec
	res.P50ms, res.P95ms, res.P99ms = percentile(mg.latencies, 50), percentile(mg.latencies, 95), percentile(mg.latencies, 99)
	res.Completed, res.NotCompleted = mg.completed, mg.other
	res.InputsSent, res.InputRetries, _ = resp.stats()
	res.HistoryEvents = historyLength(ctx, e.client, contract.WorkflowID(strconv.Itoa(firstAccountID)))

	o.Progress("  every migration closed; waiting for campaign %s to close (it counts its migrations again at its drain poll)", name)
	if err := awaitCampaign(ctx, e, id, cr); err != nil {
		return err
	}
	o.Progress("%s", cr.summary(res))
	if mg.other > 0 {
		return fmt.Errorf("bench: %d of %d migrations did not complete; see the worker log", mg.other, o.N)
	}
	return nil
}

// campaignRows are the synthetic accounts as a campaign's rows, the starts the
// end-to-end case makes.
func campaignRows(n int) []contract.CampaignRow {
	rows := make([]contract.CampaignRow, n)
	for i := range rows {
		r := benchRequest(i)
		rows[i] = contract.CampaignRow{AccountID: r.AccountID, Mode: r.Mode, Subdomain: r.Subdomain,
			RequestedBy: r.RequestedBy, OwnerEmail: r.OwnerEmail}
	}
	return rows
}

// feedCampaign sends rows[fed:] with adds as the campaign's queue makes room for them
// (it holds at most contract.MaxCampaignQueued rows not yet started).
func feedCampaign(ctx context.Context, o Options, st *starter.Starter, name string, rows []contract.CampaignRow, fed int, adds *int) error {
	for fed < len(rows) {
		select {
		case <-ctx.Done():
			return nil // the watch ended the run and says why
		case <-time.After(campaignFeedEvery):
		}
		p, err := st.CampaignProgress(ctx, name)
		if err != nil {
			o.Progress("  feeding: %v; asking again", err)
			continue
		}
		left := len(rows) - fed
		n := min(contract.MaxCampaignQueued-p.Counts.Queued, left, contract.MaxCampaignAddRows)
		if n < min(left, campaignFeedMin) {
			continue
		}
		if _, err := st.AddCampaignRows(ctx, name, benchOperator, rows[fed:fed+n]); err != nil {
			var rejected *starter.CampaignRejectedError
			if errors.As(err, &rejected) {
				o.Progress("  feeding: %v; trying again", err)
				continue
			}
			return fmt.Errorf("bench: add rows %d to %d to campaign %s: %w", fed+1, fed+n, name, err)
		}
		fed += n
		*adds++
		o.Progress("  added rows up to %d of %d", fed, len(rows))
	}
	return nil
}

// watchCampaign counts the campaign's active migrations about every second until all
// n of its migrations have closed, keeping the peak in cr. It gives up when the
// campaign's own workflow closes first, or visibility keeps failing.
func watchCampaign(ctx context.Context, o Options, e *env, id, activeQuery string, n int, cr *CampaignResult) error {
	// A run that continued as new is closed while its migration goes on: not counted.
	closedQuery := fmt.Sprintf("WorkflowType = '%s' AND %s = '%s' AND ExecutionStatus != 'Running' AND ExecutionStatus != 'ContinuedAsNew'",
		contract.WorkflowName, contract.SearchAttrCampaignID.GetName(), id)
	count := func(q string) (int, error) {
		resp, err := e.client.CountWorkflow(ctx, &workflowservice.CountWorkflowExecutionsRequest{Query: q})
		return int(resp.GetCount()), err
	}
	t := time.NewTicker(campaignWatchEvery)
	defer t.Stop()
	var lastCheck, lastReport time.Time
	failures := 0
	for {
		select {
		case <-ctx.Done():
			return fmt.Errorf("bench: gave up waiting for the %d migrations of %s to close: %w", n, id, ctx.Err())
		case <-t.C:
		}
		active, err := count(activeQuery)
		closed := -1
		if err == nil && (active == 0 || time.Since(lastCheck) >= campaignCloseCheckEvery) {
			closed, err = count(closedQuery)
		}
		// A tick counts as failed when any count it made failed, so a count that keeps
		// failing ends the watch whatever the other does.
		if err != nil {
			if failures++; failures >= 30 {
				return fmt.Errorf("bench: count the migrations of %s: %w; check the server's log", id, err)
			}
			continue
		}
		failures = 0
		cr.ActiveSamples++
		cr.PeakActive = max(cr.PeakActive, active)
		if closed < 0 {
			continue
		}
		lastCheck = time.Now()
		if closed >= n {
			return nil
		}
		if time.Since(lastReport) >= campaignCloseCheckEvery {
			lastReport = time.Now()
			o.Progress("  %d of %d closed, %d active (peak %d)", closed, n, active, cr.PeakActive)
			// The campaign ends only once its migrations have; closed early, it failed or
			// refused rows, and waiting on would only reach the timeout.
			desc, err := e.client.DescribeWorkflowExecution(ctx, id, "")
			if err == nil && desc.GetWorkflowExecutionInfo().GetStatus() != enumspb.WORKFLOW_EXECUTION_STATUS_RUNNING {
				return fmt.Errorf("bench: campaign %s closed (%s) with %d of its %d migrations closed; the worker log says why",
					id, desc.GetWorkflowExecutionInfo().GetStatus(), closed, n)
			}
		}
	}
}

// awaitCampaign waits for the campaign's workflow (across its continue-as-new runs)
// and records its close and its report's counts.
func awaitCampaign(ctx context.Context, e *env, id string, cr *CampaignResult) error {
	var rep contract.CampaignReport
	if err := e.client.GetWorkflow(ctx, id, "").Get(ctx, &rep); err != nil {
		return fmt.Errorf("bench: campaign %s ended without its report: %s", id, contract.RootMessage(err))
	}
	desc, err := e.client.DescribeWorkflowExecution(ctx, id, "")
	if err != nil {
		return fmt.Errorf("bench: read campaign %s's close time: %w", id, err)
	}
	info := desc.GetWorkflowExecutionInfo()
	cr.ClosedAt = info.GetCloseTime().AsTime()
	cr.Status = strings.TrimPrefix(info.GetStatus().String(), "WORKFLOW_EXECUTION_STATUS_")
	cr.Counts = rep.Counts
	cr.ClosedSec = round(cr.ClosedAt.Sub(cr.StartedAt).Seconds())
	cr.DrainSec = round(cr.ClosedAt.Sub(cr.LastMigrationClosedAt).Seconds())
	return nil
}

// measure derives the campaign's figures from its migrations as collect read them.
func (cr *CampaignResult) measure(mg phase, lastClose time.Time) {
	cr.LastMigrationClosedAt = lastClose
	cr.FirstStartAt, cr.LastStartAt = mg.firstStart, mg.lastStart
	if total := lastClose.Sub(cr.StartedAt).Seconds(); total > 0 {
		cr.TotalSec = round(total)
		cr.MigrationsPerSec = round(float64(mg.count) / total)
	}
	if span := mg.lastStart.Sub(mg.firstStart).Minutes(); mg.count > 1 && span > 0 {
		cr.AchievedPerMinute = round(float64(mg.count-1) / span)
	}
	cr.RateRatio = round(cr.AchievedPerMinute / float64(max(1, cr.RatePerMinute)))
	cr.ActiveRatio = round(float64(cr.PeakActive) / float64(max(1, cr.MaxActive)))
}

// summary is the run's closing line: the two ratios first, then the rest.
func (cr *CampaignResult) summary(res *Result) string {
	return fmt.Sprintf("campaign %s: starts %.1f/m of %d/m (ratio %.2f); peak active %d of %d (ratio %.2f, %d samples)\n"+
		"  %d migrations in %.1fs (%.2f/s), %d completed, %d not completed, %d history events each; CPU per migration: server %.0f ms, worker %.0f ms\n"+
		"  campaign closed %.1fs after its start, %.1fs after the last migration (%s; rows %d total, %d started, %d refused, %d not started; %d adds)",
		cr.Name, cr.AchievedPerMinute, cr.RatePerMinute, cr.RateRatio, cr.PeakActive, cr.MaxActive, cr.ActiveRatio, cr.ActiveSamples,
		res.Completed+res.NotCompleted, cr.TotalSec, cr.MigrationsPerSec, res.Completed, res.NotCompleted, res.HistoryEvents,
		res.CPUmsPerWorkflow["migration_server"], res.CPUmsPerWorkflow["migration_worker"],
		cr.ClosedSec, cr.DrainSec, cr.Status, cr.Counts.Total, cr.Counts.Started, cr.Counts.Refused, cr.Counts.NotStarted, cr.Adds)
}
