package worker

import (
	sdkworker "go.temporal.io/sdk/worker"
	"go.uber.org/zap"

	"github.com/sellmigrate/sellmigrate/config"
)

// Options tunes the worker: the worker.* settings (zero values mean the SDK's
// defaults, unlimited for rates) plus what only code can give.
type Options struct {
	config.Worker
	// Register, when set, registers more workflows or activities on the same worker
	// (the benchmark's floor workflow).
	Register func(sdkworker.Registry)
	Logger   *zap.Logger
}

// OptionsFromConfig reads the worker.* settings.
func OptionsFromConfig(c config.Worker, logger *zap.Logger) Options {
	return Options{Worker: c, Logger: logger}
}
