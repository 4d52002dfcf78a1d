package e2e

import (
	"net/http"
	"slices"
	"strings"
	"testing"

	"github.com/sellmigrate/sellmigrate/e2e/harness"
)

// TestNeedsAttentionThenRetry takes Globex's Contributor role away (as an admin could
// in Zendesk) before its conversion: past the link the migration does not fail but
// waits in needs_attention, naming the missing role and saying an operator must retry,
// and takes nothing but retry. A retry before the role is back parks it again with the
// same advice; once an admin recreates the role, `sellmigrate retry` finishes it, and
// lee@globex.test is still reported for reactivation. Shared stack, demo account 1002.
func TestNeedsAttentionThenRetry(t *testing.T) {
	t.Parallel()
	d := shared(t)
	sim := d.Sim()

	var roles struct {
		CustomRoles []struct {
			ID       int64  `json:"id"`
			Name     string `json:"name"`
			RoleType int    `json:"role_type"`
		} `json:"custom_roles"`
	}
	sim.Support(t, http.MethodGet, "globex", "owner@globex.test", "/api/v2/custom_roles", nil, &roles)
	deleted := false
	for _, r := range roles.CustomRoles {
		if r.Name == "Contributor" {
			sim.Support(t, http.MethodDelete, "globex", "owner@globex.test", "/api/v2/custom_roles/"+itoa(r.ID), nil, nil, http.StatusNoContent)
			deleted = true
		}
	}
	if !deleted {
		t.Fatalf("globex has no Contributor role to delete: %+v", roles)
	}

	harness.MustCLI(t, d, "start", "--account", "1002", "--mode", "existing", "--subdomain", "globex",
		"--requested-by", "admin@globex.test", "--owner-email", "owner@globex.test")
	harness.AwaitStatus(t, d, "1002", "awaiting_owner_login")
	harness.MustCLI(t, d, "signal", "1002", "owner-login", "--as", "owner@globex.test", "--password", harness.DemoPassword)
	harness.AwaitStatus(t, d, "1002", "awaiting_disclaimers")
	harness.MustCLI(t, d, "signal", "1002", "accept-disclaimers", "--by", "admin@globex.test")

	parked := harness.AwaitStatus(t, d, "1002", "needs_attention")
	checkParked := func(s harness.StatusJSON) {
		t.Helper()
		if s.Step != "contributors" || !strings.Contains(s.LastError, "no Contributor custom role") ||
			!strings.Contains(s.LastError, "globex") {
			t.Errorf("needs_attention at step %s, lastError %q; want the contributors step and the missing Contributor role of globex", s.Step, s.LastError)
		}
		if w := s.Waiting(); !strings.Contains(w, "an operator") || !strings.Contains(w, "sellmigrate retry 1002") {
			t.Errorf("waitingFor %q; want it to say an operator must retry (sellmigrate retry 1002)", w)
		}
		if !slices.Equal(s.AllowedInputs, []string{"retry"}) {
			t.Errorf("allowedInputs %q, want [retry]", s.AllowedInputs)
		}
	}
	checkParked(parked)
	// Linked already: nothing to undo, nothing may fail half-way; other inputs are refused.
	harness.WantRefused(t, d, "accept-disclaimers is not expected now", "signal", "1002", "accept-disclaimers", "--by", "admin@globex.test")

	// Retry before the role is back, through the HTTP API as ops: taken, and the
	// migration parks again with the same advice.
	api := apiClient{t: t, base: d.APIURL, http: &http.Client{}}
	api.want(403, "forbidden", "POST", "/api/v1/migrations/1002/actions/retry", asViewer, "application/json", `{"by":"ops@example.test"}`)
	r := api.want(200, "", "POST", "/api/v1/migrations/1002/actions/retry", asOps, "application/json", `{"by":"ops@example.test"}`)
	if m := r.json(t); m["status"] == "needs_attention" {
		t.Errorf("the retry's answer shows the migration still parked: %s", r.body)
	}
	again := harness.Await(t, d, "1002", "parked again after the first retry", func(s harness.StatusJSON) bool {
		return s.Status == "needs_attention" && len(s.Inputs) > 0 && s.Inputs[len(s.Inputs)-1].Name == "retry"
	})
	checkParked(again)
	if in := again.Inputs[len(again.Inputs)-1]; !in.Accepted || in.By != "ops@example.test" {
		t.Errorf("the first retry is recorded as %+v, want accepted, by ops@example.test", in)
	}

	// An admin recreates the role; the operator retries; it completes.
	sim.Support(t, http.MethodPost, "globex", "owner@globex.test", "/api/v2/custom_roles",
		map[string]any{"custom_role": map[string]any{"name": "Contributor", "role_type": 3}}, nil)
	out := harness.MustCLI(t, d, "retry", "1002", "--by", "ops@example.test")
	if !strings.Contains(out, "retry accepted") {
		t.Errorf("retry printed %q", out)
	}
	s := harness.AwaitStatus(t, d, "1002", "completed")
	if r := s.Result; r == nil || r.UsersConverted != 6 || !slices.Equal(r.NeedsReactivation, []string{"lee@globex.test"}) {
		t.Errorf("1002 result = %+v; want 6 converted and lee@globex.test reported for reactivation", s.Result)
	}
	retries := 0
	for _, in := range s.Inputs {
		if in.Name == "retry" && in.Accepted {
			retries++
		}
	}
	if retries != 2 || s.LastError != "" {
		t.Errorf("completed with %d retries recorded and lastError %q; want 2 and none", retries, s.LastError)
	}
	byKind, bySubject := sim.LedgerCounts(t, "globex")
	if byKind["user_converted"] != 6 || byKind["account_linked"] != 1 {
		t.Errorf("globex ledger %v, want 6 users converted and one link", byKind)
	}
	for subject, n := range bySubject {
		if n != 1 {
			t.Errorf("side effect %q happened %d times", subject, n)
		}
	}
}
