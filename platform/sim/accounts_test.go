package sim_test

import (
	"bytes"
	"net/http"
	"net/url"
	"sync"
	"testing"

	"github.com/sellmigrate/sellmigrate/platform/sim"
)

// createdBody is the owner token part of POST /api/v2/accounts' answer.
type createdBody struct {
	OwnerToken struct {
		AccessToken string `json:"access_token"`
		TokenType   string `json:"token_type"`
		Scope       string `json:"scope"`
	} `json:"owner_token"`
}

type accountBody struct {
	Account struct {
		Name      string `json:"name"`
		Subdomain string `json:"subdomain"`
		URL       string `json:"url"`
		OwnerID   int64  `json:"owner_id"`
	} `json:"account"`
}

func newAccount(name, sub, ownerEmail string) map[string]any {
	return map[string]any{
		"account": map[string]string{"name": name, "subdomain": sub},
		"owner":   map[string]string{"name": name + " Admin", "email": ownerEmail},
	}
}

func TestAccountsAvailable(t *testing.T) {
	t.Parallel()
	e := start(t, sim.Config{})
	for sub, want := range map[string]bool{
		"acme": true, "hooli": true, "taken": false, "globex": false, "umbrella": false,
		"Acme": false, "my_co": false, "my co": false, "ab": false, "9lives": false, "www": false, "": false,
	} {
		// Served under any subdomain path: the client's "accounts subdomain" and others.
		for _, under := range []string{"www", "globex", "nosuch"} {
			r := e.do(http.MethodGet, "/zendesk/"+under+"/api/v2/accounts/available?subdomain="+url.QueryEscape(sub), nil, partnerAuth()...).
				expect(t, http.StatusOK)
			if got := decode[map[string]bool](t, r)["success"]; got != want {
				t.Errorf("available %q under %s = %v, want %v", sub, under, got, want)
			}
		}
	}
}

func TestCreateAccountIdempotentAndTaken(t *testing.T) {
	t.Parallel()
	e := start(t, sim.Config{})
	const path = "/zendesk/www/api/v2/accounts"
	first := e.do(http.MethodPost, path, newAccount("Acme", "acme", "admin@acme.test"), append(partnerAuth(), "Idempotency-Key", "k-acme")...).
		expect(t, http.StatusCreated)
	acct := decode[accountBody](t, first).Account
	if acct.Subdomain != "acme" || acct.Name != "Acme" || acct.URL != e.srv.URL+"/zendesk/acme" || acct.OwnerID == 0 {
		t.Fatalf("created account %+v", acct)
	}
	replay := e.do(http.MethodPost, path, newAccount("Acme", "acme", "admin@acme.test"), append(partnerAuth(), "Idempotency-Key", "k-acme")...).
		expect(t, http.StatusCreated)
	if !bytes.Equal(replay.body, first.body) || replay.header.Get("Idempotent-Replayed") != "true" {
		t.Fatalf("replay body %s (replayed=%q), want %s", replay.body, replay.header.Get("Idempotent-Replayed"), first.body)
	}
	if n := e.ledgerCounts()["account_created"]; n != 1 {
		t.Fatalf("account_created = %d after a replay, want 1", n)
	}

	// The owner is the admin of the new account, which has a Contributor role. The
	// answer's owner token acts as them; the account has no API token until one is made.
	me := decode[struct {
		User user `json:"user"`
	}](t, e.do(http.MethodGet, "/zendesk/acme/api/v2/users/me", nil, bearer(decode[createdBody](t, first).OwnerToken.AccessToken)...).
		expect(t, http.StatusOK)).User
	if me.ID != acct.OwnerID || me.Role != "admin" {
		t.Fatalf("owner %+v, want admin with id %d", me, acct.OwnerID)
	}
	e.do(http.MethodGet, "/zendesk/acme/api/v2/users/me", nil, supportAuth("admin@acme.test")...).expect(t, http.StatusUnauthorized)
	if err := e.sim.AddAPIToken(t.Context(), "acme", sim.DemoAPIToken("acme")); err != nil {
		t.Fatal(err)
	}
	e.contributorRoleID("acme", "admin@acme.test")
	got := decode[accountBody](t, e.do(http.MethodGet, "/zendesk/acme/api/v2/account", nil, supportAuth("admin@acme.test")...).
		expect(t, http.StatusOK)).Account
	if got != acct {
		t.Fatalf("GET account %+v, want %+v", got, acct)
	}

	taken := e.do(http.MethodPost, path, newAccount("Acme 2", "acme", "x@acme.test"), append(partnerAuth(), "Idempotency-Key", "k-other")...).
		expect(t, http.StatusUnprocessableEntity)
	want := `{"description":"Record validation errors","details":{"subdomain":[{"description":"Subdomain has already been taken","error":"DuplicateValue"}]},"error":"RecordInvalid"}` + "\n"
	if string(taken.body) != want {
		t.Fatalf("taken body %s, want %s", taken.body, want)
	}
	e.do(http.MethodPost, path, newAccount("Taken", "taken", "x@taken.test"), partnerAuth()...).expect(t, http.StatusUnprocessableEntity)
	bad := decode[struct {
		Details map[string][]struct{ Error string } `json:"details"`
	}](t, e.do(http.MethodPost, path, newAccount("Bad", "Bad_Name", "x@bad.test"), partnerAuth()...).expect(t, http.StatusUnprocessableEntity))
	if bad.Details["subdomain"][0].Error != "InvalidValue" {
		t.Fatalf("malformed subdomain details %+v", bad.Details)
	}
	if n := e.ledgerCounts()["account_created"]; n != 1 {
		t.Fatalf("account_created = %d after refused creations, want 1", n)
	}
}

// TestCreateAccountConcurrent races creations of one subdomain: exactly one wins.
func TestCreateAccountConcurrent(t *testing.T) {
	t.Parallel()
	e := start(t, sim.Config{})
	const n = 8
	statuses := make([]int, n)
	var wg sync.WaitGroup
	for i := range n {
		wg.Go(func() {
			key := append(partnerAuth(), "Idempotency-Key", "race-"+itoa(int64(i)))
			statuses[i] = e.do(http.MethodPost, "/zendesk/www/api/v2/accounts", newAccount("Race", "race-co", "o@race.test"), key...).status
		})
	}
	// The same key sent concurrently creates once and replays the rest.
	same := make([]int, n)
	for i := range n {
		wg.Go(func() {
			same[i] = e.do(http.MethodPost, "/zendesk/www/api/v2/accounts", newAccount("Same", "same-co", "o@same.test"),
				append(partnerAuth(), "Idempotency-Key", "same-key")...).status
		})
	}
	wg.Wait()
	created := 0
	for i := range n {
		switch statuses[i] {
		case http.StatusCreated:
			created++
		case http.StatusUnprocessableEntity:
		default:
			t.Fatalf("race status %d", statuses[i])
		}
		if same[i] != http.StatusCreated {
			t.Fatalf("same-key status %d, want 201", same[i])
		}
	}
	if created != 1 {
		t.Fatalf("%d creations of race-co succeeded, want 1", created)
	}
	if c := e.ledgerCounts()["account_created"]; c != 2 {
		t.Fatalf("account_created = %d, want 2", c)
	}
}

func TestReleaseAccount(t *testing.T) {
	t.Parallel()
	e := start(t, sim.Config{})
	e.createAccount("Acme", "acme", "admin@acme.test", "k1")
	// A user who is not the owner may not release it.
	e.runJob(http.MethodPost, "/zendesk/acme/api/v2/users/create_many", "admin@acme.test",
		map[string]any{"users": []map[string]any{{"name": "Ana", "email": "ana@acme.test", "role": "agent"}}})
	e.do(http.MethodDelete, "/zendesk/acme/api/v2/accounts/acme", nil, supportAuth("ana@acme.test")...).expect(t, http.StatusForbidden)
	e.do(http.MethodDelete, "/zendesk/acme/api/v2/accounts/acme", nil).expect(t, http.StatusUnauthorized)

	e.do(http.MethodDelete, "/zendesk/acme/api/v2/accounts/acme", nil, supportAuth("admin@acme.test")...).expect(t, http.StatusNoContent)
	e.do(http.MethodDelete, "/zendesk/acme/api/v2/accounts/acme", nil, supportAuth("admin@acme.test")...).expect(t, http.StatusNotFound)
	e.do(http.MethodGet, "/zendesk/acme/api/v2/users/me", nil, supportAuth("admin@acme.test")...).expect(t, http.StatusNotFound)
	if !decode[map[string]bool](t, e.do(http.MethodGet, "/zendesk/www/api/v2/accounts/available?subdomain=acme", nil, partnerAuth()...))["success"] {
		t.Fatal("acme is not available again after its release")
	}
	// Releasing forgot the key, so a restarted migration re-creates the subdomain.
	e.createAccount("Acme", "acme", "admin@acme.test", "k1")
	e.do(http.MethodGet, "/zendesk/acme/api/v2/users/me", nil, supportAuth("admin@acme.test")...).expect(t, http.StatusOK)

	// A linked account cannot be released.
	e.do(http.MethodPost, "/sell/v2/accounts/self/zendesk_link", map[string]any{"data": map[string]string{"subdomain": "globex"}},
		sellAuth(1002)...).expect(t, http.StatusOK)
	r := e.do(http.MethodDelete, "/zendesk/globex/api/v2/accounts/globex", nil, supportAuth("owner@globex.test")...).
		expect(t, http.StatusConflict)
	if decode[map[string]string](t, r)["error"] != "AccountLinked" {
		t.Fatalf("409 body %s", r.body)
	}
	c := e.ledgerCounts()
	if c["account_created"] != 2 || c["account_released"] != 1 || c["account_linked"] != 1 {
		t.Fatalf("ledger counts %v", c)
	}
}
