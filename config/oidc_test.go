package config

import (
	"strings"
	"testing"
)

// TestOIDC: staff sign-in is off by default outside dev, dev points at the
// simulator's provider, the redirect follows api.public_url, an api role with OIDC
// needs no token, and bad settings are refused naming the key.
func TestOIDC(t *testing.T) {
	load := func(t *testing.T, r Role, env map[string]string) (Config, error) {
		isolate(t)
		// Production roles pass the gate only with real secrets (see goodProduction).
		t.Setenv(EnvVar("api.oauth_client_secret"), testOAuthSecret)
		for k, v := range env {
			t.Setenv(EnvVar(k), v)
		}
		return Load(Options{Role: r})
	}
	t.Run("defaults", func(t *testing.T) {
		c, err := load(t, RoleAPI, map[string]string{"api.admin_tokens": testAdminToken})
		if err != nil {
			t.Fatal(err)
		}
		if c.API.OIDC.Issuer != "" || c.API.OIDC.ClientID != "sellmigrate" || c.API.OIDC.RoleClaim != DefaultOIDCRoleClaim {
			t.Errorf("api defaults = %+v", c.API.OIDC)
		}
	})
	t.Run("dev uses the simulator's provider", func(t *testing.T) {
		c, err := load(t, RoleDev, map[string]string{"sim.listen": "127.0.0.1:18081", "api.public_url": "http://localhost:18080/"})
		if err != nil {
			t.Fatal(err)
		}
		if c.API.OIDC.Issuer != "http://127.0.0.1:18081/_oidc" || c.API.OIDC.ClientSecret != "" {
			t.Errorf("dev oidc = %+v", c.API.OIDC)
		}
		if got := c.OIDCRedirectURL(); got != "http://localhost:18080/auth/callback" {
			t.Errorf("redirect = %q", got)
		}
	})
	t.Run("api with OIDC and no token", func(t *testing.T) {
		if _, err := load(t, RoleAPI, map[string]string{"api.oidc_issuer": "https://login.example.com"}); err != nil {
			t.Errorf("refused: %v", err)
		}
	})
	for name, tc := range map[string]struct{ key, value, want string }{
		"issuer not a URL": {"api.oidc_issuer", "login.example.com", "api.oidc_issuer"},
		"no client ID":     {"api.oidc_client_id", " ", "api.oidc_client_id"},
		"no role claim":    {"api.oidc_role_claim", " ", "api.oidc_role_claim"},
	} {
		t.Run(name, func(t *testing.T) {
			env := map[string]string{"api.admin_tokens": testAdminToken, "api.oidc_issuer": "https://login.example.com", tc.key: tc.value}
			if _, err := load(t, RoleAPI, env); err == nil || !strings.Contains(err.Error(), tc.want) {
				t.Errorf("err = %v, want one naming %s", err, tc.want)
			}
		})
	}
}
