package api

import (
	"net/http"
	"net/http/httptest"
	"net/url"
	"testing"

	"github.com/sellmigrate/sellmigrate/platform/sim"
)

// TestOwnerLoginBrowserAndServerURLs: with AuthorizeURL set (docker compose: the
// browser reaches the simulator at 127.0.0.1, the server at sim), the owner's browser
// is sent there, while the code exchange and users/me still go to SupportURL.
func TestOwnerLoginBrowserAndServerURLs(t *testing.T) {
	t.Parallel()
	srv := startSim(t)
	const redirect = "http://127.0.0.1:8080/oauth/callback"
	oauth := OAuthOptions{
		ClientID: sim.DefaultOAuthClientID, ClientSecret: sim.DefaultOAuthClientSecret,
		SupportURL: srv.URL + "/zendesk/{subdomain}",
		// Nothing listens here: only the browser would use it.
		AuthorizeURL: "http://127.0.0.1:1/zendesk/{subdomain}/",
		Zendesk:      platformFor(t, srv.URL+"/zendesk/{subdomain}"),
	}
	o := &ownerLogin{s: &Server{opts: Options{PublicURL: "http://127.0.0.1:8080", OAuth: oauth}}}
	r := httptest.NewRequest(http.MethodGet, "/oauth/owner-login?migration=1002", nil)

	loc, err := url.Parse(o.authorizeURL(r, "globex", "st-1", "challenge-1"))
	if err != nil {
		t.Fatal(err)
	}
	q := loc.Query()
	if got := loc.Scheme + "://" + loc.Host + loc.Path; got != "http://127.0.0.1:1/zendesk/globex/oauth/authorizations/new" {
		t.Errorf("the browser is sent to %s; want api.oauth_authorize_url's sign-in page", got)
	}
	if q.Get("redirect_uri") != redirect || q.Get("client_id") != sim.DefaultOAuthClientID || q.Get("state") != "st-1" ||
		q.Get("response_type") != "code" || q.Get("scope") != "read write" ||
		q.Get("code_challenge") != "challenge-1" || q.Get("code_challenge_method") != "S256" {
		t.Errorf("authorization request %v", q)
	}

	z := o.tokenClient("globex")
	if base := z.z.LoginURL("globex"); base != srv.URL+"/zendesk/globex" {
		t.Fatalf("the code is exchanged at %s; want the server-side Support URL %s/zendesk/globex", base, srv.URL)
	}
	token, err := z.exchange(t.Context(), simAuthorize(t, srv.URL, "globex", "owner@globex.test", redirect, ""), redirect, "")
	if err != nil {
		t.Fatal(err)
	}
	if email, err := z.me(t.Context(), token.AccessToken); err != nil || email != "owner@globex.test" {
		t.Errorf("me = %q, %v", email, err)
	}

	// Without AuthorizeURL the browser goes where the server does.
	o.s.opts.OAuth.AuthorizeURL = ""
	if loc, _ = url.Parse(o.authorizeURL(r, "globex", "st-1", "challenge-1")); loc.Host != srv.Listener.Addr().String() {
		t.Errorf("without api.oauth_authorize_url the browser is sent to %s; want zendesk.support_url's host", loc.Host)
	}
}

func TestOwnerLoginAuthorizeURLNeedsSubdomain(t *testing.T) {
	t.Parallel()
	h := testOwnerLogin(t, OAuthOptions{ClientID: "sellmigrate", ClientSecret: "demo-oauth-secret",
		SupportURL: "http://127.0.0.1:1/zendesk/{subdomain}", AuthorizeURL: "http://127.0.0.1:1/zendesk"})
	expectPage(t, get(t, h, signedLink(t, "1002")), http.StatusServiceUnavailable, "api.oauth_authorize_url")
}
