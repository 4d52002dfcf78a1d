package workflows_test

import (
	"encoding/json"
	"path/filepath"
	"slices"
	"strings"
	"testing"

	enumspb "go.temporal.io/api/enums/v1"

	"github.com/sellmigrate/sellmigrate/activities"
	"github.com/sellmigrate/sellmigrate/contract"
	"github.com/sellmigrate/sellmigrate/workflows"
)

// TestCampaignHistoriesShape checks the recorded campaign histories hold what they are
// named after, so a re-recording that lost a path (no hop, no window wait) is noticed.
// Since ChangeCampaignStartActivity a campaign's starts are the rows it gave
// StartCampaignMigrations (whose own test checks each migration gets its row's line in
// its memo, as the report past MaxCampaignReportRows reads it from visibility); before,
// they were children, and each must carry its line in its memo.
func TestCampaignHistoriesShape(t *testing.T) {
	type shape struct {
		lines   []int // the lines started or refused by Temporal, in order
		refused int   // starts Temporal refused: the migration exists elsewhere
		types   map[enumspb.EventType]int
	}
	read := func(name string) shape {
		sh := shape{types: map[enumspb.EventType]int{}}
		starts := map[int64]bool{} // the start activities, by scheduled event ID
		for _, ev := range readHistory(t, filepath.Join(historiesDir, name)).GetEvents() {
			sh.types[ev.GetEventType()]++
			if a := ev.GetStartChildWorkflowExecutionInitiatedEventAttributes(); a != nil {
				p, ok := a.GetMemo().GetFields()[contract.CampaignLineMemo]
				var line int
				if !ok || json.Unmarshal(p.GetData(), &line) != nil || line < 1 {
					t.Errorf("%s: the migration %s was started without its line in its memo (%v)", name, a.GetWorkflowId(), p)
				}
				sh.lines = append(sh.lines, line)
			}
			if ev.GetEventType() == enumspb.EVENT_TYPE_START_CHILD_WORKFLOW_EXECUTION_FAILED {
				sh.refused++
			}
			if a := ev.GetActivityTaskScheduledEventAttributes(); a.GetActivityType().GetName() == "StartCampaignMigrations" {
				starts[ev.GetEventId()] = true
				var b activities.CampaignStarts
				if err := json.Unmarshal(a.GetInput().GetPayloads()[0].GetData(), &b); err != nil {
					t.Fatalf("%s: the start activity's input: %v", name, err)
				}
				for _, r := range b.Rows {
					sh.lines = append(sh.lines, r.Line)
				}
			}
			if a := ev.GetActivityTaskCompletedEventAttributes(); starts[a.GetScheduledEventId()] {
				var results []activities.CampaignStartResult
				if err := json.Unmarshal(a.GetResult().GetPayloads()[0].GetData(), &results); err != nil {
					t.Fatalf("%s: the start activity's result: %v", name, err)
				}
				for _, r := range results {
					if r.Exists {
						sh.refused++
					}
				}
			}
		}
		return sh
	}
	for _, name := range requiredHistories {
		if strings.HasPrefix(name, "campaign-") {
			read(name)
			read(filepath.Join(workflows.ChangeCampaignStartActivity, name))
		}
	}
	for _, dir := range []string{"", workflows.ChangeCampaignStartActivity} {
		// Rows 1 and 2 of the list, then the added row 5 (3 repeats 1, 4 is invalid).
		name := filepath.Join(dir, "campaign-paused-added-cancelled.json")
		if got := read(name).lines; !slices.Equal(got, []int{1, 2, 5}) {
			t.Errorf("%s started lines %v, want [1 2 5]", name, got)
		}
		// The open row (line 2) goes first, ahead of the row whose window is closed.
		name = filepath.Join(dir, "campaign-window-cancelled.json")
		if sh := read(name); !slices.Equal(sh.lines, []int{2}) || sh.types[enumspb.EVENT_TYPE_TIMER_STARTED] == 0 {
			t.Errorf("%s started lines %v and %d timers; want line 2 started and a wait for the window", name, sh.lines, sh.types[enumspb.EVENT_TYPE_TIMER_STARTED])
		}
		name = filepath.Join(dir, "campaign-continued-as-new.json")
		if sh := read(name); sh.types[enumspb.EVENT_TYPE_WORKFLOW_EXECUTION_CONTINUED_AS_NEW] != 1 {
			t.Errorf("%s does not end by continuing as new: %v", name, sh.types)
		}
		name = filepath.Join(dir, "campaign-all-refused-done.json")
		if sh := read(name); len(sh.lines) != 1 || sh.refused != 1 || sh.types[enumspb.EVENT_TYPE_WORKFLOW_EXECUTION_COMPLETED] != 1 {
			t.Errorf("%s: starts %v (%d refused), events %v; want one start refused by Temporal and the campaign completed", name, sh.lines, sh.refused, sh.types)
		}
	}
	// The new branch starts no child at all.
	for _, name := range requiredHistories {
		if !strings.HasPrefix(name, "campaign-") {
			continue
		}
		if sh := read(name); sh.types[enumspb.EVENT_TYPE_START_CHILD_WORKFLOW_EXECUTION_INITIATED] > 0 {
			t.Errorf("%s was recorded with %s but starts children", name, workflows.ChangeCampaignStartActivity)
		}
	}
}
