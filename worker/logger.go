package worker

import (
	"errors"
	"log/slog"
	"math"

	"go.temporal.io/sdk/log"
	"go.temporal.io/sdk/temporal"
	"go.uber.org/zap"
	"go.uber.org/zap/exp/zapslog"
)

// SDKLogger bridges zap into the Temporal SDK (through slog), so the SDK's own logs come
// out in the process's format and level. Stack traces of the SDK's internals help no
// one reading them, so none are added.
func SDKLogger(z *zap.Logger) log.Logger {
	if z == nil {
		z = zap.NewNop()
	}
	h := zapslog.NewHandler(z.Core(), zapslog.WithName("temporal"), zapslog.WithCaller(false),
		zapslog.AddStacktraceAt(slog.Level(math.MaxInt)))
	return expectedRefusals{log.NewStructuredLogger(slog.New(h))}
}

// expectedRefusals logs an activity that failed for good with a message written for a
// person (an unknown Sell account, a requester who is not an admin: a non-retryable
// application error) at warn, once, with that message alone. The SDK logs every
// activity failure at error with the whole cause chain, whose inner errors say
// "retryable: true" of a refusal that is not retried.
type expectedRefusals struct{ log.Logger }

const activityErrorMsg = "Activity error."

func (l expectedRefusals) Error(msg string, keyvals ...any) {
	if msg == activityErrorMsg {
		if kv, ok := refusal(keyvals); ok {
			l.Logger.Warn("Activity refused the step; it is not retried.", kv...)
			return
		}
	}
	l.Logger.Error(msg, keyvals...)
}

func (l expectedRefusals) With(keyvals ...any) log.Logger {
	if w, ok := l.Logger.(log.WithLogger); ok {
		return expectedRefusals{w.With(keyvals...)}
	}
	return l
}

// refusal rewrites the keyvals of a non-retryable application error: its Error value
// becomes the message alone, and its type is named.
func refusal(keyvals []any) ([]any, bool) {
	for i := 0; i+1 < len(keyvals); i += 2 {
		err, isErr := keyvals[i+1].(error)
		if keyvals[i] != "Error" || !isErr {
			continue
		}
		var appErr *temporal.ApplicationError
		if !errors.As(err, &appErr) || !appErr.NonRetryable() {
			return nil, false
		}
		out := append([]any{}, keyvals[:i]...)
		out = append(out, "Error", appErr.Message(), "ErrorType", appErr.Type())
		return append(out, keyvals[i+2:]...), true
	}
	return nil, false
}
