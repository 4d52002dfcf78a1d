package e2e

import (
	"context"
	"strings"
	"testing"
	"time"

	"go.temporal.io/sdk/client"

	"github.com/sellmigrate/sellmigrate/contract"
	"github.com/sellmigrate/sellmigrate/e2e/harness"
)

// TestForgedOwnerLoginsAreRefused tries to pass an owner login off without the
// owner's own sign-in for the migration, through the real stack (CLI, API, workflow,
// credential store). Two migrations target Zendesk account proofa: A (Sell 5401) and B
// (Sell 5402). Each of these is refused with the reason, and B goes on waiting:
//
//   - an email alone (the CLI asks for a grant; the workflow itself says grantId is
//     missing, and its history does not grow);
//   - A's grant, which proofa's owner got signing in for A, sent to B;
//   - a grant of a user of proofa who is not its owner (the API revokes it);
//   - B's own grant after B went back (going back revokes it);
//   - A's grant once A completed (its end revoked it).
//
// `credentials list` shows each grant revoked when it should be, and A's history holds
// no secret of the credential store. Its accounts are its own (54xx), on the shared
// stack.
func TestForgedOwnerLoginsAreRefused(t *testing.T) {
	t.Parallel()
	d := shared(t)
	sim := d.Sim()
	sim.AddAccount(t, harness.AccountSpec{SellAccountID: 5401, Name: "Proofa", Users: 2,
		ExistingSupport: &harness.ExistingSupportSpec{Subdomain: "proofa", OwnerEmail: "owner@proofa.test", OwnerHasSellLicense: true}})
	sim.AddAccount(t, harness.AccountSpec{SellAccountID: 5402, Name: "Proofb", Users: 1})
	sim.CreateUsers(t, "proofa", "owner@proofa.test", []map[string]any{{"name": "Lee Proofa", "email": "lee@proofa.test", "role": "end-user"}})
	// proofa's owner is a Sell user of B's account too, so B takes the owner once verified.
	sim.AssignLicense(t, "5402", "Proofa Owner", "owner@proofa.test")
	harness.MustCLI(t, d, "start", "--account", "5401", "--mode", "existing", "--subdomain", "proofa",
		"--requested-by", "admin@proofa.test", "--owner-email", "owner@proofa.test")
	harness.MustCLI(t, d, "start", "--account", "5402", "--mode", "existing", "--subdomain", "proofa",
		"--requested-by", "admin@proofb.test", "--owner-email", "owner@proofa.test")
	harness.AwaitStatus(t, d, "5401", "awaiting_owner_login")
	harness.AwaitStatus(t, d, "5402", "awaiting_owner_login")
	grants := func() map[string]grantRow { return listGrants(t, d, "proofa") }

	t.Run("email alone", func(t *testing.T) {
		_, _, before := harness.LatestRun(t, d, "5402")
		harness.WantRefused(t, d, "owner-login needs --grant-id", "signal", "5402", "owner-login", "--user-email", "owner@proofa.test")
		// Past the CLI's check, straight to the workflow: its validator refuses.
		ctx, cancel := context.WithTimeout(context.Background(), time.Minute)
		defer cancel()
		h, err := harness.MustClient(t, d).UpdateWorkflow(ctx, client.UpdateWorkflowOptions{
			WorkflowID: contract.WorkflowID("5402"), UpdateName: contract.OwnerLoginName,
			Args: []any{contract.OwnerLoginInput{UserEmail: "owner@proofa.test"}}, WaitForStage: client.WorkflowUpdateStageCompleted,
		})
		if err == nil {
			err = h.Get(ctx, nil)
		}
		if err == nil || !strings.Contains(err.Error(), "grantId is missing") {
			t.Errorf("an email-only owner-login sent to the workflow: %v, want refused with \"grantId is missing\"", err)
		}
		if _, _, after := harness.LatestRun(t, d, "5402"); after != before {
			t.Errorf("the refused owner-login grew the history from %d to %d events", before, after)
		}
	})
	if s := harness.StatusNow(t, d, "5402"); s.Status != "awaiting_owner_login" {
		t.Fatalf("after the email-only owner-login 5402 is %s, want awaiting_owner_login", s.Status)
	}

	// The owner signs in for A: A goes on, and its grant is stored.
	harness.MustCLI(t, d, "signal", "5401", "owner-login", "--as", "owner@proofa.test", "--password", harness.DemoPassword)
	harness.AwaitStatus(t, d, "5401", "awaiting_disclaimers")
	grantA := onlyNew(t, grants(), nil, "owner@proofa.test", "A's sign-in")

	harness.WantRefused(t, d, "another migration", "signal", "5402", "owner-login", "--grant-id", grantA.id)
	harness.AwaitStatus(t, d, "5402", "awaiting_owner_login")

	before := grants()
	harness.WantRefused(t, d, "lee@proofa.test signed in to proofa but is not its account owner",
		"signal", "5402", "owner-login", "--as", "lee@proofa.test", "--password", harness.DemoPassword)
	if lee := onlyNew(t, grants(), before, "lee@proofa.test", "the non-owner's sign-in"); !lee.revoked {
		t.Errorf("the non-owner's grant %s is not revoked after the refusal: %+v", lee.id, lee)
	}
	harness.AwaitStatus(t, d, "5402", "awaiting_owner_login")

	// B's own grant, once B went back, is spent.
	before = grants()
	harness.MustCLI(t, d, "signal", "5402", "owner-login", "--as", "owner@proofa.test", "--password", harness.DemoPassword)
	harness.AwaitStatus(t, d, "5402", "awaiting_disclaimers")
	grantB := onlyNew(t, grants(), before, "owner@proofa.test", "B's sign-in")
	harness.MustCLI(t, d, "signal", "5402", "back", "--by", "admin@proofb.test")
	harness.AwaitStatus(t, d, "5402", "needs_subdomain")
	awaitRevoked(t, d, grantB.id)
	harness.MustCLI(t, d, "signal", "5402", "choose-subdomain", "--subdomain", "proofa", "--by", "admin@proofb.test")
	harness.AwaitStatus(t, d, "5402", "awaiting_owner_login")
	harness.WantRefused(t, d, "can no longer be used", "signal", "5402", "owner-login", "--grant-id", grantB.id)

	// A completes: its grant is revoked, and worth nothing to B.
	if g := grants()[grantA.id]; g.revoked {
		t.Errorf("A's grant is revoked while A still runs: %+v", g)
	}
	harness.MustCLI(t, d, "signal", "5401", "accept-disclaimers", "--by", "admin@proofa.test")
	runID, _ := harness.AwaitClosed(t, d, "5401")
	if s := harness.AwaitStatus(t, d, "5401", "completed"); s.OwnerEmail != "owner@proofa.test" {
		t.Errorf("A's owner email %q, want owner@proofa.test", s.OwnerEmail)
	}
	awaitRevoked(t, d, grantA.id)
	harness.WantRefused(t, d, "another migration", "signal", "5402", "owner-login", "--grant-id", grantA.id)
	if s := harness.StatusNow(t, d, "5402"); s.Status != "awaiting_owner_login" {
		t.Errorf("after the forged logins 5402 is %s, want awaiting_owner_login", s.Status)
	}
	harness.RequireNoSecrets(t, harness.History(t, d, "5401", runID), "migration 5401", append(append(harness.DemoSecrets(), d.Secrets()...), d.StoredSecrets(t)...))
	harness.MustCLI(t, d, "cancel", "5402")
	harness.AwaitStatus(t, d, "5402", "cancelled")
}

// grantRow is one row of `sellmigrate credentials list`.
type grantRow struct {
	id, kind, email string
	revoked         bool
}

// listGrants reads `sellmigrate credentials list --subdomain S` against dev's store.
func listGrants(t *testing.T, d *harness.Dev, subdomain string) map[string]grantRow {
	t.Helper()
	out := harness.MustCLI(t, d, "credentials", "list", "--subdomain", subdomain, "--data-dir", d.Opts.DataDir)
	rows := map[string]grantRow{}
	for _, line := range strings.Split(out, "\n") {
		f := strings.Fields(line)
		if len(f) < 8 || !strings.HasPrefix(f[0], "cred_") {
			continue
		}
		// ID KIND SUBDOMAIN EMAIL CREATED EXPIRES REVOKED KEY; a time is "YYYY-MM-DD
		// HH:MM:SSZ" (two fields), none is "-".
		times := f[4 : len(f)-1]
		times = times[2:] // created
		if len(times) > 0 && times[0] != "-" {
			times = times[2:] // expires
		} else if len(times) > 0 {
			times = times[1:]
		}
		rows[f[0]] = grantRow{id: f[0], kind: f[1], email: f[3], revoked: len(times) > 0 && times[0] != "-"}
	}
	return rows
}

// onlyNew is the one owner grant of email in now that was not in before.
func onlyNew(t *testing.T, now, before map[string]grantRow, email, what string) grantRow {
	t.Helper()
	var found []grantRow
	for id, g := range now {
		if _, old := before[id]; !old && g.kind == "owner_grant" && g.email == email {
			found = append(found, g)
		}
	}
	if len(found) != 1 {
		t.Fatalf("%s: want one new owner grant of %s in credentials list, found %+v (all: %+v)", what, email, found, now)
	}
	return found[0]
}

// awaitRevoked waits until credentials list shows the grant revoked: the migration
// revokes it in an activity of its own.
func awaitRevoked(t *testing.T, d *harness.Dev, id string) {
	t.Helper()
	deadline := time.Now().Add(time.Minute)
	for {
		g, ok := listGrants(t, d, "proofa")[id]
		if ok && g.revoked {
			return
		}
		if time.Now().After(deadline) {
			t.Fatalf("grant %s is not revoked within a minute: %+v", id, g)
		}
		time.Sleep(500 * time.Millisecond)
	}
}
