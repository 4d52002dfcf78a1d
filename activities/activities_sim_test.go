package activities

import (
	"testing"

	"github.com/stretchr/testify/require"
	"go.temporal.io/sdk/temporal"

	"github.com/sellmigrate/sellmigrate/contract"
)

func TestPreflight(t *testing.T) {
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
	f := newSimFixture(t)
	env := f.env()
	in := ReserveSubdomainInput{AccountName: "Acme", Subdomain: "acme", OwnerName: "Acme Admin", OwnerEmail: "admin@acme.test", IdempotencyKey: "sell-migration-1001/account/acme/1"}
	for i := 0; i < 2; i++ { // the second call stands for a retry after a lost response
		v, err := env.ExecuteActivity(f.acts.ReserveSubdomain, in)
		require.NoError(t, err)
		var res ReserveSubdomainResult
		require.NoError(t, v.Get(&res))
		require.True(t, res.Created, "attempt %d: %+v", i, res)
	}
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
		_, err = env.ExecuteActivity(f.acts.ReleaseSubdomain, ReleaseSubdomainInput{Subdomain: "acme", OwnerEmail: "admin@acme.test"})
		require.NoError(t, err)
	}
	byKind, bySubject := f.ledger(t)
	require.Equal(t, 1, byKind["account_created"])
	require.Equal(t, 1, byKind["account_released"])
	requireNoDuplicates(t, bySubject)
}

func TestCheckSubdomainExists(t *testing.T) {
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

func TestVerifyOwner(t *testing.T) {
	f := newSimFixture(t)
	env := f.env()
	cases := []struct {
		account, subdomain, email string
		want                      VerifyOwnerResult
		reason                    string
	}{
		{"1002", "globex", "owner@globex.test", VerifyOwnerResult{IsOwner: true, HasSellLicense: true}, ""},
		{"1002", "globex", "lee@globex.test", VerifyOwnerResult{}, "not its account owner"},
		{"1002", "globex", "stranger@else.test", VerifyOwnerResult{}, "not a user of that Zendesk account"},
		{"1003", "initech", "owner@initech.test", VerifyOwnerResult{IsOwner: true}, "has no Sell license"},
	}
	for _, c := range cases {
		v, err := env.ExecuteActivity(f.acts.VerifyOwner, VerifyOwnerInput{SellAccountID: c.account, Subdomain: c.subdomain, UserEmail: c.email})
		require.NoError(t, err, c.email)
		var res VerifyOwnerResult
		require.NoError(t, v.Get(&res))
		require.Equal(t, c.want.IsOwner, res.IsOwner, c.email)
		require.Equal(t, c.want.HasSellLicense, res.HasSellLicense, c.email)
		if c.reason != "" {
			require.Contains(t, res.Reason, c.reason, c.email)
		}
	}
	// Once a Sell admin assigns the owner a license, the check passes.
	require.NoError(t, f.sim.AssignSellLicense(t.Context(), 1003, "Bill Lumbergh", "owner@initech.test"))
	v, err := env.ExecuteActivity(f.acts.VerifyOwner, VerifyOwnerInput{SellAccountID: "1003", Subdomain: "initech", UserEmail: "owner@initech.test"})
	require.NoError(t, err)
	var res VerifyOwnerResult
	require.NoError(t, v.Get(&res))
	require.True(t, res.HasSellLicense)
}

func TestLinkIsIdempotent(t *testing.T) {
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
