package worker

import (
	"errors"
	"strings"
	"testing"

	"go.temporal.io/sdk/temporal"
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

func TestExpectedRefusalsAreOneWarnLine(t *testing.T) {
	core, logs := observer.New(zap.DebugLevel)
	l := SDKLogger(zap.New(core))
	refused := temporal.NewNonRetryableApplicationError("Sell account 1006 is unknown; check the account ID", "UnknownSellAccount",
		errors.New("zendesk sell GET /v2/accounts/self: 401 unauthorized"))
	l.Error("Activity error.", "ActivityType", "Preflight", "Error", refused)
	l.Error("Activity error.", "ActivityType", "LinkAccounts", "Error", temporal.NewApplicationError("zendesk 503", "ZendeskUnavailable"))
	entries := logs.All()
	if len(entries) != 2 {
		t.Fatalf("%d log entries, want 2", len(entries))
	}
	first := entries[0]
	if first.Level != zap.WarnLevel || first.ContextMap()["Error"] != "Sell account 1006 is unknown; check the account ID" ||
		first.ContextMap()["ErrorType"] != "UnknownSellAccount" || first.Stack != "" {
		t.Errorf("a refusal must be one warn line with its own message: %+v %v", first, first.ContextMap())
	}
	if entries[1].Level != zap.ErrorLevel {
		t.Errorf("a retryable failure stays an error: %+v", entries[1])
	}
}
