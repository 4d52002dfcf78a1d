package harness

import (
	"context"
	"errors"
	"os"
	"path/filepath"
	"testing"
	"time"

	enumspb "go.temporal.io/api/enums/v1"
	historypb "go.temporal.io/api/history/v1"
	"go.temporal.io/api/serviceerror"
	"go.temporal.io/sdk/client"
	"google.golang.org/protobuf/encoding/protojson"

	"github.com/sellmigrate/sellmigrate/contract"
)

// MustClient is the stack's SDK client; the test fails if it cannot be dialed.
func MustClient(t testing.TB, d *Dev) client.Client {
	t.Helper()
	c, err := d.Client()
	if err != nil {
		t.Fatal(err)
	}
	return c
}

// LatestRun describes the newest run of an account's migration.
func LatestRun(t testing.TB, d *Dev, account string) (runID string, st enumspb.WorkflowExecutionStatus, historyLen int64) {
	t.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), 20*time.Second)
	defer cancel()
	desc, err := MustClient(t, d).DescribeWorkflowExecution(ctx, contract.WorkflowID(account), "")
	if err != nil {
		t.Fatalf("describe the migration of %s: %v", account, err)
	}
	info := desc.GetWorkflowExecutionInfo()
	return info.GetExecution().GetRunId(), info.GetStatus(), info.GetHistoryLength()
}

// NoMigration checks that no workflow exists for the account.
func NoMigration(t testing.TB, d *Dev, account string) {
	t.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), 20*time.Second)
	defer cancel()
	_, err := MustClient(t, d).DescribeWorkflowExecution(ctx, contract.WorkflowID(account), "")
	var nf *serviceerror.NotFound
	if !errors.As(err, &nf) {
		t.Errorf("a migration for %s exists (describe: %v); bad input must start nothing", account, err)
	}
}

// AwaitClosed waits until the newest run of an account's migration has closed.
func AwaitClosed(t testing.TB, d *Dev, account string) (runID string, st enumspb.WorkflowExecutionStatus) {
	t.Helper()
	deadline := time.Now().Add(AwaitStatusTimeout)
	for {
		runID, st, _ = LatestRun(t, d, account)
		if st != enumspb.WORKFLOW_EXECUTION_STATUS_RUNNING {
			return runID, st
		}
		if time.Now().After(deadline) {
			t.Fatalf("the migration of %s is still running after %s", account, AwaitStatusTimeout)
		}
		time.Sleep(100 * time.Millisecond)
	}
}

// History reads a run's full history.
func History(t testing.TB, d *Dev, account, runID string) *historypb.History {
	t.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), time.Minute)
	defer cancel()
	it := MustClient(t, d).GetWorkflowHistory(ctx, contract.WorkflowID(account), runID, false, enumspb.HISTORY_EVENT_FILTER_TYPE_ALL_EVENT)
	h := &historypb.History{}
	for it.HasNext() {
		ev, err := it.Next()
		if err != nil {
			t.Fatalf("read the history of %s run %s: %v", account, runID, err)
		}
		h.Events = append(h.Events, ev)
	}
	return h
}

// WriteHistory saves a closed run's history as the JSON that
// worker.WorkflowReplayer.ReplayWorkflowHistoryFromJSONFile reads.
func WriteHistory(t testing.TB, d *Dev, account, runID, path string) {
	t.Helper()
	h := History(t, d, account, runID)
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
