package main

import (
	"net/http"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

// TestDemoMigrationsEndToEnd runs `sellmigrate dev` (embedded Temporal on a SQLite
// file, the simulator, a worker) and drives the five demo accounts with the CLI to
// their outcomes. Half way, while Globex and Initech wait for their owners to log in,
// it stops the stack the way Ctrl-C does and starts it again on the same data dir: the
// waiting migrations go on. At the end the simulator's ledger shows every account
// created, linked and every user converted exactly once.
func TestDemoMigrationsEndToEnd(t *testing.T) {
	if testing.Short() {
		t.Skip("end-to-end: starts the embedded Temporal server")
	}
	dataDir := t.TempDir()
	temporalPort, simPort := freePort(t), freePort(t)
	e2eEnv(t, temporalPort)
	dev := startDev(t, dataDir, temporalPort, simPort)

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
	code, out, errOut := cli(t, "start", "--csv", csv)
	if code == 0 {
		t.Errorf("a CSV with bad rows must exit non-zero; got 0\n%s", out)
	}
	for _, want := range []string{"sell-migration-1001", "sell-migration-1005", "underscores are not allowed", "1001"} {
		if !strings.Contains(out+errOut, want) {
			t.Errorf("bulk start output lacks %q:\n%s%s", want, out, errOut)
		}
	}

	// A second start of a running migration is refused and changes nothing.
	code, _, errOut = cli(t, "start", "--account", "1001", "--mode", "new", "--subdomain", "acme", "--requested-by", "admin@acme.test")
	if code == 0 || !strings.Contains(errOut, "already running") {
		t.Errorf("duplicate start: exit %d, %q; want a refusal saying it is already running", code, errOut)
	}

	// 1004 is already connected: nothing to do.
	s := awaitStatus(t, "1004", "already_connected")
	if s.Result == nil || s.Result.Outcome != "already_connected" {
		t.Errorf("1004 result = %+v, want outcome already_connected", s.Result)
	}

	// 1001 and 1005 get new accounts and wait for the disclaimers.
	for _, account := range []string{"1001", "1005"} {
		s = awaitStatus(t, account, "awaiting_disclaimers")
		if s.Step != "disclaimers" || *s.WaitingFor == "" {
			t.Errorf("%s: step %s waitingFor %q", account, s.Step, *s.WaitingFor)
		}
	}
	// Accepting an unknown disclaimer version is refused at once.
	code, _, errOut = cli(t, "signal", "1001", "accept-disclaimers", "--by", "admin@acme.test", "--version", "1999-01")
	if code == 0 || !strings.Contains(errOut, `accept version "2024-01"`) {
		t.Errorf("wrong disclaimer version: exit %d, %q", code, errOut)
	}
	mustCLI(t, "signal", "1001", "accept-disclaimers", "--by", "admin@acme.test")
	mustCLI(t, "signal", "1005", "accept-disclaimers", "--by", "admin@hooli.test")

	// Globex and Initech wait for their owners. Stop everything and start it again.
	awaitStatus(t, "1002", "awaiting_owner_login")
	awaitStatus(t, "1003", "awaiting_owner_login")
	dev.stop()
	dev = startDev(t, dataDir, temporalPort, simPort)

	s = awaitStatus(t, "1002", "awaiting_owner_login")
	// The wrong person logs in: refused, with the reason.
	code, _, errOut = cli(t, "signal", "1002", "owner-login", "--user-email", "lee@globex.test")
	if code == 0 || !strings.Contains(errOut, "not its account owner") {
		t.Errorf("non-owner login: exit %d, %q", code, errOut)
	}
	mustCLI(t, "signal", "1002", "owner-login", "--user-email", "owner@globex.test")
	awaitStatus(t, "1002", "awaiting_disclaimers")
	// Back to the subdomain, choose it again, and the owner logs in again.
	mustCLI(t, "signal", "1002", "back", "--by", "admin@globex.test")
	awaitStatus(t, "1002", "needs_subdomain")
	code, _, errOut = cli(t, "signal", "1002", "choose-subdomain", "--subdomain", "nosuchaccount", "--by", "admin@globex.test")
	if code == 0 || !strings.Contains(errOut, "no Zendesk account answers at nosuchaccount") {
		t.Errorf("unknown existing subdomain: exit %d, %q", code, errOut)
	}
	mustCLI(t, "signal", "1002", "choose-subdomain", "--subdomain", "globex", "--by", "admin@globex.test")
	mustCLI(t, "signal", "1002", "owner-login", "--user-email", "owner@globex.test")
	mustCLI(t, "signal", "1002", "accept-disclaimers", "--by", "admin@globex.test")

	// Initech's owner has no Sell license until an admin assigns one.
	mustCLI(t, "signal", "1003", "owner-login", "--user-email", "owner@initech.test")
	awaitStatus(t, "1003", "owner_needs_sell_license")
	resp, err := http.Post(dev.simURL+"/_sim/sell/1003/users", "application/json",
		strings.NewReader(`{"name":"Bill Lumbergh","email":"owner@initech.test","role":"user"}`))
	if err != nil || resp.StatusCode != http.StatusCreated {
		t.Fatalf("assign a Sell license in the simulator: %v %v", err, resp)
	}
	resp.Body.Close()
	mustCLI(t, "signal", "1003", "license-assigned", "--by", "admin@initech.test")
	mustCLI(t, "signal", "1003", "accept-disclaimers", "--by", "admin@initech.test")

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
		s = awaitStatus(t, account, "completed")
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
	}

	// Completed migrations are listed by status from the search attributes.
	out = mustCLI(t, "list", "--status", "completed")
	for _, account := range []string{"1001", "1002", "1003", "1005"} {
		if !strings.Contains(out, "\n"+account+" ") {
			t.Errorf("list --status completed lacks %s:\n%s", account, out)
		}
	}
	if !strings.Contains(out, "4 migration(s) with status completed") {
		t.Errorf("list --status completed counts wrong:\n%s", out)
	}

	byKind, bySubject := ledger(t, dev.simURL)
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
