package starter

import (
	"context"
	"errors"
	"fmt"

	"go.temporal.io/api/serviceerror"
	"go.uber.org/zap"
)

// Signal delivers a human input as a Temporal signal: fire and forget, for callers that
// cannot wait for the workflow's answer (Send waits). The workflow checks it with the
// same validator as the update and records a refused one in the progress with the
// reason. An input for a migration that has ended is never dropped silently: it is
// refused with *ClosedError (e.g. "already completed"), and one for no migration with
// *NotFoundError.
func (s *Starter) Signal(ctx context.Context, ref, input string, payload any) error {
	accountID, workflowID, err := ParseRef(ref)
	if err != nil {
		return err
	}
	arg, err := CheckInput(input, payload)
	if err != nil {
		return err
	}
	if err := s.c.SignalWorkflow(ctx, workflowID, "", input, arg); err != nil {
		var nf *serviceerror.NotFound
		if errors.As(err, &nf) {
			return s.missingOrClosed(context.WithoutCancel(ctx), accountID, workflowID)
		}
		return fmt.Errorf("signal %s to the migration of Sell account %s: %w", input, accountID, err)
	}
	s.log.Debug("input signalled", zap.String("input", input), zap.String("workflowId", workflowID))
	return nil
}
