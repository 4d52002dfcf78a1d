package worker

import (
	"log/slog"

	"go.temporal.io/sdk/log"
	"go.uber.org/zap"
	"go.uber.org/zap/exp/zapslog"
)

// SDKLogger bridges zap into the Temporal SDK (through slog), so the SDK's own logs come
// out in the process's format and level.
func SDKLogger(z *zap.Logger) log.Logger {
	if z == nil {
		z = zap.NewNop()
	}
	h := zapslog.NewHandler(z.Core(), zapslog.WithName("temporal"), zapslog.WithCaller(false))
	return log.NewStructuredLogger(slog.New(h))
}
