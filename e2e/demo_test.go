package e2e

import (
	"io"
	"net/http"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/sellmigrate/sellmigrate/e2e/harness"
)

// TestDemoMigrationsEndToEnd runs `sellmigrate dev` (embedded Temporal on a SQLite
// file, the simulator, a worker) and drives demo accounts 1001–1005 with the CLI to
// their outcomes. Half way, while Globex and Initech wait for their owners to log in,
// it stops the stack the way Ctrl-C does (exit code 0) and starts it again on the same
// data dir: the waiting migrations go on. At the end the simulator's ledger shows every
// account created, linked and every user converted exactly once. It has a stack of its
// own: it restarts it, and its checks count every migration and side effect there.
// Demo 1007 Stark (bulk imports off) has a test of its own: TestStarkConvertsOneByOne.
func TestDemoMigrationsEndToEnd(t *testing.T) {
	t.Parallel()
	d := harness.DevT(t, binaries(t), harness.DevOptions{Name: "demo-dev"})
	// Umbrella (1004) is connected already: an operator stores a token of its admin,
	// the only credential a migration has for an account it neither created nor got
	// the owner's sign-in for.
	d.AddOperatorToken(t, "umbrella", "admin@umbrella.test")

	// Bulk start from a CSV, with a bad row and a duplicate reported per row.
	csv := filepath.Join(t.TempDir(), "accounts.csv")
	rows := "account_id,mode,subdomain,requested_by,owner_email\n" +
		"1001,new,acme,admin@acme.test,\n" +
		"1002,existing,globex,admin@globex.test,owner@globex.test\n" +
		"1003,existing,initech,admin@initech.test,owner@initech.test\n" +
		"1004,new,umbrella,admin@umbrella.test,\n" +
		"1005,new,hooli,admin@hooli.test,\n" +
		"1006,new,Bad_Name,admin@x.test,\n" +
		"1001,new,acme,admin@acme.test,\n"
	if err := os.WriteFile(csv, []byte(rows), 0o600); err != nil {
		t.Fatal(err)
	}
	r := d.CLI("start", "--csv", csv)
	if r.Code == 0 {
		t.Errorf("a CSV with bad rows must exit non-zero; got 0\n%s", r.Stdout)
	}
	for _, want := range []string{"sell-migration-1001", "sell-migration-1005", "underscores are not allowed", "1001"} {
		if !strings.Contains(r.Stdout+r.Stderr, want) {
			t.Errorf("bulk start output lacks %q:\n%s%s", want, r.Stdout, r.Stderr)
		}
	}

	// A second start of a running migration is refused and changes nothing.
	harness.WantRefused(t, d, "already running", "start", "--account", "1001", "--mode", "new", "--subdomain", "acme", "--requested-by", "admin@acme.test")

	// 1004 is already connected: nothing to do.
	s := harness.AwaitStatus(t, d, "1004", "already_connected")
	if s.Result == nil || s.Result.Outcome != "already_connected" {
		t.Errorf("1004 result = %+v, want outcome already_connected", s.Result)
	}

	// 1001 and 1005 get new accounts and wait for the disclaimers.
	for _, account := range []string{"1001", "1005"} {
		s = harness.AwaitStatus(t, d, account, "awaiting_disclaimers")
		if s.Step != "disclaimers" || s.Waiting() == "" {
			t.Errorf("%s: step %s waitingFor %q", account, s.Step, s.Waiting())
		}
	}
	// status names the version to read while a migration waits for it.
	if out := harness.MustCLI(t, d, "status", "1001"); !strings.Contains(strings.Join(strings.Fields(out), " "),
		"Disclaimers version 2024-01 to accept; read it with: sellmigrate disclaimers show --version 2024-01") {
		t.Errorf("status of 1001 at the disclaimers does not say which to read:\n%s", out)
	}
	// Accepting an unknown disclaimer version is refused at once.
	harness.WantRefused(t, d, `accept version "2024-01"`, "signal", "1001", "accept-disclaimers", "--by", "admin@acme.test", "--version", "1999-01")
	harness.MustCLI(t, d, "signal", "1001", "accept-disclaimers", "--by", "admin@acme.test")
	harness.MustCLI(t, d, "signal", "1005", "accept-disclaimers", "--by", "admin@hooli.test")

	// Globex and Initech wait for their owners. Stop everything and start it again.
	harness.AwaitStatus(t, d, "1002", "awaiting_owner_login")
	harness.AwaitStatus(t, d, "1003", "awaiting_owner_login")
	if err := d.Stop(); err != nil {
		t.Fatal(err)
	}
	if err := d.Start(); err != nil {
		t.Fatal(err)
	}

	harness.AwaitStatus(t, d, "1002", "awaiting_owner_login")
	// The wrong person logs in: refused, with the reason.
	harness.WantRefused(t, d, "not its account owner", "signal", "1002", "owner-login", "--as", "lee@globex.test", "--password", harness.DemoPassword)
	harness.MustCLI(t, d, "signal", "1002", "owner-login", "--as", "owner@globex.test", "--password", harness.DemoPassword)
	harness.AwaitStatus(t, d, "1002", "awaiting_disclaimers")
	// Back to the subdomain, choose it again, and the owner logs in again.
	harness.MustCLI(t, d, "signal", "1002", "back", "--by", "admin@globex.test")
	harness.AwaitStatus(t, d, "1002", "needs_subdomain")
	harness.WantRefused(t, d, "no Zendesk account answers at nosuchaccount",
		"signal", "1002", "choose-subdomain", "--subdomain", "nosuchaccount", "--by", "admin@globex.test")
	harness.MustCLI(t, d, "signal", "1002", "choose-subdomain", "--subdomain", "globex", "--by", "admin@globex.test")
	harness.MustCLI(t, d, "signal", "1002", "owner-login", "--as", "owner@globex.test", "--password", harness.DemoPassword)
	harness.MustCLI(t, d, "signal", "1002", "accept-disclaimers", "--by", "admin@globex.test")

	// Initech's owner has no Sell license until an admin assigns one.
	harness.MustCLI(t, d, "signal", "1003", "owner-login", "--as", "owner@initech.test", "--password", harness.DemoPassword)
	harness.AwaitStatus(t, d, "1003", "owner_needs_sell_license")
	d.Sim().JSON(t, http.MethodPost, "/_sim/sell/1003/users",
		map[string]string{"name": "Bill Lumbergh", "email": "owner@initech.test", "role": "user"}, nil, http.StatusCreated)
	harness.MustCLI(t, d, "signal", "1003", "license-assigned", "--by", "admin@initech.test")
	harness.MustCLI(t, d, "signal", "1003", "accept-disclaimers", "--by", "admin@initech.test")

	want := map[string]struct {
		converted, alreadyAgents int
		reactivate               string
	}{
		"1001": {4, 1, ""},    // the admin owns the new account
		"1002": {6, 1, "lee"}, // owner is an agent; lee is an end-user
		"1003": {4, 1, ""},    // the licensed owner is an agent already
		"1005": {2499, 1, ""}, // 2,500 Sell users, paged
	}
	for account, w := range want {
		s = harness.AwaitStatus(t, d, account, "completed")
		r := s.Result
		if r == nil || r.UsersConverted != w.converted || r.AlreadyAgents != w.alreadyAgents {
			t.Errorf("%s result = %+v, want %d converted and %d already agents", account, r, w.converted, w.alreadyAgents)
			continue
		}
		if got := strings.Join(r.NeedsReactivation, ","); !strings.Contains(got, w.reactivate) || (w.reactivate == "") != (got == "") {
			t.Errorf("%s needs reactivation %q, want %q", account, got, w.reactivate)
		}
		if !strings.Contains(r.LoginURL, "/zendesk/") {
			t.Errorf("%s login URL %q", account, r.LoginURL)
		}
		requireSignInPage(t, account, r.LoginURL)
	}
	// status shows the disclaimers accepted, with the hash of their text.
	if out := harness.MustCLI(t, d, "status", "1001"); !strings.Contains(strings.Join(strings.Fields(out), " "),
		"Disclaimers version 2024-01 accepted, sha256 "+disclaimerSHA256(t, "2024-01")) {
		t.Errorf("status of 1001 completed does not show the disclaimers accepted:\n%s", out)
	}

	// Completed migrations are listed by status from the search attributes.
	out := harness.MustCLI(t, d, "list", "--status", "completed")
	for _, account := range []string{"1001", "1002", "1003", "1005"} {
		if !strings.Contains(out, "\n"+account+" ") {
			t.Errorf("list --status completed lacks %s:\n%s", account, out)
		}
	}
	if !strings.Contains(out, "4 migration(s) with status completed") {
		t.Errorf("list --status completed counts wrong:\n%s", out)
	}

	byKind, bySubject := d.Sim().LedgerCounts(t)
	for kind, n := range map[string]int{"account_created": 2, "account_linked": 4, "user_converted": 4 + 6 + 4 + 2499, "account_released": 0} {
		if byKind[kind] != n {
			t.Errorf("ledger has %d %s, want %d", byKind[kind], kind, n)
		}
	}
	for subject, n := range bySubject {
		if n != 1 {
			t.Errorf("side effect %q happened %d times", subject, n)
		}
	}
}

// requireSignInPage opens the login address a result gives, as the person told to log
// in there would: it must be the account's sign-in page.
func requireSignInPage(t *testing.T, account, loginURL string) {
	t.Helper()
	resp, err := http.Get(loginURL)
	if err != nil {
		t.Errorf("%s: open login URL %s: %v", account, loginURL, err)
		return
	}
	body, err := io.ReadAll(resp.Body)
	resp.Body.Close()
	if err != nil || resp.StatusCode != http.StatusOK || !strings.Contains(string(body), `name="password"`) {
		t.Errorf("%s: login URL %s answered %d (%v), want its sign-in page:\n%s", account, loginURL, resp.StatusCode, err, body)
	}
}
