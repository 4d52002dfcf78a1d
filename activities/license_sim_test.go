package activities

import (
	"testing"

	"github.com/stretchr/testify/require"
)

func TestCheckSellLicense(t *testing.T) {
	t.Parallel()
	f := newSimFixture(t)
	env := f.env()
	check := func(account, email string) CheckSellLicenseResult {
		t.Helper()
		v, err := env.ExecuteActivity(f.acts.CheckSellLicense, CheckSellLicenseInput{SellAccountID: account, Email: email})
		require.NoError(t, err)
		var res CheckSellLicenseResult
		require.NoError(t, v.Get(&res))
		return res
	}
	require.True(t, check("1002", "owner@globex.test").HasSellLicense)
	res := check("1003", "owner@initech.test")
	require.False(t, res.HasSellLicense)
	require.Contains(t, res.Reason, "then send license-assigned")
	require.NoError(t, f.sim.AssignSellLicense(t.Context(), 1003, "Bill Lumbergh", "owner@initech.test"))
	require.True(t, check("1003", "owner@initech.test").HasSellLicense)
}
