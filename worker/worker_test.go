package worker

import (
	"strings"
	"testing"

	"go.uber.org/zap"
	"go.uber.org/zap/zapcore"
	"go.uber.org/zap/zaptest/observer"
)

func TestSDKLoggerBridgesToZap(t *testing.T) {
	core, logs := observer.New(zapcore.InfoLevel)
	l := SDKLogger(zap.New(core))
	l.Debug("dropped below the level")
	l.Info("Started Worker", "TaskQueue", "sell-migrations")
	l.Error("poll failed", "Attempt", 3)
	entries := logs.All()
	if len(entries) != 2 {
		t.Fatalf("got %d entries, want 2: %+v", len(entries), entries)
	}
	if e := entries[0]; e.Message != "Started Worker" || e.ContextMap()["TaskQueue"] != "sell-migrations" || e.LoggerName != "temporal" {
		t.Errorf("info entry = %+v", e)
	}
	if e := entries[1]; e.Level != zapcore.ErrorLevel || e.ContextMap()["Attempt"] != int64(3) {
		t.Errorf("error entry = %+v %v", e, e.ContextMap())
	}
	SDKLogger(nil).Info("a nil logger discards")
}

func TestNewRefusesMissingParts(t *testing.T) {
	if _, err := New(nil, nil, Options{}); err == nil || !strings.Contains(err.Error(), "required") {
		t.Errorf("New(nil, nil) = %v", err)
	}
}
