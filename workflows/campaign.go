package workflows

import (
	"errors"
	"fmt"
	"strings"
	"time"

	enumspb "go.temporal.io/api/enums/v1"
	"go.temporal.io/sdk/log"
	"go.temporal.io/sdk/temporal"
	"go.temporal.io/sdk/workflow"

	"github.com/sellmigrate/sellmigrate/activities"
	"github.com/sellmigrate/sellmigrate/contract"
	"github.com/sellmigrate/sellmigrate/internal/outcome"
)

// campaignActs is only used for method references: the worker registers the real ones.
var campaignActs *activities.CampaignActivities

// CampaignWorkflow starts the migrations of a list of rows in paced waves: at most
// MaxActive in active steps at once, at most RatePerMinute starts a minute, only inside
// its windows. Each migration is started by an activity (StartCampaignMigrations, a
// batch at a time) under the migration's usual workflow ID, with no parent, so a
// campaign's cancel or continue-as-new never touches one it started, and a row whose
// migration exists elsewhere is refused by Temporal itself (runs from before
// ChangeCampaignStartActivity start children they abandon). Pause, resume, cancel and
// add are updates; progress is a query.
func CampaignWorkflow(ctx workflow.Context, in contract.CampaignInput) (contract.CampaignReport, error) {
	c, err := setupCampaign(ctx, in)
	if err != nil {
		return contract.CampaignReport{}, err
	}
	return c.run(ctx)
}

// CampaignRegisterOptions registers CampaignWorkflow under its contract name.
func CampaignRegisterOptions() workflow.RegisterOptions {
	return workflow.RegisterOptions{Name: contract.CampaignWorkflowName}
}

// Campaign pacing constants. They are the workflow's logic, so changing one changes
// what a replay does: guard such a change with workflow.GetVersion.
const (
	// campaignBatch bounds the starts of one step of the loop, between two counts.
	campaignBatch = 100
	// campaignPoll is how long the campaign waits before counting again when
	// MaxActive is reached, or while its last migrations run.
	campaignPoll = 30 * time.Second
	// campaignFullPoll is that wait since ChangeCampaignExactPace (see fullPoll).
	campaignFullPoll = 5 * time.Second
	// campaignDrainPoll is the same once every row has started and none of its
	// migrations is in an active step (see drainPoll).
	campaignDrainPoll = 5 * time.Minute
	// visibilityLag is how long a start may take to show in visibility; starts that
	// recent count as active on top of what visibility says, so MaxActive holds.
	visibilityLag = 10 * time.Second
	// burstSeconds is how many seconds' worth of the rate may start at once since
	// ChangeCampaignExactPace (see burstCap).
	burstSeconds = 5
	// minPaceSleep is the shortest wait for the rate: at high rates the starts of a
	// second go together rather than one timer each.
	minPaceSleep = time.Second
	// windowLookAhead is how many queued rows past the head the campaign looks at for
	// one whose tenant's window is open, when the head's is not.
	windowLookAhead = 256
)

// campaign is the workflow's state. Handlers and the loop share it; the workflow runs
// one coroutine at a time, so no lock is needed. Handlers change only the flags and
// the queue, and set woken so the loop's waits end early.
type campaign struct {
	in      contract.CampaignInput
	id      string
	logger  log.Logger
	windows contract.Windows
	// zones are the tenant zones loaded in this run, by name.
	zones map[string]*time.Location
	// pending[head:] are the rows not yet started; queued maps their account IDs to
	// their lines, to refuse duplicates.
	pending []contract.CampaignRow
	head    int
	queued  map[string]int
	counts  contract.CampaignCounts
	// reports are refused rows and started rows, in the order they were settled, up
	// to contract.MaxCampaignReportRows (and, when bounded, MaxCampaignReportBytes:
	// reportBytes is their size); omitted counts the rest.
	reports     []contract.CampaignRowReport
	reportBytes int
	omitted     int
	// bounded: the state is kept under the payload limit by size
	// (ChangeCampaignBoundedState).
	bounded  bool
	nextLine int
	paused   bool
	canceled *contract.CampaignCancel
	woken    bool
	// paceSince and paceStarts are the rate's reference: starts since that instant.
	paceSince  time.Time
	paceStarts int
	rateSince  time.Time
	rateStarts int
	recent     []contract.StartBucket
	last       activities.CampaignCount
	// exactPace: pacing counts with PaceCampaign (ChangeCampaignExactPace); lastFull is
	// when the breakdown by status was last counted.
	exactPace bool
	lastFull  time.Time
	// startsByActivity: migrations are started by StartCampaignMigrations
	// (ChangeCampaignStartActivity), not as children.
	startsByActivity bool
	state            contract.CampaignState
	nextWindow       *time.Time
	startedAt        time.Time
	runs             int
	// cancelledMigrations counts those a cancel with CancelStarted stopped.
	cancelledMigrations int
}

// setupCampaign validates the input and registers the query and the controls before
// the workflow does anything else, so no early control is lost.
func setupCampaign(ctx workflow.Context, in contract.CampaignInput) (*campaign, error) {
	// Asked first, before the input is judged: runs from before the size budget were
	// admitted without it and must replay as they ran.
	bounded := workflow.GetVersion(ctx, ChangeCampaignBoundedState, workflow.DefaultVersion, 1) == 1
	validate := in.Validate
	if !bounded {
		validate = in.ValidateWithoutSizeBudget
	}
	if err := validate(); err != nil {
		return nil, temporal.NewNonRetryableApplicationError(err.Error(), contract.ErrTypeInvalidInput, nil)
	}
	windows, _ := contract.ParseWindows(in.Windows) // Validate parsed them
	now := workflow.Now(ctx)
	c := &campaign{
		in:        in,
		id:        workflow.GetInfo(ctx).WorkflowExecution.ID,
		logger:    log.With(workflow.GetLogger(ctx), "campaign", in.Name),
		windows:   windows,
		zones:     map[string]*time.Location{},
		queued:    map[string]int{},
		nextLine:  1,
		state:     contract.CampaignRunning,
		startedAt: now,
		paceSince: now,
		rateSince: now,
		runs:      1,
		bounded:   bounded,
	}
	if cr := in.Carry; cr != nil {
		c.restore(*cr)
	} else {
		c.admit(in.Rows)
	}
	c.in.Rows, c.in.Carry = nil, nil // the queue holds them now
	if err := workflow.SetQueryHandler(ctx, contract.CampaignProgressQuery, func() (contract.CampaignProgress, error) {
		return c.snapshot(ctx), nil
	}); err != nil {
		return nil, fmt.Errorf("register the progress query: %w", err)
	}
	if err := c.registerControls(ctx); err != nil {
		return nil, err
	}
	return c, nil
}

// admit numbers rows, refuses the invalid and duplicated ones on their rows, and
// queues the rest. It returns the first and last lines given.
func (c *campaign) admit(rows []contract.CampaignRow) (int, int) {
	first := c.nextLine
	for _, r := range rows {
		if r.Line < c.nextLine {
			r.Line = c.nextLine
		}
		c.nextLine = r.Line + 1
		c.counts.Total++
		r.AccountID = strings.TrimSpace(r.AccountID)
		if _, err := r.StartInput(c.in.Policy, c.id); err != nil {
			c.refuse(r, contract.OutcomeInvalid, err.Error())
			continue
		}
		if line, dup := c.queued[r.AccountID]; dup {
			c.refuse(r, contract.OutcomeDuplicate, fmt.Sprintf("Sell account %s already appears on line %d of this campaign; each account may appear once", r.AccountID, line))
			continue
		}
		c.queued[r.AccountID] = r.Line
		c.pending = append(c.pending, r)
		c.counts.Queued++
	}
	return first, c.nextLine - 1
}

func (c *campaign) refuse(r contract.CampaignRow, outcome contract.CampaignOutcome, why string) {
	c.counts.Refused++
	c.report(contract.CampaignRowReport{Line: r.Line, AccountID: r.AccountID, Outcome: outcome, Subdomain: r.Subdomain, Error: why})
}

func (c *campaign) report(r contract.CampaignRowReport) {
	if len(c.reports) >= contract.MaxCampaignReportRows {
		c.omitted++
		return
	}
	if c.bounded {
		r = r.Clipped()
		n := contract.ReportBytes(r)
		if c.reportBytes+n > contract.MaxCampaignReportBytes {
			c.omitted++
			return
		}
		c.reportBytes += n
	}
	c.reports = append(c.reports, r)
}

// fitResult keeps the final report's rows within MaxCampaignResultBytes once their
// outcomes are read: errors are clipped, and the last rows past the budget are counted
// in omitted (the starter completes a report's started rows from visibility).
func (c *campaign) fitResult() {
	if !c.bounded {
		return
	}
	total := 0
	for i := range c.reports {
		c.reports[i] = c.reports[i].Clipped()
		n := contract.ReportBytes(c.reports[i])
		if total+n > contract.MaxCampaignResultBytes {
			c.omitted += len(c.reports) - i
			c.reports = c.reports[:i]
			return
		}
		total += n
	}
}

// run is the loop: start what the pace, the windows and the controls allow, continue
// as new when the history is long, and end with the report once every row has started
// and every migration has ended, or at a cancel.
func (c *campaign) run(ctx workflow.Context) (contract.CampaignReport, error) {
	// Asked once, first: every count of this run then takes the same branch.
	c.exactPace = workflow.GetVersion(ctx, ChangeCampaignExactPace, workflow.DefaultVersion, 1) == 1
	c.startsByActivity = workflow.GetVersion(ctx, ChangeCampaignStartActivity, workflow.DefaultVersion, 1) == 1
	for c.canceled == nil {
		if c.continueAsNewDue(ctx) {
			if err := c.awaitHandlers(ctx); err != nil {
				return contract.CampaignReport{}, err
			}
			return contract.CampaignReport{}, c.continueAsNew(ctx)
		}
		if done, err := c.step(ctx); err != nil {
			return contract.CampaignReport{}, err
		} else if done {
			break
		}
	}
	return c.finish(ctx)
}

// step does one thing the campaign's state calls for, and says whether it is over.
func (c *campaign) step(ctx workflow.Context) (bool, error) {
	now := workflow.Now(ctx)
	c.nextWindow = nil
	switch {
	case c.paused:
		c.state = contract.CampaignPaused
		return false, c.sleep(ctx, 0)
	case c.head >= len(c.pending):
		c.state = contract.CampaignDraining
		unseen, err := c.measure(ctx)
		if err != nil {
			return false, err
		}
		// A start visibility may not show yet still runs: wait it out too.
		if c.last.Running+unseen == 0 && c.head >= len(c.pending) {
			return true, nil
		}
		return false, c.sleep(ctx, c.drainPoll(ctx))
	}
	if !c.pickOpen(now) {
		next := c.nextOpening(now)
		c.state, c.nextWindow = contract.CampaignOutside, &next
		err := c.sleep(ctx, next.Sub(now))
		c.resetPace(ctx) // no burst to make up for the closed hours
		return false, err
	}
	c.state = contract.CampaignRunning
	allowed := c.allowance(now)
	if allowed <= 0 {
		return false, c.sleep(ctx, max(c.nextToken().Sub(now), minPaceSleep))
	}
	unseen, err := c.measure(ctx)
	if err != nil {
		return false, err
	}
	room := c.in.MaxActive - c.last.Active - unseen
	if room <= 0 {
		return false, c.sleep(ctx, c.fullPoll())
	}
	return false, c.startBatch(ctx, min(allowed, room, campaignBatch))
}

// drainPoll is how long a draining campaign waits before counting again: while some
// of its migrations are in active steps they end within minutes, so the report is
// not held back for long (ChangeDrainPollActive); once all that remain wait for
// people, who may take days, it counts rarely.
func (c *campaign) drainPoll(ctx workflow.Context) time.Duration {
	if c.last.Active > 0 && workflow.GetVersion(ctx, ChangeDrainPollActive, workflow.DefaultVersion, 1) == 1 {
		return campaignPoll
	}
	return campaignDrainPoll
}

// sleep waits d (forever when 0) or until a control wakes the loop. A cancelled
// campaign context ends it with the cancellation.
func (c *campaign) sleep(ctx workflow.Context, d time.Duration) error {
	c.woken = false
	if d == 0 {
		return workflow.Await(ctx, func() bool { return c.woken })
	}
	_, err := workflow.AwaitWithTimeout(ctx, d, func() bool { return c.woken })
	return err
}

// startBatch starts up to n queued rows whose window is open, all at once, and
// settles each on its row: started, or refused with the reason.
func (c *campaign) startBatch(ctx workflow.Context, n int) error {
	batch := c.dequeue(workflow.Now(ctx), n)
	if len(batch) == 0 {
		return nil
	}
	if c.startsByActivity {
		return c.startWithActivity(ctx, batch)
	}
	return c.startAsChildren(ctx, batch)
}

// queuedStart is a row taken off the queue, with its migration's input.
type queuedStart struct {
	row contract.CampaignRow
	in  contract.StartInput
}

// dequeue takes up to n queued rows whose window is open.
func (c *campaign) dequeue(now time.Time, n int) []queuedStart {
	var batch []queuedStart
	for len(batch) < n && c.head < len(c.pending) && c.pickOpen(now) {
		row := c.pending[c.head]
		c.pending[c.head] = contract.CampaignRow{} // let the row go; the slice is rebuilt at CAN
		c.head++
		c.counts.Queued--
		delete(c.queued, row.AccountID)
		in, err := row.StartInput(c.in.Policy, c.id)
		if err != nil { // admitted rows pass; kept for a policy that changed meaning
			c.refuse(row, contract.OutcomeInvalid, err.Error())
			continue
		}
		in.Principal = c.in.StartedBy
		batch = append(batch, queuedStart{row: row, in: in})
	}
	return batch
}

// startWithActivity starts the batch through StartCampaignMigrations
// (ChangeCampaignStartActivity): one activity, whose retries never start a row twice.
func (c *campaign) startWithActivity(ctx workflow.Context, batch []queuedStart) error {
	req := activities.CampaignStarts{CampaignID: c.id, CampaignName: c.in.Name, Rows: make([]activities.CampaignStart, len(batch))}
	for i, s := range batch {
		req.Rows[i] = activities.CampaignStart{Line: s.row.Line, Input: s.in}
	}
	// A cancelled campaign closes only once the activity has stopped starting rows.
	actCtx := workflow.WithWaitForCancellation(c.activityCtx(ctx, "Start migrations of the campaign"), true)
	var results []activities.CampaignStartResult
	if err := workflow.ExecuteActivity(actCtx, campaignActs.StartCampaignMigrations, req).Get(ctx, &results); err != nil {
		var canceled *temporal.CanceledError
		if errors.As(err, &canceled) {
			return err
		}
		return fmt.Errorf("start migrations of campaign %s: %w", c.in.Name, err)
	}
	byLine := make(map[int]activities.CampaignStartResult, len(results))
	for _, r := range results {
		byLine[r.Line] = r
	}
	for _, s := range batch {
		r, ok := byLine[s.row.Line]
		switch {
		case r.RunID != "":
			c.started(ctx, s.row, r.RunID)
		case r.Exists:
			c.refuseExisting(s.row)
		case !ok:
			c.refuse(s.row, contract.OutcomeNotStarted, "the migration could not be started: the start activity gave no answer for this row")
		default:
			c.refuse(s.row, contract.OutcomeNotStarted, "the migration could not be started: "+r.Refused)
		}
	}
	return nil
}

// startAsChildren starts the batch as children the campaign abandons (runs from
// before ChangeCampaignStartActivity), then waits for Temporal to say whether each
// started.
func (c *campaign) startAsChildren(ctx workflow.Context, batch []queuedStart) error {
	futures := make([]workflow.ChildWorkflowFuture, len(batch))
	for i, s := range batch {
		futures[i] = workflow.ExecuteChildWorkflow(c.childCtx(ctx, s.in, s.row.Line), contract.WorkflowName, s.in)
	}
	for i, s := range batch {
		var started workflow.Execution
		err := futures[i].GetChildWorkflowExecution().Get(ctx, &started)
		switch {
		case err == nil:
			c.started(ctx, s.row, started.RunID)
		case temporal.IsWorkflowExecutionAlreadyStartedError(err):
			c.refuseExisting(s.row)
		case temporal.IsCanceledError(err):
			return err
		default:
			c.refuse(s.row, contract.OutcomeNotStarted, "the migration could not be started: "+contract.RootMessage(err))
		}
	}
	return nil
}

// started counts a row's migration as started, for the pace and the report.
func (c *campaign) started(ctx workflow.Context, row contract.CampaignRow, runID string) {
	c.counts.Started++
	c.paceStarts++
	c.rateStarts++
	c.noteStart(workflow.Now(ctx))
	c.report(contract.CampaignRowReport{Line: row.Line, AccountID: row.AccountID, Outcome: contract.OutcomeStarted, Subdomain: row.Subdomain, RunID: runID})
}

// refuseExisting reports a row whose account's migration runs or has completed
// elsewhere: the reuse rule of every start leaves it alone.
func (c *campaign) refuseExisting(row contract.CampaignRow) {
	c.refuse(row, contract.OutcomeAlreadyExists, fmt.Sprintf("a migration of Sell account %s already runs or has completed (%s); it was left alone — see \"sellmigrate status %s\"",
		row.AccountID, contract.WorkflowID(row.AccountID), row.AccountID))
}

// childCtx starts a row's migration as a child the campaign abandons: it has the
// migration's own workflow ID, reuse rule and search attributes, plus CampaignID, and
// its row's line in its memo, so a report past MaxCampaignReportRows rebuilds the line
// from visibility. (A replay compares a child's type, not its memo: the memo needs no
// version.)
func (c *campaign) childCtx(ctx workflow.Context, in contract.StartInput, line int) workflow.Context {
	return workflow.WithChildOptions(ctx, workflow.ChildWorkflowOptions{
		WorkflowID: contract.WorkflowID(in.SellAccountID),
		TaskQueue:  contract.TaskQueue,
		// As a bulk start: running or completed migrations are never started twice.
		WorkflowIDReusePolicy: enumspb.WORKFLOW_ID_REUSE_POLICY_ALLOW_DUPLICATE_FAILED_ONLY,
		ParentClosePolicy:     enumspb.PARENT_CLOSE_POLICY_ABANDON,
		TypedSearchAttributes: contract.StartSearchAttributes(in),
		Memo:                  map[string]any{contract.CampaignLineMemo: line},
		StaticSummary:         fmt.Sprintf("Sell account %s, campaign %s", in.SellAccountID, c.in.Name),
	})
}

// finish ends the campaign: a cancel drops the queued rows and, with CancelStarted,
// cancels the unlinked migrations; then the outcomes of the started rows kept in the
// report are read, and the report returned once every handler has answered.
func (c *campaign) finish(ctx workflow.Context) (contract.CampaignReport, error) {
	if c.canceled != nil {
		c.state = contract.CampaignCancelled
		for _, r := range c.pending[c.head:] {
			c.counts.Queued--
			c.counts.NotStarted++
			c.report(contract.CampaignRowReport{Line: r.Line, AccountID: r.AccountID, Outcome: contract.OutcomeNotStarted, Subdomain: r.Subdomain,
				Error: "the campaign was cancelled before this row started"})
		}
		c.pending, c.head = nil, 0
		if c.canceled.CancelStarted {
			var n int
			if err := workflow.ExecuteActivity(c.activityCtx(ctx, "Cancel the campaign's unlinked migrations"), campaignActs.CancelCampaignMigrations, c.id).Get(ctx, &n); err != nil {
				return contract.CampaignReport{}, err
			}
			c.cancelledMigrations = n
		}
	} else {
		c.state = contract.CampaignDone
	}
	if err := c.readOutcomes(ctx); err != nil {
		return contract.CampaignReport{}, err
	}
	c.fitResult()
	if err := c.awaitHandlers(ctx); err != nil {
		return contract.CampaignReport{}, err
	}
	return contract.CampaignReport{Name: c.in.Name, Counts: c.counts, Rows: c.reports, Omitted: c.omitted,
		Canceled: c.canceled, CancelledMigrations: c.cancelledMigrations}, nil
}

// readOutcomes replaces each started row's "started" with its migration's outcome, in
// batches of outcomeBatch through ReadMigrationOutcomes: each row's own run, so an
// account started twice in the campaign reads each migration on its own row. (The
// activity's input is not part of replay: rows recorded before runs read the latest.)
func (c *campaign) readOutcomes(ctx workflow.Context) error {
	const outcomeBatch = 200
	var idx []int
	for i, r := range c.reports {
		if r.Outcome == contract.OutcomeStarted {
			idx = append(idx, i)
		}
	}
	for len(idx) > 0 {
		batch := idx[:min(outcomeBatch, len(idx))]
		idx = idx[len(batch):]
		refs := make([]activities.MigrationRef, len(batch))
		for j, i := range batch {
			refs[j] = activities.MigrationRef{AccountID: c.reports[i].AccountID, RunID: c.reports[i].RunID}
		}
		var out []activities.MigrationOutcome
		if err := workflow.ExecuteActivity(c.activityCtx(ctx, "Read the outcomes of the campaign's migrations"), campaignActs.ReadMigrationOutcomes, refs).Get(ctx, &out); err != nil {
			return err
		}
		for j, o := range out {
			if j >= len(batch) {
				break
			}
			outcome.Apply(&c.reports[batch[j]], o)
		}
	}
	return nil
}

func (c *campaign) activityCtx(ctx workflow.Context, summary string) workflow.Context {
	return workflow.WithActivityOptions(ctx, workflow.ActivityOptions{
		StartToCloseTimeout: 5 * time.Minute,
		HeartbeatTimeout:    time.Minute,
		RetryPolicy: &temporal.RetryPolicy{
			InitialInterval:    time.Second,
			BackoffCoefficient: 2,
			MaximumInterval:    time.Minute,
		},
		Summary: summary,
	})
}

// measure counts what pacing needs into c.last and returns the starts visibility may
// not show yet, which count as active on top of c.last.Active.
//
// Since ChangeCampaignExactPace it asks PaceCampaign (three counts) and the unseen
// starts are the campaign's starts minus the migrations visibility shows, at most the
// starts of the last visibilityLag. The
// breakdown by status the progress shows is counted at most every campaignPoll.
// Before, every step counted status by status, and every start of the last
// visibilityLag counted as unseen, shown or not: at high rates that double count
// filled MaxActive on its own.
func (c *campaign) measure(ctx workflow.Context) (int, error) {
	asked := workflow.Now(ctx)
	recent := c.unseen(asked) // also forgets old buckets
	if !c.exactPace {
		return recent, c.count(ctx)
	}
	if c.lastFull.IsZero() || asked.Sub(c.lastFull) >= campaignPoll {
		if err := c.count(ctx); err != nil {
			return 0, err
		}
		c.lastFull = asked
	}
	var p activities.CampaignPace
	if err := workflow.ExecuteActivity(c.activityCtx(ctx, "Count the campaign's active migrations"), campaignActs.PaceCampaign, c.id).Get(ctx, &p); err != nil {
		var canceled *temporal.CanceledError
		if errors.As(err, &canceled) {
			return 0, err
		}
		return 0, fmt.Errorf("count the active migrations of campaign %s: %w", c.in.Name, err)
	}
	c.last.Active, c.last.Running = p.Active, p.Running
	// Bounded by the recent starts: once visibility forgets closed migrations (the
	// namespace's retention, a deleted run), starts minus shown would stay above zero
	// for good and hold the campaign back.
	return min(recent, max(0, c.counts.Started-p.Seen)), nil
}

// fullPoll is how long a campaign at MaxActive waits before counting again: since
// ChangeCampaignExactPace a few seconds, so room freed by migrations that went on to
// wait for a person or ended is used at once; before, campaignPoll.
func (c *campaign) fullPoll() time.Duration {
	if c.exactPace {
		return campaignFullPoll
	}
	return campaignPoll
}

// count reads the campaign's running migrations by status from visibility.
func (c *campaign) count(ctx workflow.Context) error {
	var n activities.CampaignCount
	if err := workflow.ExecuteActivity(c.activityCtx(ctx, "Count the campaign's migrations"), campaignActs.CountCampaign, c.id).Get(ctx, &n); err != nil {
		var canceled *temporal.CanceledError
		if errors.As(err, &canceled) {
			return err
		}
		return fmt.Errorf("count the migrations of campaign %s: %w", c.in.Name, err)
	}
	c.last = n
	return nil
}

// awaitHandlers lets update handlers still answering finish before the run ends.
func (c *campaign) awaitHandlers(ctx workflow.Context) error {
	done, _ := workflow.NewDisconnectedContext(ctx)
	return workflow.Await(done, func() bool { return workflow.AllHandlersFinished(done) })
}
