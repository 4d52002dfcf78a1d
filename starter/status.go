package starter

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"

	enumspb "go.temporal.io/api/enums/v1"
	"go.temporal.io/sdk/temporal"
	"go.uber.org/zap"

	"github.com/sellmigrate/sellmigrate/contract"
)

// Report is where a migration stands: the workflow's progress (step, status, what it
// waits for, inputs, result) at the top level, plus what Temporal knows about the run
// and its Zendesk steps in flight (attempts, last error).
type Report struct {
	contract.Progress
	Execution         Execution         `json:"execution"`
	PendingActivities []PendingActivity `json:"pendingActivities"`
	// ProgressSource is "query" when the workflow answered the progress query, or
	// "visibility" when only its search attributes (and result) were available.
	ProgressSource string `json:"progressSource"`
	// ProgressNote says why the query was not used.
	ProgressNote string `json:"progressNote,omitempty"`
	// Executions are every run of the migration, newest first: a migration started
	// again after it failed or was cancelled has several (continued-as-new runs, which
	// are one run carried on, are not listed).
	Executions []Summary `json:"executions"`
}

// Status reports on a migration, running or closed.
func (s *Starter) Status(ctx context.Context, ref string) (Report, error) {
	desc, err := s.describeRef(ctx, ref)
	if err != nil {
		return Report{}, err
	}
	info := desc.GetWorkflowExecutionInfo()
	workflowID := info.GetExecution().GetWorkflowId()
	r := Report{Execution: executionOf(info), PendingActivities: pendingOf(desc, s.opts.DataConverter)}

	progress, qerr := s.queryProgress(ctx, workflowID, r.Execution.RunID)
	if qerr == nil {
		r.Progress, r.ProgressSource = progress, "query"
	} else {
		r.Progress, r.ProgressSource, r.ProgressNote = progressFromVisibility(info), "visibility", qerr.Error()
		if info.GetStatus() != enumspb.WORKFLOW_EXECUTION_STATUS_RUNNING {
			s.closedOutcome(ctx, &r)
		} else if r.Status.Final() {
			// The outcome is recorded but the run is still closing (revoking the owner's
			// grant, answering handlers); its result is readable once it closes.
			r.ProgressNote += "; the migration has its outcome and is closing, so its result shows once the workflow closes"
		}
	}
	liveContributors(&r.Progress, desc, s.opts.DataConverter)
	if r.Executions, err = s.runs(ctx, []string{workflowID}); err != nil {
		s.log.Debug("list the runs of a migration", zap.String("workflowId", workflowID), zap.Error(err))
		r.Executions = []Summary{}
	}
	// A terminated or timed-out run never recorded its outcome; say how it ended.
	if st := closedStatus(info.GetStatus()); st != "" && !r.Status.Final() {
		r.Status, r.WaitingFor, r.WaitingSince = st, "", nil
		if r.LastError == "" {
			r.LastError = "the workflow was " + info.GetStatus().String() + " in Temporal"
		}
	}
	return r, nil
}

// queryProgress asks the workflow for its progress. It needs a worker, so it checks
// for pollers first and bounds the wait, rather than hanging when none runs.
func (s *Starter) queryProgress(ctx context.Context, workflowID, runID string) (contract.Progress, error) {
	tq, err := s.c.DescribeTaskQueue(ctx, contract.TaskQueue, enumspb.TASK_QUEUE_TYPE_WORKFLOW)
	if err == nil && len(tq.GetPollers()) == 0 {
		return contract.Progress{}, fmt.Errorf("no worker is polling task queue %s, so the progress comes from search attributes; start \"sellmigrate worker\" for the full detail", contract.TaskQueue)
	}
	qctx, cancel := context.WithTimeout(ctx, s.opts.QueryTimeout)
	defer cancel()
	v, err := s.c.QueryWorkflow(qctx, workflowID, runID, contract.ProgressQuery)
	if err != nil {
		s.log.Debug("progress query failed", zap.String("workflowId", workflowID), zap.Error(err))
		if isTimeout(qctx, err) {
			return contract.Progress{}, fmt.Errorf("the progress query was not answered within %s (temporal.query_timeout), so the progress comes from search attributes", s.opts.QueryTimeout)
		}
		return contract.Progress{}, fmt.Errorf("the progress query was not answered (%s), so the progress comes from search attributes", contract.RootMessage(err))
	}
	var p contract.Progress
	if err := v.Get(&p); err != nil {
		return contract.Progress{}, fmt.Errorf("decode the progress of %s: %w", workflowID, err)
	}
	return p, nil
}

// closedOutcome fills the result or the failure of a closed run from its close event,
// which needs no worker.
func (s *Starter) closedOutcome(ctx context.Context, r *Report) {
	var res contract.Result
	err := s.c.GetWorkflow(ctx, r.Execution.WorkflowID, r.Execution.RunID).Get(ctx, &res)
	if err == nil {
		r.Result = &res
		r.Status = res.Outcome
		if res.Subdomain != "" {
			r.Subdomain = res.Subdomain
		}
		// Without a worker the result is the only record of the disclaimers accepted.
		r.DisclaimerVersion, r.DisclaimerSHA256 = res.DisclaimerVersion, res.DisclaimerSHA256
		return
	}
	var canceled *temporal.CanceledError
	if errors.As(err, &canceled) {
		// Cancelling is an outcome, not an error; the details say what was undone.
		var detail string
		if canceled.HasDetails() && canceled.Details(&detail) == nil && r.Compensation == "" {
			r.Compensation = detail
		}
		return
	}
	if r.LastError == "" {
		r.LastError = outcomeMessage(err)
	}
}

// outcomeMessage says how a failed run ended, in the workflow's own words where it
// gave some.
func outcomeMessage(err error) string {
	var canceled *temporal.CanceledError
	var timeout *temporal.TimeoutError
	var terminated *temporal.TerminatedError
	switch {
	case errors.As(err, &canceled):
		return "cancelled"
	case errors.As(err, &terminated):
		return "terminated in Temporal"
	case errors.As(err, &timeout):
		return "timed out in Temporal"
	}
	return contract.RootMessage(err)
}

// MarshalJSON always writes waitingFor (empty when the migration waits for nobody), as
// the status contract promises step, status and waitingFor at the top level.
func (r Report) MarshalJSON() ([]byte, error) {
	type plain Report // without this method, so no recursion
	return json.Marshal(struct {
		plain
		WaitingFor string `json:"waitingFor"`
	}{plain(r), r.WaitingFor})
}
