package workflows

import (
	"errors"
	"slices"

	"go.temporal.io/sdk/temporal"
	"go.temporal.io/sdk/workflow"

	"github.com/sellmigrate/sellmigrate/contract"
)

// readOnly runs a check that reads Zendesk or Sell and changes nothing (Preflight,
// CheckSubdomainExists, CheckSellLicense, CheckSellAdmin), by its
// registered activity name, and decodes its result into out.
//
// Since ChangeLocalChecks its first attempt is a local activity: it runs inside the
// workflow task that asked for it, so the server records one marker instead of an
// activity's three events, a workflow task's three, and the matching and transfer work
// in between. Running it twice (a worker dying mid-task) is harmless because it changes
// nothing. When that attempt fails for a reason a retry may fix, the check runs again
// as a regular activity under the step's retry policy: a check that keeps failing then
// shows in the migration's pending activities with its attempts and last error, as any
// other step does, and a rate limit's Retry-After is waited out on a timer first.
//
// A search-attribute change made just before is not flushed for the local attempt
// (that would undo the coalescing of the task's upserts): while the check runs, which
// takes milliseconds and at most ActivityTimeout, visibility shows the state before it.
func (m *migration) readOnly(ctx workflow.Context, summary, activity string, in, out any) error {
	if !m.localChecks {
		return workflow.ExecuteActivity(m.stepCtx(ctx, summary), activity, in).Get(ctx, out)
	}
	return m.localFirst(ctx, summary, activity, in, out)
}

// localFirst runs an activity that is safe to run twice, by its registered name, as
// a local activity first, and again as a regular activity under the step's retry
// policy when that attempt fails for a reason a retry may fix (see readOnly).
func (m *migration) localFirst(ctx workflow.Context, summary, activity string, in, out any) error {
	lctx := workflow.WithLocalActivityOptions(ctx, workflow.LocalActivityOptions{
		StartToCloseTimeout: m.in.Policy.ActivityTimeout,
		RetryPolicy:         &temporal.RetryPolicy{MaximumAttempts: 1},
		Summary:             summary,
	})
	err := workflow.ExecuteLocalActivity(lctx, activity, in).Get(ctx, out)
	if err == nil || !mayPassOnRetry(err) || ctx.Err() != nil {
		return err
	}
	m.logger.Info("local attempt failed in the workflow task; retrying it as an activity", "activity", activity, "error", err)
	var appErr *temporal.ApplicationError
	if errors.As(err, &appErr) && appErr.NextRetryDelay() > 0 {
		m.flush(ctx)
		if err := workflow.Sleep(ctx, appErr.NextRetryDelay()); err != nil {
			return err
		}
	}
	return workflow.ExecuteActivity(m.stepCtx(ctx, summary), activity, in).Get(ctx, out)
}

// mayPassOnRetry tells an error a retry may fix from one the step's retry policy would
// not retry either (a refusal, a cancellation).
func mayPassOnRetry(err error) bool {
	if temporal.IsCanceledError(err) {
		return false
	}
	var appErr *temporal.ApplicationError
	if errors.As(err, &appErr) {
		return !appErr.NonRetryable() && !slices.Contains(contract.NonRetryableErrorTypes, appErr.Type())
	}
	return true
}
