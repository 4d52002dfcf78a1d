package workflows_test

import (
	"io"
	"log/slog"
	"os"
	"path/filepath"
	"sort"
	"strings"
	"testing"

	enumspb "go.temporal.io/api/enums/v1"
	historypb "go.temporal.io/api/history/v1"
	"go.temporal.io/sdk/client"
	"go.temporal.io/sdk/log"
	"go.temporal.io/sdk/worker"

	"github.com/sellmigrate/sellmigrate/codec"
	"github.com/sellmigrate/sellmigrate/keyring"
	"github.com/sellmigrate/sellmigrate/workflows"
)

// historiesDir holds histories recorded from real runs on the embedded server by
// TestRecordHistories (go test ./workflows -run TestRecordHistories -record-histories).
const historiesDir = "testdata/histories"

// requiredHistories names one recorded history per path a migration can take; the
// replay test fails if one is missing, so no path goes unguarded.
var requiredHistories = []string{
	"new-completed.json",             // new subdomain, disclaimers, link, contributors
	"existing-owner-login.json",      // wrong owner refused, owner verified, back, choose again
	"existing-license-assigned.json", // owner without Sell license, license assigned, rechecked
	"already-connected.json",         // nothing to do
	"taken-subdomain-corrected.json", // taken subdomain, asked again, corrected
	"expired-deadline.json",          // reminders, then the wait deadline (short policy)
	"cancelled-compensated.json",     // cancelled; the created subdomain released
	"failed-not-admin.json",          // non-retryable failure: requester is not a Sell admin
	// Recorded after needs-attention, reminder-notify and finish-linked:
	"needs-attention-retry.json",          // role gone past the link: parked, retried too early, retried, completed
	"continued-as-new.json",               // a long wait's first run, closed by continuing as new
	"continued-as-new-last-run.json",      // the run that takes over the carried state and completes
	"connected-unfinished-completed.json", // linked before, a Sell user missing: the conversion is finished
	"reminder-notified.json",              // reminders by email and webhook, then completed
	// Recorded after bounded-quiet-wait:
	"pending-input-expired.json", // an early owner login pending, the history past its limit: reminded until expired
	// Campaigns (CampaignWorkflow):
	"campaign-paused-added-cancelled.json",    // paused after its first start, resumed, a row added, cancelled with its started migrations
	"campaign-window-cancelled.json",          // a tenant zone's window closed: the look-ahead starts the next row, a plain cancel drops the rest
	"campaign-continued-as-new.json",          // paused and resumed until it continues as new, paused, with rows queued
	"campaign-continued-as-new-last-run.json", // the run that takes over the pause, the queue and the report lines
	"campaign-all-refused-done.json",          // every row refused: the first drain count ends it, done
}

// preVersionHistories were recorded before a GetVersion change and are kept as they
// were, so the old branch keeps replaying; subdirectory name = change ID.
var preVersionHistories = map[string][]string{
	workflows.ChangeLicenseRecheck:       {"existing-license-assigned.json"},
	workflows.ChangeSellAdminInputs:      {"new-completed.json", "taken-subdomain-corrected.json", "existing-owner-login.json"},
	workflows.ChangeLocalChecks:          {"new-completed.json", "taken-subdomain-corrected.json", "existing-owner-login.json"},
	workflows.ChangeCampaignExactPace:    {"campaign-paused-added-cancelled.json", "campaign-all-refused-done.json"},
	workflows.ChangeCampaignBoundedState: {"campaign-paused-added-cancelled.json", "campaign-all-refused-done.json"},
	workflows.ChangeLocalRevoke:          {"existing-owner-login.json"},
	workflows.ChangeCampaignStartActivity: {"campaign-paused-added-cancelled.json", "campaign-window-cancelled.json", "campaign-continued-as-new.json",
		"campaign-continued-as-new-last-run.json", "campaign-all-refused-done.json"},
	workflows.ChangeOneMarker: {"new-completed.json", "existing-owner-login.json", "existing-license-assigned.json",
		"needs-attention-retry.json", "reminder-notified.json", "pending-input-expired.json", "connected-unfinished-completed.json"},
}

// TestReplayRecordedHistories replays every recorded history against today's workflow
// code. A nondeterministic change (a step added, removed or reordered without
// workflow.GetVersion) fails here, before it can break migrations in flight.
func TestReplayRecordedHistories(t *testing.T) {
	files := historyFiles(t)
	for _, name := range requiredHistories {
		if !files[name] {
			t.Errorf("no recorded history %s/%s; record it with -record-histories (see TestRecordHistories, docs/RELIABILITY.md)", historiesDir, name)
		}
	}
	for change, names := range preVersionHistories {
		for _, name := range names {
			if !files[filepath.Join(change, name)] {
				t.Errorf("no history %s recorded before change %s; it proves old runs still take the old branch", name, change)
			}
		}
	}
	paths := make([]string, 0, len(files))
	for p := range files {
		paths = append(paths, p)
	}
	sort.Strings(paths)
	// Workers now run with the payload codec, whose decoder passes the plain payloads
	// of these histories through: each is replayed as such a worker replays it.
	key, err := keyring.NewKey()
	if err != nil {
		t.Fatal(err)
	}
	payloadCodec, err := codec.Parse([]string{key}, "")
	if err != nil {
		t.Fatal(err)
	}
	for _, p := range paths {
		t.Run(p, func(t *testing.T) {
			replayer, err := worker.NewWorkflowReplayerWithOptions(worker.WorkflowReplayerOptions{
				DataConverter: payloadCodec.DataConverter(), FailureConverter: payloadCodec.FailureConverter()})
			if err != nil {
				t.Fatal(err)
			}
			replayer.RegisterWorkflowWithOptions(workflows.MigrationWorkflow, workflows.RegisterOptions())
			replayer.RegisterWorkflowWithOptions(workflows.CampaignWorkflow, workflows.CampaignRegisterOptions())
			logger := log.NewStructuredLogger(slog.New(slog.NewTextHandler(io.Discard, nil)))
			if err := replayer.ReplayWorkflowHistoryFromJSONFile(logger, filepath.Join(historiesDir, p)); err != nil {
				t.Fatalf("replay %s: %v", p, err)
			}
		})
	}
}

// versionBranches says, for each GetVersion change, which top-level histories took its
// new branch (they carry its marker) and which were recorded before it and so replay
// its old one (they do not). Histories kept under <change-id>/ are preVersionHistories.
var versionBranches = []struct {
	change     string
	newBranch  []string
	oldBranch  []string
	whyNoneOld string
}{
	{change: workflows.ChangeLicenseRecheck, newBranch: []string{"one-version-marker/existing-license-assigned.json"}},
	{change: workflows.ChangeReminderNotify,
		newBranch: []string{"one-version-marker/reminder-notified.json", "continued-as-new.json"},
		oldBranch: []string{"expired-deadline.json"}},
	{change: workflows.ChangeFinishLinked,
		newBranch: []string{"one-version-marker/connected-unfinished-completed.json"},
		oldBranch: []string{"already-connected.json"}},
	{change: workflows.ChangeNeedsAttention,
		newBranch:  []string{"one-version-marker/needs-attention-retry.json"},
		whyNoneOld: "no run recorded before the change failed past the link; TestNeedsAttentionOldBranchFails pins the old branch"},
	{change: workflows.ChangeRevokeGrant,
		newBranch: []string{"one-version-marker/existing-owner-login.json"},
		oldBranch: []string{"one-version-marker/existing-license-assigned.json", "one-version-marker/needs-attention-retry.json"}},
	// The only recorded path that revokes a grant; its run from before the change is kept
	// under local-revoke/.
	{change: workflows.ChangeLocalRevoke, newBranch: []string{"one-version-marker/existing-owner-login.json"}},
	{change: workflows.ChangeBoundedQuietWait,
		newBranch:  []string{"one-version-marker/pending-input-expired.json"},
		whyNoneOld: "no run recorded before the change had an input pending when continue-as-new was due; TestBoundedQuietWaitOldBranchWaitsForQuiet pins the old branch"},
	// No history of the new branch yet: it needs the full stack to record (a new-completed.json
	// recorded with today's code takes it). Every history with an input given on behalf of
	// the customer was recorded before the change and replays its old branch.
	{change: workflows.ChangeSellAdminInputs,
		newBranch: []string{"one-version-marker/new-completed.json", "taken-subdomain-corrected.json"},
		oldBranch: []string{"one-version-marker/existing-license-assigned.json",
			"one-version-marker/needs-attention-retry.json", "one-version-marker/reminder-notified.json", "continued-as-new-last-run.json"}},
	// Both changes apply to every new run and were recorded together; the histories kept
	// under local-read-only-checks/ are those re-recorded, as they were before.
	{change: workflows.ChangeLocalChecks,
		newBranch: []string{"one-version-marker/new-completed.json", "taken-subdomain-corrected.json", "one-version-marker/existing-owner-login.json"},
		oldBranch: []string{"one-version-marker/existing-license-assigned.json", "expired-deadline.json", "one-version-marker/needs-attention-retry.json", "one-version-marker/reminder-notified.json"}},
	{change: workflows.ChangeCampaignExactPace,
		newBranch: []string{"campaign-paused-added-cancelled.json", "campaign-all-refused-done.json", "campaign-window-cancelled.json", "campaign-continued-as-new.json"},
		oldBranch: []string{"campaign-start-activity/campaign-window-cancelled.json", "campaign-start-activity/campaign-continued-as-new.json",
			"campaign-start-activity/campaign-continued-as-new-last-run.json"}},
	{change: workflows.ChangeCampaignBoundedState,
		newBranch: []string{"campaign-paused-added-cancelled.json", "campaign-all-refused-done.json", "campaign-window-cancelled.json", "campaign-continued-as-new.json"},
		oldBranch: []string{"campaign-start-activity/campaign-window-cancelled.json", "campaign-start-activity/campaign-continued-as-new.json",
			"campaign-start-activity/campaign-continued-as-new-last-run.json"}},
	{change: workflows.ChangeDrainPollActive,
		newBranch: []string{"campaign-paused-added-cancelled.json"},
		oldBranch: []string{"campaign-start-activity/campaign-window-cancelled.json", "campaign-start-activity/campaign-continued-as-new.json"}},
	// Every campaign history was recorded again with it; those from before are kept
	// under campaign-start-activity/ and replay the children.
	{change: workflows.ChangeCampaignStartActivity,
		newBranch: []string{"campaign-paused-added-cancelled.json", "campaign-window-cancelled.json", "campaign-continued-as-new.json",
			"campaign-continued-as-new-last-run.json", "campaign-all-refused-done.json"}},
	{change: workflows.ChangeCoalescedUpserts,
		newBranch: []string{"one-version-marker/new-completed.json", "taken-subdomain-corrected.json", "one-version-marker/existing-owner-login.json"},
		oldBranch: []string{"one-version-marker/existing-license-assigned.json", "expired-deadline.json", "one-version-marker/needs-attention-retry.json", "one-version-marker/reminder-notified.json"}},
	// Every change above but the campaign's is settled by it; the histories that took
	// their branches with markers of their own, or none, are kept under one-version-marker/
	// as they were recorded before it.
	{change: workflows.ChangeOneMarker,
		newBranch: []string{"new-completed.json", "existing-owner-login.json", "existing-license-assigned.json",
			"needs-attention-retry.json", "reminder-notified.json", "pending-input-expired.json", "connected-unfinished-completed.json"},
		oldBranch: []string{"taken-subdomain-corrected.json", "expired-deadline.json", "already-connected.json",
			"cancelled-compensated.json", "failed-not-admin.json", "continued-as-new.json", "continued-as-new-last-run.json"}},
}

// TestVersionMarkers checks which branch of each GetVersion change the histories
// took: those recorded before the change carry no marker (old branch), the current
// ones do (new branch), so both branches are replayed above.
func TestVersionMarkers(t *testing.T) {
	for change, names := range preVersionHistories {
		for _, name := range names {
			if hasVersionMarker(t, filepath.Join(historiesDir, change, name), change) {
				t.Errorf("%s/%s was recorded before %s but carries its version marker", change, name, change)
			}
		}
	}
	for _, b := range versionBranches {
		for _, name := range b.newBranch {
			if !hasVersionMarker(t, filepath.Join(historiesDir, name), b.change) {
				t.Errorf("%s lacks the %s version marker; re-record it with today's code", name, b.change)
			}
		}
		for _, name := range b.oldBranch {
			if hasVersionMarker(t, filepath.Join(historiesDir, name), b.change) {
				t.Errorf("%s was recorded before %s, to replay its old branch, but carries its marker: before recording it again, "+
					"copy the old one to %s/%s/ and list it in preVersionHistories (docs/RELIABILITY.md)", name, b.change, historiesDir, b.change)
			}
		}
		if b.change == workflows.ChangeOneMarker {
			for _, name := range b.newBranch {
				for _, settled := range workflows.SettledChanges() {
					if hasVersionMarker(t, filepath.Join(historiesDir, name), settled) {
						t.Errorf("%s was recorded with %s but carries a marker of %s, which it settles", name, b.change, settled)
					}
				}
			}
		}
		if len(b.oldBranch) == 0 && len(preVersionHistories[b.change]) == 0 && b.whyNoneOld == "" {
			t.Errorf("no history replays the old branch of %s; keep one or say why none can exist", b.change)
		}
	}
}

func historyFiles(t *testing.T) map[string]bool {
	t.Helper()
	files := map[string]bool{}
	err := filepath.WalkDir(historiesDir, func(path string, d os.DirEntry, err error) error {
		if err != nil || d.IsDir() || !strings.HasSuffix(path, ".json") {
			return err
		}
		rel, err := filepath.Rel(historiesDir, path)
		files[rel] = true
		return err
	})
	if err != nil {
		t.Fatalf("list %s: %v", historiesDir, err)
	}
	return files
}

func hasVersionMarker(t *testing.T, path, changeID string) bool {
	t.Helper()
	h := readHistory(t, path)
	for _, ev := range h.GetEvents() {
		if ev.GetEventType() != enumspb.EVENT_TYPE_MARKER_RECORDED {
			continue
		}
		a := ev.GetMarkerRecordedEventAttributes()
		if a.GetMarkerName() != "Version" {
			continue
		}
		for _, p := range a.GetDetails()["change-id"].GetPayloads() {
			if strings.Contains(string(p.GetData()), changeID) {
				return true
			}
		}
	}
	return false
}

func readHistory(t *testing.T, path string) *historypb.History {
	t.Helper()
	f, err := os.Open(path)
	if err != nil {
		t.Fatalf("open %s: %v", path, err)
	}
	defer f.Close()
	h, err := client.HistoryFromJSON(f, client.HistoryJSONOptions{})
	if err != nil {
		t.Fatalf("decode %s: %v", path, err)
	}
	return h
}
