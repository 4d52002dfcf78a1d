package main

import (
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"strings"
	"testing"
)

// TestSettingsNeedTheDatabasePassword: compose requires TEMPORAL_DB_PASSWORD, so the
// cluster's settings cannot be read without one rather than falling back to a password
// everyone knows.
func TestSettingsNeedTheDatabasePassword(t *testing.T) {
	_, err := settings(composeFile, noEnv)
	if err == nil || !strings.Contains(err.Error(), "TEMPORAL_DB_PASSWORD") {
		t.Fatalf("settings without TEMPORAL_DB_PASSWORD: %v; want an error naming it", err)
	}
}

// TestScriptDatabasePassword runs deploy/local/cluster's db_password: a new cluster gets
// a random password, kept across runs; one whose PostgreSQL predates the password file
// keeps compose's old default, the password initdb gave it. The script hands it to
// `clusterctl settings`.
func TestScriptDatabasePassword(t *testing.T) {
	script, err := os.ReadFile("../cluster")
	if err != nil {
		t.Fatal(err)
	}
	fn := regexp.MustCompile(`(?ms)^db_password\(\) \{\n.*?^\}\n`).Find(script)
	if fn == nil {
		t.Fatal("deploy/local/cluster has no db_password function")
	}
	if !strings.Contains(string(script), `TEMPORAL_DB_PASSWORD=$pw "$bin/clusterctl" settings`) {
		t.Error("deploy/local/cluster does not give `clusterctl settings` its TEMPORAL_DB_PASSWORD")
	}
	run := func(dir string) string {
		t.Helper()
		out, err := exec.Command("bash", "-c", "set -euo pipefail\ndir=$1\n"+string(fn)+"db_password", "bash", dir).Output()
		if err != nil {
			t.Fatalf("db_password: %v", err)
		}
		return string(out)
	}

	fresh := t.TempDir()
	pw := run(fresh)
	if !regexp.MustCompile(`^[0-9a-f]{64}$`).MatchString(pw) {
		t.Errorf("a new cluster's password is %q; want 64 random hex characters", pw)
	}
	if again := run(fresh); again != pw {
		t.Errorf("the password changed between runs: %q then %q; initdb took the first", pw, again)
	}
	if fi, err := os.Stat(filepath.Join(fresh, "db.password")); err != nil || fi.Mode().Perm()&0o077 != 0 {
		t.Errorf("db.password: %v, mode %v; others must not read it", err, fi.Mode().Perm())
	}
	if other := run(t.TempDir()); other == pw {
		t.Error("two clusters got the same password")
	}

	old := t.TempDir()
	if err := os.MkdirAll(filepath.Join(old, "postgres"), 0o700); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(filepath.Join(old, "postgres", "PG_VERSION"), []byte("16\n"), 0o600); err != nil {
		t.Fatal(err)
	}
	if got := run(old); got != "temporal" {
		t.Errorf("a cluster made before db.password gets %q; its database was made with compose's old default, temporal", got)
	}
}
