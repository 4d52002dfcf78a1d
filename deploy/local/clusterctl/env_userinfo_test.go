package main

import (
	"os"
	"path/filepath"
	"strings"
	"testing"
)

// TestRoleEnvLeavesThePasswordAlone: a random database password may read like a compose
// address (temporal:7233…); it is the DSN's userinfo, neither mapped nor refused.
func TestRoleEnvLeavesThePasswordAlone(t *testing.T) {
	secrets := clusterSecrets(t)
	for _, pw := range []string{"7233abcdef", "7383db1d1b3a", "sim:8081"} {
		lookup := func(k string) (string, bool) {
			if k == "TEMPORAL_DB_PASSWORD" {
				return pw, true
			}
			return secrets(k)
		}
		env, err := roleEnv(composeFile, "worker", testPorts, "", "127.0.0.1:19090", lookup)
		if err != nil {
			t.Errorf("password %q: %v", pw, err)
			continue
		}
		if got, want := env["SELLMIGRATE_CREDENTIALS_DSN"], "postgres://temporal:"+pw+"@127.0.0.1:15432/"; !strings.HasPrefix(got, want) {
			t.Errorf("password %q: credentials.dsn = %q, want it to start %q", pw, got, want)
		}
	}
	// A compose host after the userinfo is still refused.
	file := filepath.Join(t.TempDir(), "docker-compose.yml")
	compose := `services:
  mailer: {image: "x:1"}
  worker:
    environment:
      SELLMIGRATE_CREDENTIALS_DSN: "postgres://u:temporal:7233@mailer:5432/x"
`
	if err := os.WriteFile(file, []byte(compose), 0o644); err != nil {
		t.Fatal(err)
	}
	_, err := roleEnv(file, "worker", testPorts, "", "127.0.0.1:19090", noEnv)
	if err == nil || !strings.Contains(err.Error(), "mailer") {
		t.Errorf("a DSN naming a compose host after its userinfo passed: %v", err)
	}
}
