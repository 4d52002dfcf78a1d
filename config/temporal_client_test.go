package config

import (
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/sellmigrate/sellmigrate/internal/devtls"
)

// isolateTemporalEnv unsets every TEMPORAL_* variable (envconfig treats a set but empty
// TLS path as "use TLS") and points envconfig at a file that does not exist, so a
// person's own temporal.toml and environment do not leak into the tests.
func isolateTemporalEnv(t *testing.T) {
	t.Helper()
	for _, kv := range os.Environ() {
		name, _, _ := strings.Cut(kv, "=")
		if strings.HasPrefix(name, "TEMPORAL_") {
			t.Setenv(name, "")
			if err := os.Unsetenv(name); err != nil {
				t.Fatal(err)
			}
		}
	}
	t.Setenv("TEMPORAL_CONFIG_FILE", filepath.Join(t.TempDir(), "absent.toml"))
}

func writeTOML(t *testing.T, body string) string {
	t.Helper()
	p := filepath.Join(t.TempDir(), "temporal.toml")
	if err := os.WriteFile(p, []byte(body), 0o600); err != nil {
		t.Fatal(err)
	}
	return p
}

func TestTemporalProfileWithTLSPaths(t *testing.T) {
	isolate(t)
	certs, err := devtls.Ensure(t.TempDir())
	if err != nil {
		t.Fatal(err)
	}
	toml := writeTOML(t, `
[profile.default]
address = "default.example:7233"

[profile.prod]
address = "prod.example:7233"
namespace = "migrations"
[profile.prod.tls]
client_cert_path = "`+certs.ClientCert+`"
client_key_path = "`+certs.ClientKey+`"
server_ca_cert_path = "`+certs.CACert+`"
server_name = "temporal.prod.example"
`)
	workerEnv(t)
	t.Setenv(EnvVar("temporal.config_file"), toml)
	t.Setenv(EnvVar("temporal.profile"), "prod")
	c, err := Load(Options{Role: RoleWorker})
	if err != nil {
		t.Fatal(err)
	}
	if c.Temporal.Address != "prod.example:7233" || c.Temporal.Namespace != "migrations" {
		t.Errorf("address/namespace = %q %q, want the prod profile's", c.Temporal.Address, c.Temporal.Namespace)
	}
	tc := c.Temporal.Connection.Options.ConnectionOptions.TLS
	if tc == nil || c.Temporal.Connection.Plaintext() {
		t.Fatal("profile TLS not applied")
	}
	if len(tc.Certificates) != 1 || tc.RootCAs == nil || tc.ServerName != "temporal.prod.example" {
		t.Errorf("TLS = %d certificates, roots %v, server name %q", len(tc.Certificates), tc.RootCAs != nil, tc.ServerName)
	}
	if c.Temporal.Connection.Options.HostPort != "" {
		t.Error("Connection carries an address; Temporal.Address must be the only one")
	}

	// A profile that is named but absent is an error naming the keys to fix.
	t.Setenv(EnvVar("temporal.profile"), "staging")
	_, err = Load(Options{Role: RoleClient})
	if err == nil || !strings.Contains(err.Error(), "temporal.profile") {
		t.Fatalf("missing profile: %v", err)
	}
}

func TestTemporalEnvironment(t *testing.T) {
	isolate(t)
	certs, err := devtls.Ensure(t.TempDir())
	if err != nil {
		t.Fatal(err)
	}
	for _, kv := range certs.ClientEnv("temporal.internal:7233", "mig") {
		name, value, _ := strings.Cut(kv, "=")
		t.Setenv(name, value)
	}
	c, err := Load(Options{Role: RoleClient})
	if err != nil {
		t.Fatal(err)
	}
	if c.Temporal.Address != "temporal.internal:7233" || c.Temporal.Namespace != "mig" {
		t.Errorf("address/namespace = %q %q, want TEMPORAL_ADDRESS/NAMESPACE", c.Temporal.Address, c.Temporal.Namespace)
	}
	if tc := c.Temporal.Connection.Options.ConnectionOptions.TLS; tc == nil || len(tc.Certificates) != 1 || tc.RootCAs == nil {
		t.Fatalf("TEMPORAL_TLS_* not applied: %+v", tc)
	}

	// A key without its certificate is refused with what to give.
	t.Setenv("TEMPORAL_TLS_CLIENT_CERT_PATH", "")
	_, err = Load(Options{Role: RoleClient})
	if err == nil || !strings.Contains(err.Error(), "TEMPORAL_TLS_CLIENT_CERT_PATH") {
		t.Fatalf("half a client key pair: %v", err)
	}
}

func TestTemporalAPIKeyTurnsOnTLS(t *testing.T) {
	isolate(t)
	workerEnv(t)
	t.Setenv("TEMPORAL_ADDRESS", "ns.acct.tmprl.cloud:7233")
	t.Setenv("TEMPORAL_API_KEY", "secret-key")
	c, err := Load(Options{Role: RoleWorker})
	if err != nil {
		t.Fatal(err)
	}
	conn := c.Temporal.Connection.Options
	if conn.Credentials == nil || conn.ConnectionOptions.TLS == nil {
		t.Fatalf("API key: credentials %v, TLS %v; want both", conn.Credentials, conn.ConnectionOptions.TLS)
	}
}

// TestTemporalPrecedence: our own keys beat TEMPORAL_*, which beats the profile, which
// beats the built-in default.
func TestTemporalPrecedence(t *testing.T) {
	isolate(t)
	toml := writeTOML(t, "[profile.default]\naddress = \"profile.test:1\"\nnamespace = \"from-profile\"\n")
	t.Setenv("TEMPORAL_CONFIG_FILE", toml)
	load := func() Config {
		t.Helper()
		c, err := Load(Options{Role: RoleClient})
		if err != nil {
			t.Fatal(err)
		}
		return c
	}
	if c := load(); c.Temporal.Address != "profile.test:1" || c.Temporal.Namespace != "from-profile" {
		t.Errorf("profile: %q %q", c.Temporal.Address, c.Temporal.Namespace)
	}
	t.Setenv("TEMPORAL_ADDRESS", "env.test:2")
	if c := load(); c.Temporal.Address != "env.test:2" || c.Temporal.Namespace != "from-profile" {
		t.Errorf("TEMPORAL_ADDRESS over profile: %q %q", c.Temporal.Address, c.Temporal.Namespace)
	}
	t.Setenv(EnvVar("temporal.address"), "ours.test:3")
	t.Setenv(EnvVar("temporal.namespace"), "ours")
	if c := load(); c.Temporal.Address != "ours.test:3" || c.Temporal.Namespace != "ours" {
		t.Errorf("temporal.address over TEMPORAL_ADDRESS: %q %q", c.Temporal.Address, c.Temporal.Namespace)
	}
	// dev reads no profile or TEMPORAL_*: it dials its own server.
	t.Setenv(EnvVar("temporal.address"), "")
	t.Setenv(EnvVar("temporal.namespace"), "")
	t.Setenv("TEMPORAL_TLS", "true")
	c, err := Load(Options{Role: RoleDev})
	if err != nil {
		t.Fatal(err)
	}
	if c.Temporal.Address != DefaultTemporalAddress || c.Temporal.Namespace != DefaultTemporalNamespace || !c.Temporal.Connection.Plaintext() {
		t.Errorf("dev took the client environment: %q %q plaintext=%v", c.Temporal.Address, c.Temporal.Namespace, c.Temporal.Connection.Plaintext())
	}
}

func TestInsecureTemporalGate(t *testing.T) {
	unverifiedProfile := writeTOML(t, "[profile.default]\naddress = \"temporal.internal:7233\"\n[profile.default.tls]\ndisable_host_verification = true\n")
	cases := []struct {
		role    Role
		env     map[string]string
		refused bool
	}{
		{RoleWorker, map[string]string{"TEMPORAL_ADDRESS": "temporal.internal:7233"}, true},
		{RoleWorker, map[string]string{EnvVar("temporal.address"): "10.0.0.5:7233"}, true},
		{RoleWorker, map[string]string{"TEMPORAL_ADDRESS": "temporal.internal:7233", EnvVar("temporal.allow_insecure"): "true"}, false},
		{RoleWorker, map[string]string{"TEMPORAL_ADDRESS": "temporal.internal:7233", "TEMPORAL_TLS": "true"}, false},
		{RoleWorker, map[string]string{"TEMPORAL_ADDRESS": "127.0.0.1:7233"}, false},
		{RoleWorker, map[string]string{"TEMPORAL_ADDRESS": "localhost:7233"}, false},
		{RoleWorker, map[string]string{"TEMPORAL_ADDRESS": "[::1]:7233"}, false},
		// TLS explicitly off beats an API key's implied TLS: still plaintext.
		{RoleWorker, map[string]string{"TEMPORAL_ADDRESS": "temporal.internal:7233", "TEMPORAL_API_KEY": "k", "TEMPORAL_TLS": "false"}, true},
		// TLS that accepts any certificate is no better than plaintext beyond loopback.
		{RoleWorker, map[string]string{"TEMPORAL_ADDRESS": "temporal.internal:7233", "TEMPORAL_TLS": "true", "TEMPORAL_TLS_DISABLE_HOST_VERIFICATION": "true"}, true},
		{RoleWorker, map[string]string{"TEMPORAL_ADDRESS": "temporal.internal:7233", "TEMPORAL_API_KEY": "k", "TEMPORAL_TLS_DISABLE_HOST_VERIFICATION": "true"}, true},
		{RoleWorker, map[string]string{"TEMPORAL_CONFIG_FILE": unverifiedProfile}, true},
		{RoleWorker, map[string]string{"TEMPORAL_ADDRESS": "temporal.internal:7233", "TEMPORAL_TLS": "true", "TEMPORAL_TLS_DISABLE_HOST_VERIFICATION": "true", EnvVar("temporal.allow_insecure"): "true"}, false},
		{RoleWorker, map[string]string{"TEMPORAL_ADDRESS": "127.0.0.1:7233", "TEMPORAL_TLS": "true", "TEMPORAL_TLS_DISABLE_HOST_VERIFICATION": "true"}, false},
		// Short client commands are a person's choice; the gate is for services.
		{RoleClient, map[string]string{"TEMPORAL_ADDRESS": "temporal.internal:7233"}, false},
	}
	for i, tc := range cases {
		t.Run(fmt.Sprintf("case%d", i), func(t *testing.T) {
			isolate(t)
			workerEnv(t)
			for k, v := range tc.env {
				t.Setenv(k, v)
			}
			_, err := Load(Options{Role: tc.role})
			if !tc.refused {
				if err != nil {
					t.Fatalf("case %d refused: %v", i, err)
				}
				return
			}
			if err == nil {
				t.Fatalf("case %d: plaintext to a remote Temporal was accepted", i)
			}
			wants := []string{"temporal.allow_insecure", "TEMPORAL_TLS"}
			if tc.env["TEMPORAL_TLS_DISABLE_HOST_VERIFICATION"] != "" || tc.env["TEMPORAL_CONFIG_FILE"] == unverifiedProfile {
				wants = append(wants, "TEMPORAL_TLS_DISABLE_HOST_VERIFICATION", "disable_host_verification")
			}
			for _, want := range wants {
				if !strings.Contains(err.Error(), want) {
					t.Errorf("case %d: error %q does not mention %s", i, err, want)
				}
			}
		})
	}
}
