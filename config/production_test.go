package config

import (
	"encoding/base64"
	"strings"
	"testing"

	"github.com/sellmigrate/sellmigrate/internal/testcert"
)

// Secrets long enough for the production gate, for tests that load the api or worker
// role. They are in this repository, so only tests may use them.
const (
	testOAuthSecret = "test-oauth-secret-0123456789abcdef"
	testAdminToken  = "test-admin-token-0123456789abcdef"
	testOpsToken    = "test-ops-token-0123456789abcdef01"
)

// goodProduction is a production environment the gate lets through: every secret real
// and long, a key of its own for each store, and an https public URL.
func goodProduction() map[string]string {
	key := func(b byte) string {
		k := make([]byte, 32)
		for i := range k {
			k[i] = b + byte(i)
		}
		return "k1:" + base64.StdEncoding.EncodeToString(k)
	}
	return map[string]string{
		"api.listen":                  "0.0.0.0:8080",
		"api.public_url":              "https://sellmigrate.example.com",
		"api.admin_tokens":            testAdminToken,
		"api.ops_tokens":              testOpsToken,
		"api.oauth_client_secret":     testOAuthSecret,
		"api.tokens":                  "ci-bot:ci@example.test:ops:" + HashToken("ci-bot-token-0123456789abcdef0123456789"),
		"zendesk.partner_token":       "partner-0123456789abcdef0123456789",
		"zendesk.sell_token_template": "sell-{account_id}",
		"notify.webhook_url":          "https://hooks.example.com/services/T/B/X",
		"notify.webhook_secret":       "hook-0123456789abcdef0123456789abcd",
		"credentials.dsn":             "sqlite:/tmp/sellmigrate-gate-test.db",
		"credentials.keys":            key(1),
		"temporal.codec_keys":         key(100),
	}
}

func loadWith(t *testing.T, r Role, env map[string]string) error {
	t.Helper()
	isolate(t)
	for k, v := range env {
		t.Setenv(EnvVar(k), v)
	}
	_, err := Load(Options{Role: r})
	return err
}

func TestProductionGate(t *testing.T) {
	for _, r := range []Role{RoleAPI, RoleWorker} {
		if err := loadWith(t, r, goodProduction()); err != nil {
			t.Fatalf("role %d: a good production config is refused: %v", r, err)
		}
	}
	composeKey := "demo:" + demoKeys[0]
	cases := []struct {
		name    string
		roles   []Role
		set     map[string]string
		wantKey string // the key the error must name
		secret  string // must not be echoed ("" when the error may name a demo value)
	}{
		{"demo admin token", []Role{RoleAPI, RoleWorker}, map[string]string{"api.admin_tokens": DemoAdminToken}, "api.admin_tokens item 1", ""},
		{"demo viewer token", []Role{RoleAPI}, map[string]string{"api.viewer_tokens": DemoViewerToken}, "api.viewer_tokens item 1", ""},
		{"demo ops token", []Role{RoleAPI}, map[string]string{"api.ops_tokens": DemoOpsToken}, "api.ops_tokens item 1", ""},
		{"demo token in a named token", []Role{RoleAPI, RoleWorker}, map[string]string{"api.tokens": "ana:ana@example.test:admin:" + HashToken(DemoAdminToken)}, "api.tokens entry 1 (ana)", ""},
		{"demo token hash in upper case", []Role{RoleAPI}, map[string]string{"api.tokens": "ana:ana@example.test:viewer:" + strings.ToUpper(HashToken(DemoViewerToken))}, "api.tokens entry 1", ""},
		{"demo oauth secret", []Role{RoleAPI, RoleWorker}, map[string]string{"api.oauth_client_secret": DemoOAuthClientSecret}, "api.oauth_client_secret", ""},
		{"demo partner token", []Role{RoleWorker, RoleAPI}, map[string]string{"zendesk.partner_token": DemoPartnerToken}, "zendesk.partner_token", ""},
		{"demo sell token template", []Role{RoleWorker}, map[string]string{"zendesk.sell_token_template": DemoSellTokenTemplate}, "zendesk.sell_token_template", ""},
		{"demo webhook secret", []Role{RoleWorker}, map[string]string{"notify.webhook_secret": DemoWebhookSecret}, "notify.webhook_secret", ""},
		{"compose demo credential key", []Role{RoleWorker, RoleAPI}, map[string]string{"credentials.keys": composeKey}, "credentials.keys item 1 (key demo)", ""},
		{"compose demo key under another ID", []Role{RoleWorker}, map[string]string{"credentials.keys": "mine:" + demoKeys[1]}, "credentials.keys item 1 (key mine)", ""},
		{"compose demo codec key", []Role{RoleWorker, RoleAPI}, map[string]string{"temporal.codec_keys": "demo:" + demoKeys[1]}, "temporal.codec_keys item 1", ""},
		{"short admin token", []Role{RoleAPI}, map[string]string{"api.admin_tokens": "short-admin-token"}, "api.admin_tokens item 1 has 17 characters", "short-admin-token"},
		{"short second ops token", []Role{RoleAPI}, map[string]string{"api.ops_tokens": testOpsToken + ",0123456789abcdef0123456789abcde"}, "api.ops_tokens item 2 has 31 characters", "0123456789abcdef0123456789abcde"},
		{"short oauth secret", []Role{RoleAPI}, map[string]string{"api.oauth_client_secret": "hunter2hunter2"}, "api.oauth_client_secret has 14 characters", "hunter2hunter2"},
		{"short OIDC client secret", []Role{RoleAPI}, map[string]string{"api.oidc_issuer": "https://login.example.com", "api.oidc_client_secret": "hunter2hunter2"}, "api.oidc_client_secret has 14 characters", "hunter2hunter2"},
		{"short webhook secret", []Role{RoleWorker}, map[string]string{"notify.webhook_secret": "hunter2hunter2"}, "notify.webhook_secret has 14", "hunter2hunter2"},
		{"short partner token", []Role{RoleWorker}, map[string]string{"zendesk.partner_token": "partner-hunter2"}, "zendesk.partner_token has 15", "partner-hunter2"},
		{"http public url beyond loopback", []Role{RoleAPI}, map[string]string{"api.public_url": "http://sellmigrate.example.com"}, "api.public_url http://sellmigrate.example.com is http://", ""},
		{"no public url beyond loopback", []Role{RoleAPI}, map[string]string{"api.public_url": ""}, "api.public_url is empty", ""},
		{"no public url says what would be derived", []Role{RoleAPI}, map[string]string{"api.public_url": ""}, "derives http://127.0.0.1:8080", ""},
		{"no public url on a LAN address", []Role{RoleAPI}, map[string]string{"api.listen": "10.0.0.5:8080", "api.public_url": ""}, "api.public_url is empty", ""},
		{"no public url, insecure http allowed", []Role{RoleAPI}, map[string]string{"api.public_url": "", "api.allow_insecure_http": "true"}, "api.public_url is empty", ""},
		{"http OIDC issuer beyond loopback", []Role{RoleAPI}, map[string]string{"api.oidc_issuer": "http://login.example.com/realms/staff"}, "api.oidc_issuer http://login.example.com/realms/staff is http://", ""},
		{"demo staff provider", []Role{RoleAPI, RoleWorker}, map[string]string{"api.oidc_issuer": "https://sim.example.com" + DevOIDCPath}, "api.oidc_issuer https://sim.example.com/_oidc is the simulator's demo staff provider", ""},
		{"demo staff provider with a trailing slash", []Role{RoleAPI}, map[string]string{"api.oidc_issuer": "https://sim.example.com" + DevOIDCPath + "/"}, "demo staff provider", ""},
		{"demo staff provider behind a prefix", []Role{RoleAPI}, map[string]string{"api.oidc_issuer": "https://tools.example.com/sim" + DevOIDCPath}, "demo staff provider", ""},
		{"demo staff provider on loopback", []Role{RoleAPI}, map[string]string{"api.oidc_issuer": "http://127.0.0.1:8081" + DevOIDCPath}, "demo staff provider", ""},
		{"http public url on every IPv6 interface", []Role{RoleAPI}, map[string]string{"api.listen": "[::]:8080", "api.public_url": "http://[::1]:8080"}, "api.public_url", ""},
	}
	for _, tc := range cases {
		for _, r := range tc.roles {
			env := goodProduction()
			for k, v := range tc.set {
				env[k] = v
			}
			err := loadWith(t, r, env)
			if err == nil || !strings.Contains(err.Error(), tc.wantKey) || !strings.Contains(err.Error(), "SELLMIGRATE_") {
				t.Errorf("%s, role %d: err = %v; want a refusal naming %q and its env var", tc.name, r, err, tc.wantKey)
				continue
			}
			if tc.secret != "" && strings.Contains(err.Error(), tc.secret) {
				t.Errorf("%s: the error echoes the secret: %v", tc.name, err)
			}
		}
	}
}

// TestProductionGateAllows: what the gate lets through on purpose.
func TestProductionGateAllows(t *testing.T) {
	cases := []struct {
		name string
		role Role
		set  map[string]string
	}{
		{"http public url on loopback", RoleAPI, map[string]string{"api.listen": "127.0.0.1:8080", "api.public_url": "http://127.0.0.1:8080"}},
		{"no public url on localhost", RoleAPI, map[string]string{"api.listen": "localhost:8080", "api.public_url": ""}},
		{"no public url on IPv6 loopback", RoleAPI, map[string]string{"api.listen": "[::1]:8080", "api.public_url": ""}},
		{"http beyond loopback, allowed", RoleAPI, map[string]string{"api.public_url": "http://127.0.0.1:8080", "api.allow_insecure_http": "true"}},
		{"worker ignores the API's listener", RoleWorker, map[string]string{"api.public_url": "http://sellmigrate.example.com"}},
		{"optional secrets empty", RoleWorker, map[string]string{"zendesk.partner_token": "", "notify.webhook_url": "", "notify.webhook_secret": "", "api.oauth_client_secret": "", "api.admin_tokens": "", "api.ops_tokens": "", "api.tokens": ""}},
		{"http OIDC issuer on loopback", RoleAPI, map[string]string{"api.oidc_issuer": "http://127.0.0.1:9000/realms/staff"}},
		{"http OIDC issuer on IPv6 loopback", RoleAPI, map[string]string{"api.oidc_issuer": "http://[::1]/realms/staff"}},
		{"https OIDC issuer", RoleAPI, map[string]string{"api.oidc_issuer": "https://login.example.com/realms/staff"}},
		{"a provider whose path only contains the demo path", RoleAPI, map[string]string{"api.oidc_issuer": "https://login.example.com/_oidc-staff"}},
		{"exactly 32 characters", RoleAPI, map[string]string{"api.admin_tokens": strings.Repeat("a1", 16)}},
	}
	for _, tc := range cases {
		env := goodProduction()
		for k, v := range tc.set {
			env[k] = v
		}
		if err := loadWith(t, tc.role, env); err != nil {
			t.Errorf("%s: %v", tc.name, err)
		}
	}
}

// TestProductionGateTLS: an API that serves TLS itself still needs api.public_url
// beyond loopback, as the base URL derived from 0.0.0.0 names 127.0.0.1; an http://
// public URL is refused all the same, as browsers would be sent there.
func TestProductionGateTLS(t *testing.T) {
	cert, key := testcert.New(t, "api").Write(t, t.TempDir())
	env := goodProduction()
	env["api.listen"], env["api.tls_cert_file"], env["api.tls_key_file"], env["api.public_url"] = "0.0.0.0:8443", cert, key, ""
	if err := loadWith(t, RoleAPI, env); err == nil || !strings.Contains(err.Error(), "api.public_url is empty") || !strings.Contains(err.Error(), "https://127.0.0.1:8443") {
		t.Errorf("TLS on 0.0.0.0 without a public URL: err = %v, want a refusal naming api.public_url and the derived https://127.0.0.1:8443", err)
	}
	env["api.public_url"] = "https://sellmigrate.example.com:8443"
	if err := loadWith(t, RoleAPI, env); err != nil {
		t.Errorf("TLS on 0.0.0.0 with an https public URL: %v", err)
	}
	env["api.public_url"] = "http://sellmigrate.example.com"
	if err := loadWith(t, RoleAPI, env); err == nil || !strings.Contains(err.Error(), "api.public_url http://sellmigrate.example.com is http://") {
		t.Errorf("TLS with an http:// public URL: err = %v, want a refusal naming api.public_url", err)
	}
	env["api.listen"], env["api.public_url"] = "127.0.0.1:8443", ""
	if err := loadWith(t, RoleAPI, env); err != nil {
		t.Errorf("TLS on loopback without a public URL: %v", err)
	}
}

// TestProductionGateSparesDemoRoles: dev, sim and the client commands run with the
// demo secrets; only the api and worker roles are gated.
func TestProductionGateSparesDemoRoles(t *testing.T) {
	demo := map[string]string{
		"api.admin_tokens": DemoAdminToken, "api.oauth_client_secret": DemoOAuthClientSecret,
		"zendesk.partner_token": DemoPartnerToken, "zendesk.sell_token_template": DemoSellTokenTemplate,
		"credentials.keys": "demo:" + demoKeys[0], "temporal.codec_keys": "demo:" + demoKeys[1],
		"api.public_url": "http://sellmigrate.example.com", "api.listen": "0.0.0.0:8080",
	}
	for _, r := range []Role{RoleDev, RoleSim, RoleClient} {
		if err := loadWith(t, r, demo); err != nil {
			t.Errorf("role %d refuses the demo settings: %v", r, err)
		}
	}
	// dev fills in its own demo secrets, which it prints.
	if err := loadWith(t, RoleDev, nil); err != nil {
		t.Errorf("dev with its defaults: %v", err)
	}
}

// TestDemoKeysDecode keeps the demo key list honest: each is a real 32-byte key, or
// the check that compares key material could never match it.
func TestDemoKeysDecode(t *testing.T) {
	for _, k := range demoKeys {
		if raw, err := base64.StdEncoding.DecodeString(k); err != nil || len(raw) != 32 {
			t.Errorf("demo key %q: %d bytes, %v", k, len(raw), err)
		}
	}
}
