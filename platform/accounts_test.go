package platform

import (
	"context"
	"strings"
	"testing"

	"github.com/sellmigrate/sellmigrate/platform/sim"
)

func TestAccountsAvailable(t *testing.T) {
	t.Parallel()
	c, _ := newSimClient(t)
	ctx := context.Background()
	for sub, want := range map[string]bool{"globex": false, "taken": false, "newco": true, "Bad_Name": false, "a b": false} {
		got, err := c.Accounts().Available(ctx, sub)
		if err != nil {
			t.Fatalf("Available(%q): %v", sub, err)
		}
		if got != want {
			t.Errorf("Available(%q) = %v, want %v", sub, got, want)
		}
	}
}

func TestAccountsCreateIsIdempotentWithAKey(t *testing.T) {
	t.Parallel()
	c, s := newSimClient(t)
	ctx := context.Background()
	na := NewAccount{Name: "Newco", Subdomain: "newco", OwnerName: "Ada Admin", OwnerEmail: "admin@newco.test"}

	first, err := c.Accounts().Create(ctx, na, "migration-1001-create")
	if err != nil {
		t.Fatal(err)
	}
	if a := first.Account; a.Subdomain != "newco" || a.Name != "Newco" || a.URL == "" || a.OwnerID == 0 || first.OwnerToken == "" {
		t.Errorf("created %+v with owner token %t", a, first.OwnerToken != "")
	}
	again, err := c.Accounts().Create(ctx, na, "migration-1001-create")
	if err != nil {
		t.Fatalf("replay with the same key: %v", err)
	}
	if n := ledgerCount(t, s, sim.LedgerAccountCreated, "newco"); again != first || n != 1 {
		t.Errorf("replay gave %+v after %d creations; want the first answer (owner token too) and one creation", again.Account, n)
	}

	// Without the key the second call is a new creation attempt, and the name is taken.
	_, err = c.Accounts().Create(ctx, na, "")
	ae := mustAPIError(t, err, 422)
	if ae.FieldCode("subdomain") != "DuplicateValue" || ae.Retryable() {
		t.Errorf("taken: %+v", ae)
	}
	want := "zendesk support POST /api/v2/accounts: 422 RecordInvalid: subdomain: Subdomain has already been taken"
	if err.Error() != want {
		t.Errorf("Error()\n got %s\nwant %s", err, want)
	}
}

func TestAccountsCreateRejections(t *testing.T) {
	t.Parallel()
	c, s := newSimClient(t)
	ctx := context.Background()

	_, err := c.Accounts().Create(ctx, NewAccount{Name: "X", Subdomain: "no_underscores", OwnerEmail: "a@x.test"}, "k1")
	if ae := mustAPIError(t, err, 422); ae.FieldCode("subdomain") != "InvalidValue" {
		t.Errorf("malformed: %+v", ae)
	}
	_, err = c.Accounts().Create(ctx, NewAccount{Name: "X", Subdomain: "x"}, "")
	if err == nil || !strings.Contains(err.Error(), "owner email") {
		t.Errorf("missing owner email: %v", err)
	}
	if n := ledgerCount(t, s, sim.LedgerAccountCreated, ""); n != 0 {
		t.Errorf("%d accounts created", n)
	}
}
