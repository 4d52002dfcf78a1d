package sim

import (
	"fmt"
	"net/http"
	"net/url"
	"slices"
	"strings"
	"time"
)

// Zendesk's OAuth authorization-code flow, as the simulator serves it under each
// subdomain's base URL:
//
//	GET  /oauth/authorizations/new?response_type=code&client_id=&redirect_uri=&scope=&state=
//	     the sign-in page of the account (email, password, "Sign in")
//	POST /oauth/authorizations   the sign-in form; on success 302 redirect_uri?code=&state=
//	POST /oauth/tokens           grant_type=authorization_code (JSON or form) →
//	     {"access_token","token_type":"bearer","scope"}
//
// An access token then authenticates Support API calls as the user who signed in
// ("Authorization: Bearer <token>"), GET with scope read, writes with scope write.
// Every simulated user's password is DemoPassword. One client is registered with every
// account (Config.OAuthClientID/Secret); its redirect URLs are Config.OAuthRedirectURLs,
// or any http(s) URL when that is empty.

// DemoPassword signs any active user of any simulated Zendesk account in on the OAuth
// sign-in page.
const DemoPassword = "demo-password"

// Default OAuth client registered with every simulated account, matching sellmigrate's
// own defaults (api.oauth_client_id, api.oauth_client_secret in dev).
const (
	DefaultOAuthClientID     = "sellmigrate"
	DefaultOAuthClientSecret = "demo-oauth-secret"
)

// OAuth lifetimes. Zendesk's codes are short-lived; five minutes leaves a person time
// to be redirected without letting a leaked code linger.
const (
	oauthCodeTTL = 5 * time.Minute
	// oauthMaxBody bounds a token request or sign-in form.
	oauthMaxBody = 64 << 10
)

// oauthPrefix is where the OAuth endpoints live under a subdomain's base.
const oauthPrefix = supportPrefix + "{sub}/oauth/"

// oauthClient is the client registered with every simulated account.
type oauthClient struct {
	id, secret   string
	redirectURLs []string
}

func newOAuthClient(cfg Config) (oauthClient, error) {
	c := oauthClient{id: cfg.OAuthClientID, secret: cfg.OAuthClientSecret}
	if c.id == "" {
		c.id = DefaultOAuthClientID
	}
	if c.secret == "" {
		c.secret = DefaultOAuthClientSecret
	}
	for _, raw := range cfg.OAuthRedirectURLs {
		if err := checkRedirectURL(raw); err != nil {
			return oauthClient{}, fmt.Errorf("sim: Config.OAuthRedirectURLs: %q %w", raw, err)
		}
		c.redirectURLs = append(c.redirectURLs, raw)
	}
	return c, nil
}

// redirectAllowed reports whether the client may be sent back to raw.
func (c oauthClient) redirectAllowed(raw string) error {
	if err := checkRedirectURL(raw); err != nil {
		return err
	}
	if len(c.redirectURLs) > 0 && !slices.Contains(c.redirectURLs, raw) {
		return fmt.Errorf("is not a redirect URL registered for client %s", c.id)
	}
	return nil
}

// checkRedirectURL accepts an absolute http(s) URL without a fragment (RFC 6749 §3.1.2).
func checkRedirectURL(raw string) error {
	u, err := url.Parse(raw)
	switch {
	case raw == "":
		return fmt.Errorf("is missing")
	case err != nil:
		return fmt.Errorf("is not a URL: %v", err)
	case (u.Scheme != "http" && u.Scheme != "https") || u.Host == "":
		return fmt.Errorf("must be an absolute http or https URL")
	case u.Fragment != "" || strings.Contains(raw, "#"):
		return fmt.Errorf("must not contain a fragment (#)")
	}
	return nil
}

// oauthRoutes serves the OAuth endpoints of every subdomain. They are the browser
// sign-in and the token exchange, not the REST API, so they sit outside the API's
// rate limiter and fault injection: a dev stack with faults on still lets a person sign in.
func (s *Sim) oauthRoutes() http.Handler {
	m := http.NewServeMux()
	m.HandleFunc("GET "+oauthPrefix+"authorizations/new", s.handleAuthorizePage)
	m.HandleFunc("POST "+oauthPrefix+"authorizations", s.handleAuthorizeSubmit)
	m.HandleFunc("POST "+oauthPrefix+"tokens", s.handleTokens)
	m.HandleFunc(oauthPrefix, func(w http.ResponseWriter, _ *http.Request) { supportNotFound(w) })
	return m
}

// withQuery returns raw with the given parameters added to its query (raw was checked
// by checkRedirectURL, so it parses).
func withQuery(raw string, params url.Values) string {
	u, err := url.Parse(raw)
	if err != nil {
		return raw
	}
	q := u.Query()
	for k, vs := range params {
		for _, v := range vs {
			q.Add(k, v)
		}
	}
	u.RawQuery = q.Encode()
	return u.String()
}
