package activities

import (
	"testing"

	"github.com/stretchr/testify/require"

	"github.com/sellmigrate/sellmigrate/contract"
	"github.com/sellmigrate/sellmigrate/platform/sim"
)

// CheckSellAdmin against the simulator's Sell: only an active admin of the account is
// one. The simulator has no way to deactivate an admin (AddAccount's admin is always
// active), so a deactivated admin is not tried here; a deactivated user is, and the
// rule (role admin and status active) is the preflight's.
func TestCheckSellAdmin(t *testing.T) {
	t.Parallel()
	f := newSimFixture(t)
	added, err := f.sim.AddAccount(t.Context(), sim.AccountSpec{SellAccountID: 2101, Name: "Gone", Users: 2, InactiveUsers: 1})
	require.NoError(t, err)
	env := f.env()
	check := func(account, name, email string) CheckSellAdminResult {
		t.Helper()
		v, err := env.ExecuteActivity(f.acts.CheckSellAdmin, CheckSellAdminInput{SellAccountID: account, AccountName: name, Email: email, Input: "accept-disclaimers"})
		require.NoError(t, err)
		var res CheckSellAdminResult
		require.NoError(t, v.Get(&res))
		return res
	}

	require.Equal(t, CheckSellAdminResult{IsAdmin: true}, check("1003", "Initech", "admin@initech.test"), "the account's active admin")
	require.Equal(t, CheckSellAdminResult{IsAdmin: true}, check("1003", "Initech", "Admin@Initech.test"), "emails match whatever their case")
	require.Equal(t, CheckSellAdminResult{IsAdmin: true}, check("2101", "Gone", added.AdminEmail))

	require.Equal(t, CheckSellAdminResult{Reason: "peter@initech.test is not an active admin of Sell account 1003 (Initech); a Sell admin of the account must send accept-disclaimers"},
		check("1003", "Initech", "peter@initech.test"), "an ordinary Sell user")
	require.Equal(t, CheckSellAdminResult{Reason: "ana@acme.test is not an active admin of Sell account 1003 (Initech); a Sell admin of the account must send accept-disclaimers"},
		check("1003", "Initech", "ana@acme.test"), "a user of another account (the issue's case)")
	require.Equal(t, CheckSellAdminResult{Reason: "admin@acme.test is not an active admin of Sell account 1003 (Initech); a Sell admin of the account must send accept-disclaimers"},
		check("1003", "Initech", "admin@acme.test"), "another account's admin")
	require.Equal(t, CheckSellAdminResult{Reason: "nobody@initech.test is not an active admin of Sell account 1003; a Sell admin of the account must send accept-disclaimers"},
		check("1003", "", "nobody@initech.test"), "an unknown email; no account name known")
	require.False(t, check("2101", "Gone", "user0002@gone.test").IsAdmin, "a deactivated Sell user")
	require.True(t, check("2101", "Gone", "user0001@gone.test").Reason != "", "an active ordinary user of the added account")

	// A Sell account the token does not reach is a Zendesk refusal, not an answer: not
	// retried, and the workflow refuses the input with it.
	_, err = env.ExecuteActivity(f.acts.CheckSellAdmin, CheckSellAdminInput{SellAccountID: "9999", Email: "admin@acme.test", Input: "back"})
	requireNonRetryable(t, err, contract.ErrTypeZendeskClient, "look up Sell user admin@acme.test")
}
