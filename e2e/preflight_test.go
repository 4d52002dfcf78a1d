package e2e

import (
	"encoding/csv"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/sellmigrate/sellmigrate/e2e/harness"
)

// TestPreflightReportRowByRow: `sellmigrate preflight --csv` over accounts like the
// demo ones — a new account (Acme), an existing one whose owner is licensed and whose
// Zendesk account an operator's token can read (Globex), one whose owner has no Sell
// license and no token stored (Initech), one already connected without a token
// (Umbrella), a taken subdomain, a requester who is not an admin, a row that cannot be
// started — reports each row as it is, and creates nothing: no Zendesk account, link or
// contributor, and no migration. The accounts are the test's own (55xx): the shared
// stack's demo accounts are migrated by other tests meanwhile.
func TestPreflightReportRowByRow(t *testing.T) {
	t.Parallel()
	dev := shared(t)
	sim := dev.Sim()
	sim.AddAccount(t, harness.AccountSpec{SellAccountID: 5501, Name: "Pfacme", Users: 3})
	sim.AddAccount(t, harness.AccountSpec{SellAccountID: 5502, Name: "Pfglobex", Users: 2,
		ExistingSupport: &harness.ExistingSupportSpec{Subdomain: "pfglobex", OwnerEmail: "owner@pfglobex.test", OwnerHasSellLicense: true}})
	dev.AddOperatorToken(t, "pfglobex", "owner@pfglobex.test")
	sim.AddAccount(t, harness.AccountSpec{SellAccountID: 5503, Name: "Pfinitech", Users: 2,
		ExistingSupport: &harness.ExistingSupportSpec{Subdomain: "pfinitech", OwnerEmail: "owner@pfinitech.test"}})
	sim.AddAccount(t, harness.AccountSpec{SellAccountID: 5504, Name: "Pfumbrella", Users: 2, ConnectedSubdomain: "pfumbrella"})
	sim.AddAccount(t, harness.AccountSpec{SellAccountID: 5505, Name: "Pftaken", Users: 1})
	sim.AddAccount(t, harness.AccountSpec{SellAccountID: 5506, Name: "Pfnonadmin", Users: 1})
	subdomains := []string{"pfacme", "pfglobex", "pfinitech", "pfumbrella", "pftaken", "pfnonadmin"}
	ledgerBefore, _ := sim.LedgerCounts(t, subdomains...)

	dir := t.TempDir()
	list := filepath.Join(dir, "wave.csv")
	writeFile(t, list, `account_id,mode,subdomain,requested_by,owner_email
5501,new,pfacme,admin@pfacme.test,
5502,existing,pfglobex,admin@pfglobex.test,owner@pfglobex.test
5503,existing,pfinitech,admin@pfinitech.test,owner@pfinitech.test
5504,new,pfumbrella,admin@pfumbrella.test,
5505,new,pfglobex,admin@pftaken.test,
5506,new,pfnonadmin,user0001@pfnonadmin.test,
5507,merge,pfmerge,admin@pfmerge.test,
`)
	out := filepath.Join(dir, "report.csv")
	r := dev.CLI("preflight", "--csv", list, "--out", out)
	if r.Code == 0 || !strings.Contains(r.Stderr, "4 of 7 rows are blocked") {
		t.Fatalf("a list with blocked rows must exit non-zero saying how many: %s", r)
	}
	if !strings.Contains(r.Stdout, "2 ready, 1 warning, 4 blocked of 7 rows") || !strings.Contains(r.Stdout, "report written to "+out) {
		t.Errorf("summary: %s", r)
	}

	rows := readReport(t, out)
	want := []struct {
		account, verdict, users string
		says                    []string
	}{
		{"5501", "ready", "4", nil},
		{"5502", "ready", "4", nil},
		{"5503", "blocked", "3", []string{"owner@pfinitech.test has no Sell license", "Sell > Settings > Users",
			"were not checked", `sellmigrate credentials add --subdomain pfinitech`}},
		{"5504", "warning", "3", []string{"already connected to Zendesk account pfumbrella", `sellmigrate credentials add --subdomain pfumbrella`}},
		{"5505", "blocked", "2", []string{"subdomain pfglobex is already taken", "choose another name"}},
		{"5506", "blocked", "", []string{"user0001@pfnonadmin.test is not an active admin of Sell account 5506", "only a Sell admin may start"}},
		{"5507", "blocked", "", []string{"the row cannot be started", `mode "merge" is not known`}},
	}
	if len(rows) != len(want) {
		t.Fatalf("report has %d rows, want %d: %v", len(rows), len(want), rows)
	}
	for i, w := range want {
		got := rows[i]
		if got["account_id"] != w.account || got["line"] != itoa(int64(i+2)) {
			t.Errorf("row %d is account %s line %s, want %s line %d", i, got["account_id"], got["line"], w.account, i+2)
		}
		if got["verdict"] != w.verdict || got["users"] != w.users {
			t.Errorf("account %s: verdict %q users %q, want %q %q (problems: %s)", w.account, got["verdict"], got["users"], w.verdict, w.users, got["problems"])
		}
		for _, s := range w.says {
			if !strings.Contains(got["problems"], s) {
				t.Errorf("account %s: problems %q lack %q", w.account, got["problems"], s)
			}
		}
		if w.verdict == "ready" && got["problems"] != "" {
			t.Errorf("account %s is ready with problems %q", w.account, got["problems"])
		}
		if hasUsers := w.users != ""; hasUsers != (got["estimated_duration"] != "" && got["estimate_basis"] != "") {
			t.Errorf("account %s: estimate %q (%q) for users %q", w.account, got["estimated_duration"], got["estimate_basis"], w.users)
		}
	}
	if !strings.Contains(rows[1]["estimate_basis"], "bulk imports on") || !strings.Contains(rows[0]["estimate_basis"], "bulk imports off") {
		t.Errorf("estimates: Globex read bulk imports on with its token, a new account is assumed off: %q, %q", rows[1]["estimate_basis"], rows[0]["estimate_basis"])
	}

	ledgerAfter, _ := sim.LedgerCounts(t, subdomains...)
	if len(ledgerAfter) != len(ledgerBefore) {
		t.Errorf("the preflight changed Zendesk: ledger %v, was %v", ledgerAfter, ledgerBefore)
	}
	for kind, n := range ledgerAfter {
		if ledgerBefore[kind] != n {
			t.Errorf("the preflight changed Zendesk: %d %s, was %d", n, kind, ledgerBefore[kind])
		}
	}
	for _, id := range []string{"5501", "5502", "5504"} {
		if r := dev.CLI("status", id); r.Code == 0 {
			t.Errorf("the preflight started a migration of %s: %s", id, r)
		}
	}
}

func writeFile(t *testing.T, path, content string) {
	t.Helper()
	if err := os.WriteFile(path, []byte(content), 0o600); err != nil {
		t.Fatal(err)
	}
}

// readReport reads a preflight CSV report into one map per row, by column name.
func readReport(t *testing.T, path string) []map[string]string {
	t.Helper()
	f, err := os.Open(path)
	if err != nil {
		t.Fatal(err)
	}
	defer func() { _ = f.Close() }()
	recs, err := csv.NewReader(f).ReadAll()
	if err != nil || len(recs) == 0 {
		t.Fatalf("read the report %s: %v", path, err)
	}
	var rows []map[string]string
	for _, rec := range recs[1:] {
		row := map[string]string{}
		for i, col := range recs[0] {
			row[col] = rec[i]
		}
		rows = append(rows, row)
	}
	return rows
}
