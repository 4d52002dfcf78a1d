package workflows_test

import (
	"encoding/json"
	"path/filepath"
	"slices"
	"strings"
	"testing"

	enumspb "go.temporal.io/api/enums/v1"

	"github.com/sellmigrate/sellmigrate/contract"
)

// TestCampaignHistoriesShape checks the recorded campaign histories hold what they are
// named after, so a re-recording that lost a path (no hop, no window wait) is noticed,
// and that each migration the campaign started carries its row's line in its memo, as
// the report past MaxCampaignReportRows reads it from visibility.
func TestCampaignHistoriesShape(t *testing.T) {
	lines := func(name string) (got []int, types map[enumspb.EventType]int) {
		types = map[enumspb.EventType]int{}
		for _, ev := range readHistory(t, filepath.Join(historiesDir, name)).GetEvents() {
			types[ev.GetEventType()]++
			a := ev.GetStartChildWorkflowExecutionInitiatedEventAttributes()
			if a == nil {
				continue
			}
			p, ok := a.GetMemo().GetFields()[contract.CampaignLineMemo]
			var line int
			if !ok || json.Unmarshal(p.GetData(), &line) != nil || line < 1 {
				t.Errorf("%s: the migration %s was started without its line in its memo (%v)", name, a.GetWorkflowId(), p)
			}
			got = append(got, line)
		}
		return got, types
	}
	for _, name := range requiredHistories {
		if strings.HasPrefix(name, "campaign-") {
			lines(name)
		}
	}
	// Rows 1 and 2 of the list, then the added row 5 (3 repeats 1, 4 is invalid).
	if got, _ := lines("campaign-paused-added-cancelled.json"); !slices.Equal(got, []int{1, 2, 5}) {
		t.Errorf("campaign-paused-added-cancelled started lines %v, want [1 2 5]", got)
	}
	// The open row (line 2) goes first, ahead of the row whose window is closed.
	got, types := lines("campaign-window-cancelled.json")
	if !slices.Equal(got, []int{2}) || types[enumspb.EVENT_TYPE_TIMER_STARTED] == 0 {
		t.Errorf("campaign-window-cancelled started lines %v and %d timers; want line 2 started and a wait for the window", got, types[enumspb.EVENT_TYPE_TIMER_STARTED])
	}
	if _, types := lines("campaign-continued-as-new.json"); types[enumspb.EVENT_TYPE_WORKFLOW_EXECUTION_CONTINUED_AS_NEW] != 1 {
		t.Errorf("campaign-continued-as-new.json does not end by continuing as new: %v", types)
	}
	if got, types := lines("campaign-all-refused-done.json"); len(got) != 1 || types[enumspb.EVENT_TYPE_START_CHILD_WORKFLOW_EXECUTION_FAILED] != 1 ||
		types[enumspb.EVENT_TYPE_WORKFLOW_EXECUTION_COMPLETED] != 1 {
		t.Errorf("campaign-all-refused-done.json: starts %v, events %v; want one start refused by Temporal and the campaign completed", got, types)
	}
}
