package main

import (
	"bufio"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
)

// clusterSecrets runs deploy/compose/secrets as deploy/local/cluster does and returns a
// lookup of what it wrote: the environment the cluster's roles are made from.
func clusterSecrets(t *testing.T) func(string) (string, bool) {
	t.Helper()
	file := filepath.Join(t.TempDir(), "compose.env")
	if out, err := exec.Command("sh", "../../compose/secrets", file).CombinedOutput(); err != nil {
		t.Fatalf("deploy/compose/secrets: %v: %s", err, out)
	}
	f, err := os.Open(file)
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	vars := map[string]string{}
	sc := bufio.NewScanner(f)
	for sc.Scan() {
		if line := strings.TrimSpace(sc.Text()); line != "" && !strings.HasPrefix(line, "#") {
			k, v, _ := strings.Cut(line, "=")
			vars[k] = v
		}
	}
	if err := sc.Err(); err != nil {
		t.Fatal(err)
	}
	return func(k string) (string, bool) { v, ok := vars[k]; return v, ok }
}

// TestRoleEnvNeedsTheSecrets: the compose file requires the secrets, and so does the
// cluster, naming the variables rather than starting a role the gate would refuse.
func TestRoleEnvNeedsTheSecrets(t *testing.T) {
	_, err := roleEnv(composeFile, "api", testPorts, "", "127.0.0.1:19090", noEnv)
	if err == nil || !strings.Contains(err.Error(), "API_ADMIN_TOKENS") || !strings.Contains(err.Error(), "compose.env") {
		t.Errorf("api without secrets: %v; want an error naming API_ADMIN_TOKENS and where the cluster keeps them", err)
	}
	for in, want := range map[string]string{"${A:?set A}": "A", "x${B?set B}": "B"} {
		if _, missing := interpolate(in, noEnv); len(missing) != 1 || missing[0] != want {
			t.Errorf("interpolate(%q) missing %q, want [%s]", in, missing, want)
		}
	}
	set := func(string) (string, bool) { return "v", true }
	if got, missing := interpolate("${A:?set A}", set); got != "v" || len(missing) > 0 {
		t.Errorf("interpolate with A set = %q, missing %q", got, missing)
	}
}
