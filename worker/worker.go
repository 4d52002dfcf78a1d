// Package worker builds the migration worker: it registers MigrationWorkflow and the
// activities on the migrations task queue, applies the tuning from config and stops
// gracefully.
package worker

import (
	"context"
	"fmt"
	"sync/atomic"

	"go.temporal.io/sdk/client"
	sdkworker "go.temporal.io/sdk/worker"
	"go.temporal.io/sdk/workflow"
	"go.uber.org/zap"

	"github.com/sellmigrate/sellmigrate/activities"
	"github.com/sellmigrate/sellmigrate/contract"
	"github.com/sellmigrate/sellmigrate/internal/binaryid"
	"github.com/sellmigrate/sellmigrate/workflows"
)

// Worker polls contract.TaskQueue.
type Worker struct {
	w       sdkworker.Worker
	running atomic.Bool
	fatal   chan error
	logger  *zap.Logger
}

// New registers the workflow and the activities on a new worker; nothing runs until
// Start or Run.
func New(c client.Client, acts *activities.Activities, o Options) (*Worker, error) {
	if c == nil || acts == nil {
		return nil, fmt.Errorf("worker: a Temporal client and the activities are required")
	}
	if o.MaxConcurrentWorkflowTasks == 1 {
		return nil, fmt.Errorf("worker: max concurrent workflow tasks must be 0 (SDK default) or at least 2")
	}
	if o.Logger == nil {
		o.Logger = zap.NewNop()
	}
	if o.StickyCacheSize > 0 {
		// Process-wide, and only honoured before the first worker starts.
		sdkworker.SetStickyWorkflowCacheSize(o.StickyCacheSize)
	}
	binaryid.UseGoBuildID(sdkworker.SetBinaryChecksum, o.Logger)
	wk := &Worker{fatal: make(chan error, 1), logger: o.Logger}
	wk.w = sdkworker.New(c, contract.TaskQueue, sdkworker.Options{
		MaxConcurrentActivityExecutionSize:     o.MaxConcurrentActivities,
		MaxConcurrentWorkflowTaskExecutionSize: o.MaxConcurrentWorkflowTasks,
		MaxConcurrentWorkflowTaskPollers:       o.WorkflowTaskPollers,
		MaxConcurrentActivityTaskPollers:       o.ActivityTaskPollers,
		WorkerActivitiesPerSecond:              o.ActivitiesPerSecond,
		TaskQueueActivitiesPerSecond:           o.TaskQueueActivitiesPerSecond,
		DisableEagerActivities:                 o.DisableEagerActivities,
		WorkerStopTimeout:                      o.StopTimeout,
		MaxHeartbeatThrottleInterval:           o.MaxHeartbeatThrottle,
		OnFatalError: func(err error) {
			select {
			case wk.fatal <- err:
			default:
			}
		},
	})
	wk.w.RegisterWorkflowWithOptions(workflows.MigrationWorkflow, workflow.RegisterOptions{Name: contract.WorkflowName})
	wk.w.RegisterWorkflowWithOptions(workflows.PreflightWorkflow, workflows.PreflightRegisterOptions())
	wk.w.RegisterActivity(acts)
	// The campaign's activities ask Temporal itself (start, count, cancel and read
	// migrations), so they hold the worker's client and its data converter; the
	// migration's activities never do.
	campaignActs, err := activities.NewCampaignActivities(c, o.DataConverter)
	if err != nil {
		return nil, err
	}
	wk.w.RegisterWorkflowWithOptions(workflows.CampaignWorkflow, workflows.CampaignRegisterOptions())
	wk.w.RegisterActivity(campaignActs)
	if o.Register != nil {
		o.Register(wk.w)
	}
	return wk, nil
}

// Start begins polling; it returns once the worker is running.
func (w *Worker) Start() error {
	if err := w.w.Start(); err != nil {
		return fmt.Errorf("start worker on task queue %s: %w", contract.TaskQueue, err)
	}
	w.running.Store(true)
	w.logger.Info("worker started", zap.String("taskQueue", contract.TaskQueue))
	return nil
}

// Stop stops polling and waits (up to the stop timeout) for running tasks. It is safe
// to call more than once.
func (w *Worker) Stop() {
	w.running.Store(false)
	w.w.Stop()
	w.logger.Info("worker stopped", zap.String("taskQueue", contract.TaskQueue))
}

// Wait blocks until ctx ends (a clean stop, nil) or the worker hits a fatal error.
// The caller stops the worker afterwards.
func (w *Worker) Wait(ctx context.Context) error {
	select {
	case <-ctx.Done():
		return nil
	case err := <-w.fatal:
		return fmt.Errorf("worker on task queue %s stopped: %w", contract.TaskQueue, err)
	}
}

// Run starts the worker, runs until ctx ends or a fatal error, then stops gracefully.
func (w *Worker) Run(ctx context.Context) error {
	if err := w.Start(); err != nil {
		return err
	}
	defer w.Stop()
	return w.Wait(ctx)
}

// Ready is the worker's /readyz check: it is polling, and Temporal answers.
func (w *Worker) Ready(c client.Client) ReadyFunc {
	return func(ctx context.Context) error {
		if !w.running.Load() {
			return fmt.Errorf("the worker is not polling task queue %s (starting or stopping)", contract.TaskQueue)
		}
		if _, err := c.CheckHealth(ctx, &client.CheckHealthRequest{}); err != nil {
			return fmt.Errorf("temporal does not answer: %w", err)
		}
		return nil
	}
}
