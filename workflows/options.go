package workflows

import (
	"go.temporal.io/sdk/temporal"
	"go.temporal.io/sdk/workflow"

	"github.com/sellmigrate/sellmigrate/contract"
)

func (m *migration) retryPolicy() *temporal.RetryPolicy {
	p := m.in.Policy
	return &temporal.RetryPolicy{
		InitialInterval:        p.RetryInitialInterval,
		BackoffCoefficient:     2,
		MaximumInterval:        p.RetryMaxInterval,
		MaximumAttempts:        p.RetryMaxAttempts,
		NonRetryableErrorTypes: contract.NonRetryableErrorTypes,
	}
}

// stepCtx is for the short Zendesk calls of a step; summary is what the Temporal Web
// UI shows for the activity. Every regular activity is scheduled through stepCtx or
// contributorCtx, right before the workflow blocks on it: the pending search-attribute
// change goes out first (see publish).
func (m *migration) stepCtx(ctx workflow.Context, summary string) workflow.Context {
	m.flush(ctx)
	return workflow.WithActivityOptions(ctx, workflow.ActivityOptions{
		StartToCloseTimeout: m.in.Policy.ActivityTimeout,
		RetryPolicy:         m.retryPolicy(),
		Summary:             summary,
	})
}

// sideEffectCtx is for the calls that change Zendesk (create an account, link): when
// the migration is cancelled while one runs, the workflow waits for it to report what
// actually happened, so compensation acts on the truth.
func (m *migration) sideEffectCtx(ctx workflow.Context, summary string) workflow.Context {
	ctx = m.stepCtx(ctx, summary)
	opts := workflow.GetActivityOptions(ctx)
	opts.WaitForCancellation = true
	return workflow.WithActivityOptions(ctx, opts)
}

// contributorCtx is for the long contributor conversion: a heartbeat timeout notices a
// dead worker long before the start-to-close timeout would, and heartbeats also carry
// a cancellation to it, which it answers with how far it got.
func (m *migration) contributorCtx(ctx workflow.Context, summary string) workflow.Context {
	m.flush(ctx)
	return workflow.WithActivityOptions(ctx, workflow.ActivityOptions{
		StartToCloseTimeout: m.in.Policy.ContributorTimeout,
		HeartbeatTimeout:    m.in.Policy.HeartbeatTimeout,
		RetryPolicy:         m.retryPolicy(),
		WaitForCancellation: true,
		Summary:             summary,
	})
}
