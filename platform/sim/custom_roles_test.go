package sim_test

import (
	"net/http"
	"testing"

	"github.com/sellmigrate/sellmigrate/platform/sim"
)

type roleJSON struct {
	ID              int64  `json:"id"`
	Name            string `json:"name"`
	RoleType        int    `json:"role_type"`
	TeamMemberCount int    `json:"team_member_count"`
}

func (e *env) customRoles(sub, auth string) []roleJSON {
	e.t.Helper()
	return decode[struct {
		CustomRoles []roleJSON `json:"custom_roles"`
	}](e.t, e.do(http.MethodGet, "/zendesk/"+sub+"/api/v2/custom_roles", nil, supportAuth(auth)...).expect(e.t, http.StatusOK)).CustomRoles
}

// TestCustomRoleDeleteAndRecreate: a role nobody holds can be deleted (204, then 404);
// a role with members cannot (422); only admins manage roles; a create_many naming a
// deleted role fails its rows; the role can be created again and used.
func TestCustomRoleDeleteAndRecreate(t *testing.T) {
	t.Parallel()
	e := start(t, sim.Config{})
	const owner = "owner@initech.test"
	base := "/zendesk/initech/api/v2/custom_roles"
	roleID := e.contributorRoleID("initech", owner)

	// An agent who is not an admin may not touch roles.
	e.runJob(http.MethodPost, "/zendesk/initech/api/v2/users/create_many", owner, map[string]any{"users": []map[string]any{
		{"name": "Peter Gibbons", "email": "peter@initech.test", "role": "agent", "custom_role_id": roleID},
	}})
	e.do(http.MethodDelete, base+"/"+itoa(roleID), nil, supportAuth("peter@initech.test")...).expect(t, http.StatusForbidden)
	e.do(http.MethodPost, base, map[string]any{"custom_role": map[string]any{"name": "X"}}, supportAuth("peter@initech.test")...).
		expect(t, http.StatusForbidden)

	// Peter holds the Contributor role: it cannot be deleted.
	for _, r := range e.customRoles("initech", owner) {
		if r.ID == roleID && r.TeamMemberCount != 1 {
			t.Errorf("team_member_count %d, want 1", r.TeamMemberCount)
		}
	}
	e.do(http.MethodDelete, base+"/"+itoa(roleID), nil, supportAuth(owner)...).expect(t, http.StatusUnprocessableEntity)

	// Taken off him, the role goes; a second delete finds nothing.
	peter := findUserIn(t, e, "initech", owner, "peter@initech.test")
	e.do(http.MethodPut, "/zendesk/initech/api/v2/users/"+itoa(peter), map[string]any{"user": map[string]any{"role": "end-user"}},
		supportAuth(owner)...).expect(t, http.StatusOK)
	e.do(http.MethodDelete, base+"/"+itoa(roleID), nil, supportAuth(owner)...).expect(t, http.StatusNoContent)
	e.do(http.MethodDelete, base+"/"+itoa(roleID), nil, supportAuth(owner)...).expect(t, http.StatusNotFound)
	for _, r := range e.customRoles("initech", owner) {
		if r.ID == roleID || r.Name == "Contributor" {
			t.Fatalf("deleted role still listed: %+v", r)
		}
	}
	gone := e.runJob(http.MethodPost, "/zendesk/initech/api/v2/users/create_many", owner, map[string]any{"users": []map[string]any{
		{"name": "Samir", "email": "samir@initech.test", "role": "agent", "custom_role_id": roleID},
	}})
	if r := gone.Results[0]; r.Status != "Failed" || r.Error != "InvalidValue" {
		t.Errorf("create_many with a deleted role: %+v", r)
	}

	// Recreated, it is a contributor role again; its name is unique.
	e.do(http.MethodPost, base, map[string]any{"custom_role": map[string]any{"name": "  "}}, supportAuth(owner)...).
		expect(t, http.StatusUnprocessableEntity)
	e.do(http.MethodPost, base, map[string]any{"custom_role": map[string]any{"name": "Boss", "role_type": 4}}, supportAuth(owner)...).
		expect(t, http.StatusUnprocessableEntity)
	created := decode[struct {
		CustomRole roleJSON `json:"custom_role"`
	}](t, e.do(http.MethodPost, base, map[string]any{"custom_role": map[string]any{
		"name": "Contributor", "role_type": 3, "description": "Sell users", "configuration": map[string]any{"ticket_access": "all"},
	}}, supportAuth(owner)...).expect(t, http.StatusOK)).CustomRole
	if created.ID == 0 || created.ID == roleID || created.RoleType != 3 {
		t.Errorf("recreated role %+v (ids are never reused)", created)
	}
	e.do(http.MethodPost, base, map[string]any{"custom_role": map[string]any{"name": "contributor"}}, supportAuth(owner)...).
		expect(t, http.StatusUnprocessableEntity)
	if got := e.contributorRoleID("initech", owner); got != created.ID {
		t.Errorf("Contributor role %d, want %d", got, created.ID)
	}
	ok := e.runJob(http.MethodPost, "/zendesk/initech/api/v2/users/create_many", owner, map[string]any{"users": []map[string]any{
		{"name": "Samir", "email": "samir@initech.test", "role": "agent", "custom_role_id": created.ID},
	}})
	if r := ok.Results[0]; r.Status != "Created" {
		t.Errorf("create_many with the recreated role: %+v", r)
	}
}

func findUserIn(t *testing.T, e *env, sub, auth, email string) int64 {
	t.Helper()
	res := decode[extUsers](t, e.do(http.MethodGet, "/zendesk/"+sub+"/api/v2/users/search?query=email:"+email, nil, supportAuth(auth)...).
		expect(t, http.StatusOK))
	if len(res.Users) != 1 {
		t.Fatalf("search %s in %s: %+v", email, sub, res)
	}
	return res.Users[0].ID
}
