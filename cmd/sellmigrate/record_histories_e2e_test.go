package main

import (
	"context"
	"net/http"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	enumspb "go.temporal.io/api/enums/v1"
	"go.temporal.io/sdk/client"

	"github.com/sellmigrate/sellmigrate/contract"
	"github.com/sellmigrate/sellmigrate/starter"
)

// recordEnv turns on TestRecordReplayHistories. Histories are only rewritten on
// purpose: after a workflow change, when the new code's paths must be captured.
const recordEnv = "SELLMIGRATE_RECORD_HISTORIES"

// historiesDir is where workflows' replay test reads the histories.
var historiesDir = filepath.Join("..", "..", "workflows", "testdata", "histories")

// TestRecordReplayHistories drives every path of a migration on the real embedded
// server and the simulator, and saves each closed run's history as JSON for
// workflows.TestReplayRecordedHistories. It runs only with SELLMIGRATE_RECORD_HISTORIES=1:
//
//	SELLMIGRATE_RECORD_HISTORIES=1 go test ./cmd/sellmigrate -run TestRecordReplayHistories -count=1
func TestRecordReplayHistories(t *testing.T) {
	if os.Getenv(recordEnv) != "1" {
		t.Skipf("set %s=1 to record the replay histories into %s", recordEnv, historiesDir)
	}
	dataDir := t.TempDir()
	temporalPort, simPort := freePort(t), freePort(t)
	e2eEnv(t, temporalPort)
	dev := startDev(t, dataDir, temporalPort, simPort)
	c := dialTemporal(t, dev.address)
	save := func(t *testing.T, account, name string) {
		t.Helper()
		runID, _ := awaitClosed(t, c, account)
		writeHistory(t, c, account, runID, filepath.Join(historiesDir, name+".json"))
	}

	t.Run("paths", func(t *testing.T) {
		// Account 1001 takes the paths that end a run unsuccessfully (which may be
		// started again), then completes; the others run beside it.
		t.Run("1001", func(t *testing.T) {
			t.Parallel()
			recordAcmePaths(t, c, save)
		})
		t.Run("1002 wrong owner, back, choose again", func(t *testing.T) {
			t.Parallel()
			mustCLI(t, "start", "--account", "1002", "--mode", "existing", "--subdomain", "globex",
				"--requested-by", "admin@globex.test", "--owner-email", "owner@globex.test")
			awaitStatus(t, "1002", "awaiting_owner_login")
			wantRefused(t, "not its account owner", "signal", "1002", "owner-login", "--user-email", "lee@globex.test")
			mustCLI(t, "signal", "1002", "owner-login", "--user-email", "owner@globex.test")
			awaitStatus(t, "1002", "awaiting_disclaimers")
			mustCLI(t, "signal", "1002", "back", "--by", "admin@globex.test")
			awaitStatus(t, "1002", "needs_subdomain")
			wantRefused(t, "no Zendesk account answers at nosuchaccount",
				"signal", "1002", "choose-subdomain", "--subdomain", "nosuchaccount", "--by", "admin@globex.test")
			mustCLI(t, "signal", "1002", "choose-subdomain", "--subdomain", "globex", "--by", "admin@globex.test")
			mustCLI(t, "signal", "1002", "owner-login", "--user-email", "owner@globex.test")
			mustCLI(t, "signal", "1002", "accept-disclaimers", "--by", "admin@globex.test")
			awaitStatus(t, "1002", "completed")
			save(t, "1002", "existing-owner-login")
		})
		t.Run("1003 license missing then assigned", func(t *testing.T) {
			t.Parallel()
			mustCLI(t, "start", "--account", "1003", "--mode", "existing", "--subdomain", "initech",
				"--requested-by", "admin@initech.test", "--owner-email", "owner@initech.test")
			awaitStatus(t, "1003", "awaiting_owner_login")
			// A raw signal out of order: recorded as rejected, so the signal path is in history too.
			ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
			defer cancel()
			if err := c.SignalWorkflow(ctx, contract.WorkflowID("1003"), "", contract.LicenseAssignedName,
				contract.LicenseAssignedInput{By: "admin@initech.test"}); err != nil {
				t.Fatalf("signal license-assigned: %v", err)
			}
			mustCLI(t, "signal", "1003", "owner-login", "--user-email", "owner@initech.test")
			awaitStatus(t, "1003", "owner_needs_sell_license")
			wantRefused(t, "the license is not there yet", "signal", "1003", "license-assigned", "--by", "admin@initech.test")
			assignLicense(t, dev.simURL, "1003", "owner@initech.test")
			mustCLI(t, "signal", "1003", "license-assigned", "--by", "admin@initech.test")
			mustCLI(t, "signal", "1003", "accept-disclaimers", "--by", "admin@initech.test")
			awaitStatus(t, "1003", "completed")
			save(t, "1003", "existing-license-assigned")
		})
		t.Run("1004 already connected", func(t *testing.T) {
			t.Parallel()
			mustCLI(t, "start", "--account", "1004", "--mode", "new", "--subdomain", "umbrella", "--requested-by", "admin@umbrella.test")
			awaitStatus(t, "1004", "already_connected")
			save(t, "1004", "already-connected")
		})
		t.Run("1005 taken subdomain then corrected", func(t *testing.T) {
			t.Parallel()
			mustCLI(t, "start", "--account", "1005", "--mode", "new", "--subdomain", "taken", "--requested-by", "admin@hooli.test")
			awaitStatus(t, "1005", "needs_subdomain")
			mustCLI(t, "signal", "1005", "choose-subdomain", "--subdomain", "hooli", "--by", "admin@hooli.test")
			awaitStatus(t, "1005", "awaiting_disclaimers")
			mustCLI(t, "signal", "1005", "accept-disclaimers", "--by", "admin@hooli.test")
			awaitStatus(t, "1005", "completed")
			save(t, "1005", "taken-subdomain-corrected")
		})
	})
}

// recordAcmePaths runs, one after another on Sell account 1001: cancelled with
// compensation, failed (requester not a Sell admin), expired by the deadline of a short
// policy, and completed. Each run creates a different subdomain so runs never share
// an account-creation idempotency key.
func recordAcmePaths(t *testing.T, c client.Client, save func(*testing.T, string, string)) {
	mustCLI(t, "start", "--account", "1001", "--mode", "new", "--subdomain", "acme-cancel", "--requested-by", "admin@acme.test")
	awaitStatus(t, "1001", "awaiting_disclaimers")
	mustCLI(t, "cancel", "1001")
	if s := awaitStatus(t, "1001", "cancelled"); !strings.Contains(s.Compensation, "released subdomain acme-cancel") {
		t.Errorf("cancelled migration's compensation = %q", s.Compensation)
	}
	save(t, "1001", "cancelled-compensated")

	mustCLI(t, "start", "--account", "1001", "--mode", "new", "--subdomain", "acme", "--requested-by", "ana@acme.test")
	if s := awaitStatus(t, "1001", "failed"); !strings.Contains(s.LastError, "only a Sell admin may start the connection") {
		t.Errorf("non-admin requester's lastError = %q", s.LastError)
	}
	save(t, "1001", "failed-not-admin")

	// The policy is recorded at start, so a short one is given to this start only.
	short := contract.DefaultPolicy()
	short.ReminderInterval, short.WaitDeadline = time.Second, 3500*time.Millisecond
	short.RetryInitialInterval, short.RetryMaxInterval = 100*time.Millisecond, time.Second
	ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
	defer cancel()
	if _, err := starter.New(c, starter.Options{Policy: short}).Start(ctx, starter.StartRequest{
		AccountID: "1001", Mode: "new", Subdomain: "acme-expire", RequestedBy: "admin@acme.test",
	}); err != nil {
		t.Fatalf("start with a short policy: %v", err)
	}
	if _, st := awaitClosed(t, c, "1001"); st != enumspb.WORKFLOW_EXECUTION_STATUS_FAILED {
		t.Fatalf("expired migration closed as %s", st)
	}
	if s := awaitStatus(t, "1001", "expired"); !strings.Contains(s.Compensation, "released subdomain acme-expire") {
		t.Errorf("expired migration's compensation = %q", s.Compensation)
	}
	save(t, "1001", "expired-deadline")

	mustCLI(t, "start", "--account", "1001", "--mode", "new", "--subdomain", "acme", "--requested-by", "admin@acme.test")
	awaitStatus(t, "1001", "awaiting_disclaimers")
	mustCLI(t, "signal", "1001", "accept-disclaimers", "--by", "admin@acme.test")
	awaitStatus(t, "1001", "completed")
	save(t, "1001", "new-completed")
}

// wantRefused runs a command that must fail with a reason containing want.
func wantRefused(t *testing.T, want string, args ...string) {
	t.Helper()
	code, _, errOut := cli(t, args...)
	if code == 0 || !strings.Contains(errOut, want) {
		t.Errorf("sellmigrate %s: exit %d, %q; want a refusal containing %q", strings.Join(args, " "), code, errOut, want)
	}
}

// assignLicense gives a person a Sell license in the simulator, as a Sell admin would.
func assignLicense(t *testing.T, simURL, account, email string) {
	t.Helper()
	resp, err := http.Post(simURL+"/_sim/sell/"+account+"/users", "application/json",
		strings.NewReader(`{"name":"Licensed Owner","email":"`+email+`","role":"user"}`))
	if err != nil {
		t.Fatalf("assign a Sell license in the simulator: %v", err)
	}
	resp.Body.Close()
	if resp.StatusCode != http.StatusCreated {
		t.Fatalf("assign a Sell license in the simulator: %s", resp.Status)
	}
}
