package workflows_test

import (
	"context"
	"flag"
	"fmt"
	"net/http"
	"path/filepath"
	"strings"
	"testing"

	enumspb "go.temporal.io/api/enums/v1"

	"github.com/sellmigrate/sellmigrate/contract"
	"github.com/sellmigrate/sellmigrate/e2e/harness"
)

// recordHistories turns on TestRecordHistories. Histories are only recorded on
// purpose: after a workflow change, when the new code's paths must be captured.
var recordHistories = flag.Bool("record-histories", false,
	"record the replay histories into "+historiesDir+" from real runs (builds and runs sellmigrate dev); see docs/RELIABILITY.md")

// TestRecordHistories drives every path of a migration on `sellmigrate dev` (built from
// this checkout and run as a child process: this package links no Temporal server) with
// the CLI, and the campaign's paths (campaignPaths) with the starter, and saves each
// closed run's history as JSON for TestReplayRecordedHistories.
// Each subtest records the histories it is named after, on accounts of its own, so a
// few can be recorded alone:
//
//	go test ./workflows -run TestRecordHistories -record-histories -count=1
//	go test ./workflows -run 'TestRecordHistories/(reminder-notified|continued-as-new)$' -record-histories -count=1
//	go test ./workflows -run 'TestRecordHistories/campaign-' -record-histories -count=1
func TestRecordHistories(t *testing.T) {
	if !*recordHistories {
		t.Skipf("pass -record-histories to record the replay histories into %s", historiesDir)
	}
	if testing.Short() {
		t.Skip("records from real runs of the embedded Temporal server (skipped with -short)")
	}
	bins, err := harness.Build(t.TempDir())
	if err != nil {
		t.Fatal(err)
	}
	d := harness.DevT(t, bins, harness.DevOptions{Name: "record-dev"})
	rec := recorder{d: d}
	for _, p := range append(recordedPaths, campaignPaths...) {
		t.Run(p.name, func(t *testing.T) {
			t.Parallel()
			p.run(t, rec)
		})
	}
}

// recordedPath is one path of a migration and how to drive it; run saves the history
// (or histories) the path is named after.
type recordedPath struct {
	name string
	run  func(t *testing.T, r recorder)
}

// recorder drives paths on one stack and saves their histories.
type recorder struct{ d *harness.Dev }

func (r recorder) cli(t *testing.T, args ...string) string { return harness.MustCLI(t, r.d, args...) }

func (r recorder) await(t *testing.T, account, status string) harness.StatusJSON {
	return harness.AwaitStatus(t, r.d, account, status)
}

// save writes the history of the account's newest run once it has closed.
func (r recorder) save(t *testing.T, account, name string) {
	t.Helper()
	runID, _ := harness.AwaitClosed(t, r.d, account)
	r.saveRun(t, account, runID, name)
}

func (r recorder) saveRun(t *testing.T, account, runID, name string) {
	t.Helper()
	harness.WriteHistory(t, r.d, account, runID, filepath.Join(historiesDir, name+".json"))
}

var recordedPaths = []recordedPath{
	{"new-completed", func(t *testing.T, r recorder) {
		r.cli(t, "start", "--account", "1001", "--mode", "new", "--subdomain", "acme", "--requested-by", "admin@acme.test")
		r.await(t, "1001", "awaiting_disclaimers")
		r.cli(t, "signal", "1001", "accept-disclaimers", "--by", "admin@acme.test")
		r.await(t, "1001", "completed")
		r.save(t, "1001", "new-completed")
	}},
	{"cancelled-compensated", func(t *testing.T, r recorder) {
		r.d.Sim().AddAccount(t, harness.AccountSpec{SellAccountID: 6001, Name: "Cancelco", Users: 2})
		r.cli(t, "start", "--account", "6001", "--mode", "new", "--subdomain", "cancelco", "--requested-by", "admin@cancelco.test")
		r.await(t, "6001", "awaiting_disclaimers")
		r.cli(t, "cancel", "6001")
		if s := r.await(t, "6001", "cancelled"); !strings.Contains(s.Compensation, "released subdomain cancelco") {
			t.Errorf("cancelled migration's compensation = %q", s.Compensation)
		}
		r.save(t, "6001", "cancelled-compensated")
	}},
	{"failed-not-admin", func(t *testing.T, r recorder) {
		r.d.Sim().AddAccount(t, harness.AccountSpec{SellAccountID: 6002, Name: "Failco", Users: 1})
		r.cli(t, "start", "--account", "6002", "--mode", "new", "--subdomain", "failco", "--requested-by", "user0001@failco.test")
		if s := r.await(t, "6002", "failed"); !strings.Contains(s.LastError, "only a Sell admin may start the connection") {
			t.Errorf("non-admin requester's lastError = %q", s.LastError)
		}
		r.save(t, "6002", "failed-not-admin")
	}},
	{"expired-deadline", func(t *testing.T, r recorder) {
		// The policy is recorded at start, so a short one goes in the start's environment.
		r.d.Sim().AddAccount(t, harness.AccountSpec{SellAccountID: 6003, Name: "Expireco", Users: 2})
		res := r.d.CLIWith(harness.Settings{"migration.reminder_interval": "1s", "migration.wait_deadline": "3500ms"},
			"start", "--account", "6003", "--mode", "new", "--subdomain", "expireco", "--requested-by", "admin@expireco.test")
		if res.Code != 0 {
			t.Fatalf("start with a short policy: %s", res)
		}
		if _, st := harness.AwaitClosed(t, r.d, "6003"); st != enumspb.WORKFLOW_EXECUTION_STATUS_FAILED {
			t.Fatalf("expired migration closed as %s", st)
		}
		if s := r.await(t, "6003", "expired"); !strings.Contains(s.Compensation, "released subdomain expireco") {
			t.Errorf("expired migration's compensation = %q", s.Compensation)
		}
		r.save(t, "6003", "expired-deadline")
	}},
	{"existing-owner-login", func(t *testing.T, r recorder) {
		r.cli(t, "start", "--account", "1002", "--mode", "existing", "--subdomain", "globex",
			"--requested-by", "admin@globex.test", "--owner-email", "owner@globex.test")
		r.await(t, "1002", "awaiting_owner_login")
		harness.WantRefused(t, r.d, "not its account owner", "signal", "1002", "owner-login", "--as", "lee@globex.test", "--password", harness.DemoPassword)
		r.cli(t, "signal", "1002", "owner-login", "--as", "owner@globex.test", "--password", harness.DemoPassword)
		r.await(t, "1002", "awaiting_disclaimers")
		r.cli(t, "signal", "1002", "back", "--by", "admin@globex.test")
		r.await(t, "1002", "needs_subdomain")
		harness.WantRefused(t, r.d, "no Zendesk account answers at nosuchaccount",
			"signal", "1002", "choose-subdomain", "--subdomain", "nosuchaccount", "--by", "admin@globex.test")
		r.cli(t, "signal", "1002", "choose-subdomain", "--subdomain", "globex", "--by", "admin@globex.test")
		r.cli(t, "signal", "1002", "owner-login", "--as", "owner@globex.test", "--password", harness.DemoPassword)
		r.cli(t, "signal", "1002", "accept-disclaimers", "--by", "admin@globex.test")
		r.await(t, "1002", "completed")
		r.save(t, "1002", "existing-owner-login")
	}},
	{"existing-license-assigned", func(t *testing.T, r recorder) {
		r.cli(t, "start", "--account", "1003", "--mode", "existing", "--subdomain", "initech",
			"--requested-by", "admin@initech.test", "--owner-email", "owner@initech.test")
		r.await(t, "1003", "awaiting_owner_login")
		// A raw signal out of order: recorded as rejected, so the signal path is in history too.
		st, err := r.d.Starter()
		if err != nil {
			t.Fatal(err)
		}
		if err := st.Signal(t.Context(), "1003", contract.LicenseAssignedName, contract.LicenseAssignedInput{By: "admin@initech.test"}); err != nil {
			t.Fatalf("signal license-assigned: %v", err)
		}
		r.cli(t, "signal", "1003", "owner-login", "--as", "owner@initech.test", "--password", harness.DemoPassword)
		r.await(t, "1003", "owner_needs_sell_license")
		harness.WantRefused(t, r.d, "the license is not there yet", "signal", "1003", "license-assigned", "--by", "admin@initech.test")
		r.d.Sim().AssignLicense(t, "1003", "Bill Lumbergh", "owner@initech.test")
		r.cli(t, "signal", "1003", "license-assigned", "--by", "admin@initech.test")
		r.cli(t, "signal", "1003", "accept-disclaimers", "--by", "admin@initech.test")
		r.await(t, "1003", "completed")
		r.save(t, "1003", "existing-license-assigned")
	}},
	{"already-connected", func(t *testing.T, r recorder) {
		r.d.AddOperatorToken(t, "umbrella", "admin@umbrella.test") // connected already: checked with an operator's token
		r.cli(t, "start", "--account", "1004", "--mode", "new", "--subdomain", "umbrella", "--requested-by", "admin@umbrella.test")
		r.await(t, "1004", "already_connected")
		r.save(t, "1004", "already-connected")
	}},
	{"taken-subdomain-corrected", func(t *testing.T, r recorder) {
		r.cli(t, "start", "--account", "1005", "--mode", "new", "--subdomain", "taken", "--requested-by", "admin@hooli.test")
		r.await(t, "1005", "needs_subdomain")
		r.cli(t, "signal", "1005", "choose-subdomain", "--subdomain", "hooli", "--by", "admin@hooli.test")
		r.await(t, "1005", "awaiting_disclaimers")
		r.cli(t, "signal", "1005", "accept-disclaimers", "--by", "admin@hooli.test")
		r.await(t, "1005", "completed")
		r.save(t, "1005", "taken-subdomain-corrected")
	}},
	{"needs-attention-retry", recordNeedsAttention},
	{"continued-as-new", recordContinuedAsNew},
	{"connected-unfinished-completed", recordConnectedUnfinished},
	{"reminder-notified", recordReminderNotified},
	{"pending-input-expired", recordPendingInputExpired},
}

// recordPendingInputExpired: an owner login sent while the admin still has to pick the
// subdomain stays pending; the history grows past its limit, but the run cannot hand
// over with an input pending, so it keeps reminding until the deadline expires it
// (ChangeBoundedQuietWait).
func recordPendingInputExpired(t *testing.T, r recorder) {
	r.d.Sim().AddAccount(t, harness.AccountSpec{SellAccountID: 6103, Name: "Pendco", Users: 1,
		ExistingSupport: &harness.ExistingSupportSpec{Subdomain: "pendco", OwnerEmail: "owner@pendco.test", OwnerHasSellLicense: true}})
	res := r.d.CLIWith(harness.Settings{"migration.reminder_interval": "1s", "migration.wait_deadline": "15s",
		"migration.max_history_events": "100"},
		"start", "--account", "6103", "--mode", "existing", "--requested-by", "admin@pendco.test", "--owner-email", "owner@pendco.test")
	if res.Code != 0 {
		t.Fatalf("start: %s", res)
	}
	r.await(t, "6103", "needs_subdomain")
	// Sent as a signal (the CLI's update would wait for its answer until the end). The
	// grant is never read: its step is never reached.
	st, err := r.d.Starter()
	if err != nil {
		t.Fatal(err)
	}
	if err := st.Signal(context.Background(), "6103", contract.OwnerLoginName,
		contract.OwnerLoginInput{GrantID: "cred_grant_early", UserEmail: "owner@pendco.test"}); err != nil {
		t.Fatal(err)
	}
	if s := r.await(t, "6103", "expired"); s.Runs != 1 || s.RemindersSent < 10 {
		t.Errorf("expired after %d runs and %d reminders; want 1 run (never handed over) and a reminder a second", s.Runs, s.RemindersSent)
	}
	r.save(t, "6103", "pending-input-expired")
}

// recordNeedsAttention: the Contributor role is gone when the contributors are added,
// so the linked migration waits in needs_attention; a retry before the role is back
// parks it again; after the role is recreated a retry completes it.
func recordNeedsAttention(t *testing.T, r recorder) {
	sim := r.d.Sim()
	sim.AddAccount(t, harness.AccountSpec{SellAccountID: 6101, Name: "Attnco", Users: 3,
		ExistingSupport: &harness.ExistingSupportSpec{Subdomain: "attnco", OwnerEmail: "owner@attnco.test", OwnerHasSellLicense: true}})
	var roles struct {
		CustomRoles []struct {
			ID   int64  `json:"id"`
			Name string `json:"name"`
		} `json:"custom_roles"`
	}
	sim.Support(t, http.MethodGet, "attnco", "owner@attnco.test", "/api/v2/custom_roles", nil, &roles)
	for _, role := range roles.CustomRoles {
		if role.Name == "Contributor" {
			sim.Support(t, http.MethodDelete, "attnco", "owner@attnco.test", fmt.Sprintf("/api/v2/custom_roles/%d", role.ID), nil, nil, http.StatusNoContent)
		}
	}
	r.cli(t, "start", "--account", "6101", "--mode", "existing", "--subdomain", "attnco",
		"--requested-by", "admin@attnco.test", "--owner-email", "owner@attnco.test")
	r.await(t, "6101", "awaiting_owner_login")
	r.cli(t, "signal", "6101", "owner-login", "--as", "owner@attnco.test", "--password", harness.DemoPassword)
	r.await(t, "6101", "awaiting_disclaimers")
	r.cli(t, "signal", "6101", "accept-disclaimers", "--by", "admin@attnco.test")
	if s := r.await(t, "6101", "needs_attention"); !strings.Contains(s.LastError, "no Contributor custom role") {
		t.Fatalf("needs_attention with lastError %q, want the missing Contributor role", s.LastError)
	}
	r.cli(t, "retry", "6101", "--by", "ops@example.test")
	harness.Await(t, r.d, "6101", "parked again", func(s harness.StatusJSON) bool {
		return s.Status == "needs_attention" && s.Inputs[len(s.Inputs)-1].Name == "retry"
	})
	sim.Support(t, http.MethodPost, "attnco", "owner@attnco.test", "/api/v2/custom_roles",
		map[string]any{"custom_role": map[string]any{"name": "Contributor", "role_type": 3}}, nil)
	r.cli(t, "retry", "6101", "--by", "ops@example.test")
	r.await(t, "6101", "completed")
	r.save(t, "6101", "needs-attention-retry")
}

// recordContinuedAsNew: a wait with a reminder a second and runs of at most 100 history
// events continues as new; the first run (closed as ContinuedAsNew) and the last (which
// started from the carried state and completes) are both recorded.
func recordContinuedAsNew(t *testing.T, r recorder) {
	r.d.Sim().AddAccount(t, harness.AccountSpec{SellAccountID: 6102, Name: "Canco", Users: 2})
	res := r.d.CLIWith(harness.Settings{"migration.reminder_interval": "1s", "migration.max_history_events": "100"},
		"start", "--account", "6102", "--mode", "new", "--subdomain", "canco", "--requested-by", "admin@canco.test")
	if res.Code != 0 {
		t.Fatalf("start: %s", res)
	}
	r.await(t, "6102", "awaiting_disclaimers")
	first, _, _ := harness.LatestRun(t, r.d, "6102")
	harness.Await(t, r.d, "6102", "a second run", func(s harness.StatusJSON) bool { return s.Runs >= 2 })
	r.cli(t, "signal", "6102", "accept-disclaimers", "--by", "admin@canco.test")
	r.await(t, "6102", "completed")
	r.saveRun(t, "6102", first, "continued-as-new")
	r.save(t, "6102", "continued-as-new-last-run")
}

// recordConnectedUnfinished: a Sell account linked before, with one Sell user not yet a
// contributor (as a cancelled conversion leaves it), is started again: the migration
// finds the missing user and finishes the conversion.
func recordConnectedUnfinished(t *testing.T, r recorder) {
	sim := r.d.Sim()
	sim.AddAccount(t, harness.AccountSpec{SellAccountID: 6105, Name: "Linkedco", Users: 3, ConnectedSubdomain: "linkedco"})
	r.d.AddOperatorToken(t, "linkedco", "admin@linkedco.test") // connected already: the migration acts with an operator's token
	sim.AssignLicense(t, "6105", "Late Linkedco", "late@linkedco.test")
	r.cli(t, "start", "--account", "6105", "--mode", "new", "--subdomain", "linkedco", "--requested-by", "admin@linkedco.test")
	if s := r.await(t, "6105", "completed"); s.Result == nil || s.Result.UsersConverted != 4 {
		t.Errorf("connected but unfinished: result %+v, want the conversion finished (4 contributors)", s.Result)
	}
	r.save(t, "6105", "connected-unfinished-completed")
}

// recordReminderNotified: a wait reminds the admin twice, by email and by webhook, then
// the disclaimers are accepted.
func recordReminderNotified(t *testing.T, r recorder) {
	r.d.Sim().AddAccount(t, harness.AccountSpec{SellAccountID: 6104, Name: "Remindco", Users: 2})
	res := r.d.CLIWith(harness.Settings{"migration.reminder_interval": "1s"},
		"start", "--account", "6104", "--mode", "new", "--subdomain", "remindco", "--requested-by", "admin@remindco.test")
	if res.Code != 0 {
		t.Fatalf("start: %s", res)
	}
	harness.Await(t, r.d, "6104", "two reminders sent", func(s harness.StatusJSON) bool {
		return s.Status == "awaiting_disclaimers" && s.RemindersSent >= 2 && len(s.Notifications) >= 4
	})
	r.cli(t, "signal", "6104", "accept-disclaimers", "--by", "admin@remindco.test")
	s := r.await(t, "6104", "completed")
	channels := map[string]bool{}
	for _, n := range s.Notifications {
		channels[n.Channel] = n.Error == ""
	}
	if !channels["email"] || !channels["webhook"] {
		t.Errorf("notifications %+v, want reminders sent by email and webhook", s.Notifications)
	}
	r.save(t, "6104", "reminder-notified")
}
