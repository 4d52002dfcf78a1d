package harness

import (
	"crypto/rand"
	"encoding/hex"
	"fmt"
)

// newStackSecrets makes the secrets one dev stack runs with instead of the public demo
// ones: the partner token and Sell token template its simulator accepts, the secret
// its webhook receiver checks, and the OAuth client secret of its owner login. dev
// gives the configured values to its simulator, and the `worker` and `api` roles a test
// starts beside it get the same through Dev.Env: those roles refuse demo secrets and
// secrets under 32 characters (config's production gate), as in production.
func newStackSecrets() (Settings, error) {
	s := func(prefix string) (string, error) {
		b := make([]byte, 20)
		if _, err := rand.Read(b); err != nil {
			return "", fmt.Errorf("harness: make the stack's secrets: %w", err)
		}
		return prefix + hex.EncodeToString(b), nil
	}
	out := Settings{}
	for key, prefix := range map[string]string{
		"zendesk.partner_token":   "e2e-partner-",
		"sim.webhook_secret":      "e2e-webhook-",
		"api.oauth_client_secret": "e2e-oauth-",
		// A template, not a token: the simulator puts each Sell account's ID in it.
		"zendesk.sell_token_template": "e2e-sell-",
	} {
		v, err := s(prefix)
		if err != nil {
			return nil, err
		}
		out[key] = v
	}
	out["zendesk.sell_token_template"] += "-{account_id}"
	return out, nil
}

// Secrets are the secrets this stack runs with (see newStackSecrets) besides the demo
// ones dev still uses (API tokens, users' password); none may reach a history.
func (d *Dev) Secrets() []string {
	out := make([]string, 0, len(d.secrets))
	for key, v := range d.secrets {
		if key == "zendesk.sell_token_template" {
			v = v[:len(v)-len("{account_id}")] // the prefix of every account's token
		}
		out = append(out, v)
	}
	return out
}

// OAuthClientSecret is the secret of the OAuth client the stack's simulator registers.
func (d *Dev) OAuthClientSecret() string { return d.secrets["api.oauth_client_secret"] }
