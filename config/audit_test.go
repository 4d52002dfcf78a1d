package config

import (
	"path/filepath"
	"strings"
	"testing"
)

// TestAuditFile: audit.file is empty by default, read from the file and the
// environment, and a path that cannot be a file (a directory, a missing directory for
// the roles serving the API, control characters) is refused naming the key.
func TestAuditFile(t *testing.T) {
	dir := t.TempDir()
	good := filepath.Join(dir, "audit.jsonl")
	cases := []struct {
		name, env, yaml string
		role            Role
		want, wantErr   string
	}{
		{name: "default empty", role: RoleAPI},
		{name: "env", env: good, role: RoleAPI, want: good},
		{name: "file", yaml: "audit:\n  file: " + good + "\n", role: RoleAPI, want: good},
		{name: "a directory", env: dir, role: RoleAPI, wantErr: "audit.file " + `"` + dir + `"` + " is a directory"},
		{name: "trailing slash", env: dir + "/x/", role: RoleAPI, wantErr: "audit.file"},
		{name: "missing directory", env: filepath.Join(dir, "nope", "audit.jsonl"), role: RoleAPI, wantErr: "does not exist"},
		{name: "missing directory in dev", env: filepath.Join(dir, "nope", "audit.jsonl"), role: RoleDev, wantErr: "audit.file"},
		{name: "missing directory, a client does not care", env: filepath.Join(dir, "nope", "audit.jsonl"), role: RoleClient, want: filepath.Join(dir, "nope", "audit.jsonl")},
		{name: "newline", env: dir + "/a\nb", role: RoleAPI, wantErr: "control characters"},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			isolate(t)
			t.Setenv(EnvVar("api.admin_tokens"), testAdminToken)
			t.Setenv(EnvVar("api.oauth_client_secret"), testOAuthSecret)
			if tc.env != "" {
				t.Setenv(EnvVar("audit.file"), tc.env)
			}
			o := Options{Role: tc.role}
			if tc.yaml != "" {
				o.File = writeFile(t, tc.yaml)
			}
			c, err := Load(o)
			if tc.wantErr != "" {
				if err == nil || !strings.Contains(err.Error(), tc.wantErr) || !strings.Contains(err.Error(), "audit.file") {
					t.Fatalf("err = %v, want one naming audit.file and containing %q", err, tc.wantErr)
				}
				return
			}
			if err != nil {
				t.Fatal(err)
			}
			if c.Audit.File != tc.want {
				t.Errorf("audit.file = %q, want %q", c.Audit.File, tc.want)
			}
		})
	}
}
