package sim_test

import (
	"net/http"
	"testing"

	"github.com/sellmigrate/sellmigrate/platform/sim"
)

// TestCreatedAccountOwnerToken: account creation hands out a read-write OAuth token of
// the new owner that works on the new subdomain only, and a replay hands out the same.
func TestCreatedAccountOwnerToken(t *testing.T) {
	t.Parallel()
	e := start(t, sim.Config{})
	const create = "/zendesk/www/api/v2/accounts"
	first := decode[createdBody](t, e.do(http.MethodPost, create, newAccount("Acme", "acme", "admin@acme.test"),
		append(partnerAuth(), "Idempotency-Key", "own-1")...).expect(t, http.StatusCreated))
	tok := first.OwnerToken
	if len(tok.AccessToken) != 64 || tok.TokenType != "bearer" || tok.Scope != "read write" {
		t.Fatalf("owner_token = %+v, want a 64-hex bearer token with scope read write", tok)
	}
	replay := decode[createdBody](t, e.do(http.MethodPost, create, newAccount("Acme", "acme", "admin@acme.test"),
		append(partnerAuth(), "Idempotency-Key", "own-1")...).expect(t, http.StatusCreated))
	if replay.OwnerToken != tok {
		t.Fatalf("replayed owner_token differs from the first")
	}
	if got := e.meEmail("acme", tok.AccessToken); got != "admin@acme.test" {
		t.Fatalf("owner token acts as %q", got)
	}
	// Write scope: the owner can make a custom role and a user holding it.
	role := decode[struct {
		CustomRole struct {
			ID int64 `json:"id"`
		} `json:"custom_role"`
	}](t, e.do(http.MethodPost, "/zendesk/acme/api/v2/custom_roles", map[string]any{"custom_role": map[string]any{"name": "Migrated", "role_type": 0}},
		bearer(tok.AccessToken)...).expect(t, http.StatusOK)).CustomRole
	e.do(http.MethodPost, "/zendesk/acme/api/v2/users", map[string]any{"user": map[string]any{
		"name": "Ana", "email": "ana@acme.test", "role": "agent", "custom_role_id": role.ID}},
		bearer(tok.AccessToken)...).expect(t, http.StatusCreated)
	// Only there: another account, demo or created, refuses it.
	e.do(http.MethodGet, "/zendesk/globex/api/v2/users/me", nil, bearer(tok.AccessToken)...).expect(t, http.StatusUnauthorized)
	other := decode[createdBody](t, e.do(http.MethodPost, create, newAccount("Other", "other-co", "o@other.test"),
		partnerAuth()...).expect(t, http.StatusCreated)).OwnerToken
	if other.AccessToken == tok.AccessToken {
		t.Fatal("two accounts got the same owner token")
	}
	e.do(http.MethodGet, "/zendesk/other-co/api/v2/users/me", nil, bearer(tok.AccessToken)...).expect(t, http.StatusUnauthorized)
	e.do(http.MethodGet, "/zendesk/acme/api/v2/users/me", nil, bearer(other.AccessToken)...).expect(t, http.StatusUnauthorized)
}
