package starter

import (
	"context"
	"errors"
	"fmt"
	"time"

	"github.com/google/uuid"
	"go.temporal.io/api/serviceerror"
	"go.temporal.io/sdk/client"
	"go.uber.org/zap"
)

// notReadyBackoff is the first wait before an update is sent again after Temporal
// answered WorkflowNotReady; it doubles at each of at most notReadyResends resends
// (about 3 s in all).
const (
	notReadyBackoff = 100 * time.Millisecond
	notReadyResends = 5
)

// update sends an update to a workflow and waits for its result in result, until
// ctx ends. When the workflow task that carried it fails before the workflow took it
// (a worker that died mid-task, a completion Temporal refused because new events had
// arrived), Temporal aborts the update with WorkflowNotReady: nothing was applied, and
// it may be sent again, so it is, a few times. Temporal aborts this way only an update
// the workflow had not accepted, so nothing runs twice; every send carries the same
// update ID all the same, which Temporal answers with the outcome of an update it
// already took. Temporal also answers WorkflowNotReady at once, without trying, while
// the workflow's task keeps failing (a bug, a nondeterministic change): that does not
// clear by waiting, so after the resends the error says so.
func (s *Starter) update(ctx context.Context, workflowID, name string, arg, result any) error {
	opts := client.UpdateWorkflowOptions{
		UpdateID:     uuid.NewString(),
		WorkflowID:   workflowID,
		UpdateName:   name,
		Args:         []any{arg},
		WaitForStage: client.WorkflowUpdateStageCompleted,
	}
	wait := notReadyBackoff
	for resend := 0; ; resend++ {
		handle, err := s.c.UpdateWorkflow(ctx, opts)
		if err == nil {
			err = handle.Get(ctx, result)
		}
		var notReady *serviceerror.WorkflowNotReady
		if !errors.As(err, &notReady) {
			return err
		}
		if resend == notReadyResends {
			return &WorkflowTaskFailingError{WorkflowID: workflowID, Update: name, Err: err}
		}
		s.log.Info("the workflow task carrying an update failed before the workflow took it; sending it again",
			zap.String("workflowId", workflowID), zap.String("update", name), zap.Duration("after", wait), zap.Error(err))
		select {
		case <-ctx.Done():
			return err
		case <-time.After(wait):
		}
		wait *= 2
	}
}

// WorkflowTaskFailingError says an update was not applied because the workflow's
// task kept failing through every resend.
type WorkflowTaskFailingError struct {
	WorkflowID, Update string
	Err                error
}

func (e *WorkflowTaskFailingError) Error() string {
	return fmt.Sprintf("%s was not applied: the workflow task of %s kept failing (%s); look for the workflow's error in the worker's log or the Web UI, and send it again once the workflow runs",
		e.Update, e.WorkflowID, e.Err)
}

func (e *WorkflowTaskFailingError) Unwrap() error { return e.Err }
