package main

import (
	"context"
	"errors"
	"io"
	"log/slog"
	"os"
	"path/filepath"
	"testing"
	"time"

	enumspb "go.temporal.io/api/enums/v1"
	historypb "go.temporal.io/api/history/v1"
	"go.temporal.io/api/serviceerror"
	"go.temporal.io/sdk/client"
	"go.temporal.io/sdk/log"
	"google.golang.org/protobuf/encoding/protojson"

	"github.com/sellmigrate/sellmigrate/contract"
)

// dialTemporal connects a plain SDK client to the dev stack, for what the CLI does not
// show: histories, run IDs and raw signals.
func dialTemporal(t *testing.T, address string) client.Client {
	t.Helper()
	c, err := client.Dial(client.Options{
		HostPort:  address,
		Namespace: "default",
		Logger:    log.NewStructuredLogger(slog.New(slog.NewTextHandler(io.Discard, nil))),
	})
	if err != nil {
		t.Fatalf("dial Temporal at %s: %v", address, err)
	}
	t.Cleanup(c.Close)
	return c
}

// latestRun describes the newest run of an account's migration.
func latestRun(t *testing.T, c client.Client, account string) (runID string, st enumspb.WorkflowExecutionStatus, historyLen int64) {
	t.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
	defer cancel()
	desc, err := c.DescribeWorkflowExecution(ctx, contract.WorkflowID(account), "")
	if err != nil {
		t.Fatalf("describe the migration of %s: %v", account, err)
	}
	info := desc.GetWorkflowExecutionInfo()
	return info.GetExecution().GetRunId(), info.GetStatus(), info.GetHistoryLength()
}

// noMigration checks that no workflow exists for the account.
func noMigration(t *testing.T, c client.Client, account string) {
	t.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
	defer cancel()
	_, err := c.DescribeWorkflowExecution(ctx, contract.WorkflowID(account), "")
	var nf *serviceerror.NotFound
	if !errors.As(err, &nf) {
		t.Errorf("a migration for %s exists (describe: %v); bad input must start nothing", account, err)
	}
}

// awaitClosed waits until the newest run of an account's migration has closed.
func awaitClosed(t *testing.T, c client.Client, account string) (runID string, st enumspb.WorkflowExecutionStatus) {
	t.Helper()
	deadline := time.Now().Add(2 * time.Minute)
	for {
		runID, st, _ = latestRun(t, c, account)
		if st != enumspb.WORKFLOW_EXECUTION_STATUS_RUNNING {
			return runID, st
		}
		if time.Now().After(deadline) {
			t.Fatalf("the migration of %s is still running after 2m", account)
		}
		time.Sleep(100 * time.Millisecond)
	}
}

// writeHistory saves a closed run's full history as the JSON that
// worker.WorkflowReplayer.ReplayWorkflowHistoryFromJSONFile reads.
func writeHistory(t *testing.T, c client.Client, account, runID, path string) {
	t.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
	defer cancel()
	it := c.GetWorkflowHistory(ctx, contract.WorkflowID(account), runID, false, enumspb.HISTORY_EVENT_FILTER_TYPE_ALL_EVENT)
	h := &historypb.History{}
	for it.HasNext() {
		ev, err := it.Next()
		if err != nil {
			t.Fatalf("read the history of %s run %s: %v", account, runID, err)
		}
		h.Events = append(h.Events, ev)
	}
	b, err := protojson.MarshalOptions{Multiline: true, Indent: "  "}.Marshal(h)
	if err != nil {
		t.Fatalf("encode the history of %s: %v", account, err)
	}
	if err := os.MkdirAll(filepath.Dir(path), 0o755); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(path, append(b, '\n'), 0o644); err != nil {
		t.Fatalf("write %s: %v", path, err)
	}
	t.Logf("recorded %s (%d events)", path, len(h.Events))
}
