package sim_test

import (
	"net/http"
	"strings"
	"testing"

	"github.com/sellmigrate/sellmigrate/platform/sim"
)

// extUser is a Support user with the external_id the tests here look at.
type extUser struct {
	ID         int64   `json:"id"`
	Email      string  `json:"email"`
	ExternalID *string `json:"external_id"`
}

type extUsers struct {
	Users []extUser `json:"users"`
	Count int       `json:"count"`
}

func (e *env) showManyExternal(sub, auth, ids string) response {
	e.t.Helper()
	return e.do(http.MethodGet, "/zendesk/"+sub+"/api/v2/users/show_many?external_ids="+ids, nil, supportAuth(auth)...)
}

// TestExternalIDsAreStoredAndFoundCaseInsensitively: create_many keeps each external_id
// as written; show_many?external_ids= finds users in any case and leaves unknown ids out;
// a second user cannot take an external_id, and a failed row names its index only.
func TestExternalIDsAreStoredAndFoundCaseInsensitively(t *testing.T) {
	t.Parallel()
	e := start(t, sim.Config{})
	const owner = "owner@globex.test"
	roleID := e.contributorRoleID("globex", owner)

	job := e.runJob(http.MethodPost, "/zendesk/globex/api/v2/users/create_many", owner, map[string]any{"users": []map[string]any{
		{"name": "Mia Moreau", "email": "mia@globex.test", "role": "agent", "custom_role_id": roleID, "external_id": "Sell-1002-7"},
		{"name": "Noah Novak", "email": "noah@globex.test", "role": "agent", "custom_role_id": roleID, "external_id": "sell-1002-8"},
		{"name": "Copy Cat", "email": "copy@globex.test", "role": "agent", "external_id": "SELL-1002-7"},
		{"name": "No Id", "email": "noid@globex.test", "role": "end-user", "external_id": "  "},
	}})
	if len(job.Results) != 4 {
		t.Fatalf("results %+v", job.Results)
	}
	if dup := job.Results[2]; dup.Status != "Failed" || dup.Error != "DuplicateValue" || dup.Index != 2 || dup.Email != "" || dup.ID != 0 {
		t.Errorf("duplicate external_id row %+v", dup)
	}
	for _, i := range []int{0, 1, 3} {
		if r := job.Results[i]; r.Status != "Created" {
			t.Errorf("row %d %+v", i, r)
		}
	}

	found := decode[extUsers](t, e.showManyExternal("globex", owner, "SELL-1002-7,sell-1002-8,sell-1002-999").expect(t, http.StatusOK))
	if found.Count != 2 || len(found.Users) != 2 {
		t.Fatalf("show_many by external ids: %+v", found)
	}
	if u := found.Users[0]; u.Email != "mia@globex.test" || u.ExternalID == nil || *u.ExternalID != "Sell-1002-7" {
		t.Errorf("mia %+v: the external_id is kept as written", u)
	}
	if noID := findExtUser(t, e, owner, "noid@globex.test"); noID.ExternalID != nil {
		t.Errorf("a blank external_id is stored as none, got %q", *noID.ExternalID)
	}
	if lee := findExtUser(t, e, owner, "lee@globex.test"); lee.ExternalID != nil {
		t.Errorf("lee has no external_id, got %q", *lee.ExternalID)
	}

	// PUT may set, clear and not steal an external_id.
	lee := findExtUser(t, e, owner, "lee@globex.test")
	path := "/zendesk/globex/api/v2/users/" + itoa(lee.ID)
	e.do(http.MethodPut, path, map[string]any{"user": map[string]any{"external_id": "sell-1002-8"}}, supportAuth(owner)...).
		expect(t, http.StatusUnprocessableEntity)
	set := decode[struct {
		User extUser `json:"user"`
	}](t, e.do(http.MethodPut, path, map[string]any{"user": map[string]any{"external_id": "crm-lee"}}, supportAuth(owner)...).expect(t, http.StatusOK))
	if set.User.ExternalID == nil || *set.User.ExternalID != "crm-lee" {
		t.Errorf("PUT external_id: %+v", set.User)
	}
	cleared := decode[struct {
		User extUser `json:"user"`
	}](t, e.do(http.MethodPut, path, map[string]any{"user": map[string]any{"external_id": nil}}, supportAuth(owner)...).expect(t, http.StatusOK))
	if cleared.User.ExternalID != nil {
		t.Errorf("PUT external_id null left %q", *cleared.User.ExternalID)
	}
}

// TestShowManyExternalIDsLimits: at most 100 ids, not empty, not mixed with ids=.
func TestShowManyExternalIDsLimits(t *testing.T) {
	t.Parallel()
	e := start(t, sim.Config{})
	const owner = "owner@globex.test"
	ids := make([]string, 101)
	for i := range ids {
		ids[i] = "x" + itoa(int64(i))
	}
	e.showManyExternal("globex", owner, strings.Join(ids, ",")).expect(t, http.StatusBadRequest)
	e.showManyExternal("globex", owner, strings.Join(ids[:100], ",")).expect(t, http.StatusOK)
	e.showManyExternal("globex", owner, ",").expect(t, http.StatusBadRequest)
	e.do(http.MethodGet, "/zendesk/globex/api/v2/users/show_many?ids=1&external_ids=a", nil, supportAuth(owner)...).
		expect(t, http.StatusBadRequest)
	// Another account's users are not visible.
	if got := decode[extUsers](t, e.showManyExternal("initech", "owner@initech.test", "a,b").expect(t, http.StatusOK)); got.Count != 0 {
		t.Errorf("initech sees %+v", got)
	}
}

func findExtUser(t *testing.T, e *env, auth, email string) extUser {
	t.Helper()
	res := decode[extUsers](t, e.do(http.MethodGet, "/zendesk/globex/api/v2/users/search?query=email:"+email, nil, supportAuth(auth)...).
		expect(t, http.StatusOK))
	if len(res.Users) != 1 {
		t.Fatalf("search %s: %+v", email, res)
	}
	return res.Users[0]
}
