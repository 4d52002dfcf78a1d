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

	"github.com/sellmigrate/sellmigrate/codec"
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

// MustCodec is the stack's payload codec; the test fails if dev's key cannot be read.
func MustCodec(t testing.TB, d *Dev) *codec.Codec {
	t.Helper()
	c, err := d.Codec()
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

// History reads a run's full history with its payloads decoded, as the workers see
// them: what a secret scan must search, and what a recorded history must hold (the
// replay test has no key).
func History(t testing.TB, d *Dev, account, runID string) *historypb.History {
	t.Helper()
	return WorkflowHistory(t, d, contract.WorkflowID(account), runID)
}

// WorkflowHistory is History for any workflow of the stack (a campaign's), by its ID.
func WorkflowHistory(t testing.TB, d *Dev, workflowID, runID string) *historypb.History {
	t.Helper()
	h := RawWorkflowHistory(t, d, workflowID, runID)
	pc, err := d.Codec()
	if err != nil {
		t.Fatal(err)
	}
	ctx, cancel := context.WithTimeout(context.Background(), time.Minute)
	defer cancel()
	if err := pc.DecodeAll(ctx, h); err != nil {
		t.Fatalf("decode the history of %s run %s: %v", workflowID, runID, err)
	}
	return h
}

// RawHistory reads a run's full history as Temporal stores it, through a client without
// the payload codec: what anyone reaching Temporal without the key reads.
func RawHistory(t testing.TB, d *Dev, account, runID string) *historypb.History {
	t.Helper()
	return RawWorkflowHistory(t, d, contract.WorkflowID(account), runID)
}

// RawWorkflowHistory is RawHistory for any workflow of the stack, by its ID.
func RawWorkflowHistory(t testing.TB, d *Dev, workflowID, runID string) *historypb.History {
	t.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), time.Minute)
	defer cancel()
	raw, err := d.RawClient()
	if err != nil {
		t.Fatal(err)
	}
	defer raw.Close()
	it := raw.GetWorkflowHistory(ctx, workflowID, runID, false, enumspb.HISTORY_EVENT_FILTER_TYPE_ALL_EVENT)
	h := &historypb.History{}
	for it.HasNext() {
		ev, err := it.Next()
		if err != nil {
			t.Fatalf("read the history of %s run %s: %v", workflowID, runID, err)
		}
		h.Events = append(h.Events, ev)
	}
	return h
}

// WriteHistory saves a closed run's history as the JSON that
// worker.WorkflowReplayer.ReplayWorkflowHistoryFromJSONFile reads.
func WriteHistory(t testing.TB, d *Dev, account, runID, path string) {
	t.Helper()
	WriteWorkflowHistory(t, d, contract.WorkflowID(account), runID, path)
}

// WriteWorkflowHistory is WriteHistory for any workflow of the stack, by its ID.
func WriteWorkflowHistory(t testing.TB, d *Dev, workflowID, runID, path string) {
	t.Helper()
	h := WorkflowHistory(t, d, workflowID, runID)
	b, err := protojson.MarshalOptions{Multiline: true, Indent: "  "}.Marshal(h)
	if err != nil {
		t.Fatalf("encode the history of %s: %v", workflowID, err)
	}
	if err := os.MkdirAll(filepath.Dir(path), 0o755); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(path, append(b, '\n'), 0o644); err != nil {
		t.Fatalf("write %s: %v", path, err)
	}
	t.Logf("recorded %s (%d events)", path, len(h.Events))
}

// RequireEncrypted checks the payload encryption of a run: its history read raw (a
// client without the codec, as anyone reaching Temporal without the key) holds none of
// clear, while the same history decoded holds every one, so they are there, encrypted.
func RequireEncrypted(t testing.TB, d *Dev, account, runID string, clear []string) {
	t.Helper()
	inRaw, err := HistorySecrets(RawHistory(t, d, account, runID), clear)
	if err != nil {
		t.Fatal(err)
	}
	if len(inRaw) > 0 {
		t.Errorf("the raw history of %s holds %q in clear; its payloads must be encrypted", account, inRaw)
	}
	inDecoded, err := HistorySecrets(History(t, d, account, runID), clear)
	if err != nil {
		t.Fatal(err)
	}
	if len(inDecoded) != len(clear) {
		t.Errorf("the decoded history of %s holds only %q of %q; the check above proves nothing for the rest", account, inDecoded, clear)
	}
}
