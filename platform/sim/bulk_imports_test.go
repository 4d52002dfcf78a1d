package sim_test

import (
	"encoding/json"
	"net/http"
	"testing"
	"time"

	"github.com/sellmigrate/sellmigrate/platform/sim"
)

// supportErr is a Support error body with its details.
type supportErr struct {
	Error       string `json:"error"`
	Description string `json:"description"`
	Details     map[string][]struct {
		Description string `json:"description"`
		Error       string `json:"error"`
	} `json:"details"`
}

// TestBulkImportsOffRefusesCreateMany: Stark's demo account (and an AccountSpec with
// bulkImportsDisabled) answer create_many with Zendesk's 403 and create nobody; an
// account with bulk imports on (Globex) runs the job.
func TestBulkImportsOffRefusesCreateMany(t *testing.T) {
	t.Parallel()
	e := start(t, sim.Config{})
	batch := map[string]any{"users": []map[string]any{{"name": "Stark User 0001", "email": "user0001@stark.test", "role": "agent"}}}
	r := e.do(http.MethodPost, "/zendesk/stark/api/v2/users/create_many", batch, supportAuth("owner@stark.test")...).
		expect(t, http.StatusForbidden)
	if body := decode[supportErr](t, r); body.Error != "Forbidden" || body.Description != "Data imports are not enabled" {
		t.Errorf("403 body %s, want Zendesk's Forbidden / Data imports are not enabled", r.body)
	}
	if n := e.ledgerCounts()["user_converted"]; n != 0 {
		t.Errorf("a refused create_many converted %d users", n)
	}

	e.do(http.MethodPost, "/_sim/accounts", map[string]any{"sellAccountId": 2101, "name": "Rhodes", "users": 2,
		"existingSupport": map[string]any{"subdomain": "rhodes", "ownerEmail": "owner@rhodes.test", "bulkImportsDisabled": true}}).
		expect(t, http.StatusCreated)
	e.do(http.MethodPost, "/zendesk/rhodes/api/v2/users/create_many", batch, supportAuth("owner@rhodes.test")...).
		expect(t, http.StatusForbidden)

	job := e.runJob(http.MethodPost, "/zendesk/globex/api/v2/users/create_many", "owner@globex.test", map[string]any{
		"users": []map[string]any{{"name": "Mia Moreau", "email": "mia@globex.test", "role": "agent"}}})
	if len(job.Results) != 1 || job.Results[0].Status != "Created" {
		t.Errorf("globex (bulk imports on) create_many %+v", job.Results)
	}
}

// TestCreateUserOneAtATime: POST /api/v2/users works with bulk imports off, answers 201
// with the user as asked (external_id, role, custom role, verified), records one
// user_converted, and answers a second user with the same email 422 DuplicateValue,
// changing nothing.
func TestCreateUserOneAtATime(t *testing.T) {
	t.Parallel()
	e := start(t, sim.Config{})
	const owner = "owner@stark.test"
	roleID := e.contributorRoleID("stark", owner)
	newUser := map[string]any{"user": map[string]any{"name": "Stark User 0001", "email": "User0001@stark.test",
		"role": "agent", "custom_role_id": roleID, "verified": true, "external_id": "sell-1007-42"}}
	r := e.do(http.MethodPost, "/zendesk/stark/api/v2/users", newUser, supportAuth(owner)...).expect(t, http.StatusCreated)
	created := decode[struct {
		User struct {
			user
			ExternalID *string `json:"external_id"`
		} `json:"user"`
	}](t, r).User
	if created.ID == 0 || created.Email != "user0001@stark.test" || created.Role != "agent" || created.CustomRoleID == nil ||
		*created.CustomRoleID != roleID || created.RoleType == nil || *created.RoleType != 3 || !created.Verified ||
		created.ExternalID == nil || *created.ExternalID != "sell-1007-42" {
		t.Errorf("created user %+v", created)
	}
	if n := e.ledgerCounts()["user_converted"]; n != 1 {
		t.Errorf("user_converted %d after one create, want 1", n)
	}

	again := map[string]any{"user": map[string]any{"name": "Someone Else", "email": "user0001@stark.test", "role": "end-user"}}
	r = e.do(http.MethodPost, "/zendesk/stark/api/v2/users", again, supportAuth(owner)...).expect(t, http.StatusUnprocessableEntity)
	body := decode[supportErr](t, r)
	email := body.Details["email"]
	if body.Error != "RecordInvalid" || body.Description != "Record validation errors" || len(email) != 1 ||
		email[0].Error != "DuplicateValue" || email[0].Description != "Email: user0001@stark.test is already being used by another user" {
		t.Errorf("duplicate email answer %s", r.body)
	}
	if n := e.ledgerCounts()["user_converted"]; n != 1 {
		t.Errorf("user_converted %d after a refused create, want 1", n)
	}

	// Other refusals are 422 on their own field.
	r = e.do(http.MethodPost, "/zendesk/stark/api/v2/users", map[string]any{"user": map[string]any{
		"name": "Copy", "email": "copy@stark.test", "role": "agent", "external_id": "SELL-1007-42"}}, supportAuth(owner)...).
		expect(t, http.StatusUnprocessableEntity)
	if d := decode[supportErr](t, r).Details["external_id"]; len(d) != 1 || d[0].Error != "DuplicateValue" {
		t.Errorf("duplicate external_id answer %s", r.body)
	}
	r = e.do(http.MethodPost, "/zendesk/stark/api/v2/users", map[string]any{"user": map[string]any{"name": "  ", "email": "blank@stark.test"}},
		supportAuth(owner)...).expect(t, http.StatusUnprocessableEntity)
	if d := decode[supportErr](t, r).Details["name"]; len(d) != 1 || d[0].Error != "InvalidValue" {
		t.Errorf("blank name answer %s", r.body)
	}
	e.do(http.MethodPost, "/zendesk/stark/api/v2/users", json.RawMessage(`{"users":[]}`), supportAuth(owner)...).
		expect(t, http.StatusBadRequest)
	e.do(http.MethodPost, "/zendesk/stark/api/v2/users", newUser).expect(t, http.StatusUnauthorized)
}

// TestCreateUserIsRateLimited: creating users one at a time counts against the
// account's Support rate limit like every other Support call.
func TestCreateUserIsRateLimited(t *testing.T) {
	t.Parallel()
	if now := time.Now(); now.Second() >= 58 {
		time.Sleep(now.Truncate(time.Minute).Add(time.Minute).Sub(now))
	}
	e := start(t, sim.Config{RateLimitPerMinute: 2})
	const owner = "owner@stark.test"
	for i, want := range []int{http.StatusCreated, http.StatusCreated, http.StatusTooManyRequests} {
		r := e.do(http.MethodPost, "/zendesk/stark/api/v2/users", map[string]any{"user": map[string]any{
			"name": "Stark User", "email": []string{"a@stark.test", "b@stark.test", "c@stark.test"}[i]}}, supportAuth(owner)...)
		if r.status != want {
			t.Fatalf("create %d: status %d, want %d; body %s", i, r.status, want, r.body)
		}
		if want == http.StatusTooManyRequests && r.header.Get("Retry-After") == "" {
			t.Errorf("429 without Retry-After: %v", r.header)
		}
	}
	if n := e.ledgerCounts()["user_converted"]; n != 2 {
		t.Errorf("user_converted %d, want 2 (the rate-limited call created nobody)", n)
	}
}
