package platform_test

import (
	"context"
	"fmt"
	"math"
	"strings"
	"testing"

	"github.com/sellmigrate/sellmigrate/platform"
	"github.com/sellmigrate/sellmigrate/platform/sim"
)

// TestSimShowManyByExternalIDs creates users with external ids and finds them again in
// one call, whatever the case; unknown ids are absent; bad arguments never reach Zendesk.
func TestSimShowManyByExternalIDs(t *testing.T) {
	t.Parallel()
	env := newSimEnv(t)
	ctx := context.Background()
	s := env.support("globex", "owner@globex.test")
	job, err := s.CreateManyUsers(ctx, []platform.NewSupportUser{
		{Name: "Mia Moreau", Email: "mia@globex.test", Role: platform.RoleEndUser, ExternalID: "sell-1002-7"},
		{Name: "Noah Novak", Email: "noah@globex.test", Role: platform.RoleEndUser, ExternalID: "Sell-1002-8"},
	})
	if err != nil {
		t.Fatal(err)
	}
	if _, err := s.WaitJob(ctx, job.ID, nil); err != nil {
		t.Fatal(err)
	}
	users, err := s.ShowManyUsersByExternalIDs(ctx, []string{"SELL-1002-7", "sell-1002-8", "sell-1002-9"})
	if err != nil {
		t.Fatal(err)
	}
	got := map[string]string{}
	for _, u := range users {
		got[u.Email] = u.ExternalID
	}
	if len(users) != 2 || got["mia@globex.test"] != "sell-1002-7" || got["noah@globex.test"] != "Sell-1002-8" {
		t.Fatalf("show_many by external ids = %+v", users)
	}
	lee, err := s.SearchUserByEmail(ctx, "lee@globex.test")
	if err != nil || lee == nil || lee.ExternalID != "" {
		t.Fatalf("lee without an external id: %+v, %v", lee, err)
	}

	for _, bad := range [][]string{nil, make([]string, 101), {"a,b"}, {" "}} {
		if _, err := s.ShowManyUsersByExternalIDs(ctx, bad); err == nil || !strings.Contains(err.Error(), "platform:") {
			t.Errorf("ShowManyUsersByExternalIDs(%d ids) = %v, want an argument error", len(bad), err)
		}
	}
}

// TestSimCustomRoleDeleteAndCreate deletes a role nobody holds, is refused for one that
// is held, and creates the Contributor role again.
func TestSimCustomRoleDeleteAndCreate(t *testing.T) {
	t.Parallel()
	env := newSimEnv(t)
	ctx := context.Background()
	s := env.support("umbrella", "admin@umbrella.test")
	roles, err := s.CustomRoles(ctx)
	if err != nil {
		t.Fatal(err)
	}
	var contributor, light platform.CustomRole
	for _, r := range roles {
		switch r.RoleType {
		case platform.RoleTypeContributor:
			contributor = r
		case 1:
			light = r
		}
	}
	if contributor.TeamMemberCount != 2 {
		t.Fatalf("umbrella's Contributor role has %d members, want 2 (jill and chris)", contributor.TeamMemberCount)
	}
	err = s.DeleteCustomRole(ctx, contributor.ID)
	if ae, ok := platform.AsAPIError(err); !ok || ae.StatusCode != 422 || ae.Retryable() {
		t.Fatalf("deleting a held role = %v, want a 422", err)
	}
	if err := s.DeleteCustomRole(ctx, light.ID); err != nil {
		t.Fatalf("delete the Light Agent role: %v", err)
	}
	if err := s.DeleteCustomRole(ctx, light.ID); !platform.IsStatus(err, 404) {
		t.Fatalf("second delete = %v, want 404", err)
	}
	created, err := s.CreateCustomRole(ctx, platform.NewCustomRole{Name: "Light Agent", RoleType: 1})
	if err != nil || created.ID == 0 || created.RoleType != 1 || created.Name != "Light Agent" {
		t.Fatalf("CreateCustomRole = %+v, %v", created, err)
	}
	if _, err := s.CreateCustomRole(ctx, platform.NewCustomRole{Name: " "}); err == nil {
		t.Error("a role without a name was sent")
	}
}

// TestSimSellCountUsers counts accounts around page boundaries with few calls: Sell
// reports no total, so CountUsers probes pages.
func TestSimSellCountUsers(t *testing.T) {
	t.Parallel()
	env := newSimEnv(t)
	ctx := context.Background()
	cases := []struct {
		id    int64
		users int // besides the admin
	}{{3001, 0}, {3002, 98}, {3003, 99}, {3004, 100}, {3005, 199}, {3006, 200}, {3007, 999}, {3008, 3200}}
	for _, c := range cases {
		if _, err := env.sim.AddAccount(ctx, sim.AccountSpec{SellAccountID: c.id, Name: fmt.Sprintf("Count%d", c.id), Users: c.users}); err != nil {
			t.Fatal(err)
		}
	}
	cases = append(cases, struct {
		id    int64
		users int
	}{1005, 2499}, struct {
		id    int64
		users int
	}{1001, 4})
	for _, c := range cases {
		n, err := env.sell(c.id).CountUsers(ctx)
		if err != nil {
			t.Fatalf("count %d: %v", c.id, err)
		}
		if want := c.users + 1; n != want {
			t.Errorf("account %d: CountUsers = %d, want %d", c.id, n, want)
		}
		calls := int64(0)
		for _, k := range env.sim.SellUserPagesServed(c.id) {
			calls += k
		}
		pages := float64(c.users/100 + 1)
		if limit := int64(2*math.Ceil(math.Log2(pages)) + 2); calls > limit {
			t.Errorf("account %d (%d users): %d page reads, want at most %d", c.id, c.users+1, calls, limit)
		}
	}
}
