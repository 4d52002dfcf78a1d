package harness

import (
	"strings"
	"testing"
)

// TestLastFailureFindsTheErrorAboveAStackTrace: a fatal error followed by a long stack
// trace is found, and a log without one gives nothing.
func TestLastFailureFindsTheErrorAboveAStackTrace(t *testing.T) {
	log := "10:00:00.000\tINFO\tstarting\n10:00:01.000\tFATAL\ttemporal\tFailed to start gRPC listener: address already in use\n" +
		strings.Repeat("go.uber.org/dig.paramList.BuildList\n\t/root/go/pkg/mod/go.uber.org/dig/param.go:151\n", 100)
	if got := lastFailure(log); !strings.Contains(got, "address already in use") {
		t.Fatalf("lastFailure = %q; want the FATAL line", got)
	}
	if got := lastFailure("10:00:00.000\tINFO\tstarting\n"); got != "" {
		t.Fatalf("lastFailure of a log without a failure = %q; want none", got)
	}
}
