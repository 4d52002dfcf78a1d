package starter

import (
	"bytes"
	"encoding/csv"
	"strings"
	"testing"

	"github.com/stretchr/testify/require"

	"github.com/sellmigrate/sellmigrate/contract"
)

// TestPreflightRowsAndReportCSV: parsed rows keep their line and why a bad one cannot
// start; the CSV report gives the input columns then the findings, quoting what needs
// it, with users and the estimate empty when unknown.
func TestPreflightRowsAndReportCSV(t *testing.T) {
	rows, err := ParseCSV(strings.NewReader("account_id,mode,subdomain,requested_by,owner_email\n1001,new,acme,admin@acme.test,\n1002,merge,globex,admin@globex.test,\n"))
	require.NoError(t, err)
	pre := PreflightRows(rows)
	require.Equal(t, contract.PreflightRow{Line: 2, AccountID: "1001", Mode: "new", Subdomain: "acme", RequestedBy: "admin@acme.test"}, pre[0])
	require.Equal(t, 3, pre[1].Line)
	require.Contains(t, pre[1].Invalid, `mode "merge" is not known`)

	rep := contract.PreflightReport{Rows: []contract.PreflightRowReport{
		{PreflightRow: pre[0], Verdict: contract.VerdictWarning, Problems: []string{`no credential; run "sellmigrate credentials add"`, "second, with a comma"},
			Users: 2500, EstimateSeconds: 217, EstimateBasis: "bulk imports off"},
		{PreflightRow: pre[1], Verdict: contract.VerdictBlocked, Problems: []string{"the row cannot be started"}, Users: -1},
	}}
	var buf bytes.Buffer
	require.NoError(t, WritePreflightCSV(&buf, rep))
	recs, err := csv.NewReader(&buf).ReadAll()
	require.NoError(t, err)
	require.Equal(t, PreflightCSVColumns, recs[0])
	require.Equal(t, []string{"2", "1001", "new", "acme", "admin@acme.test", "", "warning",
		`no credential; run "sellmigrate credentials add"; second, with a comma`, "2500", "3m37s", "bulk imports off"}, recs[1])
	require.Equal(t, []string{"3", "1002", "merge", "globex", "admin@globex.test", "", "blocked", "the row cannot be started", "", "", ""}, recs[2])
}

// TestPreflightWorkflowID: a named list keeps its name; an unnamed one is named by its
// rows, so the same list meets its running preflight and another list does not.
func TestPreflightWorkflowID(t *testing.T) {
	a := []contract.PreflightRow{{Line: 2, AccountID: "1001", Mode: "new", Subdomain: "acme", RequestedBy: "admin@acme.test"}}
	b := []contract.PreflightRow{{Line: 2, AccountID: "1001", Mode: "new", Subdomain: "acme2", RequestedBy: "admin@acme.test"}}
	require.Equal(t, "preflight-wave-1", contract.PreflightWorkflowID(" wave-1 ", a))
	require.Equal(t, contract.PreflightWorkflowID("", a), contract.PreflightWorkflowID("", a))
	require.NotEqual(t, contract.PreflightWorkflowID("", a), contract.PreflightWorkflowID("", b))
	require.True(t, strings.HasPrefix(contract.PreflightWorkflowID("", a), contract.PreflightWorkflowIDPrefix))
}
