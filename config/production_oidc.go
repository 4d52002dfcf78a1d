package config

import (
	"fmt"
	"net/url"
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
