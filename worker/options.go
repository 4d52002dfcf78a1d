package worker

import (
	"time"

	sdkworker "go.temporal.io/sdk/worker"
	"go.uber.org/zap"

	"github.com/sellmigrate/sellmigrate/config"
)

// Options tunes the worker. Zero values mean the SDK's defaults (unlimited for rates).
type Options struct {
	MaxConcurrentActivities      int
	MaxConcurrentWorkflowTasks   int
	ActivitiesPerSecond          float64
	TaskQueueActivitiesPerSecond float64
	// StopTimeout is how long a stopping worker lets running activities finish; an
	// activity cut off is retried elsewhere, resuming from its last heartbeat.
	StopTimeout time.Duration
	// MaxHeartbeatThrottle caps the SDK's heartbeat throttling (default 60s), so the
	// contributor cursor reaches the server often; 0 keeps the SDK default.
	MaxHeartbeatThrottle time.Duration
	// StickyCacheSize caps the workflows kept in memory between tasks (process-wide; the
	// SDK default is 10,000). Waiting migrations hold a few goroutines each; a smaller
	// cache bounds memory when thousands wait, at the cost of a history replay when an
	// evicted one moves again. See docs/PERFORMANCE.md.
	StickyCacheSize int
	// WorkflowTaskPollers and ActivityTaskPollers are the long polls per task type
	// (SDK default 2 each).
	WorkflowTaskPollers int
	ActivityTaskPollers int
	// DisableEagerActivities turns off eager activity dispatch (the server hands the
	// next activity back in the workflow task's reply instead of through matching).
	DisableEagerActivities bool
	// Register, when set, registers more workflows or activities on the same worker
	// (the benchmark's floor workflow).
	Register func(sdkworker.Registry)
	Logger   *zap.Logger
}

// OptionsFromConfig reads the worker.* settings.
func OptionsFromConfig(c config.Worker, logger *zap.Logger) Options {
	return Options{
		MaxConcurrentActivities:      c.MaxConcurrentActivities,
		MaxConcurrentWorkflowTasks:   c.MaxConcurrentWorkflowTasks,
		ActivitiesPerSecond:          c.ActivitiesPerSecond,
		TaskQueueActivitiesPerSecond: c.TaskQueueActivitiesPerSecond,
		StopTimeout:                  c.StopTimeout,
		MaxHeartbeatThrottle:         c.MaxHeartbeatThrottle,
		StickyCacheSize:              c.StickyCacheSize,
		WorkflowTaskPollers:          c.WorkflowTaskPollers,
		ActivityTaskPollers:          c.ActivityTaskPollers,
		DisableEagerActivities:       c.DisableEagerActivities,
		Logger:                       logger,
	}
}
