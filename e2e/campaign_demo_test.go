package e2e

import (
	"context"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"go.temporal.io/api/workflowservice/v1"

	"github.com/sellmigrate/sellmigrate/config"
	"github.com/sellmigrate/sellmigrate/contract"
	"github.com/sellmigrate/sellmigrate/e2e/harness"
	"github.com/sellmigrate/sellmigrate/starter"
)

// demoAccount is a demo account of DESIGN.md's table: how a campaign row names it, who
// answers its waits (as the responder's account), and what its report row must say.
type demoAccount struct {
	row                   string // the CSV row: account_id,mode,subdomain,requested_by,owner_email
	who                   harness.ChaosAccount
	outcome               contract.CampaignOutcome
	converted, reactivate int
	// preflight: the verdict, Sell users counted, and what the problems must say, on
	// the demo data as seeded.
	verdict string
	users   string
	says    []string
}

// demoAccounts are the demo table's accounts, each on its intended path.
var demoAccounts = []demoAccount{
	{row: "1005,new,hooli,admin@hooli.test,", // first: its 2,500 users take longest
		who:     harness.ChaosAccount{ID: 1005, Shape: harness.ShapeNewPaged, Subdomain: "hooli", Admin: "admin@hooli.test"},
		outcome: contract.CampaignOutcome(contract.StatusCompleted), converted: 2499,
		verdict: "ready", users: "2500"},
	{row: "1007,existing,stark,admin@stark.test,owner@stark.test", // bulk imports off: one by one
		who:     harness.ChaosAccount{ID: 1007, Shape: harness.ShapeExisting, Subdomain: "stark", Admin: "admin@stark.test", Owner: "owner@stark.test"},
		outcome: contract.CampaignOutcome(contract.StatusCompleted), converted: 299,
		verdict: "warning", users: "300", says: []string{"bulk imports of stark were not checked", "sellmigrate credentials add --subdomain stark"}},
	{row: "1001,new,acme,admin@acme.test,",
		who:     harness.ChaosAccount{ID: 1001, Shape: harness.ShapeNewSmall, Subdomain: "acme", Admin: "admin@acme.test"},
		outcome: contract.CampaignOutcome(contract.StatusCompleted), converted: 4,
		verdict: "ready", users: "5"},
	{row: "1002,existing,globex,admin@globex.test,owner@globex.test", // lee@globex.test is an end-user there
		who:     harness.ChaosAccount{ID: 1002, Shape: harness.ShapeExisting, Subdomain: "globex", Admin: "admin@globex.test", Owner: "owner@globex.test"},
		outcome: contract.CampaignOutcome(contract.StatusCompleted), converted: 6, reactivate: 1,
		verdict: "warning", users: "8", says: []string{"bulk imports of globex were not checked", "sellmigrate credentials add --subdomain globex"}},
	{row: "1003,existing,initech,admin@initech.test,owner@initech.test", // the owner's license comes late
		who:     harness.ChaosAccount{ID: 1003, Shape: harness.ShapeOwnerUnlicense, Subdomain: "initech", Admin: "admin@initech.test", Owner: "owner@initech.test"},
		outcome: contract.CampaignOutcome(contract.StatusCompleted), converted: 4,
		verdict: "blocked", users: "4", says: []string{"owner@initech.test has no Sell license in Sell account 1003", "Sell > Settings > Users"}},
	{row: "1004,new,umbrella,admin@umbrella.test,",
		who:     harness.ChaosAccount{ID: 1004, Shape: harness.ShapeConnected, Subdomain: "umbrella", Admin: "admin@umbrella.test"},
		outcome: contract.CampaignOutcome(contract.StatusAlreadyConnected),
		verdict: "warning", users: "3", says: []string{"already connected to Zendesk account umbrella", "sellmigrate credentials add --subdomain umbrella"}},
}

// TestCampaignOverDemoAccounts is a wave over every account of DESIGN.md's demo table
// (1001 Acme, 1002 Globex, 1003 Initech, 1004 Umbrella, 1005 Hooli, 1007 Stark), as
// README's "Run a wave" tells ops: a preflight of the list, checked row by row; the fix
// it asks for Umbrella (an operator's token); then a campaign through the CLI, at most
// three active and six starts a minute, paused right after its first start. While
// paused nothing starts (its progress and visibility both show one migration); resumed,
// it starts the rest, and a responder plays the admins and owners (owner sign-ins,
// Initech's late license, the disclaimers). Once every migration has settled, a cancel
// ends the campaign (it would otherwise notice the last end only at its next drain
// count, minutes apart), and its report is checked row by row against the table;
// visibility gives each of its migrations its row's line, as a report past 2,000 rows
// reads them.
//
// It has a stack of its own: on the shared stack, 1001, 1002 and 1007 are migrated by
// TestLongWaitRemindsAndContinuesAsNew, TestNeedsAttentionThenRetry and
// TestStarkConvertsOneByOne meanwhile, and a preflight of the demo accounts is only
// exact on the demo data as seeded. A stack of its own is cheap next to the wave itself
// (Hooli's 2,500 users), as TestDemoMigrationsEndToEnd's is.
func TestCampaignOverDemoAccounts(t *testing.T) {
	t.Parallel()
	d := harness.DevT(t, binaries(t), harness.DevOptions{Name: "campaign-demo-dev"})
	sim := d.Sim()
	dir := t.TempDir()
	var list strings.Builder
	list.WriteString("account_id,mode,subdomain,requested_by,owner_email\n")
	accounts := make([]harness.ChaosAccount, len(demoAccounts))
	for i, a := range demoAccounts {
		list.WriteString(a.row + "\n")
		accounts[i] = a.who
	}
	path := filepath.Join(dir, "demo-wave.csv")
	if err := os.WriteFile(path, []byte(list.String()), 0o600); err != nil {
		t.Fatal(err)
	}

	// The preflight, row by row: read-only, so the campaign below meets the same data.
	pre := filepath.Join(dir, "preflight.csv")
	if r := d.CLI("preflight", "--csv", path, "--out", pre); r.Code == 0 || !strings.Contains(r.Stderr, "1 of 6 rows are blocked") ||
		!strings.Contains(r.Stdout, "2 ready, 3 warning, 1 blocked of 6 rows") {
		t.Errorf("preflight of the demo accounts: %s", r)
	}
	rows := readReport(t, pre)
	if len(rows) != len(demoAccounts) {
		t.Fatalf("preflight report has %d rows, want %d: %v", len(rows), len(demoAccounts), rows)
	}
	for i, a := range demoAccounts {
		got, id := rows[i], fmt.Sprint(a.who.ID)
		if got["account_id"] != id || got["line"] != itoa(int64(i+2)) || got["verdict"] != a.verdict || got["users"] != a.users {
			t.Errorf("preflight row %d: account %s line %s verdict %q users %q (problems %q); want %s line %d, %q, %q users",
				i, got["account_id"], got["line"], got["verdict"], got["users"], got["problems"], id, i+2, a.verdict, a.users)
		}
		for _, s := range a.says {
			if !strings.Contains(got["problems"], s) {
				t.Errorf("preflight of %s: problems %q lack %q", id, got["problems"], s)
			}
		}
		if a.verdict == "ready" && got["problems"] != "" {
			t.Errorf("preflight of %s is ready with problems %q", id, got["problems"])
		}
	}
	// The fix it asks for Umbrella: without an operator's token its migration would wait
	// in needs_attention. Initech's license is the responder's to give, as its admin would.
	d.AddOperatorToken(t, "umbrella", "admin@umbrella.test")

	st, err := d.Starter()
	if err != nil {
		t.Fatal(err)
	}
	ctx, cancel := context.WithTimeout(context.Background(), 8*time.Minute)
	defer cancel()
	resp := harness.NewResponder(st, sim, harness.API{URL: d.APIURL, AdminToken: config.DemoAdminToken}, accounts)
	defer watchWith(ctx, resp)()

	const name, by = "demo-wave", "ops@sellmigrate.test"
	progress := func() contract.CampaignProgress { t.Helper(); return campaignProgress(ctx, t, st, name) }
	started := func() []string {
		t.Helper()
		list, err := st.List(ctx, starter.ListFilter{})
		if err != nil {
			t.Fatal(err)
		}
		var ids []string
		for _, s := range list {
			ids = append(ids, s.AccountID)
		}
		return ids
	}

	harness.MustCLI(t, d, "campaign", "start", "--name", name, "--csv", path, "--max-active", "3", "--rate", "6/m", "--by", by)
	for p := progress(); p.Counts.Started < 1; p = progress() {
		if ctx.Err() != nil {
			t.Fatalf("the campaign started nothing: %+v", p)
		}
		time.Sleep(100 * time.Millisecond)
	}
	harness.MustCLI(t, d, "campaign", "pause", name, "--by", by)
	if p := progress(); !p.Paused || p.Counts.Started != 1 || p.Counts.Queued != 5 {
		t.Fatalf("after pause: paused %t, counts %+v; want paused with 1 started and 5 queued (the rate allows the next 10 s after the first)", p.Paused, p.Counts)
	}
	// Longer than the rate's period: a running campaign would have started the next row.
	time.Sleep(11 * time.Second)
	if p := progress(); p.Counts.Started != 1 || p.State != contract.CampaignPaused {
		t.Fatalf("while paused: state %s, %d started; want paused with 1", p.State, p.Counts.Started)
	}
	if ids := started(); len(ids) != 1 || ids[0] != "1005" {
		t.Fatalf("while paused, visibility lists the migrations of %v; want only 1005's, the first row", ids)
	}
	harness.MustCLI(t, d, "campaign", "resume", name, "--by", by)

	for {
		p := progress()
		if p.Counts.Started == len(demoAccounts) && len(resp.Unsettled(accounts)) == 0 {
			break
		}
		if ctx.Err() != nil {
			t.Fatalf("the demo wave did not settle: %+v; unsettled: %v", p, resp.Unsettled(accounts))
		}
		time.Sleep(time.Second)
	}
	resp.CheckWaits(t, accounts)
	harness.MustCLI(t, d, "campaign", "cancel", name, "--by", by)
	rep := finalCampaignReport(ctx, t, d, st, name)

	if want := (contract.CampaignCounts{Total: 6, Started: 6}); rep.Counts != want || len(rep.Rows) != len(demoAccounts) || rep.Omitted != 0 {
		t.Fatalf("report counts %+v with %d rows (%d omitted); want %+v, a row each", rep.Counts, len(rep.Rows), rep.Omitted, want)
	}
	byAccount := map[string]contract.CampaignRowReport{}
	for _, r := range rep.Rows {
		byAccount[r.AccountID] = r
	}
	lines := linesInVisibility(t, d, contract.CampaignWorkflowID(name))
	tc, err := d.Client()
	if err != nil {
		t.Fatal(err)
	}
	for i, a := range demoAccounts {
		// None of these continued as new: the row's run is the migration's only one.
		desc, err := tc.DescribeWorkflowExecution(ctx, contract.WorkflowID(fmt.Sprint(a.who.ID)), "")
		if err != nil {
			t.Fatalf("describe the migration of %d: %v", a.who.ID, err)
		}
		want := contract.CampaignRowReport{Line: i + 1, AccountID: fmt.Sprint(a.who.ID), Outcome: a.outcome, Subdomain: a.who.Subdomain,
			UsersConverted: a.converted, NeedsReactivation: a.reactivate, RunID: desc.GetWorkflowExecutionInfo().GetExecution().GetRunId()}
		if got := byAccount[want.AccountID]; got != want {
			t.Errorf("report row of %s:\n got %+v\nwant %+v", want.AccountID, got, want)
		}
		if lines[want.AccountID] != want.Line {
			t.Errorf("visibility gives %s line %d, want %d", want.AccountID, lines[want.AccountID], want.Line)
		}
	}
}

// linesInVisibility lists the campaign's migrations in visibility by CampaignID and
// reads each one's line from its memo, as the report does past
// contract.MaxCampaignReportRows (the starter's unit test fakes Temporal; this is the
// real server's answer, memo through the payload codec).
func linesInVisibility(t *testing.T, d *harness.Dev, campaignID string) map[string]int {
	t.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
	defer cancel()
	query := fmt.Sprintf("WorkflowType = '%s' AND %s = '%s' AND ExecutionStatus != 'ContinuedAsNew'",
		contract.WorkflowName, contract.SearchAttrCampaignID.GetName(), campaignID)
	resp, err := harness.MustClient(t, d).ListWorkflow(ctx, &workflowservice.ListWorkflowExecutionsRequest{Query: query})
	if err != nil {
		t.Fatalf("list %s: %v", query, err)
	}
	dc := harness.MustCodec(t, d).DataConverter()
	lines := map[string]int{}
	for _, info := range resp.GetExecutions() {
		var line int
		if p, ok := info.GetMemo().GetFields()[contract.CampaignLineMemo]; !ok || dc.FromPayload(p, &line) != nil {
			t.Errorf("%s has no line in its memo: %v", info.GetExecution().GetWorkflowId(), info.GetMemo())
		}
		lines[contract.KeywordOf(info.GetSearchAttributes(), contract.SearchAttrSellAccountID)] = line
	}
	return lines
}
