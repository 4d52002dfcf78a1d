package workflows_test

import (
	"context"
	"fmt"
	"path/filepath"
	"strings"
	"testing"
	"time"

	enumspb "go.temporal.io/api/enums/v1"

	"github.com/sellmigrate/sellmigrate/contract"
	"github.com/sellmigrate/sellmigrate/e2e/harness"
	"github.com/sellmigrate/sellmigrate/starter"
)

// The campaign's recorded paths: each drives a CampaignWorkflow on the stack through
// the starter (what the CLI and the API call) and saves the campaign's history, so a
// change to the campaign workflow that breaks determinism fails the replay test.
// Campaigns that never end on their own (every row started, the last migration's end
// seen only at a drain poll minutes apart) are ended by a cancel, one of its paths.
var campaignPaths = []recordedPath{
	{"campaign-paused-added-cancelled", recordCampaignPausedAddedCancelled},
	{"campaign-window-cancelled", recordCampaignWindowCancelled},
	{"campaign-continued-as-new", recordCampaignContinuedAsNew},
	{"campaign-all-refused-done", recordCampaignAllRefusedDone},
}

const campaignBy = "ops@sellmigrate.test"

// campaignStarter is the stack's starter, or one whose migrations and campaigns get
// policy (a campaign continues as new at the policy's history limit).
func (r recorder) campaignStarter(t *testing.T, policy *contract.Policy) *starter.Starter {
	t.Helper()
	if policy == nil {
		st, err := r.d.Starter()
		if err != nil {
			t.Fatal(err)
		}
		return st
	}
	return starter.New(harness.MustClient(t, r.d), starter.Options{Policy: *policy, UpdateTimeout: 30 * time.Second,
		DataConverter: harness.MustCodec(t, r.d).DataConverter()})
}

// awaitCampaign polls the campaign's progress until ok says so.
func awaitCampaign(t *testing.T, st *starter.Starter, name, what string, ok func(contract.CampaignProgress) bool) contract.CampaignProgress {
	t.Helper()
	deadline := time.Now().Add(harness.AwaitStatusTimeout)
	for {
		p, err := st.CampaignProgress(context.Background(), name)
		if err == nil && ok(p) {
			return p
		}
		if time.Now().After(deadline) {
			t.Fatalf("campaign %s: %s not seen within %s; last progress %+v (%v)", name, what, harness.AwaitStatusTimeout, p, err)
		}
		time.Sleep(200 * time.Millisecond)
	}
}

// awaitCampaignReport waits for the campaign to close and returns its final report.
func awaitCampaignReport(t *testing.T, st *starter.Starter, name string) contract.CampaignReport {
	t.Helper()
	deadline := time.Now().Add(harness.AwaitStatusTimeout)
	for {
		rep, err := st.CampaignReport(context.Background(), name)
		if err != nil {
			t.Fatalf("report of campaign %s: %v", name, err)
		}
		if rep.Final {
			return rep.Report
		}
		if time.Now().After(deadline) {
			t.Fatalf("campaign %s has not ended within %s", name, harness.AwaitStatusTimeout)
		}
		time.Sleep(200 * time.Millisecond)
	}
}

// saveCampaign saves the history of the campaign's newest run, closed.
func (r recorder) saveCampaign(t *testing.T, name, file string) {
	t.Helper()
	id := contract.CampaignWorkflowID(name)
	desc, err := harness.MustClient(t, r.d).DescribeWorkflowExecution(context.Background(), id, "")
	if err != nil {
		t.Fatalf("describe %s: %v", id, err)
	}
	info := desc.GetWorkflowExecutionInfo()
	if info.GetStatus() == enumspb.WORKFLOW_EXECUTION_STATUS_RUNNING {
		t.Fatalf("%s still runs; only a closed run's history replays to its end", id)
	}
	harness.WriteWorkflowHistory(t, r.d, id, info.GetExecution().GetRunId(), filepath.Join(historiesDir, file+".json"))
}

func newRow(id int64, name string) contract.CampaignRow {
	lower := strings.ToLower(name)
	return contract.CampaignRow{AccountID: fmt.Sprint(id), Mode: "new", Subdomain: lower, RequestedBy: "admin@" + lower + ".test"}
}

func (r recorder) addNew(t *testing.T, id int64, name string) contract.CampaignRow {
	r.d.Sim().AddAccount(t, harness.AccountSpec{SellAccountID: id, Name: name, Users: 1})
	return newRow(id, name)
}

// recordCampaignPausedAddedCancelled: a campaign of two accounts, a repeated row and
// an invalid one, one active at most and six starts a minute, is paused right after
// its first start and resumed; a row is added; the first migration completes, and a
// cancel with CancelStarted stops the two waiting for their disclaimers.
func recordCampaignPausedAddedCancelled(t *testing.T, r recorder) {
	const name = "rec-paused"
	st := r.campaignStarter(t, nil)
	a, b := r.addNew(t, 6201, "Wavea"), r.addNew(t, 6202, "Waveb")
	bad := newRow(6299, "badrow")
	bad.AccountID = "acme" // not digits: refused on its row
	ctx := context.Background()
	if _, err := st.StartCampaign(ctx, starter.CampaignRequest{Name: name, Rows: []contract.CampaignRow{a, b, a, bad},
		MaxActive: 1, RatePerMinute: 6, By: campaignBy}); err != nil {
		t.Fatal(err)
	}
	awaitCampaign(t, st, name, "a first start", func(p contract.CampaignProgress) bool { return p.Counts.Started >= 1 })
	if err := st.PauseCampaign(ctx, name, campaignBy); err != nil {
		t.Fatal(err)
	}
	awaitCampaign(t, st, name, "paused", func(p contract.CampaignProgress) bool { return p.State == contract.CampaignPaused })
	if err := st.ResumeCampaign(ctx, name, campaignBy); err != nil {
		t.Fatal(err)
	}
	c := r.addNew(t, 6203, "Wavec")
	if _, err := st.AddCampaignRows(ctx, name, campaignBy, []contract.CampaignRow{c}); err != nil {
		t.Fatal(err)
	}
	awaitCampaign(t, st, name, "every row started", func(p contract.CampaignProgress) bool { return p.Counts.Started == 3 })
	r.await(t, "6201", "awaiting_disclaimers")
	r.cli(t, "signal", "6201", "accept-disclaimers", "--by", "admin@wavea.test")
	r.await(t, "6201", "completed")
	r.await(t, "6202", "awaiting_disclaimers")
	r.await(t, "6203", "awaiting_disclaimers")
	if err := st.CancelCampaign(ctx, name, campaignBy, true); err != nil {
		t.Fatal(err)
	}
	rep := awaitCampaignReport(t, st, name)
	if rep.CancelledMigrations != 2 || rep.Counts != (contract.CampaignCounts{Total: 5, Started: 3, Refused: 2}) {
		t.Errorf("report %+v; want 5 rows, 3 started, 2 refused, 2 migrations cancelled", rep)
	}
	r.await(t, "6202", "cancelled")
	r.await(t, "6203", "cancelled")
	r.saveCampaign(t, name, "campaign-paused-added-cancelled")
}

// recordCampaignWindowCancelled: a window open now (two hours around it, UTC) and two
// rows, the first in a tenant zone fourteen hours ahead where the window is closed: the
// campaign starts the second row first (the look-ahead), waits for the first's window,
// and a plain cancel drops it, leaving the started migration alone.
func recordCampaignWindowCancelled(t *testing.T, r recorder) {
	const name = "rec-window"
	st := r.campaignStarter(t, nil)
	ahead := newRow(6205, "Windowb") // never started: no account needed
	ahead.TimeZone = "Pacific/Kiritimati"
	open := r.addNew(t, 6204, "Windowa")
	from := time.Now().UTC().Add(-time.Hour)
	window := fmt.Sprintf("%s %s-%s UTC", from.Format("Mon"), from.Format("15:04"), from.Add(2*time.Hour).Format("15:04"))
	ctx := context.Background()
	if _, err := st.StartCampaign(ctx, starter.CampaignRequest{Name: name, Rows: []contract.CampaignRow{ahead, open},
		MaxActive: 5, RatePerMinute: 60, Windows: []string{window}, By: campaignBy}); err != nil {
		t.Fatal(err)
	}
	p := awaitCampaign(t, st, name, "outside the first row's window", func(p contract.CampaignProgress) bool {
		return p.Counts.Started == 1 && p.State == contract.CampaignOutside
	})
	if p.NextWindow == nil {
		t.Errorf("outside its window, the campaign gives no next window: %+v", p)
	}
	if err := st.CancelCampaign(ctx, name, campaignBy, false); err != nil {
		t.Fatal(err)
	}
	rep := awaitCampaignReport(t, st, name)
	if rep.Counts != (contract.CampaignCounts{Total: 2, Started: 1, NotStarted: 1}) || rep.CancelledMigrations != 0 {
		t.Errorf("report %+v; want 2 rows, 1 started, 1 dropped by the cancel", rep)
	}
	r.await(t, "6204", "awaiting_disclaimers") // a plain cancel leaves it alone
	r.saveCampaign(t, name, "campaign-window-cancelled")
}

// recordCampaignContinuedAsNew: with runs of at most 100 history events and one start
// a minute, a campaign of eight rows is paused and resumed again and again (each resume
// starts one row at once) until it continues as new, paused, with rows still queued:
// the next run takes over the pause, the queue and the report lines. Resumed, it starts
// one more, and a cancel drops the rest. The rows' migrations fail at once (the
// requester is no Sell admin), so the stack does little. The first run (closed as
// ContinuedAsNew) and the last are both recorded.
func recordCampaignContinuedAsNew(t *testing.T, r recorder) {
	const name = "rec-can"
	policy := contract.DefaultPolicy()
	policy.MaxHistoryEvents = contract.MinMaxHistoryEvents
	st := r.campaignStarter(t, &policy)
	var rows []contract.CampaignRow
	for i := range int64(8) {
		row := r.addNew(t, 6210+i, fmt.Sprintf("Canwave%d", i))
		row.RequestedBy = "user0001@" + row.Subdomain + ".test"
		rows = append(rows, row)
	}
	ctx := context.Background()
	started, err := st.StartCampaign(ctx, starter.CampaignRequest{Name: name, Rows: rows, MaxActive: 5, RatePerMinute: 1, By: campaignBy})
	if err != nil {
		t.Fatal(err)
	}
	awaitCampaign(t, st, name, "a first start", func(p contract.CampaignProgress) bool { return p.Counts.Started >= 1 })
	if err := st.PauseCampaign(ctx, name, campaignBy); err != nil {
		t.Fatal(err)
	}
	for i := 0; ; i++ {
		p := awaitCampaign(t, st, name, "paused", func(p contract.CampaignProgress) bool { return p.Paused })
		if p.Runs >= 2 {
			if p.Counts.Queued == 0 {
				t.Fatalf("continued as new with no row queued: %+v; the carry's queue goes unrecorded", p)
			}
			break
		}
		if i > 20 {
			t.Fatalf("no continue-as-new after %d pauses and resumes: %+v", i, p)
		}
		if err := st.ResumeCampaign(ctx, name, campaignBy); err != nil {
			t.Fatal(err)
		}
		if err := st.PauseCampaign(ctx, name, campaignBy); err != nil {
			t.Fatal(err)
		}
	}
	before := awaitCampaign(t, st, name, "paused", func(p contract.CampaignProgress) bool { return p.Paused }).Counts.Started
	if err := st.ResumeCampaign(ctx, name, campaignBy); err != nil {
		t.Fatal(err)
	}
	awaitCampaign(t, st, name, "a start after the hop", func(p contract.CampaignProgress) bool { return p.Counts.Started > before })
	if err := st.CancelCampaign(ctx, name, campaignBy, false); err != nil {
		t.Fatal(err)
	}
	rep := awaitCampaignReport(t, st, name)
	if c := rep.Counts; c.Total != 8 || c.Started != before+1 || c.NotStarted != 8-c.Started || len(rep.Rows) != 8 {
		t.Errorf("report %+v; want 8 rows, %d started across the runs, the rest dropped by the cancel", rep, before+1)
	}
	harness.WriteWorkflowHistory(t, r.d, contract.CampaignWorkflowID(name), started.RunID, filepath.Join(historiesDir, "campaign-continued-as-new.json"))
	r.saveCampaign(t, name, "campaign-continued-as-new-last-run")
}

// recordCampaignAllRefusedDone: every row is refused — invalid, repeated, or its
// account's migration already running (started on its own) — so the campaign's first
// drain count finds nothing running and it ends by itself, done, with the report.
func recordCampaignAllRefusedDone(t *testing.T, r recorder) {
	const name = "rec-refused"
	st := r.campaignStarter(t, nil)
	running := r.addNew(t, 6208, "Alonewave")
	r.cli(t, "start", "--account", running.AccountID, "--mode", "new", "--subdomain", running.Subdomain, "--requested-by", running.RequestedBy)
	r.await(t, running.AccountID, "awaiting_disclaimers")
	bad := running
	bad.Mode = "merge"
	bad.AccountID = "6209"
	ctx := context.Background()
	if _, err := st.StartCampaign(ctx, starter.CampaignRequest{Name: name, Rows: []contract.CampaignRow{running, bad, running},
		MaxActive: 5, RatePerMinute: 60, By: campaignBy}); err != nil {
		t.Fatal(err)
	}
	rep := awaitCampaignReport(t, st, name)
	want := []contract.CampaignOutcome{contract.OutcomeInvalid, contract.OutcomeDuplicate, contract.OutcomeAlreadyExists}
	got := make([]contract.CampaignOutcome, len(rep.Rows))
	for i, row := range rep.Rows {
		got[i] = row.Outcome
	}
	if fmt.Sprint(got) != fmt.Sprint(want) || rep.Canceled != nil {
		t.Errorf("report %+v; want rows %v, ended by itself", rep, want)
	}
	r.cli(t, "cancel", running.AccountID)
	r.saveCampaign(t, name, "campaign-all-refused-done")
}
