package e2e

import (
	"context"
	"encoding/json"
	"errors"
	"net/http"
	"strings"
	"testing"
	"time"

	"github.com/sellmigrate/sellmigrate/contract"
	"github.com/sellmigrate/sellmigrate/e2e/harness"
	"github.com/sellmigrate/sellmigrate/starter"
)

// badCLI is one bad command line: it must exit non-zero with a one-line reason.
type badCLI struct {
	name string
	args []string
	want string
}

// TestBadInputChangesNothing sends bad input through the CLI, the starter and the HTTP
// API to the shared stack: invalid subdomains, bad fields, unknown or closed migrations,
// duplicate starts and out-of-order actions. Each gets a clear error, and nothing
// changes: no workflow is started, the histories of the running and the completed
// migration keep their length (a rejected update writes nothing), and the simulator's
// ledger shows no side effect. Unknown Sell accounts and non-admin requesters cannot be
// told apart before the worker asks Sell, so they start and fail at preflight, with a
// clear lastError and no side effect (see docs/RELIABILITY.md). Its accounts are its
// own (51xx), added to the simulator.
func TestBadInputChangesNothing(t *testing.T) {
	t.Parallel()
	dev := shared(t)
	sim := dev.Sim()
	sim.AddAccount(t, harness.AccountSpec{SellAccountID: 5102, Name: "Badex", Users: 2,
		ExistingSupport: &harness.ExistingSupportSpec{Subdomain: "badex", OwnerEmail: "owner@badex.test", OwnerHasSellLicense: true}})
	sim.AddAccount(t, harness.AccountSpec{SellAccountID: 5104, Name: "Badcon", Users: 2, ConnectedSubdomain: "badcon"})
	dev.AddOperatorToken(t, "badcon", "admin@badcon.test") // connected already: it checks with an operator's token
	sim.AddAccount(t, harness.AccountSpec{SellAccountID: 5105, Name: "Badpre", Users: 1})
	st, err := dev.Starter()
	if err != nil {
		t.Fatal(err)
	}
	// The subdomains a bad input could touch; the ledger is read for these only, as
	// other tests change the shared simulator meanwhile.
	subdomains := []string{"badnew", "badnew-corp", "www", "www-team", "badex", "badex-two", "badcon", "badpre", "nosuch"}

	// A completed migration (5104) and a running one waiting for the owner (5102).
	harness.MustCLI(t, dev, "start", "--account", "5104", "--mode", "new", "--subdomain", "badcon", "--requested-by", "admin@badcon.test")
	harness.AwaitStatus(t, dev, "5104", "already_connected")
	harness.MustCLI(t, dev, "start", "--account", "5102", "--mode", "existing", "--subdomain", "badex", "--requested-by", "admin@badex.test")
	harness.AwaitStatus(t, dev, "5102", "awaiting_owner_login")
	_, _, len5102 := harness.LatestRun(t, dev, "5102")
	_, _, len5104 := harness.LatestRun(t, dev, "5104")
	ledgerBefore, _ := sim.LedgerCounts(t, subdomains...)

	start := func(sub string, extra ...string) []string {
		return append([]string{"start", "--account", "5101", "--mode", "new", "--subdomain", sub, "--requested-by", "admin@badnew.test"}, extra...)
	}
	rows := []badCLI{
		{"uppercase subdomain", start("Badnew"), `uppercase letters are not allowed; try "badnew"`},
		{"spaces in subdomain", start("badnew corp"), `spaces are not allowed; try "badnew-corp"`},
		{"underscore in subdomain", start("badnew_corp"), "underscores are not allowed; use a hyphen"},
		{"subdomain too long", start(strings.Repeat("a", 64)), "it must be at most 63 characters"},
		{"reserved subdomain", start("www"), `it is reserved by Zendesk; try "www-team"`},
		{"subdomain starts with a digit", start("1badnew"), "it must start with a letter"},
		{"owner email in new mode", start("badnew", "--owner-email", "owner@badnew.test"), "owner-email applies to mode \"existing\" only"},
		{"empty account", []string{"start", "--account", "", "--mode", "new", "--requested-by", "admin@badnew.test"}, "start needs --account"},
		{"account not numeric", []string{"start", "--account", "badnew", "--mode", "new", "--requested-by", "admin@badnew.test"}, `Sell account ID "badnew" must be digits only`},
		{"unknown mode", []string{"start", "--account", "5101", "--mode", "old", "--requested-by", "admin@badnew.test"}, `mode "old" is not known`},
		{"requester not an email", []string{"start", "--account", "5101", "--mode", "new", "--requested-by", "admin"}, `"admin" is not an email address`},
		{"empty chosen subdomain", []string{"signal", "5102", "choose-subdomain", "--subdomain", "", "--by", "admin@badex.test"}, "choose-subdomain needs --subdomain"},
		{"invalid chosen subdomain", []string{"signal", "5102", "choose-subdomain", "--subdomain", "Badex_2", "--by", "admin@badex.test"}, "underscores are not allowed"},
		{"flag not for the input", []string{"signal", "5102", "back", "--by", "admin@badex.test", "--subdomain", "x"}, "--subdomain does not apply to back"},
		{"unknown input", []string{"signal", "5102", "approve", "--by", "admin@badex.test"}, `input "approve" is not known`},
		{"bad ref", []string{"signal", "badex", "back", "--by", "admin@badex.test"}, `"badex" is neither a Sell account ID nor a migration workflow ID`},
		{"disclaimers before the owner login", []string{"signal", "5102", "accept-disclaimers", "--by", "admin@badex.test"}, "accept-disclaimers is not expected now: the migration is at step owner_login (awaiting_owner_login"},
		{"license before the owner login", []string{"signal", "5102", "license-assigned", "--by", "admin@badex.test"}, "license-assigned is not expected now"},
		{"retry when nothing needs attention", []string{"retry", "5102", "--by", "ops@example.test"}, "retry applies only to a migration that needs attention"},
		{"new subdomain without back", []string{"signal", "5102", "choose-subdomain", "--subdomain", "badex-two", "--by", "admin@badex.test"}, "to change the subdomain send back first"},
		{"owner login with an email only", []string{"signal", "sell-migration-5102", "owner-login", "--user-email", "owner@badex.test"}, "owner-login needs --grant-id"},
		{"owner login with a bad grant ID", []string{"signal", "5102", "owner-login", "--grant-id", "owner@badex.test"}, `grantId "owner@badex.test" is not a grant ID`},
		{"owner login with a bad email", []string{"signal", "5102", "owner-login", "--grant-id", "cred_0123456789abcdefghijklmnop", "--user-email", "owner"}, `"owner" is not an email address`},
		{"owner sign-in without a password", []string{"signal", "5102", "owner-login", "--as", "owner@badex.test"}, "--as needs --password"},
		{"owner sign-in as a non-email", []string{"signal", "5102", "owner-login", "--as", "owner", "--password", harness.DemoPassword}, "--as: "},
		{"input for an unknown migration", []string{"signal", "4242", "back", "--by", "admin@badnew.test"}, "no migration for Sell account 4242"},
		{"status of an unknown migration", []string{"status", "4242"}, "no migration for Sell account 4242"},
		{"cancel of an unknown migration", []string{"cancel", "4242"}, "no migration for Sell account 4242"},
		{"duplicate start of a running migration", []string{"start", "--account", "5102", "--mode", "existing", "--subdomain", "badex", "--requested-by", "admin@badex.test"}, "migration for Sell account 5102 is already running"},
		{"duplicate start of a completed migration", []string{"start", "--account", "5104", "--mode", "new", "--subdomain", "badcon", "--requested-by", "admin@badcon.test"}, "migration for Sell account 5104 already completed"},
		{"input after completion", []string{"signal", "5104", "accept-disclaimers", "--by", "admin@badcon.test"}, "migration for Sell account 5104 is already completed and takes no more inputs"},
		{"cancel after completion", []string{"cancel", "5104"}, "migration for Sell account 5104 is already completed"},
	}
	t.Run("cli", func(t *testing.T) {
		for _, r := range rows {
			t.Run(r.name, func(t *testing.T) {
				t.Parallel()
				harness.WantRefused(t, dev, r.want, r.args...)
			})
		}
	})

	t.Run("starter", func(t *testing.T) { badStarterCalls(t, st) })
	t.Run("api", func(t *testing.T) { badAPICalls(t, dev.APIURL) })

	harness.NoMigration(t, dev, "5101")
	harness.NoMigration(t, dev, "4242")
	if _, _, n := harness.LatestRun(t, dev, "5102"); n != len5102 {
		t.Errorf("the running migration's history grew from %d to %d events; rejected input must change nothing", len5102, n)
	}
	if _, _, n := harness.LatestRun(t, dev, "5104"); n != len5104 {
		t.Errorf("the completed migration's history grew from %d to %d events", len5104, n)
	}
	ledgerAfter, _ := sim.LedgerCounts(t, subdomains...)
	if !sameCounts(ledgerBefore, ledgerAfter) {
		t.Errorf("the ledger changed from %v to %v; bad input must have no side effect", ledgerBefore, ledgerAfter)
	}

	t.Run("signal out of order is recorded, not lost", func(t *testing.T) {
		if err := st.Signal(context.Background(), "5102", contract.LicenseAssignedName, contract.LicenseAssignedInput{By: "admin@badex.test"}); err != nil {
			t.Fatalf("signal: %v", err)
		}
		deadline := time.Now().Add(30 * time.Second)
		for {
			s := harness.StatusNow(t, dev, "5102")
			if n := len(s.Inputs); n > 0 && !s.Inputs[n-1].Accepted && strings.Contains(s.Inputs[n-1].Reason, "license-assigned is not expected now") {
				break
			}
			if time.Now().After(deadline) {
				t.Fatalf("the out-of-order signal is not recorded as refused: %+v", s.Inputs)
			}
			time.Sleep(100 * time.Millisecond)
		}
	})

	t.Run("failed at preflight", func(t *testing.T) {
		// Unknown Sell account: accepted by the starter (which holds no Sell token), failed
		// by preflight with a reason; nothing was created.
		harness.MustCLI(t, dev, "start", "--account", "999999", "--mode", "new", "--subdomain", "nosuch", "--requested-by", "admin@nosuch.test")
		if s := harness.AwaitStatus(t, dev, "999999", "failed"); !strings.Contains(s.LastError, "Sell account 999999 is unknown") {
			t.Errorf("unknown account's lastError = %q", s.LastError)
		}
		harness.MustCLI(t, dev, "start", "--account", "5105", "--mode", "new", "--subdomain", "badpre", "--requested-by", "user0001@badpre.test")
		if s := harness.AwaitStatus(t, dev, "5105", "failed"); !strings.Contains(s.LastError, "user0001@badpre.test is not an active admin of Sell account 5105") {
			t.Errorf("non-admin requester's lastError = %q", s.LastError)
		}
		harness.WantRefused(t, dev, "Sell account 999999 is unknown",
			"start", "--account", "999999", "--mode", "new", "--subdomain", "nosuch", "--requested-by", "admin@nosuch.test", "--wait")
		if after, _ := sim.LedgerCounts(t, subdomains...); !sameCounts(ledgerBefore, after) {
			t.Errorf("failed preflights changed the ledger from %v to %v", ledgerBefore, after)
		}
	})
}

// badStarterCalls is the same bad input through the starter, as the HTTP API calls it.
func badStarterCalls(t *testing.T, st *starter.Starter) {
	ctx := context.Background()
	var inputErr *starter.InputError
	for _, sub := range []string{"Badnew", "badnew corp", "badnew_corp", strings.Repeat("a", 64), "www", "-badnew"} {
		_, err := st.Start(ctx, starter.StartRequest{AccountID: "5101", Mode: "new", Subdomain: sub, RequestedBy: "admin@badnew.test"})
		if !errors.As(err, &inputErr) || inputErr.Field != "subdomain" {
			t.Errorf("Start with subdomain %q: %v, want an InputError on subdomain", sub, err)
		}
	}
	if _, err := st.Send(ctx, "5102", contract.OwnerLoginName, contract.BackInput{By: "admin@badex.test"}); err == nil || !strings.Contains(err.Error(), "cannot carry") {
		t.Errorf("Send with the wrong payload type: %v", err)
	}
	var rejected *starter.RejectedError
	if _, err := st.Send(ctx, "5102", contract.AcceptDisclaimersName, contract.AcceptDisclaimersInput{By: "admin@badex.test"}); !errors.As(err, &rejected) ||
		!strings.Contains(err.Error(), "accept-disclaimers is not expected now") {
		t.Errorf("accept-disclaimers before the owner login: %v, want a RejectedError", err)
	}
	if _, err := st.Send(ctx, "4242", contract.BackName, contract.BackInput{By: "admin@badnew.test"}); err == nil || !strings.Contains(err.Error(), "no migration for Sell account 4242") {
		t.Errorf("update to an unknown migration: %v", err)
	}

	var closed *starter.ClosedError
	if _, err := st.Send(ctx, "5104", contract.BackName, contract.BackInput{By: "admin@badcon.test"}); !errors.As(err, &closed) || !strings.Contains(err.Error(), "already completed") {
		t.Errorf("update after completion: %v, want a ClosedError saying already completed", err)
	}
	if err := st.Signal(ctx, "5104", contract.BackName, contract.BackInput{By: "admin@badcon.test"}); !errors.As(err, &closed) || !strings.Contains(err.Error(), "already completed") {
		t.Errorf("signal after completion: %v, want a ClosedError saying already completed", err)
	}
	if err := st.Cancel(ctx, "5104"); !errors.As(err, &closed) {
		t.Errorf("cancel after completion: %v, want a ClosedError", err)
	}
	var nf *starter.NotFoundError
	if err := st.Signal(ctx, "4242", contract.BackName, contract.BackInput{By: "admin@badnew.test"}); !errors.As(err, &nf) {
		t.Errorf("signal to an unknown migration: %v, want a NotFoundError", err)
	}
	var dup *starter.AlreadyStartedError
	if _, err := st.Start(ctx, starter.StartRequest{AccountID: "5104", Mode: "new", Subdomain: "badcon", RequestedBy: "admin@badcon.test"}); !errors.As(err, &dup) || dup.Running {
		t.Errorf("second start of a completed migration: %v, want AlreadyStartedError{Running:false}", err)
	}
	results, err := st.StartCSV(ctx, strings.NewReader("account_id,mode,subdomain,requested_by,owner_email\n5101,new,Badnew,admin@badnew.test,\n5101,sideways,badnew,admin@badnew.test,\n"))
	if err != nil {
		t.Fatalf("StartCSV: %v", err)
	}
	for _, r := range results {
		if r.OK() || r.Line < 2 {
			t.Errorf("bad CSV row %+v was started or lost its line number", r)
		}
	}
}

// badAPICalls sends malformed, oversized and unauthorised bodies to the HTTP API. The
// api package's tests own the status codes; here they only have to change nothing,
// which the caller checks afterwards.
func badAPICalls(t *testing.T, apiURL string) {
	start := `{"accountId":"5101","mode":"new","subdomain":"badnew","requestedBy":"admin@badnew.test"}`
	action := apiURL + "/api/v1/migrations/5102/actions/accept-disclaimers"
	rows := []struct {
		name, url, token, body string
		want                   int
	}{
		{"no token", apiURL + "/api/v1/migrations", "", start, http.StatusUnauthorized},
		{"wrong token", apiURL + "/api/v1/migrations", "not-a-token", start, http.StatusUnauthorized},
		{"viewer may not start", apiURL + "/api/v1/migrations", "demo-viewer", start, http.StatusForbidden},
		{"malformed JSON", apiURL + "/api/v1/migrations", "demo-ops", `{"accountId":"5101",`, http.StatusBadRequest},
		{"unknown field", apiURL + "/api/v1/migrations", "demo-ops", `{"accountId":"5101","mode":"new","subdomian":"badnew","requestedBy":"admin@badnew.test"}`, http.StatusBadRequest},
		{"two values", apiURL + "/api/v1/migrations", "demo-ops", start + start, http.StatusBadRequest},
		{"oversized", apiURL + "/api/v1/migrations", "demo-ops", `{"accountId":"5101","mode":"new","subdomain":"` + strings.Repeat("a", 2<<20) + `"}`, http.StatusRequestEntityTooLarge},
		{"invalid subdomain", apiURL + "/api/v1/migrations", "demo-ops", strings.Replace(start, `"badnew"`, `"Badnew Corp"`, 1), http.StatusUnprocessableEntity},
		{"ops may not approve", action, "demo-ops", `{"by":"admin@badex.test"}`, http.StatusForbidden},
		{"action with unknown field", action, "demo-admin", `{"by":"admin@badex.test","accepted":true}`, http.StatusBadRequest},
		{"action out of order", action, "demo-admin", `{"by":"admin@badex.test"}`, http.StatusUnprocessableEntity},
	}
	client := &http.Client{Timeout: 30 * time.Second}
	for _, r := range rows {
		req, err := http.NewRequest(http.MethodPost, r.url, strings.NewReader(r.body))
		if err != nil {
			t.Fatal(err)
		}
		req.Header.Set("Content-Type", "application/json")
		if r.token != "" {
			req.Header.Set("Authorization", "Bearer "+r.token)
		}
		resp, err := client.Do(req)
		if err != nil {
			t.Errorf("%s: %v", r.name, err)
			continue
		}
		var body struct {
			Error struct{ Code, Message string } `json:"error"`
		}
		_ = json.NewDecoder(resp.Body).Decode(&body)
		resp.Body.Close()
		if resp.StatusCode != r.want || body.Error.Message == "" {
			t.Errorf("%s: %d %+v, want %d with an error message", r.name, resp.StatusCode, body.Error, r.want)
		}
	}
}

func sameCounts(a, b map[string]int) bool {
	if len(a) != len(b) {
		return false
	}
	for k, v := range a {
		if b[k] != v {
			return false
		}
	}
	return true
}
