package activities

import (
	"testing"

	"github.com/stretchr/testify/require"
	"go.temporal.io/sdk/temporal"

	"github.com/sellmigrate/sellmigrate/contract"
	"github.com/sellmigrate/sellmigrate/credstore"
	"github.com/sellmigrate/sellmigrate/platform"
)

func TestPreflight(t *testing.T) {
	t.Parallel()
	f := newSimFixture(t)
	env := f.env()

	v, err := env.ExecuteActivity(f.acts.Preflight, PreflightInput{SellAccountID: "1001", RequestedBy: "admin@acme.test"})
	require.NoError(t, err)
	var res PreflightResult
	require.NoError(t, v.Get(&res))
	require.Equal(t, PreflightResult{AccountName: "Acme", AdminName: "Acme Admin"}, res)

	v, err = env.ExecuteActivity(f.acts.Preflight, PreflightInput{SellAccountID: "1004", RequestedBy: "admin@umbrella.test"})
	require.NoError(t, err)
	require.NoError(t, v.Get(&res))
	require.True(t, res.Connected)
	require.Equal(t, "umbrella", res.ConnectedSubdomain)
	require.Equal(t, f.srv.URL+"/zendesk/umbrella", res.LoginURL)

	_, err = env.ExecuteActivity(f.acts.Preflight, PreflightInput{SellAccountID: "1001", RequestedBy: "ana@acme.test"})
	requireNonRetryable(t, err, contract.ErrTypeNotSellAdmin, "ana@acme.test is not an active admin of Sell account 1001")

	_, err = env.ExecuteActivity(f.acts.Preflight, PreflightInput{SellAccountID: "9999", RequestedBy: "admin@acme.test"})
	requireNonRetryable(t, err, contract.ErrTypeUnknownAccount, "Sell account 9999 is unknown")
}

func TestReserveSubdomainIsIdempotentAndReportsTaken(t *testing.T) {
	t.Parallel()
	f := newSimFixture(t)
	env := f.env()
	in := ReserveSubdomainInput{AccountName: "Acme", Subdomain: "acme", OwnerName: "Acme Admin", OwnerEmail: "admin@acme.test", IdempotencyKey: "sell-migration-1001/account/acme/1"}
	var credID string
	for i := 0; i < 2; i++ { // the second call stands for a retry after a lost response
		v, err := env.ExecuteActivity(f.acts.ReserveSubdomain, in)
		require.NoError(t, err)
		var res ReserveSubdomainResult
		require.NoError(t, v.Get(&res))
		require.True(t, res.Created, "attempt %d: %+v", i, res)
		require.True(t, credID == "" || credID == res.CredentialID, "the retry stored another credential: %s then %s", credID, res.CredentialID)
		credID = res.CredentialID
	}
	// The new owner's token Zendesk returned is stored, and works as the owner.
	created, err := credsOf(f.acts).Get(t.Context(), credID)
	require.NoError(t, err)
	require.Equal(t, credstore.KindCreatedAccount, created.Kind)
	require.Equal(t, "admin@acme.test", created.Email)
	me, err := f.acts.platform.Support("acme", platformCredentials(created)).Me(t.Context())
	require.NoError(t, err)
	require.Equal(t, "admin@acme.test", me.Email)
	taken := in
	taken.Subdomain, taken.IdempotencyKey = "taken", "sell-migration-1001/account/taken/2"
	v, err := env.ExecuteActivity(f.acts.ReserveSubdomain, taken)
	require.NoError(t, err)
	var res ReserveSubdomainResult
	require.NoError(t, v.Get(&res))
	require.False(t, res.Created)
	require.Contains(t, res.Reason, "taken")

	// Released once; releasing again finds nothing to do.
	for i := 0; i < 2; i++ {
		_, err = env.ExecuteActivity(f.acts.ReleaseSubdomain, ReleaseSubdomainInput{Subdomain: "acme", OwnerEmail: "admin@acme.test", CredentialID: credID})
		require.NoError(t, err)
	}
	byKind, bySubject := f.ledger(t)
	require.Equal(t, 1, byKind["account_created"])
	require.Equal(t, 1, byKind["account_released"])
	requireNoDuplicates(t, bySubject)
	released, err := credsOf(f.acts).Get(t.Context(), credID)
	require.NoError(t, err)
	require.False(t, released.RevokedAt.IsZero(), "the released account's credential stays live")
}

// TestReleaseIfOwnedWhenTheCreationsAnswerWasLost: no credential was stored because the
// creation's answer never arrived. A free subdomain needs nothing; an account made by
// our creation (same idempotency key) is recovered from Zendesk's replay and released;
// someone else's account is never touched.
func TestReleaseIfOwnedWhenTheCreationsAnswerWasLost(t *testing.T) {
	t.Parallel()
	f := newSimFixture(t)
	env := f.env()
	release := func(in ReleaseSubdomainInput) ReleaseResult {
		t.Helper()
		v, err := env.ExecuteActivity(f.acts.ReleaseIfOwned, in)
		require.NoError(t, err)
		var res ReleaseResult
		require.NoError(t, v.Get(&res))
		return res
	}
	res := release(ReleaseSubdomainInput{Subdomain: "acme", OwnerEmail: "admin@acme.test", IdempotencyKey: "sell-migration-1001/account/acme/1"})
	require.False(t, res.Released)
	require.Contains(t, res.Reason, "no Zendesk account exists at acme")

	// Our creation happened, its answer was lost.
	_, err := f.acts.platform.Accounts().Create(t.Context(), platform.NewAccount{Name: "Acme", Subdomain: "acme", OwnerName: "Acme Admin", OwnerEmail: "admin@acme.test"},
		"sell-migration-1001/account/acme/1")
	require.NoError(t, err)
	res = release(ReleaseSubdomainInput{Subdomain: "acme", OwnerEmail: "admin@acme.test", IdempotencyKey: "sell-migration-1001/account/acme/1"})
	require.True(t, res.Released, res.Reason)

	res = release(ReleaseSubdomainInput{Subdomain: "globex", OwnerEmail: "admin@globex.test", IdempotencyKey: "sell-migration-1002/account/globex/1"})
	require.False(t, res.Released)
	require.Contains(t, res.Reason, "not created by this migration")

	byKind, _ := f.ledger(t)
	require.Equal(t, 1, byKind["account_created"])
	require.Equal(t, 1, byKind["account_released"])
}

func TestCheckSubdomainExists(t *testing.T) {
	t.Parallel()
	f := newSimFixture(t)
	env := f.env()
	for sub, want := range map[string]bool{"globex": true, "nosuchaccount": false} {
		v, err := env.ExecuteActivity(f.acts.CheckSubdomainExists, sub)
		require.NoError(t, err)
		var exists bool
		require.NoError(t, v.Get(&exists))
		require.Equal(t, want, exists, sub)
	}
}

func TestLinkIsIdempotent(t *testing.T) {
	t.Parallel()
	f := newSimFixture(t)
	env := f.env()
	in := LinkInput{SellAccountID: "1002", Subdomain: "globex", IdempotencyKey: "sell-migration-1002/link/globex"}
	for i := 0; i < 2; i++ {
		_, err := env.ExecuteActivity(f.acts.LinkAccounts, in)
		require.NoError(t, err)
	}
	_, err := env.ExecuteActivity(f.acts.LinkAccounts, LinkInput{SellAccountID: "1002", Subdomain: "initech", IdempotencyKey: "other"})
	requireNonRetryable(t, err, contract.ErrTypeZendeskClient, "422")
	byKind, bySubject := f.ledger(t)
	require.Equal(t, 1, byKind["account_linked"])
	requireNoDuplicates(t, bySubject)
}

func requireNonRetryable(t *testing.T, err error, errType, contains string) {
	t.Helper()
	require.Error(t, err)
	var appErr *temporal.ApplicationError
	require.ErrorAs(t, err, &appErr)
	require.Equal(t, errType, appErr.Type())
	require.True(t, appErr.NonRetryable(), "want non-retryable: %v", err)
	require.Contains(t, err.Error(), contains)
}
