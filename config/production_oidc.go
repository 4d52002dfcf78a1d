package config

import (
	"fmt"
	"net/url"
	"strings"
)

// oidcIssuerSecure is the gate's rule for the staff sign-in provider. The api role reads
// the issuer's discovery document and its JWKS, and trusts any ID token those keys
// sign: fetched over plain http beyond this machine, anyone on the path could swap the
// keys and forge a sign-in as any staff member, admin included.
func (o OIDC) oidcIssuerSecure(r Role) error {
	if r != RoleAPI || o.Issuer == "" {
		return nil
	}
	u, err := url.Parse(o.Issuer)
	if err != nil {
		return nil // validate already named the malformed URL
	}
	if u.Scheme != "https" && !isLoopback(u.Hostname()) {
		return fmt.Errorf("config: api.oidc_issuer %s is %s:// beyond this machine, so its signing keys would be fetched without TLS and anyone on the path could forge a staff sign-in; give the provider's https:// issuer URL, e.g. https://login.example.com/realms/staff (env %s)",
			o.Issuer, u.Scheme, EnvVar("api.oidc_issuer"))
	}
	return nil
}

// oidcIssuerNotDemo refuses the simulator's demo staff provider (DevOIDCPath, on
// whatever host serves it): its users sign in with a password published in this
// repository, admin included. The path alone is checked, so a simulator behind another
// name or a proxy prefix is refused too.
func (o OIDC) oidcIssuerNotDemo(r Role) error {
	if !gated(r) || o.Issuer == "" {
		return nil
	}
	u, err := url.Parse(o.Issuer)
	if err != nil {
		return nil // validate already named the malformed URL
	}
	if strings.HasSuffix(strings.TrimRight(u.Path, "/"), DevOIDCPath) {
		return fmt.Errorf("config: api.oidc_issuer %s is the simulator's demo staff provider (path %s), whose users sign in with a password published in this repository; give your own provider's https:// issuer URL, e.g. https://login.example.com/realms/staff, or leave it empty for API tokens only (env %s)",
			o.Issuer, DevOIDCPath, EnvVar("api.oidc_issuer"))
	}
	return nil
}
