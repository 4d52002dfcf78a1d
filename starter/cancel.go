package starter

import (
	"context"
	"errors"
	"fmt"

	enumspb "go.temporal.io/api/enums/v1"
	"go.temporal.io/api/serviceerror"
	"go.temporal.io/sdk/temporal"
	"go.uber.org/zap"

	"github.com/sellmigrate/sellmigrate/contract"
)

// Cancel asks a migration to stop. The workflow compensates (releases a subdomain it
// created and did not link) and records the outcome; Status shows it.
func (s *Starter) Cancel(ctx context.Context, ref string) error {
	accountID, workflowID, err := ParseRef(ref)
	if err != nil {
		return err
	}
	// A closed run would take the request silently; say it has ended instead.
	desc, err := s.describe(ctx, accountID, workflowID)
	if err != nil {
		return err
	}
	info := desc.GetWorkflowExecutionInfo()
	if st := info.GetStatus(); st != enumspb.WORKFLOW_EXECUTION_STATUS_RUNNING {
		return &ClosedError{AccountID: accountID, WorkflowID: workflowID, Execution: st.String()}
	}
	if err := s.c.CancelWorkflow(ctx, workflowID, info.GetExecution().GetRunId()); err != nil {
		var nf *serviceerror.NotFound
		if errors.As(err, &nf) {
			return s.missingOrClosed(ctx, accountID, workflowID)
		}
		return fmt.Errorf("cancel the migration of Sell account %s: %w", accountID, err)
	}
	s.log.Debug("cancellation requested", zap.String("workflowId", workflowID))
	return nil
}

// Wait blocks until the migration ends and returns its result. A migration that did
// not complete (failed, expired, cancelled, terminated) returns an error saying how it
// ended.
func (s *Starter) Wait(ctx context.Context, ref string) (contract.Result, error) {
	accountID, workflowID, err := ParseRef(ref)
	if err != nil {
		return contract.Result{}, err
	}
	var res contract.Result
	err = s.c.GetWorkflow(ctx, workflowID, "").Get(ctx, &res)
	if err == nil {
		return res, nil
	}
	var nf *serviceerror.NotFound
	var canceled *temporal.CanceledError
	var appErr *temporal.ApplicationError
	switch {
	case errors.As(err, &nf):
		return res, &NotFoundError{AccountID: accountID, WorkflowID: workflowID}
	case errors.As(err, &canceled):
		msg := fmt.Sprintf("migration for Sell account %s was cancelled", accountID)
		var detail string
		if canceled.HasDetails() && canceled.Details(&detail) == nil && detail != "" {
			msg += ": " + detail
		}
		return res, errors.New(msg)
	case errors.As(err, &appErr) && appErr.Type() == contract.ErrTypeExpired:
		return res, fmt.Errorf("migration for Sell account %s expired: %s", accountID, contract.RootMessage(err))
	case ctx.Err() != nil:
		return res, fmt.Errorf("stopped waiting for the migration of Sell account %s (%v); it goes on — see \"sellmigrate status %s\"", accountID, ctx.Err(), accountID)
	}
	return res, fmt.Errorf("migration for Sell account %s failed: %s", accountID, outcomeMessage(err))
}
