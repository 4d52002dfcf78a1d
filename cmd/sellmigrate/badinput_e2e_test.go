package main

import (
	"context"
	"encoding/json"
	"errors"
	"net/http"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/sellmigrate/sellmigrate/contract"
	"github.com/sellmigrate/sellmigrate/starter"
)

// badCLI is one bad command line: it must exit non-zero with a one-line reason.
type badCLI struct {
	name string
	args []string
	want string
}

// TestBadInputChangesNothing sends bad input through the CLI and the starter to a real
// dev stack: invalid subdomains, bad fields, unknown or closed migrations, duplicate
// starts and out-of-order actions. Each gets a clear error, and nothing changes: no
// workflow is started, the histories of the running and the completed migration keep
// their length (a rejected update writes nothing), and the simulator's ledger shows no
// side effect. Unknown Sell accounts and non-admin requesters cannot be told apart
// before the worker asks Sell, so they start and fail at preflight, with a clear
// lastError and no side effect (see docs/RELIABILITY.md).
func TestBadInputChangesNothing(t *testing.T) {
	if testing.Short() {
		t.Skip("end-to-end: starts the embedded Temporal server")
	}
	temporalPort, simPort := freePort(t), freePort(t)
	e2eEnv(t, temporalPort)
	dev := startDev(t, t.TempDir(), temporalPort, simPort)
	c := dialTemporal(t, dev.address)
	st := starter.New(c, starter.Options{UpdateTimeout: 20 * time.Second})

	// A completed migration (1004) and a running one waiting for the owner (1002).
	mustCLI(t, "start", "--account", "1004", "--mode", "new", "--subdomain", "umbrella", "--requested-by", "admin@umbrella.test")
	awaitStatus(t, "1004", "already_connected")
	mustCLI(t, "start", "--account", "1002", "--mode", "existing", "--subdomain", "globex", "--requested-by", "admin@globex.test")
	awaitStatus(t, "1002", "awaiting_owner_login")
	_, _, len1002 := latestRun(t, c, "1002")
	_, _, len1004 := latestRun(t, c, "1004")
	ledgerBefore, _ := ledger(t, dev.simURL)

	start := func(sub string, extra ...string) []string {
		return append([]string{"start", "--account", "1001", "--mode", "new", "--subdomain", sub, "--requested-by", "admin@acme.test"}, extra...)
	}
	rows := []badCLI{
		{"uppercase subdomain", start("Acme"), `uppercase letters are not allowed; try "acme"`},
		{"spaces in subdomain", start("acme corp"), `spaces are not allowed; try "acme-corp"`},
		{"underscore in subdomain", start("acme_corp"), "underscores are not allowed; use a hyphen"},
		{"subdomain too long", start(strings.Repeat("a", 64)), "it must be at most 63 characters"},
		{"reserved subdomain", start("www"), `it is reserved by Zendesk; try "www-team"`},
		{"subdomain starts with a digit", start("1acme"), "it must start with a letter"},
		{"owner email in new mode", start("acme", "--owner-email", "owner@acme.test"), "owner-email applies to mode \"existing\" only"},
		{"empty account", []string{"start", "--account", "", "--mode", "new", "--requested-by", "admin@acme.test"}, "start needs --account"},
		{"account not numeric", []string{"start", "--account", "acme", "--mode", "new", "--requested-by", "admin@acme.test"}, `Sell account ID "acme" must be digits only`},
		{"unknown mode", []string{"start", "--account", "1001", "--mode", "old", "--requested-by", "admin@acme.test"}, `mode "old" is not known`},
		{"requester not an email", []string{"start", "--account", "1001", "--mode", "new", "--requested-by", "admin"}, `"admin" is not an email address`},
		{"empty chosen subdomain", []string{"signal", "1002", "choose-subdomain", "--subdomain", "", "--by", "admin@globex.test"}, "choose-subdomain needs --subdomain"},
		{"invalid chosen subdomain", []string{"signal", "1002", "choose-subdomain", "--subdomain", "Globex_2", "--by", "admin@globex.test"}, "underscores are not allowed"},
		{"flag not for the input", []string{"signal", "1002", "back", "--by", "admin@globex.test", "--subdomain", "x"}, "--subdomain does not apply to back"},
		{"unknown input", []string{"signal", "1002", "approve", "--by", "admin@globex.test"}, `input "approve" is not known`},
		{"bad ref", []string{"signal", "acme", "back", "--by", "admin@globex.test"}, `"acme" is neither a Sell account ID nor a migration workflow ID`},
		{"disclaimers before the owner login", []string{"signal", "1002", "accept-disclaimers", "--by", "admin@globex.test"}, "accept-disclaimers is not expected now: the migration is at step owner_login (awaiting_owner_login"},
		{"license before the owner login", []string{"signal", "1002", "license-assigned", "--by", "admin@globex.test"}, "license-assigned is not expected now"},
		{"new subdomain without back", []string{"signal", "1002", "choose-subdomain", "--subdomain", "globex-two", "--by", "admin@globex.test"}, "to change the subdomain send back first"},
		{"owner login without an email", []string{"signal", "sell-migration-1002", "owner-login", "--user-email", "owner"}, `"owner" is not an email address`},
		{"input for an unknown migration", []string{"signal", "4242", "back", "--by", "admin@acme.test"}, "no migration for Sell account 4242"},
		{"status of an unknown migration", []string{"status", "4242"}, "no migration for Sell account 4242"},
		{"cancel of an unknown migration", []string{"cancel", "4242"}, "no migration for Sell account 4242"},
		{"duplicate start of a running migration", []string{"start", "--account", "1002", "--mode", "existing", "--subdomain", "globex", "--requested-by", "admin@globex.test"}, "migration for Sell account 1002 is already running"},
		{"duplicate start of a completed migration", []string{"start", "--account", "1004", "--mode", "new", "--subdomain", "umbrella", "--requested-by", "admin@umbrella.test"}, "migration for Sell account 1004 already completed"},
		{"input after completion", []string{"signal", "1004", "accept-disclaimers", "--by", "admin@umbrella.test"}, "migration for Sell account 1004 is already completed and takes no more inputs"},
		{"cancel after completion", []string{"cancel", "1004"}, "migration for Sell account 1004 is already completed"},
	}
	for _, r := range rows {
		t.Run("cli/"+r.name, func(t *testing.T) {
			code, out, errOut := cli(t, r.args...)
			if code == 0 {
				t.Fatalf("sellmigrate %s succeeded, want a refusal:\n%s", strings.Join(r.args, " "), out)
			}
			if !strings.Contains(errOut, r.want) || strings.Count(strings.TrimSpace(errOut), "\n") > 0 {
				t.Errorf("sellmigrate %s: stderr %q, want one line containing %q", strings.Join(r.args, " "), errOut, r.want)
			}
		})
	}

	t.Run("starter", func(t *testing.T) { badStarterCalls(t, st) })
	t.Run("api", func(t *testing.T) { badAPICalls(t, dev.apiURL) })

	noMigration(t, c, "1001")
	noMigration(t, c, "4242")
	if _, _, n := latestRun(t, c, "1002"); n != len1002 {
		t.Errorf("the running migration's history grew from %d to %d events; rejected input must change nothing", len1002, n)
	}
	if _, _, n := latestRun(t, c, "1004"); n != len1004 {
		t.Errorf("the completed migration's history grew from %d to %d events", len1004, n)
	}
	ledgerAfter, _ := ledger(t, dev.simURL)
	if !sameCounts(ledgerBefore, ledgerAfter) {
		t.Errorf("the ledger changed from %v to %v; bad input must have no side effect", ledgerBefore, ledgerAfter)
	}

	t.Run("signal out of order is recorded, not lost", func(t *testing.T) {
		if err := st.Signal(context.Background(), "1002", contract.LicenseAssignedName, contract.LicenseAssignedInput{By: "admin@globex.test"}); err != nil {
			t.Fatalf("signal: %v", err)
		}
		deadline := time.Now().Add(30 * time.Second)
		for {
			s := status(t, "1002")
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
		mustCLI(t, "start", "--account", "999999", "--mode", "new", "--subdomain", "nosuch", "--requested-by", "admin@nosuch.test")
		if s := awaitStatus(t, "999999", "failed"); !strings.Contains(s.LastError, "Sell account 999999 is unknown") {
			t.Errorf("unknown account's lastError = %q", s.LastError)
		}
		mustCLI(t, "start", "--account", "1005", "--mode", "new", "--subdomain", "hooli", "--requested-by", "user0001@hooli.test")
		if s := awaitStatus(t, "1005", "failed"); !strings.Contains(s.LastError, "user0001@hooli.test is not an active admin of Sell account 1005") {
			t.Errorf("non-admin requester's lastError = %q", s.LastError)
		}
		code, _, errOut := cli(t, "start", "--account", "999999", "--mode", "new", "--subdomain", "nosuch", "--requested-by", "admin@nosuch.test", "--wait")
		if code == 0 || !strings.Contains(errOut, "Sell account 999999 is unknown") {
			t.Errorf("start --wait of an unknown account: exit %d, %q", code, errOut)
		}
		if after, _ := ledger(t, dev.simURL); !sameCounts(ledgerBefore, after) {
			t.Errorf("failed preflights changed the ledger from %v to %v", ledgerBefore, after)
		}
	})

	t.Run("update in flight when cancelled gets an answer", func(t *testing.T) {
		updateInFlightWhenCancelled(t, dev.simURL)
	})
}

// badStarterCalls is the same bad input through the starter, as the HTTP API calls it.
func badStarterCalls(t *testing.T, st *starter.Starter) {
	ctx := context.Background()
	var inputErr *starter.InputError
	for _, sub := range []string{"Acme", "acme corp", "acme_corp", strings.Repeat("a", 64), "www", "-acme"} {
		_, err := st.Start(ctx, starter.StartRequest{AccountID: "1001", Mode: "new", Subdomain: sub, RequestedBy: "admin@acme.test"})
		if !errors.As(err, &inputErr) || inputErr.Field != "subdomain" {
			t.Errorf("Start with subdomain %q: %v, want an InputError on subdomain", sub, err)
		}
	}
	if _, err := st.Send(ctx, "1002", contract.OwnerLoginName, contract.BackInput{By: "admin@globex.test"}); err == nil || !strings.Contains(err.Error(), "cannot carry") {
		t.Errorf("Send with the wrong payload type: %v", err)
	}
	var rejected *starter.RejectedError
	if _, err := st.Send(ctx, "1002", contract.AcceptDisclaimersName, contract.AcceptDisclaimersInput{By: "admin@globex.test"}); !errors.As(err, &rejected) ||
		!strings.Contains(err.Error(), "accept-disclaimers is not expected now") {
		t.Errorf("accept-disclaimers before the owner login: %v, want a RejectedError", err)
	}
	if _, err := st.Send(ctx, "4242", contract.BackName, contract.BackInput{By: "admin@acme.test"}); err == nil || !strings.Contains(err.Error(), "no migration for Sell account 4242") {
		t.Errorf("update to an unknown migration: %v", err)
	}

	var closed *starter.ClosedError
	if _, err := st.Send(ctx, "1004", contract.BackName, contract.BackInput{By: "admin@umbrella.test"}); !errors.As(err, &closed) || !strings.Contains(err.Error(), "already completed") {
		t.Errorf("update after completion: %v, want a ClosedError saying already completed", err)
	}
	if err := st.Signal(ctx, "1004", contract.BackName, contract.BackInput{By: "admin@umbrella.test"}); !errors.As(err, &closed) || !strings.Contains(err.Error(), "already completed") {
		t.Errorf("signal after completion: %v, want a ClosedError saying already completed", err)
	}
	if err := st.Cancel(ctx, "1004"); !errors.As(err, &closed) {
		t.Errorf("cancel after completion: %v, want a ClosedError", err)
	}
	var nf *starter.NotFoundError
	if err := st.Signal(ctx, "4242", contract.BackName, contract.BackInput{By: "admin@acme.test"}); !errors.As(err, &nf) {
		t.Errorf("signal to an unknown migration: %v, want a NotFoundError", err)
	}
	var dup *starter.AlreadyStartedError
	if _, err := st.Start(ctx, starter.StartRequest{AccountID: "1004", Mode: "new", Subdomain: "umbrella", RequestedBy: "admin@umbrella.test"}); !errors.As(err, &dup) || dup.Running {
		t.Errorf("second start of a completed migration: %v, want AlreadyStartedError{Running:false}", err)
	}
	results, err := st.StartCSV(ctx, strings.NewReader("account_id,mode,subdomain,requested_by,owner_email\n1001,new,Acme,admin@acme.test,\n1001,sideways,acme,admin@acme.test,\n"))
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
	start := `{"accountId":"1001","mode":"new","subdomain":"acme","requestedBy":"admin@acme.test"}`
	action := apiURL + "/api/v1/migrations/1002/actions/accept-disclaimers"
	rows := []struct {
		name, url, token, body string
		want                   int
	}{
		{"no token", apiURL + "/api/v1/migrations", "", start, http.StatusUnauthorized},
		{"wrong token", apiURL + "/api/v1/migrations", "not-a-token", start, http.StatusUnauthorized},
		{"viewer may not start", apiURL + "/api/v1/migrations", "demo-viewer", start, http.StatusForbidden},
		{"malformed JSON", apiURL + "/api/v1/migrations", "demo-ops", `{"accountId":"1001",`, http.StatusBadRequest},
		{"unknown field", apiURL + "/api/v1/migrations", "demo-ops", `{"accountId":"1001","mode":"new","subdomian":"acme","requestedBy":"admin@acme.test"}`, http.StatusBadRequest},
		{"two values", apiURL + "/api/v1/migrations", "demo-ops", start + start, http.StatusBadRequest},
		{"oversized", apiURL + "/api/v1/migrations", "demo-ops", `{"accountId":"1001","mode":"new","subdomain":"` + strings.Repeat("a", 2<<20) + `"}`, http.StatusRequestEntityTooLarge},
		{"invalid subdomain", apiURL + "/api/v1/migrations", "demo-ops", strings.Replace(start, `"acme"`, `"Acme Corp"`, 1), http.StatusUnprocessableEntity},
		{"ops may not approve", action, "demo-ops", `{"by":"admin@globex.test"}`, http.StatusForbidden},
		{"action with unknown field", action, "demo-admin", `{"by":"admin@globex.test","accepted":true}`, http.StatusBadRequest},
		{"action out of order", action, "demo-admin", `{"by":"admin@globex.test"}`, http.StatusUnprocessableEntity},
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

// updateInFlightWhenCancelled slows the simulator so VerifyOwner is still running when
// the migration is cancelled: the owner-login update waiting for the verification gets
// an answer saying the migration ended, and the CLI reports it.
func updateInFlightWhenCancelled(t *testing.T, simURL string) {
	setLatency := func(ms int) {
		req, _ := http.NewRequest(http.MethodPut, simURL+"/_sim/faults", strings.NewReader(`{"latency_ms":`+strconv.Itoa(ms)+`}`))
		req.Header.Set("Content-Type", "application/json")
		resp, err := http.DefaultClient.Do(req)
		if err != nil {
			t.Fatalf("set simulator latency: %v", err)
		}
		resp.Body.Close()
		if resp.StatusCode/100 != 2 {
			t.Fatalf("set simulator latency: %s", resp.Status)
		}
	}
	setLatency(1500)
	defer setLatency(0)
	type answer struct {
		code   int
		stderr string
	}
	done := make(chan answer, 1)
	go func() {
		var out, errb strings.Builder
		code := executeContext(context.Background(), []string{"signal", "1002", "owner-login", "--user-email", "owner@globex.test"}, &out, &errb)
		done <- answer{code, errb.String()}
	}()
	deadline := time.Now().Add(30 * time.Second)
	for status(t, "1002").Status != "running" {
		if time.Now().After(deadline) {
			t.Fatal("the owner login was not taken within 30s")
		}
		time.Sleep(50 * time.Millisecond)
	}
	mustCLI(t, "cancel", "1002")
	select {
	case a := <-done:
		if a.code == 0 || !strings.Contains(a.stderr, "the migration ended (cancelled) before owner-login took effect") {
			t.Errorf("owner-login in flight during cancel: exit %d, %q", a.code, a.stderr)
		}
	case <-time.After(60 * time.Second):
		t.Fatal("the owner-login update in flight got no answer within 60s of the cancel")
	}
	awaitStatus(t, "1002", "cancelled")
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
