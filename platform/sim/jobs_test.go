package sim_test

import (
	"net/http"
	"testing"

	"github.com/sellmigrate/sellmigrate/platform/sim"
)

func findUser(t *testing.T, e *env, sub, auth, email string) user {
	t.Helper()
	res := decode[struct {
		Users []user `json:"users"`
		Count int    `json:"count"`
	}](t, e.do(http.MethodGet, "/zendesk/"+sub+"/api/v2/users/search?query=email:"+email, nil, supportAuth(auth)...).
		expect(t, http.StatusOK))
	if res.Count != 1 || len(res.Users) != 1 {
		t.Fatalf("search %s: %d users", email, res.Count)
	}
	return res.Users[0]
}

// TestCreateManyLeavesExistingUsersAlone: Globex's lee@globex.test is an end-user; a
// create_many that includes them reports a Failed row and changes nothing about them.
func TestCreateManyLeavesExistingUsersAlone(t *testing.T) {
	t.Parallel()
	e := start(t, sim.Config{})
	const owner = "owner@globex.test"
	roleID := e.contributorRoleID("globex", owner)
	leeBefore := findUser(t, e, "globex", owner, "lee@globex.test")

	job := e.runJob(http.MethodPost, "/zendesk/globex/api/v2/users/create_many", owner, map[string]any{"users": []map[string]any{
		{"name": "Mia Moreau", "email": "mia@globex.test", "role": "agent", "custom_role_id": roleID, "verified": true},
		{"name": "Lee Lambert", "email": "LEE@globex.test", "role": "agent", "custom_role_id": roleID},
		{"name": "No Email", "email": "not-an-email", "role": "agent"},
		{"name": "Bad Role", "email": "bad@globex.test", "role": "agent", "custom_role_id": 42},
	}})
	if len(job.Results) != 4 {
		t.Fatalf("results %+v", job.Results)
	}
	mia, lee, bad, role := job.Results[0], job.Results[1], job.Results[2], job.Results[3]
	if mia.Status != "Created" || mia.ID == 0 || mia.Index != 0 || mia.Email != "mia@globex.test" {
		t.Errorf("mia row %+v", mia)
	}
	// Like Zendesk, a Failed row carries its index, not its email.
	if lee.Status != "Failed" || lee.Error != "EmailAlreadyTaken" || lee.Index != 1 || lee.Email != "" || lee.ID != 0 {
		t.Errorf("lee row %+v", lee)
	}
	if bad.Status != "Failed" || bad.Error != "InvalidValue" || role.Status != "Failed" {
		t.Errorf("invalid rows %+v %+v", bad, role)
	}
	if leeAfter := findUser(t, e, "globex", owner, "lee@globex.test"); leeAfter != leeBefore {
		t.Errorf("lee changed: before %+v after %+v", leeBefore, leeAfter)
	}
	miaUser := findUser(t, e, "globex", owner, "mia@globex.test")
	if miaUser.Role != "agent" || miaUser.RoleType == nil || *miaUser.RoleType != 3 || miaUser.CustomRoleID == nil ||
		*miaUser.CustomRoleID != roleID || miaUser.ID != mia.ID {
		t.Errorf("mia is not a contributor: %+v", miaUser)
	}

	// Replaying the batch creates nothing and converts nobody again.
	again := e.runJob(http.MethodPost, "/zendesk/globex/api/v2/users/create_many", owner, map[string]any{"users": []map[string]any{
		{"name": "Mia Moreau", "email": "mia@globex.test", "role": "agent", "custom_role_id": roleID},
	}})
	if again.Results[0].Error != "EmailAlreadyTaken" {
		t.Errorf("replayed row %+v", again.Results[0])
	}
	entries, err := e.sim.Ledger(t.Context())
	if err != nil {
		t.Fatal(err)
	}
	if len(entries) != 1 || entries[0].Kind != sim.LedgerUserConverted || entries[0].Subject != "globex/mia@globex.test" {
		t.Fatalf("ledger %+v, want one user_converted globex/mia@globex.test", entries)
	}

	// Other user endpoints: show_many, GET/PUT by id, update_many, an unknown job.
	shown := decode[struct {
		Users []user `json:"users"`
	}](t, e.do(http.MethodGet, "/zendesk/globex/api/v2/users/show_many?ids="+itoa(mia.ID)+","+itoa(leeBefore.ID)+",1", nil,
		supportAuth(owner)...).expect(t, http.StatusOK))
	if len(shown.Users) != 2 {
		t.Errorf("show_many returned %d users, want 2", len(shown.Users))
	}
	put := decode[struct {
		User user `json:"user"`
	}](t, e.do(http.MethodPut, "/zendesk/globex/api/v2/users/"+itoa(mia.ID), map[string]any{"user": map[string]any{"name": "Mia M."}},
		supportAuth(owner)...).expect(t, http.StatusOK)).User
	if put.Name != "Mia M." || put.RoleType == nil || *put.RoleType != 3 {
		t.Errorf("PUT user %+v", put)
	}
	e.do(http.MethodPut, "/zendesk/globex/api/v2/users/"+itoa(mia.ID), map[string]any{"user": map[string]any{"email": "owner@globex.test"}},
		supportAuth(owner)...).expect(t, http.StatusUnprocessableEntity)
	upd := e.runJob(http.MethodPut, "/zendesk/globex/api/v2/users/update_many?ids="+itoa(leeBefore.ID)+",999", owner,
		map[string]any{"user": map[string]any{"role": "agent", "custom_role_id": roleID}})
	if upd.Results[0].Status != "Updated" || upd.Results[1].Error != "RecordNotFound" {
		t.Errorf("update_many results %+v", upd.Results)
	}
	if l := findUser(t, e, "globex", owner, "lee@globex.test"); l.RoleType == nil || *l.RoleType != 3 {
		t.Errorf("lee after update_many %+v", l)
	}
	if n := e.ledgerCounts()["user_converted"]; n != 2 {
		t.Errorf("user_converted = %d after promoting lee, want 2", n)
	}
	e.do(http.MethodGet, "/zendesk/globex/api/v2/job_statuses/nosuch", nil, supportAuth(owner)...).expect(t, http.StatusNotFound)
	e.do(http.MethodGet, "/zendesk/globex/api/v2/users/search?query=lambert", nil, supportAuth(owner)...).expect(t, http.StatusOK)
}
