package workflows

import (
	"context"
	"fmt"
	"io"
	"log/slog"
	"testing"
	"time"

	"github.com/stretchr/testify/mock"
	"github.com/stretchr/testify/require"
	"go.temporal.io/sdk/client"
	"go.temporal.io/sdk/converter"
	"go.temporal.io/sdk/log"
	"go.temporal.io/sdk/temporal"
	"go.temporal.io/sdk/testsuite"
	"go.temporal.io/sdk/workflow"

	"github.com/sellmigrate/sellmigrate/activities"
	"github.com/sellmigrate/sellmigrate/contract"
)

const testCampaignID = "campaign-wave"

// campaignHarness runs CampaignWorkflow with the migrations mocked: each migration the
// start activity starts (or, on the branch from before ChangeCampaignStartActivity,
// each child) runs for childDur of the test clock, and the count activities report
// those running now, as visibility would (their own status is "running").
type campaignHarness struct {
	t   *testing.T
	env *testsuite.TestWorkflowEnvironment
	ca  *activities.CampaignActivities
	in  contract.CampaignInput
	dur time.Duration
	// migrations are those started, in order; maxRunning the most running at once.
	migrations []standIn
	maxRunning int
	// startCalls counts the calls of the start activity; refusedStarts are the
	// accounts whose start Temporal refuses for good, with its reason.
	startCalls    int
	refusedStarts map[string]string
	starts        []time.Time
	started       []contract.StartInput
	cancelCalls   []string
	updates       []*updateOutcome
	addResults    []contract.CampaignAddResult
	// events models the history length, which the test environment does not count:
	// the events a server records for each activity (scheduled, started, completed,
	// and a workflow task's three) and, on the old branch, each child (initiated,
	// started, completed).
	events int
	// modelHistory turns the model on; the other tests stay far from any limit.
	modelHistory bool
	// hidden is how many of the started children visibility does not show yet (they
	// are running, but missing from PaceCampaign's counts); paceCounts counts its calls.
	hidden, paceCounts int
	// seenBefore is the migrations earlier runs of the campaign started: visibility
	// shows them too.
	seenBefore int
	// lag, when set, makes visibility show a start only lag after it (laggingPace).
	lag time.Duration
	// failFirst makes the first migration of these accounts fail; failedRuns holds the
	// run IDs of those that did, and the outcome read says "failed" for them.
	failFirst  map[string]bool
	failedRuns map[string]bool
	// read is every migration the outcome activity was asked for.
	read []activities.MigrationRef
}

func (h *campaignHarness) recorded(n int) {
	if !h.modelHistory {
		return
	}
	h.events += n
	h.env.SetCurrentHistoryLength(h.events)
}

func newCampaignHarness(t *testing.T, in contract.CampaignInput, start time.Time, childDur time.Duration) *campaignHarness {
	t.Helper()
	var suite testsuite.WorkflowTestSuite
	suite.SetLogger(log.NewStructuredLogger(slog.New(slog.NewTextHandler(io.Discard, nil))))
	env := suite.NewTestWorkflowEnvironment()
	env.SetTestTimeout(2 * time.Minute)
	env.SetStartTime(start)
	env.SetStartWorkflowOptions(client.StartWorkflowOptions{ID: testCampaignID})
	h := &campaignHarness{t: t, env: env, in: in, dur: childDur, failFirst: map[string]bool{}, failedRuns: map[string]bool{}}
	env.RegisterActivity(h.ca)
	env.RegisterWorkflowWithOptions(CampaignWorkflow, CampaignRegisterOptions())
	// A stand-in migration registered under its name, for the branch that starts
	// children (a mocked child would only report started once it ended).
	env.RegisterWorkflowWithOptions(func(ctx workflow.Context, si contract.StartInput) (contract.Result, error) {
		m := h.begin(si, workflow.GetInfo(ctx).WorkflowExecution.RunID)
		h.recorded(3)
		if h.dur > 0 {
			_ = workflow.Sleep(ctx, h.dur)
		}
		if m.failed {
			return contract.Result{}, temporal.NewNonRetryableApplicationError("the stand-in fails its first run", "StandIn", nil)
		}
		return contract.Result{Outcome: contract.StatusCompleted, Subdomain: si.Subdomain, UsersConverted: 3, NeedsReactivationCount: 1}, nil
	}, RegisterOptions())
	env.OnActivity(h.ca.StartCampaignMigrations, mock.Anything, mock.Anything).
		Return(func(_ context.Context, b activities.CampaignStarts) ([]activities.CampaignStartResult, error) {
			require.Equal(t, testCampaignID, b.CampaignID)
			h.recorded(6)
			h.startCalls++
			out := make([]activities.CampaignStartResult, len(b.Rows))
			for i, r := range b.Rows {
				require.Equal(t, testCampaignID, r.Input.CampaignID)
				out[i] = activities.CampaignStartResult{Line: r.Line}
				if why, ok := h.refusedStarts[r.Input.SellAccountID]; ok {
					out[i].Refused = why
					continue
				}
				if h.exists(r.Input.SellAccountID) {
					out[i].Exists = true
					continue
				}
				out[i].RunID = h.begin(r.Input, fmt.Sprintf("run-%d", len(h.migrations)+1)).runID
			}
			return out, nil
		}).Maybe()
	env.OnActivity(h.ca.CountCampaign, mock.Anything, mock.Anything).
		Return(func(_ context.Context, id string) (activities.CampaignCount, error) {
			require.Equal(t, testCampaignID, id)
			h.recorded(6)
			n := h.running()
			return activities.CampaignCount{ByStatus: map[contract.Status]int{contract.StatusRunning: n}, Active: n, Running: n}, nil
		}).Maybe()
	env.OnActivity(h.ca.PaceCampaign, mock.Anything, mock.Anything).
		Return(func(_ context.Context, id string) (activities.CampaignPace, error) {
			require.Equal(t, testCampaignID, id)
			h.recorded(6)
			h.paceCounts++
			if h.lag > 0 {
				return h.laggingPace(), nil
			}
			n := h.running()
			return activities.CampaignPace{Active: n, Running: n, Seen: h.seenBefore + len(h.starts) - h.hidden}, nil
		}).Maybe()
	env.OnActivity(h.ca.CancelCampaignMigrations, mock.Anything, mock.Anything).
		Return(func(_ context.Context, id string) (int, error) {
			h.cancelCalls = append(h.cancelCalls, id)
			return h.running(), nil
		}).Maybe()
	env.OnActivity(h.ca.ReadMigrationOutcomes, mock.Anything, mock.Anything).
		Return(func(_ context.Context, refs []activities.MigrationRef) ([]activities.MigrationOutcome, error) {
			h.read = append(h.read, refs...)
			out := make([]activities.MigrationOutcome, len(refs))
			for i, m := range refs {
				out[i] = activities.MigrationOutcome{AccountID: m.AccountID, Status: contract.StatusCompleted, UsersConverted: 3, NeedsReactivation: 1}
				if h.failedRuns[m.RunID] {
					out[i] = activities.MigrationOutcome{AccountID: m.AccountID, Status: contract.StatusFailed, Error: "the stand-in failed"}
				}
			}
			return out, nil
		}).Maybe()
	return h
}

// standIn is one migration the harness started: it runs from start to end on the test
// clock; failed ones (failFirst) end failed.
type standIn struct {
	account    string
	runID      string
	start, end time.Time
	failed     bool
}

// begin starts a stand-in migration now.
func (h *campaignHarness) begin(si contract.StartInput, runID string) standIn {
	now := h.env.Now()
	m := standIn{account: si.SellAccountID, runID: runID, start: now, end: now.Add(h.dur), failed: h.failFirst[si.SellAccountID]}
	if m.failed {
		delete(h.failFirst, si.SellAccountID)
		h.failedRuns[runID] = true
	}
	h.migrations = append(h.migrations, m)
	h.starts = append(h.starts, now)
	h.started = append(h.started, si)
	h.maxRunning = max(h.maxRunning, h.running())
	return m
}

// running counts the stand-ins running now.
func (h *campaignHarness) running() int {
	now, n := h.env.Now(), 0
	for _, m := range h.migrations {
		if now.Before(m.end) {
			n++
		}
	}
	return n
}

// exists applies the reuse rule of every start: the account's latest migration runs,
// or ended other than failed.
func (h *campaignHarness) exists(account string) bool {
	for i := len(h.migrations) - 1; i >= 0; i-- {
		if m := h.migrations[i]; m.account == account {
			return h.env.Now().Before(m.end) || !m.failed
		}
	}
	return false
}

// childStarts makes the campaign take the branch from before
// ChangeCampaignStartActivity: its migrations are children.
func (h *campaignHarness) childStarts() {
	h.env.OnGetVersion(ChangeCampaignStartActivity, workflow.DefaultVersion, 1).Return(workflow.DefaultVersion)
}

func campaignInput(rows ...contract.CampaignRow) contract.CampaignInput {
	return contract.CampaignInput{Name: "wave", Rows: rows, MaxActive: 100, RatePerMinute: 6000, Policy: testPolicy()}
}

func crow(id string) contract.CampaignRow {
	return contract.CampaignRow{AccountID: id, Mode: "new", RequestedBy: "admin@acme.test"}
}

func crows(n, from int) []contract.CampaignRow {
	out := make([]contract.CampaignRow, n)
	for i := range out {
		out[i] = crow(fmt.Sprint(from + i))
	}
	return out
}

// control sends a campaign control as an update at d on the test clock.
func (h *campaignHarness) control(d time.Duration, name string, payload any) *updateOutcome {
	out := &updateOutcome{name: name}
	h.updates = append(h.updates, out)
	id := fmt.Sprintf("%s-%d", name, len(h.updates))
	h.env.RegisterDelayedCallback(func() {
		h.env.UpdateWorkflow(name, id, &testsuite.TestUpdateCallback{
			OnAccept: func() {},
			OnReject: func(err error) { out.rejected = err; out.done = true },
			OnComplete: func(v any, err error) {
				out.failed, out.done = err, true
				if r, ok := v.(contract.CampaignAddResult); ok {
					h.addResults = append(h.addResults, r)
				}
			},
		}, payload)
	}, d)
	return out
}

func (h *campaignHarness) progressAt(d time.Duration, into *contract.CampaignProgress) {
	h.env.RegisterDelayedCallback(func() {
		v, err := h.env.QueryWorkflow(contract.CampaignProgressQuery)
		require.NoError(h.t, err)
		require.NoError(h.t, v.Get(into))
	}, d)
}

func (h *campaignHarness) run() contract.CampaignReport {
	h.t.Helper()
	h.env.ExecuteWorkflow(contract.CampaignWorkflowName, h.in)
	require.True(h.t, h.env.IsWorkflowCompleted())
	require.NoError(h.t, h.env.GetWorkflowError())
	var rep contract.CampaignReport
	require.NoError(h.t, h.env.GetWorkflowResult(&rep))
	return rep
}

var by = "ops@example.test"

// TestCampaignPaceKeepsMaxActiveAndRate: with children that run two minutes, no more
// than MaxActive run at once, no more than RatePerMinute start in any minute, every
// row starts in the end, and the report has each row's outcome.
func TestCampaignPaceKeepsMaxActiveAndRate(t *testing.T) {
	in := campaignInput(crows(30, 1001)...)
	in.MaxActive, in.RatePerMinute = 3, 6
	start := time.Date(2026, 12, 1, 10, 0, 0, 0, time.UTC)
	h := newCampaignHarness(t, in, start, 2*time.Minute)
	rep := h.run()
	require.Len(t, h.starts, 30)
	require.LessOrEqual(t, h.maxRunning, 3, "MaxActive exceeded")
	require.Equal(t, 3, h.maxRunning, "the campaign should use the room it has")
	// A token bucket of rate r with a burst of one: r+1 starts span at least a minute.
	for i := 0; i+in.RatePerMinute < len(h.starts); i++ {
		require.GreaterOrEqual(t, h.starts[i+in.RatePerMinute].Sub(h.starts[i]), time.Minute, "more than %d starts within a minute from start %d", in.RatePerMinute, i)
	}
	require.Equal(t, contract.CampaignCounts{Total: 30, Started: 30}, rep.Counts)
	require.Len(t, rep.Rows, 30)
	for _, r := range rep.Rows {
		require.Equal(t, contract.CampaignOutcome(contract.StatusCompleted), r.Outcome, r.AccountID)
		require.Equal(t, 3, r.UsersConverted)
		require.Equal(t, 1, r.NeedsReactivation)
	}
	for _, si := range h.started {
		require.Equal(t, testCampaignID, si.CampaignID)
		require.Equal(t, testPolicy(), si.Policy)
	}
}

// TestCampaignAchievedRateNeverReadsAboveAPacedRate: at 30 starts a minute with room
// to spare, the campaign is held by its rate alone, so the achieved rate its progress
// shows stays at or under 30 from the first seconds on, and near it after a minute.
func TestCampaignAchievedRateNeverReadsAboveAPacedRate(t *testing.T) {
	in := campaignInput(crows(60, 1001)...)
	in.RatePerMinute, in.MaxActive = 30, 1000
	h := newCampaignHarness(t, in, time.Date(2026, 12, 1, 10, 0, 0, 0, time.UTC), time.Second)
	at := []time.Duration{1500 * time.Millisecond, 3 * time.Second, 5 * time.Second, 9 * time.Second, 21 * time.Second, 61 * time.Second}
	seen := make([]contract.CampaignProgress, len(at))
	for i, d := range at {
		h.progressAt(d, &seen[i])
	}
	h.run()
	for i, p := range seen {
		require.LessOrEqual(t, p.AchievedPerMinute, 30.0, "at %s", at[i])
	}
	require.InDelta(t, 30, seen[len(seen)-1].AchievedPerMinute, 1.5, "a minute in")
}

// TestCampaignRateHeldAtScale: at 120 starts a minute and no MaxActive pressure, 600
// rows take five minutes, not less.
func TestCampaignRateHeldAtScale(t *testing.T) {
	in := campaignInput(crows(600, 1001)...)
	in.RatePerMinute, in.MaxActive = 120, 10000
	start := time.Date(2026, 12, 1, 10, 0, 0, 0, time.UTC)
	h := newCampaignHarness(t, in, start, time.Second)
	var mid contract.CampaignProgress
	h.progressAt(150*time.Second, &mid)
	h.run()
	require.Len(t, h.starts, 600)
	require.InDelta(t, 120, mid.AchievedPerMinute, 6, "the achieved rate the progress shows")
	require.Equal(t, 120, mid.RatePerMinute)
	require.Equal(t, contract.CampaignRunning, mid.State)
	span := h.starts[len(h.starts)-1].Sub(h.starts[0])
	require.GreaterOrEqual(t, span, 599*time.Minute/120)
	require.Less(t, span, 5*time.Minute+10*time.Second, "the rate should be used, not undershot")
}

// TestCampaignPauseHolds: no migration starts while the campaign is paused; running
// ones go on; resume picks up where it stopped.
func TestCampaignPauseHolds(t *testing.T) {
	in := campaignInput(crows(10, 1001)...)
	in.RatePerMinute = 60
	start := time.Date(2026, 12, 1, 10, 0, 0, 0, time.UTC)
	h := newCampaignHarness(t, in, start, time.Minute)
	pause := h.control(5500*time.Millisecond, contract.CampaignPauseName, contract.CampaignControlInput{By: by})
	again := h.control(10*time.Minute, contract.CampaignPauseName, contract.CampaignControlInput{By: by})
	var during contract.CampaignProgress
	h.progressAt(30*time.Minute, &during)
	resume := h.control(time.Hour, contract.CampaignResumeName, contract.CampaignControlInput{By: by})
	rep := h.run()
	require.True(t, pause.done && pause.rejected == nil && pause.failed == nil)
	require.ErrorContains(t, again.rejected, "already paused")
	require.True(t, resume.done && resume.rejected == nil)
	before := 0
	for _, s := range h.starts {
		at := s.Sub(start)
		require.False(t, at > 5500*time.Millisecond && at < time.Hour, "a migration started at +%s while paused", at)
		if at < time.Hour {
			before++
		}
	}
	require.Equal(t, 6, before, "one start a second until the pause")
	require.True(t, during.Paused)
	require.Equal(t, contract.CampaignPaused, during.State)
	require.Equal(t, 6, during.Counts.Started)
	require.Equal(t, 4, during.Counts.Queued)
	require.Equal(t, 10, rep.Counts.Started)
}

// TestCampaignWindowRespected: a campaign started on a Saturday waits for Monday 09:00
// in Paris; a row whose tenant is in New York waits for 09:00 there; the progress says
// when the window opens.
func TestCampaignWindowRespected(t *testing.T) {
	nyRow := crow("2001")
	nyRow.TimeZone = "America/New_York"
	in := campaignInput(append([]contract.CampaignRow{nyRow}, crows(4, 1001)...)...)
	in.Windows = []string{"Mon-Fri 09:00-17:00 Europe/Paris"}
	start := time.Date(2026, 12, 5, 10, 0, 0, 0, time.UTC) // a Saturday
	h := newCampaignHarness(t, in, start, time.Minute)
	var saturday contract.CampaignProgress
	h.progressAt(time.Hour, &saturday)
	rep := h.run()
	require.Equal(t, contract.CampaignOutside, saturday.State)
	require.NotNil(t, saturday.NextWindow)
	require.True(t, saturday.NextWindow.Equal(time.Date(2026, 12, 7, 8, 0, 0, 0, time.UTC)), "next window %s", saturday.NextWindow)
	windows, err := contract.ParseWindows(in.Windows)
	require.NoError(t, err)
	ny, err := contract.LoadZone("America/New_York")
	require.NoError(t, err)
	require.Len(t, h.starts, 5)
	for i, s := range h.starts {
		zone := (*time.Location)(nil)
		if h.started[i].SellAccountID == "2001" {
			zone = ny
			require.True(t, s.Equal(time.Date(2026, 12, 7, 14, 0, 0, 0, time.UTC)), "New York row started at %s", s)
		} else {
			// One start at once, then the rate's one a second at the least.
			monday := time.Date(2026, 12, 7, 8, 0, 0, 0, time.UTC)
			require.True(t, !s.Before(monday) && s.Before(monday.Add(5*time.Second)), "Paris row started at %s", s)
		}
		open, _ := windows.State(s, zone)
		require.True(t, open, "start at %s outside its window", s)
	}
	require.Equal(t, 5, rep.Counts.Started)
}

// TestCampaignAddAndRowsReported: invalid and duplicated rows are reported on their
// rows and the rest go on; add appends rows to a running campaign, and a row whose
// migration already exists (here: completed) is reported and left alone. The same
// holds for runs from before ChangeCampaignStartActivity, which start children.
func TestCampaignAddAndRowsReported(t *testing.T) {
	for _, children := range []bool{false, true} {
		t.Run(fmt.Sprint("children=", children), func(t *testing.T) {
			bad := crow("acme")
			badMode := crow("1003")
			badMode.Mode = "merge"
			in := campaignInput(crow("1001"), bad, crow("1001"), crow("1002"), badMode)
			start := time.Date(2026, 12, 1, 10, 0, 0, 0, time.UTC)
			h := newCampaignHarness(t, in, start, 10*time.Second)
			if children {
				h.childStarts()
			}
			add := h.control(30*time.Second, contract.CampaignAddName, contract.CampaignAddInput{By: by, Rows: []contract.CampaignRow{crow("1004"), crow("1001"), crow("1005"), crow("1004")}})
			rep := h.run()
			require.True(t, add.done && add.rejected == nil && add.failed == nil, "%+v", add)
			require.Equal(t, []contract.CampaignAddResult{{FirstLine: 6, LastLine: 9}}, h.addResults)
			got := map[int]contract.CampaignRowReport{}
			for _, r := range rep.Rows {
				got[r.Line] = r
			}
			want := map[int]contract.CampaignOutcome{
				1: contract.CampaignOutcome(contract.StatusCompleted),
				2: contract.OutcomeInvalid,
				3: contract.OutcomeDuplicate,
				4: contract.CampaignOutcome(contract.StatusCompleted),
				5: contract.OutcomeInvalid,
				6: contract.CampaignOutcome(contract.StatusCompleted),
				7: contract.OutcomeAlreadyExists,
				8: contract.CampaignOutcome(contract.StatusCompleted),
				9: contract.OutcomeDuplicate,
			}
			require.Len(t, got, len(want))
			for line, outcome := range want {
				require.Equal(t, outcome, got[line].Outcome, "line %d: %+v", line, got[line])
			}
			require.Contains(t, got[2].Error, "digits only")
			require.Contains(t, got[3].Error, "already appears on line 1")
			require.Contains(t, got[5].Error, `mode "merge" is not known`)
			require.Contains(t, got[7].Error, "already runs or has completed")
			require.Contains(t, got[9].Error, "already appears on line 6")
			require.Equal(t, contract.CampaignCounts{Total: 9, Started: 4, Refused: 5}, rep.Counts)
			require.Len(t, h.starts, 4)
			require.Equal(t, !children, h.startCalls > 0, "the start activity was called %d times", h.startCalls)
		})
	}
}

// TestCampaignReportsAStartTemporalRefused: a start Temporal refuses for good is
// reported on its row as not started, with Temporal's reason, and the rest go on.
func TestCampaignReportsAStartTemporalRefused(t *testing.T) {
	h := newCampaignHarness(t, campaignInput(crows(3, 1001)...), time.Date(2026, 12, 1, 10, 0, 0, 0, time.UTC), 10*time.Second)
	h.refusedStarts = map[string]string{"1002": "memo is too large"}
	rep := h.run()
	require.Len(t, rep.Rows, 3)
	refused := rep.Rows[1]
	require.Equal(t, []any{2, contract.OutcomeNotStarted, "the migration could not be started: memo is too large"},
		[]any{refused.Line, refused.Outcome, refused.Error})
	require.Equal(t, contract.CampaignCounts{Total: 3, Started: 2, Refused: 1}, rep.Counts)
	require.Len(t, h.starts, 2)
}

// TestCampaignAccountStartedTwiceReadsEachRun: an account whose migration failed is
// added to the campaign again and starts anew (the reuse rule allows a failed one).
// Each of its two rows names its own run, and the outcome read for each is its own
// run's: the first row says failed, the second completed.
func TestCampaignAccountStartedTwiceReadsEachRun(t *testing.T) {
	h := newCampaignHarness(t, campaignInput(crow("1001"), crow("1002")), time.Date(2026, 12, 1, 10, 0, 0, 0, time.UTC), 10*time.Second)
	h.failFirst["1001"] = true
	add := h.control(30*time.Second, contract.CampaignAddName, contract.CampaignAddInput{By: by, Rows: []contract.CampaignRow{crow("1001")}})
	rep := h.run()
	require.True(t, add.done && add.rejected == nil && add.failed == nil, "%+v", add)
	require.Len(t, rep.Rows, 3)
	first, second := rep.Rows[0], rep.Rows[2]
	require.Equal(t, []int{1, 3}, []int{first.Line, second.Line})
	require.Equal(t, "1001", first.AccountID)
	require.Equal(t, "1001", second.AccountID)
	require.NotEmpty(t, first.RunID)
	require.NotEmpty(t, second.RunID)
	require.NotEqual(t, first.RunID, second.RunID, "each row names the run it started")
	require.True(t, h.failedRuns[first.RunID], "the first row's run is the one that failed")
	require.Equal(t, contract.CampaignOutcome(contract.StatusFailed), first.Outcome)
	require.Equal(t, contract.CampaignOutcome(contract.StatusCompleted), second.Outcome)
	require.Contains(t, h.read, activities.MigrationRef{AccountID: "1001", RunID: first.RunID})
	require.Contains(t, h.read, activities.MigrationRef{AccountID: "1001", RunID: second.RunID})
	require.Equal(t, contract.CampaignCounts{Total: 3, Started: 3}, rep.Counts)
}

// TestCampaignCancelModes: cancel stops starting and leaves started migrations alone;
// with CancelStarted it also has the unlinked ones cancelled.
func TestCampaignCancelModes(t *testing.T) {
	for _, cancelStarted := range []bool{false, true} {
		t.Run(fmt.Sprint("cancelStarted=", cancelStarted), func(t *testing.T) {
			in := campaignInput(crows(10, 1001)...)
			in.RatePerMinute = 2
			start := time.Date(2026, 12, 1, 10, 0, 0, 0, time.UTC)
			h := newCampaignHarness(t, in, start, time.Hour)
			cancel := h.control(100*time.Second, contract.CampaignCancelName, contract.CampaignCancel{By: by, CancelStarted: cancelStarted})
			late := h.control(101*time.Second, contract.CampaignAddName, contract.CampaignAddInput{By: by, Rows: crows(1, 5000)})
			rep := h.run()
			require.True(t, cancel.done && cancel.rejected == nil && cancel.failed == nil)
			for _, s := range h.starts {
				require.LessOrEqual(t, s.Sub(start), 100*time.Second, "a start after the cancel")
			}
			require.Len(t, h.starts, 4) // at 0, 30s, 60s and 90s: two a minute
			require.Equal(t, contract.CampaignCounts{Total: 10, Started: 4, NotStarted: 6}, rep.Counts)
			require.NotNil(t, rep.Canceled)
			require.Equal(t, cancelStarted, rep.Canceled.CancelStarted)
			if cancelStarted {
				require.Equal(t, []string{testCampaignID}, h.cancelCalls)
			} else {
				require.Empty(t, h.cancelCalls)
			}
			notStarted := 0
			for _, r := range rep.Rows {
				if r.Outcome == contract.OutcomeNotStarted {
					notStarted++
					require.Contains(t, r.Error, "cancelled before this row started")
				}
			}
			require.Equal(t, 6, notStarted)
			if late.done {
				require.Error(t, late.rejected, "an add after the cancel must be refused")
			}
		})
	}
}

// TestCampaignValidatorsRefuseAndChangeNothing: each control with bad input, or at the
// wrong time, is refused with the reason and the campaign goes on as before.
func TestCampaignValidatorsRefuseAndChangeNothing(t *testing.T) {
	in := campaignInput(crows(5, 1001)...)
	in.RatePerMinute = 1
	start := time.Date(2026, 12, 1, 10, 0, 0, 0, time.UTC)
	h := newCampaignHarness(t, in, start, time.Second)
	refused := []struct {
		out  *updateOutcome
		want string
	}{
		{h.control(time.Second, contract.CampaignPauseName, contract.CampaignControlInput{}), "by is missing"},
		{h.control(time.Second, contract.CampaignResumeName, contract.CampaignControlInput{By: by}), "not paused"},
		{h.control(time.Second, contract.CampaignCancelName, contract.CampaignCancel{By: "ops"}), "not an email"},
		{h.control(time.Second, contract.CampaignAddName, contract.CampaignAddInput{By: by}), "add takes 1 to"},
	}
	var after contract.CampaignProgress
	h.progressAt(2*time.Second, &after)
	// A full queue refuses more rows and says how many it takes now.
	h.control(3*time.Second, contract.CampaignPauseName, contract.CampaignControlInput{By: by})
	fill := h.control(4*time.Second, contract.CampaignAddName, contract.CampaignAddInput{By: by, Rows: crows(contract.MaxCampaignAddRows, 100000)})
	over := h.control(5*time.Second, contract.CampaignAddName, contract.CampaignAddInput{By: by, Rows: crows(contract.MaxCampaignAddRows, 200000)})
	var full contract.CampaignProgress
	h.progressAt(6*time.Second, &full)
	h.control(7*time.Second, contract.CampaignCancelName, contract.CampaignCancel{By: by})
	rep := h.run()
	for _, r := range refused {
		require.True(t, r.out.done, r.out.name)
		require.ErrorContains(t, r.out.rejected, r.want, r.out.name)
	}
	require.False(t, after.Paused)
	require.Equal(t, contract.CampaignCounts{Total: 5, Started: 1, Queued: 4}, after.Counts)
	require.True(t, fill.done && fill.rejected == nil && fill.failed == nil)
	require.ErrorContains(t, over.rejected, "queues at most 10000")
	require.ErrorContains(t, over.rejected, "add at most 4996 rows now")
	require.Equal(t, contract.CampaignCounts{Total: 5005, Started: 1, Queued: 5004}, full.Counts)
	require.Equal(t, contract.CampaignCounts{Total: 5005, Started: 1, NotStarted: 5004}, rep.Counts)
}

// TestCampaignContinuesAsNewAt100k: a 100,000-row campaign, fed with add as its queue
// drains (a run queues at most MaxCampaignQueued rows), continues as new whenever its
// history reaches the policy's limit; each run's history stays bounded, the carry holds
// only rows not yet started, and every row starts exactly once across the runs.
func TestCampaignContinuesAsNewAt100k(t *testing.T) {
	const total = 100_000
	// 1,000 events a run: a hundred starts cost one activity's six events, so a run
	// at 1,000 starts about 8,000 rows and the campaign needs a dozen runs.
	const limit = 1_000
	in := campaignInput(crows(contract.MaxCampaignAddRows, 1_000_000)...)
	in.RatePerMinute, in.MaxActive = contract.MaxCampaignRate, total
	in.Policy.MaxHistoryEvents = limit
	fed := contract.MaxCampaignAddRows
	start := time.Date(2026, 12, 1, 10, 0, 0, 0, time.UTC)
	started := map[string]bool{}
	var rep contract.CampaignReport
	runs := 0
	for {
		runs++
		require.Less(t, runs, 200, "too many runs")
		h := newCampaignHarness(t, in, start, 0)
		h.modelHistory = true
		h.seenBefore = len(started)
		// Feed the queue at the start of each run, as far as it takes rows.
		room := contract.MaxCampaignQueued - len(in.Rows)
		for room > 0 && fed < total {
			n := min(room, contract.MaxCampaignAddRows, total-fed)
			h.control(0, contract.CampaignAddName, contract.CampaignAddInput{By: by, Rows: crows(n, 1_000_000+fed)})
			fed += n
			room -= n
		}
		h.env.ExecuteWorkflow(contract.CampaignWorkflowName, in)
		require.True(t, h.env.IsWorkflowCompleted())
		// The run stops at the limit, at most one step past it: its two counts and its
		// batch of starts.
		require.LessOrEqual(t, h.events, limit+3*6, "run %d's history grew past its bound", runs)
		for _, si := range h.started {
			require.False(t, started[si.SellAccountID], "account %s started twice", si.SellAccountID)
			started[si.SellAccountID] = true
		}
		for _, u := range h.updates {
			require.True(t, u.done && u.rejected == nil && u.failed == nil, "add in run %d: %+v", runs, u)
		}
		err := h.env.GetWorkflowError()
		if err == nil {
			require.NoError(t, h.env.GetWorkflowResult(&rep))
			break
		}
		var can *workflow.ContinueAsNewError
		require.ErrorAs(t, err, &can)
		require.Equal(t, contract.CampaignWorkflowName, can.WorkflowType.Name)
		var next contract.CampaignInput
		require.NoError(t, converter.GetDefaultDataConverter().FromPayloads(can.Input, &next))
		require.NotNil(t, next.Carry)
		require.Equal(t, runs, next.Carry.Runs)
		require.LessOrEqual(t, len(next.Rows), contract.MaxCampaignQueued)
		require.LessOrEqual(t, len(next.Carry.Reports), contract.MaxCampaignReportRows)
		require.Equal(t, next.Carry.Counts.Queued, len(next.Rows))
		require.Equal(t, len(started), next.Carry.Counts.Started)
		in = next
	}
	t.Logf("%d rows in %d runs", total, runs)
	require.Len(t, started, total)
	require.Greater(t, runs, 5, "a 100,000-row campaign must continue as new")
	require.Equal(t, contract.CampaignCounts{Total: total, Started: total}, rep.Counts)
	require.Len(t, rep.Rows, contract.MaxCampaignReportRows)
	require.Equal(t, total-contract.MaxCampaignReportRows, rep.Omitted)
}

// TestCampaignMigrationKeepsCampaignID: a migration a campaign started writes its
// CampaignID with every search attribute upsert (so a run continued as new keeps it);
// one started on its own writes none.
func TestCampaignMigrationKeepsCampaignID(t *testing.T) {
	for _, campaignID := range []string{testCampaignID, ""} {
		h := newHarness(t)
		var seen []string
		h.env.OnUpsertTypedSearchAttributes(mock.Anything).Run(func(args mock.Arguments) {
			sa := args.Get(0).(temporal.SearchAttributes)
			v, _ := sa.GetKeyword(contract.SearchAttrCampaignID)
			seen = append(seen, v)
		}).Return(nil)
		h.env.OnActivity(h.a.Preflight, mock.Anything, mock.Anything).
			Return(activities.PreflightResult{AccountName: "Umbrella", Connected: true, ConnectedSubdomain: "umbrella", LoginURL: "https://umbrella.zendesk.com"}, nil).Once()
		h.env.OnActivity(h.a.CheckContributors, mock.Anything, mock.Anything).
			Return(activities.ContributorCheck{SellUsers: 3, Active: 3, Contributors: 3, Complete: true}, nil).Once()
		in := newInput("1004", contract.ModeNew, "umbrella")
		in.CampaignID = campaignID
		h.run(in)
		require.NotEmpty(t, seen)
		for _, v := range seen {
			require.Equal(t, campaignID, v)
		}
	}
}

// TestCampaignDrainFollowsActiveMigrations: once every row has started, a campaign
// whose migrations are in active steps counts again every campaignPoll, so it ends
// soon after its last migration rather than up to campaignDrainPoll later; runs from
// before ChangeDrainPollActive keep the long poll.
func TestCampaignDrainFollowsActiveMigrations(t *testing.T) {
	start := time.Date(2026, 12, 1, 10, 0, 0, 0, time.UTC)
	for _, tc := range []struct {
		name    string
		version workflow.Version
		within  time.Duration
		atLeast time.Duration
	}{
		{"new", 1, 2*time.Minute + campaignPoll + 5*time.Second, 2 * time.Minute},
		{"old", workflow.DefaultVersion, campaignDrainPoll + 5*time.Second, campaignDrainPoll},
	} {
		t.Run(tc.name, func(t *testing.T) {
			h := newCampaignHarness(t, campaignInput(crows(3, 1001)...), start, 2*time.Minute)
			h.env.OnGetVersion(ChangeDrainPollActive, workflow.DefaultVersion, 1).Return(tc.version)
			rep := h.run()
			require.Equal(t, 3, rep.Counts.Started)
			took := h.env.Now().Sub(start)
			require.GreaterOrEqual(t, took, tc.atLeast)
			require.LessOrEqual(t, took, tc.within)
		})
	}
}

// laggingPace is PaceCampaign as visibility lag shows it: a child started less than lag
// ago is neither seen nor active; one started earlier is active while it runs.
func (h *campaignHarness) laggingPace() activities.CampaignPace {
	now := h.env.Now()
	var p activities.CampaignPace
	for _, at := range h.starts {
		if now.Sub(at) < h.lag {
			continue
		}
		p.Seen++
		if now.Before(at.Add(h.dur)) {
			p.Active++
			p.Running++
		}
	}
	return p
}

// TestCampaignExactPaceHoldsMaxActiveUnderLag: with visibility showing each start only
// 8 s late, the starts it does not show yet count as active, so MaxActive holds.
func TestCampaignExactPaceHoldsMaxActiveUnderLag(t *testing.T) {
	in := campaignInput(crows(40, 1001)...)
	in.MaxActive, in.RatePerMinute = 4, 6000
	start := time.Date(2026, 12, 1, 10, 0, 0, 0, time.UTC)
	h := newCampaignHarness(t, in, start, 40*time.Second)
	h.lag = 8 * time.Second
	rep := h.run()
	require.Equal(t, 40, rep.Counts.Started)
	require.LessOrEqual(t, h.maxRunning, 4, "MaxActive exceeded while visibility lagged")
	require.Equal(t, 4, h.maxRunning, "the campaign should use the room it has")
}

// TestCampaignExactPaceRefillsQuickly: at MaxActive the campaign counts again after
// campaignFullPoll, so a slot freed by a migration that ended is used within seconds;
// runs from before ChangeCampaignExactPace waited campaignPoll.
func TestCampaignExactPaceRefillsQuickly(t *testing.T) {
	start := time.Date(2026, 12, 1, 10, 0, 0, 0, time.UTC)
	span := func(version workflow.Version) time.Duration {
		in := campaignInput(crows(30, 1001)...)
		in.MaxActive, in.RatePerMinute = 3, 6000
		h := newCampaignHarness(t, in, start, 20*time.Second)
		h.env.OnGetVersion(ChangeCampaignExactPace, workflow.DefaultVersion, 1).Return(version)
		rep := h.run()
		require.Equal(t, 30, rep.Counts.Started)
		require.LessOrEqual(t, h.maxRunning, 3)
		return h.starts[len(h.starts)-1].Sub(h.starts[0])
	}
	exact, old := span(1), span(workflow.DefaultVersion)
	t.Logf("30 rows, 3 at a time, 20 s each: last start after %s (exact pace), %s (before)", exact, old)
	// Nine refills of three: each at most 20 s of running plus one poll and a second.
	require.LessOrEqual(t, exact, 9*(20*time.Second+campaignFullPoll+time.Second))
	require.Greater(t, old, exact+time.Minute)
}

// TestCampaignEndsWhenVisibilityForgetsMigrations: visibility drops closed migrations
// after the namespace's retention (or a deleted run), so it may show fewer than the
// campaign started; the unseen starts are bounded by the recent ones, and the campaign
// still paces and ends.
func TestCampaignEndsWhenVisibilityForgetsMigrations(t *testing.T) {
	in := campaignInput(crows(10, 1001)...)
	in.MaxActive, in.RatePerMinute = 4, 6000
	start := time.Date(2026, 12, 1, 10, 0, 0, 0, time.UTC)
	h := newCampaignHarness(t, in, start, time.Minute)
	h.hidden = 3 // three of its migrations forgotten from the start, as if long closed
	// Bounded on the test clock: a campaign that never ends fails here, not by hanging.
	h.env.SetWorkflowRunTimeout(2 * time.Hour)
	rep := h.run()
	require.Equal(t, 10, rep.Counts.Started)
	require.LessOrEqual(t, h.maxRunning, 4)
	require.Less(t, h.env.Now().Sub(start), 10*time.Minute, "the campaign must end once its migrations have")
}
