package config

import (
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/sellmigrate/sellmigrate/internal/testcert"
)

func TestAPITLSTurnsThePublicURLToHTTPS(t *testing.T) {
	isolate(t)
	cert, key := testcert.New(t, "api").Write(t, t.TempDir())
	t.Setenv(EnvVar("api.tls_cert_file"), cert)
	t.Setenv(EnvVar("api.tls_key_file"), key)
	t.Setenv(EnvVar("api.listen"), "0.0.0.0:8443")
	c, err := Load(Options{Role: RoleDev})
	if err != nil {
		t.Fatal(err)
	}
	if !c.API.TLSEnabled() || c.APIPublicURL() != "https://127.0.0.1:8443" || c.APIBaseURL() != "https://127.0.0.1:8443" {
		t.Errorf("with TLS: enabled %v, public URL %s, base URL %s; want https://127.0.0.1:8443", c.API.TLSEnabled(), c.APIPublicURL(), c.APIBaseURL())
	}
	t.Setenv(EnvVar("api.tls_cert_file"), "")
	t.Setenv(EnvVar("api.tls_key_file"), "")
	if c, err = Load(Options{Role: RoleDev}); err != nil || c.API.TLSEnabled() || c.APIPublicURL() != "http://127.0.0.1:8443" {
		t.Errorf("without TLS: enabled %v, public URL %s, err %v; want http://127.0.0.1:8443", c.API.TLSEnabled(), c.APIPublicURL(), err)
	}
}

func TestAPIAdminListenDefaults(t *testing.T) {
	isolate(t)
	for _, r := range []Role{RoleAPI, RoleDev} {
		t.Setenv(EnvVar("api.admin_tokens"), testAdminToken)
		t.Setenv(EnvVar("api.oauth_client_secret"), testOAuthSecret)
		c, err := Load(Options{Role: r})
		if err != nil {
			t.Fatal(err)
		}
		if c.API.AdminListen != DefaultAPIAdminListen {
			t.Errorf("role %d: api.admin_listen = %q, want %s", r, c.API.AdminListen, DefaultAPIAdminListen)
		}
	}
	for _, ok := range []string{"127.0.0.1:0", "0.0.0.0:9100", "[::1]:9091"} {
		t.Setenv(EnvVar("api.admin_listen"), ok)
		if c, err := Load(Options{Role: RoleAPI}); err != nil || c.API.AdminListen != ok {
			t.Errorf("api.admin_listen %s: got %q, %v", ok, c.API.AdminListen, err)
		}
	}
}

// TestAPITransportErrorsNameTheKey: every bad TLS or admin setting stops the load
// with the key to fix named.
func TestAPITransportErrorsNameTheKey(t *testing.T) {
	dir := t.TempDir()
	cert, key := testcert.New(t, "one").Write(t, dir)
	other := t.TempDir()
	_, otherKey := testcert.New(t, "two").Write(t, other)
	garbage := filepath.Join(dir, "garbage.pem")
	if err := os.WriteFile(garbage, []byte("not PEM"), 0o600); err != nil {
		t.Fatal(err)
	}
	missing := filepath.Join(dir, "missing.pem")
	cases := []struct {
		name string
		env  map[string]string
		want []string
	}{
		{"cert without key", map[string]string{"api.tls_cert_file": cert}, []string{"api.tls_key_file", "set both"}},
		{"key without cert", map[string]string{"api.tls_key_file": key}, []string{"api.tls_cert_file", "set both"}},
		{"cert unreadable", map[string]string{"api.tls_cert_file": missing, "api.tls_key_file": key}, []string{"api.tls_cert_file", missing, "cannot be read"}},
		{"key unreadable", map[string]string{"api.tls_cert_file": cert, "api.tls_key_file": missing}, []string{"api.tls_key_file", missing, "cannot be read"}},
		{"pair mismatched", map[string]string{"api.tls_cert_file": cert, "api.tls_key_file": otherKey}, []string{"api.tls_cert_file", "api.tls_key_file", "not a matching"}},
		{"cert not PEM", map[string]string{"api.tls_cert_file": garbage, "api.tls_key_file": key}, []string{"api.tls_cert_file", "not a matching"}},
		{"admin not host:port", map[string]string{"api.admin_listen": "9091"}, []string{"api.admin_listen", "host:port"}},
		{"admin port out of range", map[string]string{"api.admin_listen": "127.0.0.1:70000"}, []string{"api.admin_listen", "host:port"}},
		{"admin on the public port", map[string]string{"api.admin_listen": "127.0.0.1:8080"}, []string{"api.admin_listen", "api.listen"}},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			for _, r := range []Role{RoleAPI, RoleDev} {
				isolate(t)
				t.Setenv(EnvVar("api.admin_tokens"), testAdminToken)
				t.Setenv(EnvVar("api.oauth_client_secret"), testOAuthSecret)
				for k, v := range tc.env {
					t.Setenv(EnvVar(k), v)
				}
				_, err := Load(Options{Role: r})
				if err == nil {
					t.Fatalf("role %d: loaded; want an error naming %q", r, tc.want)
				}
				for _, w := range tc.want {
					if !strings.Contains(err.Error(), w) {
						t.Errorf("role %d: error %q lacks %q", r, err, w)
					}
				}
			}
		})
	}
	// A client only builds URLs: it reads no server files, so paths that exist on the
	// server alone do not stop it.
	isolate(t)
	t.Setenv(EnvVar("api.tls_cert_file"), missing)
	t.Setenv(EnvVar("api.tls_key_file"), missing)
	if c, err := Load(Options{Role: RoleClient}); err != nil || c.APIBaseURL() != "https://127.0.0.1:8080" {
		t.Errorf("client with server-side TLS paths: base URL %s, err %v; want https://127.0.0.1:8080", c.APIBaseURL(), err)
	}
}
