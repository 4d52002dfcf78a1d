package workflows

import (
	"context"
	"errors"
	"fmt"
	"strings"
	"testing"
	"time"

	"github.com/stretchr/testify/mock"
	"github.com/stretchr/testify/require"
	"go.temporal.io/sdk/temporal"
	"go.temporal.io/sdk/testsuite"

	"github.com/sellmigrate/sellmigrate/activities"
	"github.com/sellmigrate/sellmigrate/contract"
)

func yes() *bool { t := true; return &t }
func no() *bool  { f := false; return &f }

// runPreflight runs PreflightWorkflow over rows, with CheckPreflightRow answering from
// facts by account ID (an error for an account in fail), and returns the report and
// the accounts checked.
func runPreflight(t *testing.T, rows []contract.PreflightRow, facts map[string]activities.RowFacts, fail map[string]error) (contract.PreflightReport, []string) {
	t.Helper()
	var suite testsuite.WorkflowTestSuite
	env := suite.NewTestWorkflowEnvironment()
	env.SetTestTimeout(30 * time.Second)
	var a *activities.Activities
	env.RegisterActivity(a)
	env.RegisterWorkflowWithOptions(PreflightWorkflow, PreflightRegisterOptions())
	var checked []string
	env.OnActivity(a.CheckPreflightRow, mock.Anything, mock.Anything).
		Return(func(_ context.Context, row contract.PreflightRow) (activities.RowFacts, error) {
			checked = append(checked, row.AccountID)
			return facts[row.AccountID], fail[row.AccountID]
		})
	env.ExecuteWorkflow(contract.PreflightWorkflowName, contract.PreflightInput{Rows: rows})
	require.True(t, env.IsWorkflowCompleted())
	require.NoError(t, env.GetWorkflowError())
	var rep contract.PreflightReport
	require.NoError(t, env.GetWorkflowResult(&rep))
	return rep, checked
}

// TestPreflightVerdicts: each kind of finding gets its verdict and advice a person can
// act on; the worst problem of a row decides; a row that cannot be started is not
// checked; a check that fails is reported on its row and the others go on.
func TestPreflightVerdicts(t *testing.T) {
	row := func(id, mode, sub, owner string) contract.PreflightRow {
		return contract.PreflightRow{AccountID: id, Mode: mode, Subdomain: sub, RequestedBy: "admin@x.test", OwnerEmail: owner}
	}
	ok := func(users int) activities.RowFacts {
		return activities.RowFacts{AccountName: "X", SellUsers: users, SupportPerMinute: 400, SubdomainTaken: no()}
	}
	existing := func(users int, z *activities.ZendeskFacts, licensed *bool) activities.RowFacts {
		f := ok(users)
		f.SubdomainTaken, f.Zendesk, f.OwnerLicensed = yes(), z, licensed
		return f
	}
	healthy := func(sub string) *activities.ZendeskFacts {
		return &activities.ZendeskFacts{Subdomain: sub, OwnerMatches: yes(), ContributorRole: true, BulkImports: yes()}
	}
	facts := map[string]activities.RowFacts{
		"1": ok(5),
		"2": existing(8, healthy("two"), yes()),
		"3": existing(4, healthy("three"), no()),
		"4": {ConnectedSubdomain: "four", SellUsers: 3, SupportPerMinute: 400, NoCredential: `no credential lets us act in Zendesk account four; add an API token of one of its admins with "sellmigrate credentials add --subdomain four --email ADMIN_EMAIL --token-file FILE"`},
		"5": func() activities.RowFacts { f := ok(2); f.SubdomainTaken = yes(); return f }(),
		"6": {Refused: "x@x.test is not an active admin of Sell account 6 (Six); only a Sell admin may start the connection"},
		"7": {ConnectedSubdomain: "seven", SellUsers: 3, Zendesk: &activities.ZendeskFacts{Subdomain: "seven", ContributorRole: true, BulkImports: yes(), Contributors: &activities.ContributorCheck{Complete: true}}},
		"8": {ConnectedSubdomain: "eight", SellUsers: 3, Zendesk: &activities.ZendeskFacts{Subdomain: "eight", ContributorRole: false, BulkImports: yes(), Contributors: &activities.ContributorCheck{Missing: 1}}},
		"9": existing(300, &activities.ZendeskFacts{Subdomain: "nine", OwnerMatches: no(), ContributorRole: true, BulkImports: no()}, yes()),
		"10": func() activities.RowFacts {
			f := existing(1, nil, yes())
			f.NoCredential = "no credential lets us act in Zendesk account ten; add one"
			return f
		}(),
		"11": func() activities.RowFacts { f := ok(1); f.SubdomainTaken = no(); return f }(),
		"13": existing(2500, healthy("thirteen"), yes()),
	}
	rows := []contract.PreflightRow{
		row("1", "new", "one", ""),
		row("2", "existing", "two", "owner@two.test"),
		row("3", "existing", "three", "owner@three.test"),
		row("4", "new", "four", ""),
		row("5", "new", "five", ""),
		row("6", "new", "six", ""),
		row("7", "new", "seven", ""),
		row("8", "new", "eight", ""),
		row("9", "existing", "nine", "owner@nine.test"),
		row("10", "existing", "ten", "owner@ten.test"),
		row("11", "existing", "eleven", ""),
		{Line: 13, AccountID: "12", Mode: "merge", Invalid: `mode "merge" is not known`},
		row("13", "existing", "thirteen", "owner@thirteen.test"),
		row("14", "new", "", ""),
		row("15", "new", "fifteen", ""),
	}
	facts["14"] = activities.RowFacts{SellUsers: 1, SupportPerMinute: 400}
	fail := map[string]error{"15": temporal.NewNonRetryableApplicationError("read Sell account 15: 403 Forbidden", contract.ErrTypeZendeskClient, nil)}
	rep, checked := runPreflight(t, rows, facts, fail)

	require.NotContains(t, checked, "12", "a row that cannot be started is not checked")
	require.Len(t, checked, len(rows)-1)
	require.Len(t, rep.Rows, len(rows))
	want := []struct {
		verdict contract.Verdict
		says    []string
	}{
		{contract.VerdictReady, nil},
		{contract.VerdictReady, nil},
		{contract.VerdictBlocked, []string{"owner@three.test has no Sell license", "Sell > Settings > Users"}},
		{contract.VerdictWarning, []string{"already connected to Zendesk account four", "sellmigrate credentials add --subdomain four"}},
		{contract.VerdictBlocked, []string{"subdomain five is already taken", "choose another name"}},
		{contract.VerdictBlocked, []string{"not an active admin"}},
		{contract.VerdictBlocked, []string{"already connected to Zendesk account seven", "nothing to migrate"}},
		{contract.VerdictBlocked, []string{"not every active Sell user is a contributor", "no Contributor custom role"}},
		{contract.VerdictBlocked, []string{"owner@nine.test is not the owner of Zendesk account nine", "bulk imports are off in nine"}},
		{contract.VerdictWarning, []string{"Contributor role and bulk imports of ten were not checked", "add one"}},
		{contract.VerdictBlocked, []string{"no Zendesk account exists at eleven", "no owner_email"}},
		{contract.VerdictBlocked, []string{`the row cannot be started: mode "merge" is not known`}},
		{contract.VerdictReady, nil},
		{contract.VerdictWarning, []string{"no subdomain"}},
		{contract.VerdictBlocked, []string{"the checks did not finish", "403 Forbidden"}},
	}
	for i, w := range want {
		got := rep.Rows[i]
		require.Equal(t, rows[i].AccountID, got.AccountID, "row %d is reported in its place", i)
		require.Equal(t, w.verdict, got.Verdict, "row %d (%s): %v", i, got.AccountID, got.Problems)
		all := strings.Join(got.Problems, " | ")
		for _, s := range w.says {
			require.Contains(t, all, s, "row %d (%s)", i, got.AccountID)
		}
		if w.verdict == contract.VerdictReady {
			require.Empty(t, got.Problems, "row %d (%s)", i, got.AccountID)
		}
	}
	require.NotContains(t, rep.Rows[14].Problems[0], "ZendeskClientError", "a failed check says its cause, not the activity's wrapping")
	require.Equal(t, 3, rep.Ready)
	require.Equal(t, 3, rep.Warning)
	require.Equal(t, 9, rep.Blocked)

	// Users and the estimate: with bulk imports, 2,500 users are 25 pages of 5 calls
	// at 400 a minute; without (Zendesk's default, assumed for a new account), one
	// call a user and a look-up a page.
	require.Equal(t, 2500, rep.Rows[12].Users)
	require.Equal(t, int64(19), rep.Rows[12].EstimateSeconds, "125 calls at 400/min")
	require.Contains(t, rep.Rows[12].EstimateBasis, "bulk imports on")
	require.Equal(t, int64(46), rep.Rows[8].EstimateSeconds, "303 calls at 400/min (one by one)")
	require.Equal(t, 5, rep.Rows[0].Users)
	require.Contains(t, rep.Rows[0].EstimateBasis, "bulk imports off")
	require.Equal(t, -1, rep.Rows[5].Users, "a refused row's users are unknown")
}

// TestPreflightOrderAndWindow: a list longer than the window is reported in its own
// order, every row once, however the checks interleave.
func TestPreflightOrderAndWindow(t *testing.T) {
	var rows []contract.PreflightRow
	facts := map[string]activities.RowFacts{}
	for i := range 3*preflightParallel + 1 {
		id := fmt.Sprint(1000 + i)
		rows = append(rows, contract.PreflightRow{Line: i + 2, AccountID: id, Mode: "new", Subdomain: fmt.Sprintf("s%d", i), RequestedBy: "a@x.test"})
		facts[id] = activities.RowFacts{SellUsers: i, SupportPerMinute: 200, SubdomainTaken: no()}
	}
	rep, checked := runPreflight(t, rows, facts, nil)
	require.Len(t, checked, len(rows))
	for i, r := range rep.Rows {
		require.Equal(t, rows[i].Line, r.Line)
		require.Equal(t, i, r.Users)
		require.Equal(t, contract.VerdictReady, r.Verdict)
	}
	require.Equal(t, len(rows), rep.Ready)
}

// TestPreflightRefusesAnEmptyOrHugeList: the bounds are the workflow's too, not only
// the callers'.
func TestPreflightRefusesAnEmptyOrHugeList(t *testing.T) {
	for _, n := range []int{0, contract.MaxPreflightRows + 1} {
		var suite testsuite.WorkflowTestSuite
		env := suite.NewTestWorkflowEnvironment()
		env.RegisterWorkflowWithOptions(PreflightWorkflow, PreflightRegisterOptions())
		env.ExecuteWorkflow(contract.PreflightWorkflowName, contract.PreflightInput{Rows: make([]contract.PreflightRow, n)})
		var appErr *temporal.ApplicationError
		require.True(t, errors.As(env.GetWorkflowError(), &appErr), "%d rows", n)
		require.Equal(t, contract.ErrTypeInvalidInput, appErr.Type())
		require.Contains(t, appErr.Message(), "split the list")
	}
}
