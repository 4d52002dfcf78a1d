package activities

import (
	"testing"

	"github.com/stretchr/testify/require"

	"github.com/sellmigrate/sellmigrate/contract"
)

// TestCheckPreflightRowOnTheDemoAccounts: the checks read what each demo account is
// (an admin or not, connected or not, the subdomain free or taken, the owner licensed
// and owning the Zendesk account, the Contributor role, bulk imports, the users) with
// the credentials stored and nothing else, and change nothing in the simulator.
func TestCheckPreflightRowOnTheDemoAccounts(t *testing.T) {
	t.Parallel()
	f := newSimFixture(t) // stores an operator token of globex
	allowIn(t, f.acts, "stark", "owner@stark.test")
	before, _ := f.ledger(t)
	env := f.env()
	check := func(id, mode, sub, by, owner string) RowFacts {
		t.Helper()
		v, err := env.ExecuteActivity(f.acts.CheckPreflightRow, contract.PreflightRow{AccountID: id, Mode: mode, Subdomain: sub, RequestedBy: by, OwnerEmail: owner})
		require.NoError(t, err, "row %s", id)
		var facts RowFacts
		require.NoError(t, v.Get(&facts))
		return facts
	}

	acme := check("1001", "new", "acme", "admin@acme.test", "")
	require.Empty(t, acme.Refused)
	require.Equal(t, 5, acme.SellUsers)
	require.False(t, *acme.SubdomainTaken)
	require.Nil(t, acme.Zendesk, "a new account has nothing to read in Zendesk")
	require.Empty(t, acme.NoCredential)

	require.True(t, *check("1001", "new", "taken", "admin@acme.test", "").SubdomainTaken)
	require.Contains(t, check("1001", "new", "acme", "lee@acme.test", "").Refused, "not an active admin of Sell account 1001")
	require.Contains(t, check("9999", "new", "nine", "admin@acme.test", "").Refused, "Sell account 9999 is unknown")

	globex := check("1002", "existing", "globex", "admin@globex.test", "owner@globex.test")
	require.Equal(t, 8, globex.SellUsers)
	require.True(t, *globex.SubdomainTaken)
	require.True(t, *globex.OwnerLicensed)
	require.NotNil(t, globex.Zendesk)
	require.True(t, *globex.Zendesk.OwnerMatches)
	require.True(t, globex.Zendesk.ContributorRole)
	require.True(t, *globex.Zendesk.BulkImports)
	require.Nil(t, globex.Zendesk.Contributors, "only a connected account's contributors are checked")
	require.False(t, *check("1002", "existing", "globex", "admin@globex.test", "lee@globex.test").Zendesk.OwnerMatches)

	initech := check("1003", "existing", "initech", "admin@initech.test", "owner@initech.test")
	require.False(t, *initech.OwnerLicensed)
	require.Nil(t, initech.Zendesk)
	require.Contains(t, initech.NoCredential, `sellmigrate credentials add --subdomain initech`)
	require.NotContains(t, initech.NoCredential, "then retry", "a preflight has nothing to retry")

	// A stored token Zendesk refuses (its email is no user of initech) is as good as none.
	allowIn(t, f.acts, "initech", "nobody@initech.test")
	initech = check("1003", "existing", "initech", "admin@initech.test", "owner@initech.test")
	require.Nil(t, initech.Zendesk)
	require.Contains(t, initech.NoCredential, "Zendesk refuses credential cred_")
	require.NotContains(t, initech.NoCredential, "type:", "advice, not an error's text")
	require.Contains(t, initech.NoCredential, `sellmigrate credentials add --subdomain initech`)

	require.False(t, *check("1007", "existing", "stark", "admin@stark.test", "owner@stark.test").Zendesk.BulkImports)

	umbrella := check("1004", "new", "umbrella", "admin@umbrella.test", "")
	require.Equal(t, "umbrella", umbrella.ConnectedSubdomain)
	require.Nil(t, umbrella.SubdomainTaken, "a connected account's subdomain is not chosen again")
	require.Contains(t, umbrella.NoCredential, `sellmigrate credentials add --subdomain umbrella`)
	allowIn(t, f.acts, "umbrella", "admin@umbrella.test")
	umbrella = check("1004", "new", "umbrella", "admin@umbrella.test", "")
	require.NotNil(t, umbrella.Zendesk.Contributors)
	require.True(t, umbrella.Zendesk.Contributors.Complete, "every Umbrella user is already a contributor")

	after, _ := f.ledger(t)
	require.Equal(t, before, after, "a preflight changes nothing in Zendesk or Sell")
}
