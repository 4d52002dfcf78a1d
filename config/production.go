package config

import (
	"encoding/base64"
	"fmt"
	"net"
	"net/url"
	"strings"
)

// The production gate: the roles that run for real (api, worker) refuse to start on a
// secret anyone can read in this repository, a secret short enough to guess, or an API
// that sends its cookies and tokens in clear across a network. dev, sim, bench and the
// short client commands are not gated: they run the demo on purpose, or hold no secret.

// MinSecretLen is the fewest characters an API token or shared secret may have in a
// production role: 32 random characters are beyond any guessing, and
// `sellmigrate token new` and `openssl rand -hex 32` both give more.
const MinSecretLen = 32

// demoKeys are the AES keys (base64 of 32 bytes) earlier docker-compose.yml files used
// as defaults for credentials.keys and temporal.codec_keys. They are public, so data
// sealed under them is not secret; a production role refuses them under any key ID.
var demoKeys = []string{
	"c2VsbG1pZ3JhdGUgY29tcG9zZSBkZW1vIGtleSAzMmI=",
	"c2VsbG1pZ3JhdGUgY29tcG9zZSBwYXlsb2FkIGtleSE=",
}

// demoSecrets are every dev default secret a production role refuses.
var demoSecrets = []string{
	DemoViewerToken, DemoOpsToken, DemoAdminToken, DemoOAuthClientSecret,
	DemoPartnerToken, DemoSellTokenTemplate, DemoWebhookSecret,
}

// gated reports whether a role must pass the production gate.
func gated(r Role) bool { return r == RoleAPI || r == RoleWorker }

// productionGate runs the gate's rules for the api and worker roles; other roles pass.
func (c Config) productionGate(r Role) error {
	if !gated(r) {
		return nil
	}
	for _, l := range c.API.roleLists() {
		for i, tok := range l.tokens {
			if err := productionSecret(fmt.Sprintf("%s item %d", l.name, i+1), l.name, tok); err != nil {
				return err
			}
		}
	}
	for i, t := range c.API.Tokens {
		if isDemoSecretHash(t.SHA256) {
			return fmt.Errorf("config: %s entry %d (%s) is the SHA-256 of a public demo token; make a real one with \"sellmigrate token new --name %s --email %s --role %s\" and list its sha256 (env %s)",
				apiTokensKey, i+1, t.Name, t.Name, t.Email, t.Role, EnvVar(apiTokensKey))
		}
	}
	secrets := []struct{ name, v string }{
		{"api.oauth_client_secret", c.API.OAuthClientSecret},
		{"api.oidc_client_secret", c.API.OIDC.ClientSecret},
		{"zendesk.partner_token", c.Zendesk.PartnerToken},
		{"notify.webhook_secret", c.Notify.WebhookSecret},
	}
	for _, s := range secrets {
		if s.v == "" {
			continue // required where it is needed; the other checks say so
		}
		if err := productionSecret(s.name, s.name, s.v); err != nil {
			return err
		}
	}
	if c.Zendesk.SellTokenTemplate == DemoSellTokenTemplate {
		return fmt.Errorf("config: zendesk.sell_token_template is the simulator's demo template %q, which a real Sell account never accepts; set it to your Sell API token template with {account_id} (env %s)",
			DemoSellTokenTemplate, EnvVar("zendesk.sell_token_template"))
	}
	if err := noDemoKeys("credentials.keys", c.Credentials.Keys, "sellmigrate credentials new-key"); err != nil {
		return err
	}
	if err := noDemoKeys("temporal.codec_keys", c.Temporal.CodecKeys, "sellmigrate credentials new-key"); err != nil {
		return err
	}
	if err := c.API.OIDC.oidcIssuerNotDemo(r); err != nil {
		return err
	}
	if err := c.API.OIDC.oidcIssuerSecure(r); err != nil {
		return err
	}
	if r == RoleAPI {
		return c.API.publicURLSecure()
	}
	return nil
}

// productionSecret refuses a demo value or one shorter than MinSecretLen. what names
// the value in the error (a key, or a list item); key is the setting to change. The
// value itself is never echoed.
func productionSecret(what, key, v string) error {
	for _, d := range demoSecrets {
		if v == d {
			return fmt.Errorf("config: %s is the public demo value %q, which this role refuses; set a random secret of at least %d characters, e.g. from \"openssl rand -hex 32\" (env %s)",
				what, d, MinSecretLen, EnvVar(key))
		}
	}
	if n := len(v); n < MinSecretLen {
		return fmt.Errorf("config: %s has %d characters; this role needs at least %d, random, e.g. from \"openssl rand -hex 32\" (env %s)",
			what, n, MinSecretLen, EnvVar(key))
	}
	return nil
}

// isDemoSecretHash reports whether a named token's sha256 is that of a demo secret.
func isDemoSecretHash(sum string) bool {
	for _, d := range demoSecrets {
		if strings.EqualFold(sum, HashToken(d)) {
			return true
		}
	}
	return false
}

// noDemoKeys refuses a key spec ("ID:BASE64") whose key is a public demo key, whatever
// its ID. Malformed specs are left to the keyring's own check.
func noDemoKeys(name string, specs []string, newKey string) error {
	for i, spec := range specs {
		id, b64, _ := strings.Cut(strings.TrimSpace(spec), ":")
		raw, err := base64.StdEncoding.DecodeString(b64)
		if err != nil {
			continue
		}
		for _, d := range demoKeys {
			if demo, _ := base64.StdEncoding.DecodeString(d); string(raw) == string(demo) {
				return fmt.Errorf("config: %s item %d (key %s) is a public demo key from docker-compose.yml, so anything sealed under it can be read by anyone; make a real one with %q and set it (env %s)",
					name, i+1, id, newKey, EnvVar(name))
			}
		}
	}
	return nil
}

// publicURLSecure refuses an API reachable beyond this machine that browsers would
// reach over plain http: its session cookie, bearer tokens and the owners' OAuth codes
// would cross the network in clear. api.allow_insecure_http opts out where the listener
// is reachable from this machine alone all the same (a container whose port is
// published on 127.0.0.1 listens on 0.0.0.0 inside).
//
// Beyond loopback api.public_url is required whatever the transport: without it the
// base URL is derived from api.listen, and 0.0.0.0 becomes 127.0.0.1, so the OIDC and
// OAuth redirect URIs, the signed links in emails and the cookie's origin would all
// name a host no browser elsewhere reaches.
func (a API) publicURLSecure() error {
	if listensOnLoopback(a.Listen) {
		return nil
	}
	if a.PublicURL == "" {
		return fmt.Errorf("config: api.public_url is empty while api.listen %s is reachable beyond this machine; without it the API derives %s://%s, which the OIDC and OAuth redirect URIs, the signed links in emails and the session cookie's origin would name, and which browsers elsewhere do not reach; set it to the https:// URL browsers use, e.g. https://sellmigrate.example.com (env %s), or listen on 127.0.0.1 behind a TLS proxy",
			a.Listen, a.scheme(), dialable(a.Listen), EnvVar("api.public_url"))
	}
	if a.AllowInsecureHTTP {
		return nil
	}
	if u, err := url.Parse(a.PublicURL); err == nil && u.Scheme == "http" {
		return fmt.Errorf("config: api.public_url %s is http:// while api.listen %s is reachable beyond this machine, so tokens and cookies would cross the network in clear; serve https (api.public_url https://..., behind a TLS proxy) (env %s), set api.listen to 127.0.0.1:PORT, or, if only this machine can reach the listener (a container port published on 127.0.0.1), set api.allow_insecure_http: true (env %s)",
			a.PublicURL, a.Listen, EnvVar("api.public_url"), EnvVar("api.allow_insecure_http"))
	}
	return nil
}

// listensOnLoopback reports whether a listen address accepts connections from this
// machine only: a loopback IP or localhost. An empty or unspecified host (0.0.0.0, ::)
// listens everywhere.
func listensOnLoopback(listen string) bool {
	host, _, err := net.SplitHostPort(listen)
	if err != nil {
		return false
	}
	if host == "localhost" {
		return true
	}
	ip := net.ParseIP(host)
	return ip != nil && ip.IsLoopback()
}
