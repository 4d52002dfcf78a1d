package e2e

import (
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/chromedp/chromedp"

	"github.com/sellmigrate/sellmigrate/config"
	"github.com/sellmigrate/sellmigrate/contract"
	"github.com/sellmigrate/sellmigrate/e2e/harness"
)

// TestDashboardInBrowser drives the dashboard of `sellmigrate dev` (real Temporal on
// SQLite, the simulator, a worker, the API) in headless Chromium: an admin starts and
// approves a migration that completes live on the page; a viewer, signed in through
// the simulator's staff OIDC provider, sees no actions and is refused by the API; then
// an operator, signed in the same way, follows the list, cancels and retries; last,
// an operator follows a campaign, pauses, resumes and cancels it. The list, detail and
// campaign pages are captured (and, with SELLMIGRATE_UPDATE_DOCS=1, written to docs/
// for the README). Its stack is its own:
// the pictures in the README show the demo accounts (1001–1006), and the list and the
// counts it checks cover every migration of the stack.
func TestDashboardInBrowser(t *testing.T) {
	t.Parallel()
	bins := binaries(t)
	chromium := chromiumPath(t)
	dev := harness.DevT(t, bins, harness.DevOptions{Name: "browser-dev"})
	// One browser for the four parts, each in a browser context of its own.
	br := startChromium(t, chromium)
	t.Cleanup(func() {
		if t.Failed() {
			t.Logf("dev log:\n%s", dev.Proc().LogTail())
		}
	})

	t.Run("admin approves and watches it complete live", func(t *testing.T) {
		adminApprovesLive(t, br.newTab(t), dev)
	})
	t.Run("viewer sees no actions", func(t *testing.T) {
		viewerCannotAct(t, br.newTab(t), dev)
	})
	t.Run("list updates live; screenshots", func(t *testing.T) {
		listAndScreenshots(t, br.newTab(t), dev)
	})
	// Last: the campaign's migrations would change the list and counts checked above.
	t.Run("campaign followed, paused, resumed and cancelled", func(t *testing.T) {
		campaignPage(t, br.newTab(t), dev)
	})
}

// detailIs is a condition: the detail page shows the migration in this status.
func detailIs(workflowID, status string) string {
	return `(() => { const d = document.getElementById("detail");
		return !!d && location.hash.startsWith("#/migrations/` + workflowID + `") && d.dataset.status === "` + status + `"; })()`
}

func adminApprovesLive(t *testing.T, b *tab, dev *harness.Dev) {
	// The admin acts for Globex (accepting its disclaimers), which only a Sell admin of
	// Globex may: a staff email would be refused, so this sign-in keeps the token form.
	b.signIn(dev.APIURL, "demo-admin", "admin@globex.test")

	// Start Globex's migration into its existing Zendesk account from the form.
	b.do("open the start form", 20*time.Second,
		chromedp.Click(chromedp.ID("start-toggle")), chromedp.WaitVisible(chromedp.ID("start-account")))
	b.do("fill in and send the start form", 20*time.Second,
		chromedp.SendKeys(chromedp.ID("start-account"), "1002"),
		chromedp.SetValue(chromedp.ID("start-mode"), "existing"),
		chromedp.Evaluate[chromedp.Void](`document.getElementById("start-mode").dispatchEvent(new Event("change"))`),
		chromedp.SendKeys(chromedp.ID("start-subdomain"), "globex"),
		chromedp.SetValue(chromedp.ID("start-requested-by"), "admin@globex.test"),
		chromedp.SendKeys(chromedp.ID("start-owner-email"), "owner@globex.test"),
		chromedp.Click(chromedp.ID("start-submit")))
	b.do("open the started migration", 30*time.Second,
		chromedp.WaitVisible(chromedp.ID("start-result-link")), chromedp.Click(chromedp.ID("start-result-link")))
	b.await("the detail page waiting for the owner's login", detailIs("sell-migration-1002", "awaiting_owner_login")+
		` && document.getElementById("action-owner-login").dataset.enabled === "true"`, 60*time.Second)
	for _, want := range []string{"Waiting for the Zendesk account owner of globex to log in", "admin@globex.test", "Owner login"} {
		if text := evalIn[string](b, "read the page", `document.getElementById("app").innerText`); !strings.Contains(text, want) {
			t.Errorf("the detail page lacks %q:\n%s", want, text)
		}
	}
	if href := evalIn[string](b, "read the Temporal link", `document.getElementById("temporal-link").getAttribute("href") || ""`); href != "" &&
		!strings.HasSuffix(href, "/namespaces/default/workflows/sell-migration-1002") {
		t.Errorf("Open in Temporal Web UI links to %q", href)
	}
	if n := evalIn[int](b, "count enabled actions", `document.querySelectorAll("#actions button:not(:disabled)").length`); n != 2 {
		t.Errorf("%d buttons enabled while awaiting the owner login, want 2 (back, cancel)", n)
	}

	// Owner login: the simulated Zendesk's sign-in form, then back to the dashboard.
	b.do("follow Owner login to Zendesk's sign-in", 30*time.Second,
		chromedp.Click(chromedp.ID("action-owner-login")), chromedp.WaitVisible(chromedp.ID("password")))
	b.do("sign in as the account owner", 30*time.Second,
		chromedp.SetValue(chromedp.ID("email"), "owner@globex.test"),
		chromedp.SetValue(chromedp.ID("password"), "demo-password"),
		chromedp.Submit(chromedp.ID("password")))
	b.await("back on the detail page, waiting for the disclaimers", detailIs("sell-migration-1002", "awaiting_disclaimers")+
		` && !!document.getElementById("owner-login-ok") && document.getElementById("action-accept-disclaimers").disabled === false`, 60*time.Second)

	// The text the admin accepts is on the page before the accept, and is what is recorded.
	text, err := contract.LookupDisclaimer(contract.DefaultPolicy().DisclaimerVersion)
	if err != nil {
		t.Fatal(err)
	}
	shown := evalIn[string](b, "read the disclaimers shown", `document.getElementById("disclaimer-version").textContent + "\n" + document.getElementById("disclaimer-text").textContent`)
	if want := text.Version + "\n" + text.Text; shown != want {
		t.Errorf("the page shows, before accepting:\n%s\nwant version and text:\n%s", shown, want)
	}
	t.Logf("screenshot of the disclaimers before accepting: %s", b.screenshot("dashboard-disclaimers"))

	// Accept the disclaimers and watch link and contributors finish without a reload.
	loadID := evalIn[string](b, "read the page-load marker", `window.sellmigrate.loadId`)
	b.do("accept the disclaimers", 20*time.Second, chromedp.Click(chromedp.ID("action-accept-disclaimers")))
	b.await("the migration completed on the page", detailIs("sell-migration-1002", "completed")+
		` && !!document.getElementById("result")`, 90*time.Second)
	if after := evalIn[string](b, "read the page-load marker", `window.sellmigrate.loadId`); after != loadID {
		t.Fatalf("the page was reloaded (load marker %q, now %q); it must update live", loadID, after)
	}
	if !evalIn[bool](b, "read the steps", `[...document.querySelectorAll("#stepper li")].every(li => li.dataset.state === "done")`) {
		t.Errorf("not every step shows done")
	}
	result := evalIn[string](b, "read the result", `document.getElementById("result").innerText`)
	for _, want := range []string{"lee@globex.test", "Sell > Settings > Users > Pending actions", "/zendesk/globex"} {
		if !strings.Contains(result, want) {
			t.Errorf("the result lacks %q:\n%s", want, result)
		}
	}
	inputs := evalIn[string](b, "read the inputs", `document.getElementById("inputs").innerText`)
	for _, want := range []string{"owner-login", "owner@globex.test", "accept-disclaimers", "admin@globex.test"} {
		if !strings.Contains(inputs, want) {
			t.Errorf("the inputs lack %q:\n%s", want, inputs)
		}
	}
	if s := harness.Status(t, dev, "1002"); s.Status != "completed" || !strings.Contains(s.Raw, `"disclaimerSha256": "`+text.SHA256+`"`) {
		t.Errorf("status --json says %s after the page showed completed, want the SHA-256 of the text shown (%s) recorded:\n%s", s.Status, text.SHA256, s.Raw)
	}
	if details := evalIn[string](b, "read the details", `document.getElementById("disclaimers-accepted").textContent`); !strings.Contains(details, text.SHA256) {
		t.Errorf("the details show the disclaimers accepted as %q, want the SHA-256 %s", details, text.SHA256)
	}
	t.Logf("screenshot of the completed migration: %s", b.screenshot("dashboard-completed"))
}

func viewerCannotAct(t *testing.T, b *tab, dev *harness.Dev) {
	harness.MustCLI(t, dev, "start", "--account", "1001", "--mode", "new", "--subdomain", "acme", "--requested-by", "admin@acme.test")
	harness.AwaitStatus(t, dev, "1001", "awaiting_disclaimers")

	b.signInStaff(dev.APIURL, "viewer@example.test")
	if who := evalIn[string](b, "read the role chip", `document.getElementById("role-chip").dataset.role + " " + document.getElementById("role-chip").title`); !strings.Contains(who, "viewer") || !strings.Contains(who, "Vera Viewer") {
		t.Errorf("signed in as %q, want the demo viewer", who)
	}
	if evalIn[bool](b, "look for the start button", `!!document.getElementById("start-toggle")`) {
		t.Errorf("a viewer is offered Start migration")
	}
	b.do("open the waiting migration from the list", 30*time.Second,
		chromedp.Click(chromedp.CSS(`tr[data-workflow-id="sell-migration-1001"] a.row-link`)))
	b.await("the detail page of the waiting migration", detailIs("sell-migration-1001", "awaiting_disclaimers")+
		` && !!document.getElementById("actions-none")`, 60*time.Second)
	if n := evalIn[int](b, "count actions", `document.querySelectorAll("#actions button, #actions a, [data-action]").length`); n != 0 {
		t.Errorf("a viewer sees %d action controls, want none", n)
	}
	// The API refuses the same requests from this browser's viewer session.
	for path, body := range map[string]string{
		"/api/v1/migrations/sell-migration-1001/actions/accept-disclaimers": `{"by":"viewer@acme.test"}`,
		"/api/v1/migrations/sell-migration-1001/cancel":                     ``,
	} {
		code := evalIn[int](b, "post as the viewer", `fetch("`+path+`", {method: "POST", headers: {"Content-Type": "application/json"}, body: `+
			"`"+body+"`"+` || undefined}).then(r => r.status)`)
		if code != 403 {
			t.Errorf("POST %s as a viewer answered %d, want 403", path, code)
		}
	}
	if s := harness.Status(t, dev, "1001"); s.Status != "awaiting_disclaimers" || len(s.Inputs) != 0 {
		t.Errorf("after the viewer's refused requests: status %s, inputs %+v; want unchanged", s.Status, s.Inputs)
	}
}

func listAndScreenshots(t *testing.T, b *tab, dev *harness.Dev) {
	b.signInStaff(dev.APIURL, "ops@example.test")
	loadID := evalIn[string](b, "read the page-load marker", `window.sellmigrate.loadId`)

	// Migrations started elsewhere (the CLI) appear on the open list page by themselves.
	harness.MustCLI(t, dev, "start", "--account", "1003", "--mode", "existing", "--subdomain", "initech",
		"--requested-by", "admin@initech.test", "--owner-email", "owner@initech.test")
	// Umbrella is connected already and no credential lets the migration act there: it
	// needs an operator, who is reminded every second (the policy is recorded at start).
	if r := dev.CLIWith(harness.Settings{"migration.reminder_interval": "1s"},
		"start", "--account", "1004", "--mode", "new", "--subdomain", "umbrella", "--requested-by", "admin@umbrella.test"); r.Code != 0 {
		t.Fatalf("start 1004: %s", r)
	}
	harness.MustCLI(t, dev, "start", "--account", "1005", "--mode", "new", "--subdomain", "hooli", "--requested-by", "admin@hooli.test")
	// No Sell account 1006 exists: its preflight fails for good.
	harness.MustCLI(t, dev, "start", "--account", "1006", "--mode", "new", "--subdomain", "wayne", "--requested-by", "admin@wayne.test")
	harness.AwaitStatus(t, dev, "1003", "awaiting_owner_login")
	harness.AwaitStatus(t, dev, "1004", "needs_attention")
	harness.AwaitStatus(t, dev, "1005", "awaiting_disclaimers")
	harness.AwaitStatus(t, dev, "1006", "failed")
	b.await("the new migrations on the list and in the counts", `(() => {
		const row = (id, st) => !!document.querySelector('tr[data-workflow-id="sell-migration-' + id + '"][data-status="' + st + '"]');
		return row("1003", "awaiting_owner_login") && row("1004", "needs_attention") && row("1005", "awaiting_disclaimers") &&
			row("1006", "failed") && row("1002", "completed") && document.getElementById("count-all").dataset.count === "6"; })()`, 60*time.Second)
	if after := evalIn[string](b, "read the page-load marker", `window.sellmigrate.loadId`); after != loadID {
		t.Fatalf("the list page was reloaded (load marker %q, now %q); it must update live", loadID, after)
	}

	// A count is a filter.
	b.do("filter by a count", 20*time.Second, chromedp.Click(chromedp.ID("count-completed")))
	b.await("only completed migrations listed", `(() => { const rows = [...document.querySelectorAll("#migration-rows tr[data-workflow-id]")];
		return rows.length === 1 && rows[0].dataset.status === "completed" && location.hash.includes("status=completed"); })()`, 30*time.Second)
	b.do("clear the filter", 20*time.Second, chromedp.Click(chromedp.ID("filter-clear")))
	b.await("every migration listed again", `document.querySelectorAll("#migration-rows tr[data-workflow-id]").length === 6`, 30*time.Second)

	// Cancel Acme's migration from its page: the button asks for a confirmation first.
	b.do("open Acme's migration", 30*time.Second,
		chromedp.Click(chromedp.CSS(`tr[data-workflow-id="sell-migration-1001"] a.row-link`)))
	b.await("Acme's detail page", detailIs("sell-migration-1001", "awaiting_disclaimers"), 30*time.Second)
	b.do("ask to cancel", 20*time.Second, chromedp.Click(chromedp.ID("action-cancel")))
	if s := harness.Status(t, dev, "1001"); s.Status != "awaiting_disclaimers" {
		t.Fatalf("one click on Cancel, before the confirmation, made the migration %s", s.Status)
	}
	b.do("confirm the cancellation", 20*time.Second, chromedp.Click(chromedp.CSS(`#action-cancel[data-confirm="1"]`)))
	b.await("the page shows it cancelled", detailIs("sell-migration-1001", "cancelled")+` && !!document.getElementById("actions-finished")`, 60*time.Second)
	harness.AwaitStatus(t, dev, "1001", "cancelled")
	b.do("back to the list", 20*time.Second, chromedp.Click(chromedp.ID("back-to-list")))
	b.await("the list with Acme cancelled", `!!document.querySelector('tr[data-workflow-id="sell-migration-1001"][data-status="cancelled"]') &&
		document.querySelectorAll("#migration-rows tr[data-workflow-id]").length === 6`, 30*time.Second)

	// Umbrella needs an operator: its page says what to fix, lists the reminders sent to
	// ops, and offers Retry; once the credential is stored, Retry finishes it.
	b.do("open Umbrella's migration", 30*time.Second,
		chromedp.Click(chromedp.CSS(`tr[data-workflow-id="sell-migration-1004"] a.row-link`)))
	b.await("Umbrella waiting for an operator, reminders listed, Retry offered", detailIs("sell-migration-1004", "needs_attention")+
		` && document.querySelectorAll('#notifications tr[data-channel="email"][data-sent="true"]').length > 0`+
		` && document.getElementById("action-retry")?.disabled === false`, 60*time.Second)
	page := evalIn[string](b, "read the page", `document.getElementById("app").innerText`)
	for _, want := range []string{"credentials add --subdomain umbrella", config.DemoOpsEmail} {
		if !strings.Contains(page, want) {
			t.Errorf("Umbrella's page lacks %q:\n%s", want, page)
		}
	}
	dev.AddOperatorToken(t, "umbrella", "admin@umbrella.test")
	b.do("retry", 20*time.Second, chromedp.Click(chromedp.ID("action-retry")))
	b.await("Umbrella checked and ended already connected", detailIs("sell-migration-1004", "already_connected")+
		` && !!document.getElementById("actions-finished")`, 60*time.Second)
	if s := harness.AwaitStatus(t, dev, "1004", "already_connected"); s.Inputs[len(s.Inputs)-1].Name != "retry" || s.Inputs[len(s.Inputs)-1].By != "ops@example.test" {
		t.Errorf("the retry is not recorded as the signed-in operator's: %+v", s.Inputs)
	}
	b.do("back to the list", 20*time.Second, chromedp.Click(chromedp.ID("back-to-list")))
	// The screenshot shows the rows, not the list still loading.
	b.await("the list's rows", `!!document.querySelector('tr[data-workflow-id="sell-migration-1002"]')`, 30*time.Second)

	list := b.screenshot("dashboard-list")
	b.do("open the completed migration", 30*time.Second,
		chromedp.Click(chromedp.CSS(`tr[data-workflow-id="sell-migration-1002"] a.row-link`)))
	b.await("its detail page, the result saying how contributors were created", detailIs("sell-migration-1002", "completed")+
		` && !!document.getElementById("result") && document.getElementById("result-conversion-path")?.dataset.path === "bulk"`, 30*time.Second)
	detail := b.screenshot("dashboard-detail")
	t.Logf("screenshots: %s, %s", list, detail)

	if os.Getenv(updateDocsEnv) == "1" {
		writeDocsImage(t, list, "dashboard.png")
		writeDocsImage(t, detail, "dashboard-detail.png")
	}
}

// writeDocsImage copies a screenshot to docs/ under the name the README shows.
func writeDocsImage(t *testing.T, src, dst string) {
	t.Helper()
	data, err := os.ReadFile(src)
	if err != nil {
		t.Fatalf("read screenshot: %v", err)
	}
	root, err := harness.ModuleRoot()
	if err != nil {
		t.Fatal(err)
	}
	path := filepath.Join(root, "docs", dst)
	if err := os.MkdirAll(filepath.Dir(path), 0o755); err != nil {
		t.Fatalf("create docs/: %v", err)
	}
	if err := os.WriteFile(path, data, 0o644); err != nil {
		t.Fatalf("write %s: %v", path, err)
	}
	t.Logf("updated %s", path)
}
