package platform_test

import (
	"context"
	"net/http/httptest"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"go.uber.org/zap/zaptest"

	"github.com/sellmigrate/sellmigrate/platform"
	"github.com/sellmigrate/sellmigrate/platform/sim"
)

// These tests drive the client over real HTTP (loopback) against the simulator with its
// SQLite store and demo data, proving the client and the simulator agree on the wire.

// simEnv is a fresh simulator on a temporary SQLite file with a client pointed at it.
type simEnv struct {
	sim    *sim.Sim
	client *platform.Client
}

func newSimEnv(t *testing.T) simEnv {
	t.Helper()
	s, err := sim.New(sim.Config{DBPath: filepath.Join(t.TempDir(), "sim.db"), Seed: 1})
	if err != nil {
		t.Fatalf("sim.New: %v", err)
	}
	t.Cleanup(func() {
		if err := s.Close(); err != nil {
			t.Errorf("closing the simulator: %v", err)
		}
	})
	srv := httptest.NewServer(s.Handler()) // cleaned up before s.Close (LIFO)
	t.Cleanup(srv.Close)
	c, err := platform.New(platform.Config{
		SupportURL: srv.URL + "/zendesk/{subdomain}",
		SellURL:    srv.URL + "/sell",
		Timeout:    10 * time.Second,
		Logger:     zaptest.NewLogger(t),
		// The partner credential the simulator takes by default.
		PartnerToken: sim.DefaultPartnerToken,
		// The simulator's jobs take its default 200ms; polling from 50ms keeps the test
		// short while still seeing them queued or working first.
		JobPollInitial: 50 * time.Millisecond,
		JobPollMax:     200 * time.Millisecond,
	})
	if err != nil {
		t.Fatal(err)
	}
	return simEnv{sim: s, client: c}
}

func (e simEnv) sell(id int64) *platform.Sell { return e.client.Sell(sim.DemoSellToken(id)) }

func (e simEnv) support(sub, email string) *platform.Support {
	return e.client.Support(sub, platform.Credentials{Email: email, APIToken: sim.DemoAPIToken(sub)})
}

// owner is the Support API of an account Create made, as its owner (its owner token).
func (e simEnv) owner(sub string, created platform.CreatedAccount) *platform.Support {
	return e.client.Support(sub, platform.Credentials{BearerToken: created.OwnerToken})
}

// ledgerCount counts the simulator's side effects of one kind and subject prefix.
func (e simEnv) ledgerCount(t *testing.T, kind, subjectPrefix string) int {
	t.Helper()
	entries, err := e.sim.Ledger(context.Background())
	if err != nil {
		t.Fatal(err)
	}
	n := 0
	for _, en := range entries {
		if en.Kind == kind && strings.HasPrefix(en.Subject, subjectPrefix) {
			n++
		}
	}
	return n
}

func TestSimSellAccounts(t *testing.T) {
	t.Parallel()
	env := newSimEnv(t)
	ctx := context.Background()

	acme, err := env.sell(1001).Account(ctx)
	if err != nil {
		t.Fatal(err)
	}
	if acme.ID != 1001 || acme.Name != "Acme" || acme.Connected() {
		t.Errorf("1001 = %+v; want legacy Acme", acme)
	}
	umbrella, err := env.sell(1004).Account(ctx)
	if err != nil {
		t.Fatal(err)
	}
	if umbrella.ID != 1004 || !umbrella.Connected() || *umbrella.Subdomain != "umbrella" {
		t.Errorf("1004 = %+v; want connected to umbrella", umbrella)
	}

	admin, err := env.sell(1001).UserByEmail(ctx, "admin@acme.test")
	if err != nil || admin == nil || admin.Role != "admin" || admin.Status != "active" {
		t.Errorf("Acme admin = %+v, %v", admin, err)
	}
	owner, err := env.sell(1003).UserByEmail(ctx, "owner@initech.test")
	if err != nil || owner != nil {
		t.Errorf("Initech's owner has no Sell license, yet got %+v, %v", owner, err)
	}

	_, err = env.client.Sell("sell-demo-nope").Account(ctx)
	if ae, ok := platform.AsAPIError(err); !ok || ae.StatusCode != 401 || ae.Code != "unauthorized" {
		t.Errorf("bad token: %v", err)
	}
}

func TestSimWalkAllHooliSellUsers(t *testing.T) {
	t.Parallel()
	env := newSimEnv(t)
	ctx := context.Background()
	hooli := env.sell(1005)

	seen := map[string]bool{}
	pages := 0
	for page := 1; ; page++ {
		p, err := hooli.Users(ctx, page, 100)
		if err != nil {
			t.Fatalf("page %d: %v", page, err)
		}
		pages++
		if p.Count != len(p.Users) {
			t.Errorf("page %d: count %d for %d items", page, p.Count, len(p.Users))
		}
		for _, u := range p.Users {
			if seen[u.Email] {
				t.Errorf("page %d repeats %s", page, u.Email)
			}
			seen[u.Email] = true
		}
		if p.NextPage == "" {
			break
		}
		if pages > 30 {
			t.Fatal("pagination does not end")
		}
	}
	if pages != 25 || len(seen) != 2500 {
		t.Errorf("walked %d pages, %d users; want 25 and 2500", pages, len(seen))
	}
	for _, email := range []string{"admin@hooli.test", "user0001@hooli.test", "user2499@hooli.test"} {
		if !seen[email] {
			t.Errorf("%s missing", email)
		}
	}
}

func TestSimAvailabilityCreateAndReplay(t *testing.T) {
	t.Parallel()
	env := newSimEnv(t)
	ctx := context.Background()
	accounts := env.client.Accounts()

	for sub, want := range map[string]bool{"acme": true, "taken": false, "globex": false, "Bad_Name": false} {
		got, err := accounts.Available(ctx, sub)
		if err != nil {
			t.Fatalf("Available(%q): %v", sub, err)
		}
		if got != want {
			t.Errorf("Available(%q) = %v, want %v", sub, got, want)
		}
	}

	na := platform.NewAccount{Name: "Acme", Subdomain: "acme", OwnerName: "Acme Admin", OwnerEmail: "admin@acme.test"}
	first, err := accounts.Create(ctx, na, "sell-migration-1001/create")
	if err != nil {
		t.Fatal(err)
	}
	if first.Account.Subdomain != "acme" || first.Account.Name != "Acme" || first.Account.OwnerID == 0 || len(first.OwnerToken) != 64 {
		t.Errorf("created %+v (owner token of %d characters)", first.Account, len(first.OwnerToken))
	}
	again, err := accounts.Create(ctx, na, "sell-migration-1001/create")
	if err != nil {
		t.Fatalf("replay: %v", err)
	}
	if again != first {
		t.Errorf("replay = %+v, want the first answer %+v, owner token included", again.Account, first.Account)
	}
	if n := env.ledgerCount(t, sim.LedgerAccountCreated, "acme"); n != 1 {
		t.Errorf("%d account_created entries for acme, want 1", n)
	}
	if ok, err := accounts.Available(ctx, "acme"); err != nil || ok {
		t.Errorf("acme still available after creation: %v, %v", ok, err)
	}

	_, err = accounts.Create(ctx, na, "another-key")
	ae, ok := platform.AsAPIError(err)
	if !ok || ae.StatusCode != 422 || ae.FieldCode("subdomain") != "DuplicateValue" {
		t.Fatalf("second creation: %v", err)
	}
	if want := "zendesk support POST /api/v2/accounts: 422 RecordInvalid: subdomain: Subdomain has already been taken"; err.Error() != want {
		t.Errorf("Error()\n got %s\nwant %s", err, want)
	}
	_, err = accounts.Create(ctx, platform.NewAccount{Name: "X", Subdomain: "no_underscores", OwnerEmail: "a@x.test"}, "")
	if ae, ok := platform.AsAPIError(err); !ok || ae.StatusCode != 422 || ae.FieldCode("subdomain") != "InvalidValue" {
		t.Errorf("malformed: %v", err)
	}

	// The owner token acts as the new account's owner, there only; the account has no
	// API token, as a new Zendesk account has none.
	owner := env.owner("acme", first)
	me, err := owner.Me(ctx)
	if err != nil || me.Email != "admin@acme.test" || me.Role != platform.RoleAdmin {
		t.Errorf("owner Me = %+v, %v", me, err)
	}
	acct, err := owner.Account(ctx)
	if err != nil || acct.Subdomain != "acme" || acct.OwnerID != me.ID {
		t.Errorf("Account = %+v, %v (owner %d)", acct, err, me.ID)
	}
	if _, err := env.owner("globex", first).Me(ctx); !platform.IsStatus(err, 401) {
		t.Errorf("the owner token on globex: %v, want 401", err)
	}
	if _, err := env.support("acme", "admin@acme.test").Me(ctx); !platform.IsStatus(err, 401) {
		t.Errorf("a demo API token on a created account: %v, want 401", err)
	}
	if got := env.client.LoginURL("acme"); !strings.HasSuffix(got, "/zendesk/acme") {
		t.Errorf("LoginURL = %q", got)
	}
}

func TestSimLinkAndContributors(t *testing.T) {
	t.Parallel()
	env := newSimEnv(t)
	ctx := context.Background()
	acme, err := env.client.Accounts().Create(ctx, platform.NewAccount{Name: "Acme", Subdomain: "acme", OwnerName: "Acme Admin", OwnerEmail: "admin@acme.test"}, "k-create")
	if err != nil {
		t.Fatal(err)
	}
	sell := env.sell(1001)

	_, err = sell.Link(ctx, "nosuchsub", "")
	if ae, ok := platform.AsAPIError(err); !ok || ae.StatusCode != 422 || ae.Code != "unknown_subdomain" {
		t.Fatalf("unknown subdomain: %v", err)
	}
	link, err := sell.Link(ctx, "acme", "sell-migration-1001/link")
	if err != nil {
		t.Fatal(err)
	}
	if link.SellAccountID != 1001 || link.Subdomain != "acme" || link.LinkedAt.IsZero() {
		t.Errorf("link %+v", link)
	}
	if again, err := sell.Link(ctx, "acme", "sell-migration-1001/link"); err != nil || again != link {
		t.Errorf("replayed link %+v, %v", again, err)
	}
	if _, err := sell.Link(ctx, "acme", ""); err != nil {
		t.Errorf("relinking to the same subdomain: %v", err)
	}
	if n := env.ledgerCount(t, sim.LedgerAccountLinked, "1001->acme"); n != 1 {
		t.Errorf("%d account_linked entries, want 1", n)
	}
	_, err = sell.Link(ctx, "taken", "")
	if ae, ok := platform.AsAPIError(err); !ok || ae.StatusCode != 422 || ae.Code != "already_linked" {
		t.Errorf("linking elsewhere: %v", err)
	}
	acct, err := sell.Account(ctx)
	if err != nil || !acct.Connected() || *acct.Subdomain != "acme" {
		t.Errorf("after link, account = %+v, %v", acct, err)
	}
	// A linked account cannot be released.
	if err := env.owner("acme", acme).Release(ctx); !platform.IsStatus(err, 409) {
		t.Errorf("releasing a linked account: %v", err)
	}

	// Contributors: every Sell user becomes an agent with the Contributor role.
	support := env.owner("acme", acme)
	roles, err := support.CustomRoles(ctx)
	if err != nil {
		t.Fatal(err)
	}
	var contributor *platform.CustomRole
	for i := range roles {
		if roles[i].Name == "Contributor" {
			contributor = &roles[i]
		}
	}
	if contributor == nil || contributor.RoleType != platform.RoleTypeContributor {
		t.Fatalf("no Contributor role in %+v", roles)
	}
	page, err := sell.Users(ctx, 1, 100)
	if err != nil || len(page.Users) != 5 || page.NextPage != "" {
		t.Fatalf("Acme Sell users: %d, next %q, %v", len(page.Users), page.NextPage, err)
	}
	var batch []platform.NewSupportUser
	for _, u := range page.Users {
		batch = append(batch, platform.NewSupportUser{Name: u.Name, Email: u.Email, Role: platform.RoleAgent, CustomRoleID: &contributor.ID, Verified: true})
	}
	job, err := support.CreateManyUsers(ctx, batch)
	if err != nil {
		t.Fatal(err)
	}
	done, err := support.WaitJob(ctx, job.ID, nil)
	if err != nil {
		t.Fatal(err)
	}
	created, taken := 0, 0
	for _, r := range done.Results {
		switch {
		case r.Status == "Created":
			created++
		case r.Status == "Failed" && r.Error == "EmailAlreadyTaken":
			taken++ // the owner, admin@acme.test, is already in the account
		default:
			t.Errorf("unexpected result %+v", r)
		}
	}
	if done.Status != platform.JobCompleted || created != 4 || taken != 1 {
		t.Errorf("job %s: %d created, %d taken: %+v", done.Status, created, taken, done.Results)
	}
	if n := env.ledgerCount(t, sim.LedgerUserConverted, "acme/"); n != 4 {
		t.Errorf("%d user_converted entries, want 4", n)
	}

	// A retried batch changes nothing.
	job, err = support.CreateManyUsers(ctx, batch)
	if err != nil {
		t.Fatal(err)
	}
	if done, err = support.WaitJob(ctx, job.ID, nil); err != nil {
		t.Fatal(err)
	}
	for _, r := range done.Results {
		if r.Status != "Failed" || r.Error != "EmailAlreadyTaken" {
			t.Errorf("replayed row %+v", r)
		}
	}
	if n := env.ledgerCount(t, sim.LedgerUserConverted, "acme/"); n != 4 {
		t.Errorf("after the retry, %d user_converted entries, want 4", n)
	}

	// The contributors are visible, by cursor pages, as role_type 3 agents.
	contributors := 0
	opts := platform.ListUsersOptions{Roles: []string{platform.RoleAgent}, PageSize: 2}
	for {
		p, err := support.ListUsers(ctx, opts)
		if err != nil {
			t.Fatal(err)
		}
		for _, u := range p.Users {
			if u.IsContributor() {
				contributors++
			}
		}
		if !p.HasMore {
			break
		}
		opts.After = p.AfterCursor
	}
	if contributors != 4 {
		t.Errorf("%d contributors listed, want 4", contributors)
	}
	u, err := support.SearchUserByEmail(ctx, page.Users[1].Email)
	if err != nil || u == nil || !u.IsContributor() {
		t.Errorf("search %s: %+v, %v", page.Users[1].Email, u, err)
	}
}

func TestSimReleaseUnlinkedAccount(t *testing.T) {
	t.Parallel()
	env := newSimEnv(t)
	ctx := context.Background()
	created, err := env.client.Accounts().Create(ctx, platform.NewAccount{Name: "Hooli", Subdomain: "hooli", OwnerName: "Hooli Admin", OwnerEmail: "admin@hooli.test"}, "")
	if err != nil {
		t.Fatal(err)
	}
	owner := env.owner("hooli", created)
	if err := owner.Release(ctx); err != nil {
		t.Fatalf("release: %v", err)
	}
	if err := owner.Release(ctx); !platform.IsStatus(err, 404) {
		t.Errorf("second release: %v", err)
	}
	if n := env.ledgerCount(t, sim.LedgerAccountReleased, "hooli"); n != 1 {
		t.Errorf("%d account_released entries, want 1", n)
	}
}

func TestSimAuthErrors(t *testing.T) {
	t.Parallel()
	env := newSimEnv(t)
	ctx := context.Background()
	_, err := env.client.Support("globex", platform.Credentials{Email: "owner@globex.test", APIToken: "wrong"}).Me(ctx)
	ae, ok := platform.AsAPIError(err)
	if !ok || ae.StatusCode != 401 || ae.Message != "Couldn't authenticate you" || strings.Contains(err.Error(), "wrong") {
		t.Errorf("bad token: %v", err)
	}
	_, err = env.support("nosuchaccount", "owner@globex.test").Me(ctx)
	if ae, ok := platform.AsAPIError(err); !ok || ae.StatusCode != 404 || ae.Code != "RecordNotFound" {
		t.Errorf("unknown subdomain: %v", err)
	}
	me, err := env.support("globex", "owner@globex.test").Me(ctx)
	if err != nil || me.Email != "owner@globex.test" {
		t.Errorf("globex owner: %+v, %v", me, err)
	}
	lee, err := env.support("globex", "owner@globex.test").SearchUserByEmail(ctx, "lee@globex.test")
	if err != nil || lee == nil || lee.Role != platform.RoleEndUser {
		t.Errorf("lee: %+v, %v", lee, err)
	}
}

func TestSimFaults(t *testing.T) {
	t.Parallel()
	env := newSimEnv(t)
	ctx := context.Background()

	env.sim.SetFaults(sim.Faults{RateLimitRate: 1, RetryAfter: 2 * time.Second})
	_, err := env.sell(1001).Account(ctx)
	ae, ok := platform.AsAPIError(err)
	if !ok || ae.StatusCode != 429 || ae.RetryAfter != 2*time.Second || !ae.Retryable() {
		t.Fatalf("Sell under rate limit: %v", err)
	}
	_, err = env.client.Accounts().Available(ctx, "acme")
	ae, ok = platform.AsAPIError(err)
	if !ok || ae.StatusCode != 429 || ae.RetryAfter != 2*time.Second || !strings.Contains(err.Error(), "retry after 2s") {
		t.Fatalf("Support under rate limit: %v", err)
	}

	env.sim.SetFaults(sim.Faults{ErrorRate: 1})
	for i := range 5 {
		_, err := env.support("globex", "owner@globex.test").Me(ctx)
		ae, ok := platform.AsAPIError(err)
		if !ok || ae.StatusCode < 500 || !platform.IsRetryable(err) {
			t.Fatalf("call %d under errors: %v", i, err)
		}
	}

	// Half the calls fail; retrying the retryable ones gets every answer.
	env.sim.SetFaults(sim.Faults{ErrorRate: 0.3, RateLimitRate: 0.2, RetryAfter: time.Second})
	got := 0
	for i := range 20 {
		for attempt := 0; ; attempt++ {
			_, err := env.sell(1002).Users(ctx, 1, 10)
			if err == nil {
				got++
				break
			}
			if !platform.IsRetryable(err) || attempt > 50 {
				t.Fatalf("call %d attempt %d: %v", i, attempt, err)
			}
			// Retry-After is honoured by callers in production; here we only check
			// that it is there and skip the wait to keep the test short.
			if ae, _ := platform.AsAPIError(err); ae.StatusCode == 429 && ae.RetryAfter != time.Second {
				t.Errorf("429 without its Retry-After: %v", err)
			}
		}
	}
	if got != 20 {
		t.Errorf("%d of 20 calls got through", got)
	}

	env.sim.SetFaults(sim.Faults{})
	if _, err := env.sell(1001).Account(ctx); err != nil {
		t.Errorf("after clearing faults: %v", err)
	}
}
