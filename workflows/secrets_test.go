package workflows_test

import (
	"os"
	"path/filepath"
	"strings"
	"testing"

	historypb "go.temporal.io/api/history/v1"
	"go.temporal.io/sdk/client"
	"go.temporal.io/sdk/converter"

	"github.com/sellmigrate/sellmigrate/e2e/harness"
)

// TestRecordedHistoriesHoldNoSecrets scans every recorded history, payloads decoded,
// for the demo stack's secrets: what a workflow records is readable by anyone who can
// read Temporal, so tokens, passwords and signing secrets must never reach it.
// (e2e's TestOwnerLoginOAuthEndToEnd scans a live history with its OAuth codes too.)
func TestRecordedHistoriesHoldNoSecrets(t *testing.T) {
	scanned := 0
	err := filepath.WalkDir(historiesDir, func(path string, d os.DirEntry, err error) error {
		if err != nil || d.IsDir() || !strings.HasSuffix(path, ".json") {
			return err
		}
		f, err := os.Open(path)
		if err != nil {
			return err
		}
		defer f.Close()
		h, err := client.HistoryFromJSON(f, client.HistoryJSONOptions{})
		if err != nil {
			t.Errorf("read %s: %v", path, err)
			return nil
		}
		harness.RequireNoSecrets(t, h, path, harness.DemoSecrets())
		scanned++
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	if scanned < len(requiredHistories) {
		t.Fatalf("scanned %d histories, want at least the %d required ones", scanned, len(requiredHistories))
	}
}

// TestHistorySecretsFindsOneInAPayload: the scan decodes payloads, so a secret inside an
// activity's input (base64 in the history's JSON) is found.
func TestHistorySecretsFindsOneInAPayload(t *testing.T) {
	payload, err := converter.GetDefaultDataConverter().ToPayloads(map[string]string{"token": harness.DemoSecrets()[0]})
	if err != nil {
		t.Fatal(err)
	}
	h := &historypb.History{Events: []*historypb.HistoryEvent{{
		EventId: 5,
		Attributes: &historypb.HistoryEvent_ActivityTaskScheduledEventAttributes{
			ActivityTaskScheduledEventAttributes: &historypb.ActivityTaskScheduledEventAttributes{Input: payload},
		},
	}}}
	found, err := harness.HistorySecrets(h, harness.DemoSecrets())
	if err != nil {
		t.Fatal(err)
	}
	if len(found) == 0 || found[0] != harness.DemoSecrets()[0] {
		t.Errorf("found %q in a history whose activity input holds %q", found, harness.DemoSecrets()[0])
	}
}
