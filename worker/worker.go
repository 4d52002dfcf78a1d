// Package worker builds the migration worker: it registers MigrationWorkflow and the
// activities on the migrations task queue, applies the tuning from config and stops
// gracefully.
package worker

import (
	"context"
	"fmt"

	"go.temporal.io/sdk/client"
	sdkworker "go.temporal.io/sdk/worker"
	"go.temporal.io/sdk/workflow"
	"go.uber.org/zap"

	"github.com/sellmigrate/sellmigrate/activities"
	"github.com/sellmigrate/sellmigrate/workflows"
)

// Worker polls workflows.TaskQueue.
type Worker struct {
	w      sdkworker.Worker
	fatal  chan error
	logger *zap.Logger
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
	wk := &Worker{fatal: make(chan error, 1), logger: o.Logger}
	wk.w = sdkworker.New(c, workflows.TaskQueue, sdkworker.Options{
		MaxConcurrentActivityExecutionSize:     o.MaxConcurrentActivities,
		MaxConcurrentWorkflowTaskExecutionSize: o.MaxConcurrentWorkflowTasks,
		WorkerActivitiesPerSecond:              o.ActivitiesPerSecond,
		TaskQueueActivitiesPerSecond:           o.TaskQueueActivitiesPerSecond,
		WorkerStopTimeout:                      o.StopTimeout,
		OnFatalError: func(err error) {
			select {
			case wk.fatal <- err:
			default:
			}
		},
	})
	wk.w.RegisterWorkflowWithOptions(workflows.MigrationWorkflow, workflow.RegisterOptions{Name: workflows.WorkflowName})
	wk.w.RegisterActivity(acts)
	return wk, nil
}

// Start begins polling; it returns once the worker is running.
func (w *Worker) Start() error {
	if err := w.w.Start(); err != nil {
		return fmt.Errorf("start worker on task queue %s: %w", workflows.TaskQueue, err)
	}
	w.logger.Info("worker started", zap.String("taskQueue", workflows.TaskQueue))
	return nil
}

// Stop stops polling and waits (up to the stop timeout) for running tasks. It is safe
// to call more than once.
func (w *Worker) Stop() {
	w.w.Stop()
	w.logger.Info("worker stopped", zap.String("taskQueue", workflows.TaskQueue))
}

// Wait blocks until ctx ends (a clean stop, nil) or the worker hits a fatal error.
// The caller stops the worker afterwards.
func (w *Worker) Wait(ctx context.Context) error {
	select {
	case <-ctx.Done():
		return nil
	case err := <-w.fatal:
		return fmt.Errorf("worker on task queue %s stopped: %w", workflows.TaskQueue, err)
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
