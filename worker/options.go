package worker

import (
	"go.temporal.io/sdk/converter"
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
	// DataConverter is the one the client was dialled with (nil: the SDK's default):
	// the campaign's activities decode what that client encoded.
	DataConverter converter.DataConverter
}

// OptionsFromConfig reads the worker.* settings.
func OptionsFromConfig(c config.Worker, logger *zap.Logger) Options {
	return Options{Worker: c, Logger: logger}
}
