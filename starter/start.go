package starter

import (
	"context"
	"errors"
	"fmt"

	enumspb "go.temporal.io/api/enums/v1"
	"go.temporal.io/api/serviceerror"
	"go.uber.org/zap"

	"github.com/sellmigrate/sellmigrate/contract"
)

// Started identifies a migration that was started.
type Started struct {
	AccountID  string `json:"accountId"`
	WorkflowID string `json:"workflowId"`
	RunID      string `json:"runId"`
}

// Start validates the request, then starts the account's migration. A second start of a
// running or completed migration is refused with *AlreadyStartedError; a failed or
// cancelled one may be started again.
func (s *Starter) Start(ctx context.Context, req StartRequest) (Started, error) {
	in, err := req.Input(s.opts.Policy)
	if err != nil {
		return Started{}, err
	}
	id := contract.WorkflowID(in.SellAccountID)
	opts := contract.StartOptions(in)
	opts.StaticSummary = startSummary(in)
	run, err := s.c.ExecuteWorkflow(ctx, opts, contract.WorkflowName, in)
	if err != nil {
		var dup *serviceerror.WorkflowExecutionAlreadyStarted
		if errors.As(err, &dup) {
			return Started{}, s.alreadyStarted(ctx, in.SellAccountID, id)
		}
		return Started{}, fmt.Errorf("start migration for Sell account %s: %w", in.SellAccountID, err)
	}
	s.log.Debug("migration started", zap.String("sellAccountId", in.SellAccountID),
		zap.String("workflowId", id), zap.String("runId", run.GetRunID()))
	return Started{AccountID: in.SellAccountID, WorkflowID: id, RunID: run.GetRunID()}, nil
}

// alreadyStarted says whether the existing migration is running or has completed.
func (s *Starter) alreadyStarted(ctx context.Context, accountID, workflowID string) error {
	e := &AlreadyStartedError{AccountID: accountID, WorkflowID: workflowID, Running: true}
	desc, err := s.c.DescribeWorkflowExecution(ctx, workflowID, "")
	if err == nil {
		e.Running = desc.GetWorkflowExecutionInfo().GetStatus() == enumspb.WORKFLOW_EXECUTION_STATUS_RUNNING
	}
	return e
}

// startSummary is what the Temporal Web UI shows for the migration instead of its
// bare workflow type.
func startSummary(in contract.StartInput) string {
	target := "a new Zendesk account"
	if in.Mode == contract.ModeExisting {
		target = "an existing Zendesk account"
	}
	if in.Subdomain != "" {
		target += " (" + in.Subdomain + ")"
	}
	// No email here: summaries are shown as they are, whatever codec protects payloads.
	return fmt.Sprintf("Move Sell account %s to %s", in.SellAccountID, target)
}
