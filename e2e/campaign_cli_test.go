package e2e

import (
	"context"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/sellmigrate/sellmigrate/config"
	"github.com/sellmigrate/sellmigrate/contract"
	"github.com/sellmigrate/sellmigrate/e2e/harness"
)

// TestCampaignCLIPauseResume runs a small campaign through the CLI on the shared stack:
// three fresh accounts and a repeated row, at most one active and six starts a minute
// (one at once, the next ten seconds later). It is paused right after its first start
// and must start nothing while paused; resumed, it starts the rest, a responder answers
// the migrations' disclaimers; once they have settled a cancel ends the campaign, and
// the report gives each row's outcome.
func TestCampaignCLIPauseResume(t *testing.T) {
	t.Parallel()
	d := shared(t)
	sim := d.Sim()
	// Accounts of their own (IDs and subdomains no other test uses), so nothing collides.
	accounts := harness.LayOut(9601, "wavecli", []harness.ShapeCount{{Shape: harness.ShapeNewSmall, N: 3}})
	harness.AddChaosAccounts(t, sim, accounts, func(sub, email string) { d.AddOperatorToken(t, sub, email) })
	st, err := d.Starter()
	if err != nil {
		t.Fatal(err)
	}
	ctx, cancel := context.WithTimeout(context.Background(), 3*time.Minute)
	defer cancel()
	resp := harness.NewResponder(st, sim, harness.API{URL: d.APIURL, AdminToken: config.DemoAdminToken}, accounts)
	defer watchWith(ctx, resp)()

	const name, by = "cli-wave", "ops@sellmigrate.test"
	path := writeWave(t, accounts, "Europe/Paris")

	progress := func() contract.CampaignProgress { t.Helper(); return campaignProgress(ctx, t, st, name) }

	harness.MustCLI(t, d, "campaign", "start", "--name", name, "--csv", path, "--max-active", "1", "--rate", "6/m", "--by", by)
	// A second start of the same name is refused and changes nothing.
	if r := d.CLI("campaign", "start", "--name", name, "--csv", path, "--by", by); r.Code == 0 || !strings.Contains(r.Stderr, "already exists") {
		t.Fatalf("second start: %s", r)
	}
	for p := progress(); p.Counts.Started < 1; p = progress() {
		if ctx.Err() != nil {
			t.Fatalf("the campaign started nothing: %+v", p)
		}
		time.Sleep(100 * time.Millisecond)
	}
	harness.MustCLI(t, d, "campaign", "pause", name, "--by", by)
	p := progress()
	if !p.Paused || p.Counts.Started != 1 {
		t.Fatalf("after pause: paused %t, started %d; want paused with 1 started (the rate allows the next 10 s after the first)", p.Paused, p.Counts.Started)
	}
	if p.Counts.Refused != 1 || len(p.Reports) != 1 || p.Reports[0].Outcome != contract.OutcomeDuplicate {
		t.Errorf("the repeated row: refused %d, reports %+v; want one duplicate", p.Counts.Refused, p.Reports)
	}
	if out := harness.MustCLI(t, d, "campaign", "status", name); !strings.Contains(out, "paused: true") || !strings.Contains(out, "target 6/min") {
		t.Errorf("status while paused:\n%s", out)
	}
	// Longer than the rate's period: a running campaign would have started the next row.
	time.Sleep(11 * time.Second)
	if p := progress(); p.Counts.Started != 1 {
		t.Fatalf("started %d while paused, want 1", p.Counts.Started)
	}
	harness.MustCLI(t, d, "campaign", "resume", name, "--by", by)

	// Once every row has started and every migration has settled, cancel the campaign:
	// it would otherwise notice the last migration's end only at its next drain count
	// (minutes apart); a cancel ends it at once with the report, started rows included.
	for {
		p := progress()
		if p.Counts.Started == 3 && len(resp.Unsettled(accounts)) == 0 {
			break
		}
		if ctx.Err() != nil {
			t.Fatalf("the campaign's migrations did not settle: %+v; unsettled: %v", p, resp.Unsettled(accounts))
		}
		time.Sleep(500 * time.Millisecond)
	}
	harness.MustCLI(t, d, "campaign", "cancel", name, "--by", by)
	rep := finalCampaignReport(ctx, t, d, st, name)
	if rep.Counts.Total != 4 || rep.Counts.Started != 3 || rep.Counts.Refused != 1 || rep.Counts.NotStarted != 0 || len(rep.Rows) != 4 || rep.Canceled == nil {
		t.Fatalf("report counts %+v, %d rows; want 4 rows, 3 started, 1 refused, none dropped by the cancel", rep.Counts, len(rep.Rows))
	}
	byAccount := map[string]contract.CampaignRowReport{}
	for _, r := range rep.Rows {
		if r.Outcome == contract.OutcomeDuplicate {
			continue
		}
		byAccount[r.AccountID] = r
	}
	for _, a := range accounts {
		r, ok := byAccount[fmt.Sprint(a.ID)]
		if !ok || r.Outcome != contract.CampaignOutcome(a.Outcome) || r.Subdomain != a.Subdomain ||
			r.UsersConverted != a.Converted || r.Error != "" {
			t.Errorf("account %d: report row %+v; want %s, subdomain %s, %d users converted, no error", a.ID, r, a.Outcome, a.Subdomain, a.Converted)
		}
	}
	out := filepath.Join(t.TempDir(), "report.csv")
	harness.MustCLI(t, d, "campaign", "report", name, "--out", out)
	body, err := os.ReadFile(out)
	if err != nil {
		t.Fatal(err)
	}
	if lines := strings.Split(strings.TrimSpace(string(body)), "\n"); len(lines) != 5 || lines[0] != "line,account_id,outcome,subdomain,users_converted,needs_reactivation,error" {
		t.Errorf("CSV report:\n%s", body)
	}
	if l := harness.MustCLI(t, d, "campaign", "list"); !strings.Contains(l, name) {
		t.Errorf("campaign list lacks %s:\n%s", name, l)
	}
}
