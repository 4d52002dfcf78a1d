package worker

import (
	"time"

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
	Logger      *zap.Logger
}

// OptionsFromConfig reads the worker.* settings.
func OptionsFromConfig(c config.Worker, logger *zap.Logger) Options {
	return Options{
		MaxConcurrentActivities:      c.MaxConcurrentActivities,
		MaxConcurrentWorkflowTasks:   c.MaxConcurrentWorkflowTasks,
		ActivitiesPerSecond:          c.ActivitiesPerSecond,
		TaskQueueActivitiesPerSecond: c.TaskQueueActivitiesPerSecond,
		StopTimeout:                  c.StopTimeout,
		Logger:                       logger,
	}
}
