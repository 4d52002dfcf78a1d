package config

import (
	"fmt"
	"net/url"
	"strconv"
	"strings"

	"github.com/spf13/cast"
)

// Demo credentials `sellmigrate dev` uses when none are configured; dev prints them.
const (
	DemoViewerToken       = "demo-viewer"
	DemoOpsToken          = "demo-ops"
	DemoAdminToken        = "demo-admin"
	DemoOAuthClientSecret = "demo-oauth-secret"
)

// DefaultTemporalUIURL is where the Temporal Web UI is expected outside dev.
const DefaultTemporalUIURL = "http://127.0.0.1:8233"

// APIPublicURL is how a browser on this machine reaches the API when api.public_url
// is not set.
func (c Config) APIPublicURL() string {
	if c.API.PublicURL != "" {
		return c.API.PublicURL
	}
	return c.API.scheme() + "://" + dialable(c.API.Listen)
}

// deriveAPIValues fills the API settings left empty: dev gets the demo tokens and
// OAuth secret and links to its own Temporal Web UI; other roles link to the UI's
// default address.
func deriveAPIValues(c *Config, r Role) {
	fillList := func(p *[]string, def string) {
		if len(*p) == 0 {
			*p = []string{def}
		}
	}
	if r == RoleDev {
		fillList(&c.API.ViewerTokens, DemoViewerToken)
		fillList(&c.API.OpsTokens, DemoOpsToken)
		fillList(&c.API.AdminTokens, DemoAdminToken)
		if c.API.OAuthClientSecret == "" {
			c.API.OAuthClientSecret = DemoOAuthClientSecret
		}
		if c.API.TemporalUIURL == "" && c.Dev.UIPort > 0 {
			c.API.TemporalUIURL = "http://127.0.0.1:" + strconv.Itoa(c.Dev.UIPort)
		}
	} else if c.API.TemporalUIURL == "" {
		c.API.TemporalUIURL = DefaultTemporalUIURL
	}
	// The Web UI the dashboard links to is the one that decodes payloads through the
	// codec endpoint, so its origin is the one allowed there.
	if c.API.CodecCORSOrigin == "" {
		c.API.CodecCORSOrigin = originOf(c.API.TemporalUIURL)
	}
}

// decodeList reads a list setting from a YAML list or a comma-separated string (env
// and flags), trimming each item and dropping empty ones.
func decodeList(p *[]string, name string, raw any) error {
	var items []string
	switch v := raw.(type) {
	case nil:
	case string:
		items = strings.Split(v, ",")
	case []string:
		items = v
	case []any:
		for _, x := range v {
			s, err := cast.ToStringE(x)
			if err != nil {
				return fmt.Errorf("config: %s must be a list of words or a comma-separated string, not a list holding %T", name, x)
			}
			items = append(items, s)
		}
	default:
		return fmt.Errorf("config: %s must be a list of words or a comma-separated string, not %T", name, raw)
	}
	out := []string{}
	for _, s := range items {
		if s = strings.TrimSpace(s); s != "" {
			out = append(out, s)
		}
	}
	*p = out
	return nil
}

// validate checks the API settings. Tokens are secrets, so errors name the key and
// the position but never the token.
func (a API) validate(r Role) error {
	owner := map[string]string{}
	total := len(a.Tokens)
	for _, l := range a.roleLists() {
		for i, tok := range l.tokens {
			if strings.ContainsAny(tok, " \t\r\n,") {
				return fmt.Errorf("config: %s item %d must be one word without spaces or commas", l.name, i+1)
			}
			if other, dup := owner[tok]; dup && other != l.name {
				return fmt.Errorf("config: %s item %d is also in %s; a token must map to exactly one role", l.name, i+1, other)
			}
			owner[tok] = l.name
			total++
		}
	}
	if err := a.validateAPITokens(); err != nil {
		return err
	}
	// With staff sign-in (OIDC) people need no token; automation may still add some.
	if r == RoleAPI && total == 0 && a.OIDC.Issuer == "" {
		return fmt.Errorf("config: api.tokens, api.viewer_tokens, api.ops_tokens and api.admin_tokens are all empty, so nobody could use the API; set at least one (env %s, %s, %s, %s; sellmigrate token new makes a named token), or api.oidc_issuer for staff sign-in",
			EnvVar("api.tokens"), EnvVar("api.viewer_tokens"), EnvVar("api.ops_tokens"), EnvVar("api.admin_tokens"))
	}
	if err := optionalBaseURL("api.public_url", a.PublicURL, "https://sellmigrate.example.com"); err != nil {
		return err
	}
	if err := optionalBaseURL("api.temporal_ui_url", a.TemporalUIURL, DefaultTemporalUIURL); err != nil {
		return err
	}
	if a.OAuthAuthorizeURL != "" {
		if err := urlTemplate("api.oauth_authorize_url", a.OAuthAuthorizeURL, "{subdomain}", "http://127.0.0.1:8081/zendesk/{subdomain}"); err != nil {
			return err
		}
	}
	if err := word("api.oauth_client_id", a.OAuthClientID, "sellmigrate"); err != nil {
		return err
	}
	if r == RoleAPI && a.OAuthClientSecret == "" {
		return fmt.Errorf("config: api.oauth_client_secret must be set for the api role: the secret of the OAuth client api.oauth_client_id registered with Zendesk (env %s)", EnvVar("api.oauth_client_secret"))
	}
	if err := intRange("api.max_body_bytes", a.MaxBodyBytes, 1024, 1<<30); err != nil {
		return err
	}
	return a.validateLimits()
}

// validateLimits checks the abuse limits. None can be switched off: a limit set high
// enough (the ranges reach far past any real load) does the same, and keeps the map
// of limiters and the stream count bounded.
func (a API) validateLimits() error {
	if err := floatRange("api.rate_limit_per_second", a.RateLimitPerSecond, 0.1, 1e6, "requests a second per token or client IP, e.g. 50"); err != nil {
		return err
	}
	if err := intRange("api.rate_limit_burst", a.RateLimitBurst, 1, 1_000_000); err != nil {
		return err
	}
	if err := intRange("api.max_streams_per_principal", a.MaxStreamsPerPrincipal, 1, 10_000); err != nil {
		return err
	}
	return intRange("api.owner_login_rate_per_minute", a.OwnerLoginRatePerMinute, 1, 1_000_000)
}

// optionalBaseURL accepts empty or an http(s) URL with a host and no query.
func optionalBaseURL(name, v, example string) error {
	if v == "" {
		return nil
	}
	u, err := url.Parse(v)
	if err != nil || (u.Scheme != "http" && u.Scheme != "https") || u.Host == "" || u.RawQuery != "" || u.Fragment != "" {
		return fmt.Errorf("config: %s %q must be an http(s) base URL, e.g. %s", name, v, example)
	}
	return nil
}
