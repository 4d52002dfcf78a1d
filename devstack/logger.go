package devstack

import (
	"log/slog"
	"strings"
	"sync/atomic"

	sdklog "go.temporal.io/sdk/log"
	serverlog "go.temporal.io/server/common/log"
	"go.uber.org/zap"
	"go.uber.org/zap/exp/zapslog"
	"go.uber.org/zap/zapcore"
)

// quiet raises a logger to warn level: the embedded server and its clients log every
// startup step, shard movement and poll at info, which drowns the application's own logs.
func quiet(l *zap.Logger, name string) *zap.Logger {
	return l.Named(name).WithOptions(zap.IncreaseLevel(zapcore.WarnLevel))
}

// Phases of one server instance, as its log gate sees them.
const (
	_ int32 = iota // running: every line passes
	// phaseStopping: services dial each other as they go down one by one, and the
	// server's own SDK workers fail their polls; those warnings say nothing useful.
	phaseStopping
	// phaseStopped: a few of the server's internal workers are never stopped upstream
	// and keep retrying; a stopped instance has nothing left worth reading.
	phaseStopped
)

// expectedWarnings are logged on every start of this configuration and need no action.
var expectedWarnings = []string{
	// The frontend HTTP API is off on purpose (the UI speaks gRPC; Nexus is unused).
	"HTTP API port has not been set",
}

// logGate filters one server instance's logs by its lifecycle phase.
type logGate struct{ phase atomic.Int32 }

func (g *logGate) set(phase int32) { g.phase.Store(phase) }

func (g *logGate) allows(e zapcore.Entry) bool {
	for _, prefix := range expectedWarnings {
		if strings.HasPrefix(e.Message, prefix) {
			return false
		}
	}
	switch g.phase.Load() {
	case phaseStopping:
		return e.Level >= zapcore.ErrorLevel
	case phaseStopped:
		return false
	default:
		return true
	}
}

// gatedCore consults the gate before handing an entry to the wrapped core.
type gatedCore struct {
	zapcore.Core
	gate *logGate
}

func (c *gatedCore) With(fields []zapcore.Field) zapcore.Core {
	return &gatedCore{Core: c.Core.With(fields), gate: c.gate}
}

func (c *gatedCore) Check(e zapcore.Entry, ce *zapcore.CheckedEntry) *zapcore.CheckedEntry {
	if !c.gate.allows(e) {
		return ce
	}
	return c.Core.Check(e, ce)
}

// serverLogger routes the server's structured logs through the caller's zap logger,
// at warn level and through gate.
func serverLogger(l *zap.Logger, gate *logGate) serverlog.Logger {
	gated := quiet(l, "temporal").WithOptions(zap.WrapCore(func(c zapcore.Core) zapcore.Core {
		return &gatedCore{Core: c, gate: gate}
	}))
	return serverlog.NewZapLogger(gated)
}

// sdkLogger routes the SDK client's logs used during startup through the zap logger.
func sdkLogger(l *zap.Logger) sdklog.Logger {
	// A zap core carries the level but not the logger name, so the handler is named too.
	core := quiet(l, "temporal-client").Core()
	return sdklog.NewStructuredLogger(slog.New(zapslog.NewHandler(core, zapslog.WithName("temporal-client"))))
}
