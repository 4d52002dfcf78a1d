package platform_test

import (
	"context"
	"errors"
	"testing"

	"github.com/sellmigrate/sellmigrate/platform"
	"github.com/sellmigrate/sellmigrate/platform/sim"
)

// TestSimCreateUserAndEmailTaken: on Stark's account (bulk imports off) create_many is
// recognised as refused for that reason, CreateUser creates a contributor and returns
// it, and creating the same email again is recognised as taken, not as any other 422.
func TestSimCreateUserAndEmailTaken(t *testing.T) {
	t.Parallel()
	e := newSimEnv(t)
	ctx := context.Background()
	owner := e.support("stark", "owner@stark.test")
	roleID := contributorRole(t, owner)
	nu := platform.NewSupportUser{Name: "Stark User 0001", Email: "user0001@stark.test", Role: platform.RoleAgent,
		CustomRoleID: &roleID, Verified: true, ExternalID: "sell-1007-9"}

	_, err := owner.CreateManyUsers(ctx, []platform.NewSupportUser{nu})
	if !platform.IsBulkImportsDisabled(err) || platform.IsEmailTaken(err) {
		t.Fatalf("create_many on stark: %v; want the bulk-imports-disabled 403", err)
	}

	u, err := owner.CreateUser(ctx, nu)
	if err != nil {
		t.Fatalf("CreateUser: %v", err)
	}
	if u.ID == 0 || u.Email != nu.Email || !u.IsContributor() || u.ExternalID != nu.ExternalID {
		t.Errorf("created %+v, want a contributor with external id %s", u, nu.ExternalID)
	}
	if n := e.ledgerCount(t, sim.LedgerUserConverted, "stark/"); n != 1 {
		t.Errorf("ledger has %d conversions in stark, want 1", n)
	}

	_, err = owner.CreateUser(ctx, platform.NewSupportUser{Name: "Other", Email: "USER0001@stark.test", Role: platform.RoleEndUser})
	if !platform.IsEmailTaken(err) || platform.IsBulkImportsDisabled(err) {
		t.Fatalf("second CreateUser with the same email: %v; want IsEmailTaken", err)
	}
	_, err = owner.CreateUser(ctx, platform.NewSupportUser{Name: "Copy", Email: "copy@stark.test", Role: platform.RoleAgent, ExternalID: "sell-1007-9"})
	if err == nil || platform.IsEmailTaken(err) {
		t.Fatalf("a taken external id: %v; want a 422 that is not IsEmailTaken", err)
	}
	if n := e.ledgerCount(t, sim.LedgerUserConverted, "stark/"); n != 1 {
		t.Errorf("ledger has %d conversions in stark after two refusals, want 1", n)
	}
}

// TestBulkImportsDisabledOnlyMatchesThat403: another 403 (a token without access) is
// not mistaken for imports being off, and neither is a 422.
func TestBulkImportsDisabledOnlyMatchesThat403(t *testing.T) {
	t.Parallel()
	for _, c := range []struct {
		err  error
		want bool
	}{
		{&platform.APIError{StatusCode: 403, Code: "Forbidden", Message: "Data imports are not enabled"}, true},
		{&platform.APIError{StatusCode: 403, Code: "Forbidden", Message: "You do not have access to this page"}, false},
		{&platform.APIError{StatusCode: 422, Message: "Data imports are not enabled"}, false},
		{errors.New("data imports are not enabled"), false},
	} {
		if got := platform.IsBulkImportsDisabled(c.err); got != c.want {
			t.Errorf("IsBulkImportsDisabled(%v) = %v, want %v", c.err, got, c.want)
		}
	}
}

func contributorRole(t *testing.T, s *platform.Support) int64 {
	t.Helper()
	roles, err := s.CustomRoles(context.Background())
	if err != nil {
		t.Fatal(err)
	}
	for _, r := range roles {
		if r.RoleType == platform.RoleTypeContributor {
			return r.ID
		}
	}
	t.Fatalf("no contributor role in %+v", roles)
	return 0
}
