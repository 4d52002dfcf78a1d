package starter

import (
	"context"
	"errors"
	"time"

	"github.com/google/uuid"
	"go.temporal.io/api/serviceerror"
	"go.temporal.io/sdk/client"
	"go.uber.org/zap"
)

// notReadyBackoff is the first wait before an update is sent again after Temporal
// answered WorkflowNotReady; it doubles up to notReadyBackoffMax.
const (
	notReadyBackoff    = 100 * time.Millisecond
	notReadyBackoffMax = 2 * time.Second
)

// update sends an update to a workflow and waits for its result in result, until
// ctx ends. When the workflow task that carried it fails before the workflow took it
// (a worker that died mid-task, a completion Temporal refused because new events had
// arrived), Temporal aborts the update with WorkflowNotReady: nothing was applied, and
// it may be sent again, so it is. Temporal aborts this way only an update the workflow
// had not accepted, so nothing runs twice; every send carries the same update ID all
// the same, which Temporal answers with the outcome of an update it already took.
func (s *Starter) update(ctx context.Context, workflowID, name string, arg, result any) error {
	opts := client.UpdateWorkflowOptions{
		UpdateID:     uuid.NewString(),
		WorkflowID:   workflowID,
		UpdateName:   name,
		Args:         []any{arg},
		WaitForStage: client.WorkflowUpdateStageCompleted,
	}
	wait := notReadyBackoff
	for {
		handle, err := s.c.UpdateWorkflow(ctx, opts)
		if err == nil {
			err = handle.Get(ctx, result)
		}
		var notReady *serviceerror.WorkflowNotReady
		if !errors.As(err, &notReady) {
			return err
		}
		s.log.Info("the workflow task carrying an update failed before the workflow took it; sending it again",
			zap.String("workflowId", workflowID), zap.String("update", name), zap.Duration("after", wait), zap.Error(err))
		select {
		case <-ctx.Done():
			return err
		case <-time.After(wait):
		}
		wait = min(2*wait, notReadyBackoffMax)
	}
}
