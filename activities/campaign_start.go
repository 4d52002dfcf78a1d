package activities

import (
	"context"
	"errors"
	"fmt"
	"time"

	"go.temporal.io/api/serviceerror"
	"go.temporal.io/sdk/activity"
	"go.temporal.io/sdk/temporal"

	"github.com/sellmigrate/sellmigrate/contract"
)

// CampaignStarts is one batch of a campaign's rows to start.
type CampaignStarts struct {
	// CampaignID is the campaign's workflow ID; every migration it starts carries it
	// (in StartInput.CampaignID and the CampaignID search attribute).
	CampaignID string `json:"campaignId"`
	// CampaignName goes into each migration's summary in the Temporal Web UI.
	CampaignName string          `json:"campaignName"`
	Rows         []CampaignStart `json:"rows"`
}

// CampaignStart is one row: its line in the campaign and its migration's input.
type CampaignStart struct {
	Line  int                 `json:"line"`
	Input contract.StartInput `json:"input"`
}

// CampaignStartResult is what became of one row's start, in the order of the rows.
type CampaignStartResult struct {
	Line int `json:"line"`
	// RunID is set when the row's migration runs: started now, or by an earlier
	// attempt of this activity.
	RunID string `json:"runId,omitempty"`
	// Exists: another migration of the account runs or has completed, and was left
	// alone (the reuse rule of every start).
	Exists bool `json:"exists,omitempty"`
	// Refused says why Temporal refused the start for good (bad input for Temporal,
	// such as a payload over its limit); a retry would not help.
	Refused string `json:"refused,omitempty"`
}

// StartCampaignMigrations starts the migrations of a batch of a campaign's rows, each
// under its account's workflow ID with the reuse rule of every start: a running or
// completed migration is never started twice. Each carries the campaign's ID and its
// row's line (memo contract.CampaignLineMemo), which is how a retry of this activity
// knows a migration as one it started itself: after a crash between a start and the
// activity's answer, the retry reports that run as started rather than starting the
// account again or calling it someone else's. A start Temporal cannot take now (the
// frontend unreachable, a limit) fails the activity, to be retried; one it refuses for
// good (InvalidArgument) is reported on its row.
func (a *CampaignActivities) StartCampaignMigrations(ctx context.Context, b CampaignStarts) ([]CampaignStartResult, error) {
	if err := checkCampaignID(b.CampaignID); err != nil {
		return nil, temporal.NewNonRetryableApplicationError(err.Error(), contract.ErrTypeInvalidInput, err)
	}
	// A retry, or an attempt after one that heartbeated: an earlier attempt may have
	// started some of the rows.
	retry := activity.GetInfo(ctx).Attempt > 1 || activity.HasHeartbeatDetails(ctx)
	out := make([]CampaignStartResult, 0, len(b.Rows))
	for _, row := range b.Rows {
		// Beat before each start and stop once cancelled or timed out, so an attempt
		// Temporal has given up on starts nothing after the next one has begun.
		activity.RecordHeartbeat(ctx, len(out))
		if err := ctx.Err(); err != nil {
			return nil, err
		}
		r, err := a.startRow(ctx, b, row, retry)
		if err != nil {
			return nil, err
		}
		out = append(out, r)
	}
	return out, nil
}

// startCallTimeout bounds each call to Temporal, well within the activity's heartbeat
// timeout: a call stuck in the client's own retries cannot land after Temporal has
// handed the batch to another attempt.
const startCallTimeout = 15 * time.Second

func (a *CampaignActivities) startRow(ctx context.Context, b CampaignStarts, row CampaignStart, retry bool) (CampaignStartResult, error) {
	res := CampaignStartResult{Line: row.Line}
	in := row.Input
	id := contract.WorkflowID(in.SellAccountID)
	if retry {
		// An earlier attempt may have started this row's migration, which may even
		// have ended since: the reuse rule would let a failed one start again.
		if runID, err := a.startedByRow(ctx, id, "", b.CampaignID, row.Line); err != nil || runID != "" {
			res.RunID = runID
			return res, err
		}
	}
	opts := contract.StartOptions(in)
	opts.Memo = map[string]any{contract.CampaignLineMemo: row.Line}
	opts.StaticSummary = fmt.Sprintf("Sell account %s, campaign %s", in.SellAccountID, b.CampaignName)
	callCtx, cancel := context.WithTimeout(ctx, startCallTimeout)
	run, err := a.c.ExecuteWorkflow(callCtx, opts, contract.WorkflowName, in)
	cancel()
	if err == nil {
		res.RunID = run.GetRunID()
		return res, nil
	}
	var dup *serviceerror.WorkflowExecutionAlreadyStarted
	switch {
	case errors.As(err, &dup):
		// Ours if an earlier attempt, still running when this one began, started it.
		runID, derr := a.startedByRow(ctx, id, dup.RunId, b.CampaignID, row.Line)
		if derr != nil {
			return res, derr
		}
		res.RunID, res.Exists = runID, runID == ""
		return res, nil
	case refusedForGood(err):
		res.Refused = err.Error()
		return res, nil
	}
	return res, fmt.Errorf("start the migration of Sell account %s (line %d of %s): %w; the campaign retries the batch", in.SellAccountID, row.Line, b.CampaignID, err)
}

// startedByRow returns the first run ID of the migration whose run this is (runID, or
// the workflow's latest when empty) when this campaign started it for this line, and
// "" otherwise. Only the latest run is read: a row whose own migration failed and was
// started again since by someone else reads as that other migration's.
func (a *CampaignActivities) startedByRow(ctx context.Context, workflowID, runID, campaignID string, line int) (string, error) {
	ctx, cancel := context.WithTimeout(ctx, startCallTimeout)
	defer cancel()
	desc, err := a.c.DescribeWorkflowExecution(ctx, workflowID, runID)
	if err != nil {
		var nf *serviceerror.NotFound
		if errors.As(err, &nf) {
			return "", nil
		}
		return "", fmt.Errorf("describe %s to see whether this campaign started it: %w", workflowID, err)
	}
	info := desc.GetWorkflowExecutionInfo()
	if contract.KeywordOf(info.GetSearchAttributes(), contract.SearchAttrCampaignID) != campaignID {
		return "", nil
	}
	p, ok := info.GetMemo().GetFields()[contract.CampaignLineMemo]
	if !ok {
		return "", nil
	}
	var got int
	if err := a.dc.FromPayload(p, &got); err != nil {
		// Not knowing must not read as "not ours": that could start the row again.
		return "", fmt.Errorf("read the campaign line of %s (check that this worker has the payload keys it was started with): %w", workflowID, err)
	}
	if got != line {
		return "", nil
	}
	// The row names the migration's first run, as a row started now does; the latest
	// may be a continuation of it.
	if first := info.GetFirstRunId(); first != "" {
		return first, nil
	}
	return info.GetExecution().GetRunId(), nil
}

// refusedForGood says whether Temporal refused a start for a reason a retry cannot
// change: the request itself is wrong for it (a payload over its limit, say).
func refusedForGood(err error) bool {
	var invalid *serviceerror.InvalidArgument
	return errors.As(err, &invalid)
}
