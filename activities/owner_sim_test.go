package activities

import (
	"context"
	"net/http"
	"net/url"
	"testing"
	"time"

	"github.com/stretchr/testify/require"

	"github.com/sellmigrate/sellmigrate/credstore"
	"github.com/sellmigrate/sellmigrate/platform"
	"github.com/sellmigrate/sellmigrate/platform/sim"
)

// testWorkflowID is the workflow the SDK's test activity environment says an activity
// runs for; a grant bound to it is this migration's.
const testWorkflowID = "default-test-workflow-id"

// signIn signs email in to subdomain through the simulator's OAuth form, exchanges the
// code as the API's callback does, and stores the grant for workflowID.
func (f *simFixture) signIn(t *testing.T, subdomain, email, workflowID string) credstore.Credential {
	t.Helper()
	const redirect = "http://127.0.0.1:8080/oauth/callback"
	c := &http.Client{Timeout: 5 * time.Second, CheckRedirect: func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse }}
	resp, err := c.PostForm(f.srv.URL+"/zendesk/"+subdomain+"/oauth/authorizations", url.Values{
		"response_type": {"code"}, "client_id": {sim.DefaultOAuthClientID}, "redirect_uri": {redirect},
		"scope": {"read write"}, "state": {"s"}, "email": {email}, "password": {sim.DemoPassword},
	})
	require.NoError(t, err)
	require.NoError(t, resp.Body.Close())
	loc, err := url.Parse(resp.Header.Get("Location"))
	require.NoError(t, err)
	code := loc.Query().Get("code")
	require.NotEmpty(t, code, "sign-in of %s to %s: %d %s", email, subdomain, resp.StatusCode, resp.Header.Get("Location"))
	tok, err := f.acts.platform.OAuth(subdomain).ExchangeCode(t.Context(), platform.CodeExchange{
		Code: code, ClientID: sim.DefaultOAuthClientID, ClientSecret: sim.DefaultOAuthClientSecret, RedirectURI: redirect, Scope: "read write",
	})
	require.NoError(t, err)
	g, err := credsOf(f.acts).Put(t.Context(), credstore.Credential{Kind: credstore.KindOwnerGrant, Subdomain: subdomain, Email: email,
		WorkflowID: workflowID, Secret: tok.AccessToken})
	require.NoError(t, err)
	return g
}

func (f *simFixture) verify(t *testing.T, in VerifyOwnerInput) VerifyOwnerResult {
	t.Helper()
	v, err := f.env().ExecuteActivity(f.acts.VerifyOwner, in)
	require.NoError(t, err, "VerifyOwner(%+v)", in)
	var res VerifyOwnerResult
	require.NoError(t, v.Get(&res))
	return res
}

// TestVerifyOwnerTakesOnlyTheOwnersOwnGrant: the owner's grant for this migration and
// subdomain proves ownership, with the email Zendesk gives for it; every forgery is
// refused with its reason: no grant (an email alone), an unknown one, a non-owner's,
// one for another subdomain or another migration, an operator's token posing as a
// grant, an expired one, one revoked in the store, one Zendesk no longer accepts.
func TestVerifyOwnerTakesOnlyTheOwnersOwnGrant(t *testing.T) {
	t.Parallel()
	f := newSimFixture(t)
	owner := f.signIn(t, "globex", "owner@globex.test", testWorkflowID)
	globex := func(grantID string) VerifyOwnerInput {
		return VerifyOwnerInput{SellAccountID: "1002", Subdomain: "globex", GrantID: grantID}
	}

	res := f.verify(t, VerifyOwnerInput{SellAccountID: "1002", Subdomain: "globex", GrantID: owner.ID, UserEmail: "someone@else.test"})
	require.Equal(t, VerifyOwnerResult{IsOwner: true, HasSellLicense: true, Email: "owner@globex.test"}, res, "who signed in is Zendesk's answer, not the sender's claim")

	lee := f.signIn(t, "globex", "lee@globex.test", testWorkflowID)
	initech := f.signIn(t, "initech", "owner@initech.test", testWorkflowID)
	otherRun := f.signIn(t, "globex", "owner@globex.test", "sell-migration-9999")
	expired := f.signIn(t, "globex", "owner@globex.test", testWorkflowID)
	expired.ID, expired.ExpiresAt = "", time.Now().Add(-time.Minute)
	expired, err := credsOf(f.acts).Put(t.Context(), expired)
	require.NoError(t, err)
	revoked := f.signIn(t, "globex", "owner@globex.test", testWorkflowID)
	_, err = credsOf(f.acts).Revoke(t.Context(), revoked.ID, time.Now())
	require.NoError(t, err)
	revokedAtZendesk := f.signIn(t, "globex", "owner@globex.test", testWorkflowID)
	require.NoError(t, f.acts.platform.Support("globex", platform.Credentials{BearerToken: revokedAtZendesk.Secret}).RevokeCurrentToken(t.Context()))
	operator := allowIn(t, f.acts, "globex", "admin@globex.test")

	for _, c := range []struct {
		name   string
		in     VerifyOwnerInput
		reason string
	}{
		{"email only", VerifyOwnerInput{SellAccountID: "1002", Subdomain: "globex", UserEmail: "owner@globex.test"}, "proves nothing"},
		{"unknown grant", globex("cred_nobodyknowsthisone"), "is not known"},
		{"non-owner", globex(lee.ID), "lee@globex.test signed in to globex but is not its account owner"},
		{"another subdomain", globex(initech.ID), "the sign-in was to Zendesk account initech, not globex"},
		{"another migration", globex(otherRun.ID), "another migration (sell-migration-9999)"},
		{"operator token", globex(operator), "is not an owner's Zendesk sign-in"},
		{"expired", globex(expired.ID), "expired"},
		{"revoked in the store", globex(revoked.ID), "revoked"},
		{"revoked at Zendesk", globex(revokedAtZendesk.ID), "Zendesk no longer accepts the sign-in"},
	} {
		res := f.verify(t, c.in)
		require.False(t, res.IsOwner, c.name)
		require.Contains(t, res.Reason, c.reason, c.name)
	}

	// The owner of initech has no Sell license until a Sell admin assigns one.
	initechIn := VerifyOwnerInput{SellAccountID: "1003", Subdomain: "initech", GrantID: initech.ID}
	res = f.verify(t, initechIn)
	require.True(t, res.IsOwner)
	require.False(t, res.HasSellLicense)
	require.Contains(t, res.Reason, "has no Sell license")
	require.NoError(t, f.sim.AssignSellLicense(t.Context(), 1003, "Bill Lumbergh", "owner@initech.test"))
	require.True(t, f.verify(t, initechIn).HasSellLicense)
}

// TestRevokeGrantRevokesAtZendeskAndInTheStore: after RevokeGrant the token no longer
// works at Zendesk and the store says revoked; revoking again, or an unknown grant, is
// no error.
func TestRevokeGrantRevokesAtZendeskAndInTheStore(t *testing.T) {
	t.Parallel()
	f := newSimFixture(t)
	g := f.signIn(t, "globex", "owner@globex.test", testWorkflowID)
	support := f.acts.platform.Support("globex", platform.Credentials{BearerToken: g.Secret})
	_, err := support.Me(t.Context())
	require.NoError(t, err)
	for range 2 {
		_, err := f.env().ExecuteActivity(f.acts.RevokeGrant, RevokeGrantInput{CredentialID: g.ID})
		require.NoError(t, err)
	}
	_, err = support.Me(t.Context())
	require.True(t, platform.IsStatus(err, http.StatusUnauthorized), "the grant still works at Zendesk: %v", err)
	stored, err := credsOf(f.acts).Get(context.Background(), g.ID)
	require.NoError(t, err)
	require.False(t, stored.RevokedAt.IsZero())
	_, err = f.env().ExecuteActivity(f.acts.RevokeGrant, RevokeGrantInput{CredentialID: "cred_gone"})
	require.NoError(t, err)
}
