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

// stepCtx is for the short Zendesk calls of a step.
func (m *migration) stepCtx(ctx workflow.Context) workflow.Context {
	return workflow.WithActivityOptions(ctx, workflow.ActivityOptions{
		StartToCloseTimeout: m.in.Policy.ActivityTimeout,
		RetryPolicy:         m.retryPolicy(),
	})
}

// contributorCtx is for the long contributor conversion: a heartbeat timeout notices a
// dead worker long before the start-to-close timeout would.
func (m *migration) contributorCtx(ctx workflow.Context) workflow.Context {
	return workflow.WithActivityOptions(ctx, workflow.ActivityOptions{
		StartToCloseTimeout: m.in.Policy.ContributorTimeout,
		HeartbeatTimeout:    m.in.Policy.HeartbeatTimeout,
		RetryPolicy:         m.retryPolicy(),
	})
}
