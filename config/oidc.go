package config

import (
	"fmt"
	"strings"
)

// OIDC is the dashboard's staff sign-in through an OpenID Connect provider
// (authorization code + PKCE). Empty Issuer turns it off: the dashboard then offers
// the API-token form only.
type OIDC struct {
	// Issuer is the provider's issuer URL; its discovery document is read at start.
	Issuer string
	// ClientID and ClientSecret identify the dashboard to the provider. An empty
	// secret makes it a public client, which PKCE alone protects (dev's provider).
	ClientID     string
	ClientSecret string
	// RoleClaim names the ID-token claim that holds the person's role: viewer, ops or
	// admin (a string, or a list whose highest known role counts).
	RoleClaim string
}

// DevOIDCPath is where the simulator serves its demo staff OIDC provider.
const DevOIDCPath = "/_oidc"

// DefaultOIDCRoleClaim is the claim read for the role when api.oidc_role_claim is unset.
const DefaultOIDCRoleClaim = "sellmigrate_role"

// OIDCRedirectURL is the callback the provider sends the browser back to, derived
// from api.public_url: register it with the provider.
func (c Config) OIDCRedirectURL() string { return c.APIBaseURL() + "/auth/callback" }

// DevOIDCIssuer is the simulator's demo staff provider, as the browser and the API
// reach it.
func (c Config) DevOIDCIssuer() string { return c.SimBaseURL() + DevOIDCPath }

// deriveOIDCValues: dev signs staff in through the simulator's demo provider, with
// nothing to set by hand.
func deriveOIDCValues(c *Config, r Role) {
	if r == RoleDev && c.API.OIDC.Issuer == "" {
		c.API.OIDC.Issuer = c.DevOIDCIssuer()
	}
}

func (o OIDC) validate() error {
	if o.Issuer == "" {
		return nil
	}
	if err := optionalBaseURL("api.oidc_issuer", o.Issuer, "https://login.example.com/realms/staff"); err != nil {
		return err
	}
	if strings.TrimSpace(o.ClientID) == "" {
		return fmt.Errorf("config: api.oidc_client_id is empty while api.oidc_issuer is set; give the client ID registered with the provider (env %s)", EnvVar("api.oidc_client_id"))
	}
	if strings.TrimSpace(o.RoleClaim) == "" || strings.ContainsAny(o.RoleClaim, " \t\r\n") {
		return fmt.Errorf("config: api.oidc_role_claim %q must name the ID-token claim holding viewer, ops or admin, e.g. %s", o.RoleClaim, DefaultOIDCRoleClaim)
	}
	return nil
}
