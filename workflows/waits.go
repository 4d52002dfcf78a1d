package workflows

import (
	"fmt"
	"time"

	"go.temporal.io/sdk/temporal"
	"go.temporal.io/sdk/workflow"

	"github.com/sellmigrate/sellmigrate/activities"
	"github.com/sellmigrate/sellmigrate/contract"
)

// awaitInput waits durably until ready() holds, showing status and what it waits for.
// Every ReminderInterval it sends a reminder; after WaitDeadline it ends the migration
// as expired rather than hang.
func (m *migration) awaitInput(ctx workflow.Context, status contract.Status, waitingFor string, ready func() bool) error {
	if ready() {
		return nil
	}
	m.setStatus(ctx, status, waitingFor)
	since := workflow.Now(ctx)
	deadline := since.Add(m.in.Policy.WaitDeadline)
	for {
		wait := m.in.Policy.ReminderInterval
		if left := deadline.Sub(workflow.Now(ctx)); left < wait {
			wait = left
		}
		ok, err := workflow.AwaitWithTimeout(ctx, wait, ready)
		if err != nil {
			return err
		}
		if ok {
			m.setStatus(ctx, contract.StatusRunning, "")
			return nil
		}
		if !workflow.Now(ctx).Before(deadline) {
			return temporal.NewNonRetryableApplicationError(
				fmt.Sprintf("waited %s for %s; the deadline (migration.wait_deadline) passed", m.in.Policy.WaitDeadline, waitingFor),
				contract.ErrTypeExpired, nil)
		}
		m.remind(ctx, waitingFor, since, deadline)
	}
}

func (m *migration) remind(ctx workflow.Context, waitingFor string, since, deadline time.Time) {
	m.progress.RemindersSent++
	err := workflow.ExecuteActivity(m.stepCtx(ctx), acts.SendReminder, activities.ReminderInput{
		WorkflowID: m.progress.WorkflowID, SellAccountID: m.in.SellAccountID, RequestedBy: m.in.RequestedBy,
		WaitingFor: waitingFor, Since: since, Deadline: deadline,
	}).Get(ctx, nil)
	if err != nil {
		// A reminder that cannot be sent must not end the migration; the wait goes on.
		m.logger.Warn("reminder could not be sent", "Error", err)
	}
}
