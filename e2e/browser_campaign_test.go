package e2e

import (
	"fmt"
	"os"
	"sort"
	"strings"
	"testing"
	"time"

	"github.com/chromedp/chromedp"

	"github.com/sellmigrate/sellmigrate/e2e/harness"
)

// campaignPage follows a campaign on the dashboard: three fresh accounts and a repeated
// row, one start every five seconds, started with the CLI. An operator opens it from the
// campaigns list, sees its counts, its refused row and links to its migrations, pauses
// it and sees it paused, resumes it and sees the rest start, then cancels it with its
// started migrations not yet linked. A viewer then sees the page without controls.
func campaignPage(t *testing.T, b *tab, dev *harness.Dev) {
	accounts := harness.LayOut(9701, "wavebrowser", []harness.ShapeCount{{Shape: harness.ShapeNewSmall, N: 3}})
	harness.AddChaosAccounts(t, dev.Sim(), accounts, func(sub, email string) { dev.AddOperatorToken(t, sub, email) })
	const name = "browser-wave"
	path := writeWave(t, accounts, "")

	b.signInStaff(dev.APIURL, "ops@example.test")
	harness.MustCLI(t, dev, "campaign", "start", "--name", name, "--csv", path, "--max-active", "3", "--rate", "12/m", "--by", "ops@example.test")

	// The campaigns list, from the header, links to the campaign's page.
	b.do("open the campaigns list", 20*time.Second, chromedp.Click(chromedp.ID("nav-campaigns")))
	row := `tr[data-campaign="` + name + `"]`
	b.await("the campaign listed as running", `!!document.querySelector('`+row+`[data-running="true"]')`, 30*time.Second)
	b.do("open the campaign's page", 20*time.Second, chromedp.Click(chromedp.CSS(row+` a.row-link`)))
	b.await("the campaign's page with its first start and its refused row", `(() => {
		const count = (id) => document.getElementById("campaign-count-" + id)?.dataset.count;
		return location.hash === "#/campaigns/`+name+`" && count("total") === "4" && count("refused") === "1" && Number(count("started")) >= 1 &&
			!!document.querySelector('#campaign-rows tr[data-outcome="duplicate"]'); })()`, 60*time.Second)

	// Pause: the page shows it paused, and only Resume is offered.
	b.await("Pause offered", `document.getElementById("campaign-pause")?.disabled === false`, 30*time.Second)
	b.do("pause", 20*time.Second, chromedp.Click(chromedp.ID("campaign-pause")))
	b.await("the campaign paused on the page", `(() => { const c = document.getElementById("campaign");
		return c.dataset.state === "paused" && document.getElementById("campaign-state").textContent === "Paused" &&
			document.getElementById("campaign-pause").disabled && !document.getElementById("campaign-resume").disabled; })()`, 30*time.Second)
	paused := evalIn[string](b, "read the started count", `document.getElementById("campaign-count-started").dataset.count`)
	if r := dev.CLI("campaign", "status", name); r.Code != 0 || !strings.Contains(r.Stdout, "paused: true") {
		t.Errorf("the page shows the campaign paused, the CLI says:\n%s", r)
	}

	// Resume: the rest start, the counts and the migrations' list follow live.
	b.do("resume", 20*time.Second, chromedp.Click(chromedp.ID("campaign-resume")))
	b.await("every row started, each migration linked", `(() => {
		const count = (id) => document.getElementById("campaign-count-" + id)?.dataset.count;
		const links = [...document.querySelectorAll("#campaign-migration-rows a.row-link")].map((a) => a.getAttribute("href")).sort().join(" ");
		return document.getElementById("campaign").dataset.paused === "false" && count("started") === "3" && count("queued") === "0" &&
			links === "`+migrationLinks(accounts)+`"; })()`, 90*time.Second)
	t.Logf("%s started before the pause", paused)
	if pace := evalIn[string](b, "read the pace", `document.getElementById("campaign-pace").innerText`); !strings.Contains(pace, "12/min target") || !strings.Contains(pace, "Any time") {
		t.Errorf("the pace card lacks the target rate or the windows:\n%s", pace)
	}
	shot := b.screenshot("dashboard-campaign")

	// A migration's link opens its page.
	b.do("open a migration of the campaign", 20*time.Second,
		chromedp.Click(chromedp.CSS(`#campaign-migration-rows tr[data-workflow-id="`+accounts[1].WorkflowID()+`"] a.row-link`)))
	b.await("the migration's page", detailIs(accounts[1].WorkflowID(), "awaiting_disclaimers"), 60*time.Second)
	b.do("back to the campaign", 20*time.Second, chromedp.Evaluate[chromedp.Void](`history.back()`))
	b.await("the campaign's page again", `document.getElementById("campaign")?.dataset.state !== undefined && !!document.getElementById("campaign-cancel")`, 30*time.Second)

	// Cancel asks first; with the box ticked it cancels the migrations not yet linked.
	b.do("ask to cancel", 20*time.Second, chromedp.Click(chromedp.ID("campaign-cancel")))
	if s := harness.Status(t, dev, fmt.Sprint(accounts[0].ID)); s.Status != "awaiting_disclaimers" {
		t.Fatalf("one click on Cancel, before the confirmation, made a migration %s", s.Status)
	}
	b.do("confirm, cancelling the started migrations too", 20*time.Second,
		chromedp.Click(chromedp.ID("campaign-cancel-started")), chromedp.Click(chromedp.ID("campaign-cancel-confirm")))
	b.await("the campaign ended, cancelled, its report listing every row", `(() => { const c = document.getElementById("campaign");
		return c.dataset.final === "true" && c.dataset.state === "cancelled" && document.querySelectorAll("#campaign-rows tbody tr").length === 4 &&
			!!document.getElementById("campaign-controls-over") && !document.getElementById("campaign-controls-over").hidden; })()`, 90*time.Second)
	for _, a := range accounts {
		harness.AwaitStatus(t, dev, fmt.Sprint(a.ID), "cancelled")
	}
	if href := evalIn[string](b, "read the report link", `document.getElementById("campaign-report-csv").getAttribute("href")`); href != "/api/v1/campaigns/"+name+"/report?format=csv" {
		t.Errorf("Download report links to %q", href)
	}
	csv := evalIn[string](b, "download the report", `fetch(document.getElementById("campaign-report-csv").href).then(r => r.text())`)
	if lines := strings.Split(strings.TrimSpace(csv), "\n"); len(lines) != 5 || !strings.HasPrefix(lines[0], "line,account_id,outcome") {
		t.Errorf("the report downloaded from the page:\n%s", csv)
	}

	// A viewer follows the same page and is offered no control.
	b.do("sign out", 20*time.Second, chromedp.Click(chromedp.ID("sign-out")))
	b.signInStaff(dev.APIURL, "viewer@example.test")
	b.do("open the campaign as a viewer", 20*time.Second, chromedp.Evaluate[chromedp.Void](`location.hash = "#/campaigns/`+name+`"`))
	b.await("the page without controls", `document.getElementById("campaign")?.dataset.final === "true" && !!document.getElementById("campaign-controls-none") &&
		!document.getElementById("campaign-pause") && !document.getElementById("campaign-cancel")`, 30*time.Second)

	if os.Getenv(updateDocsEnv) == "1" {
		writeDocsImage(t, shot, "dashboard-campaign.png")
	}
}

// migrationLinks is what the campaign page's migration links point to, sorted.
func migrationLinks(accounts []harness.ChaosAccount) string {
	var out []string
	for _, a := range accounts {
		out = append(out, "#/migrations/"+a.WorkflowID())
	}
	sort.Strings(out)
	return strings.Join(out, " ")
}
