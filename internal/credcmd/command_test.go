package credcmd_test

import (
	"bytes"
	"context"
	"errors"
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"testing"
	"time"

	"github.com/spf13/cobra"
	"github.com/spf13/pflag"

	"github.com/sellmigrate/sellmigrate/config"
	"github.com/sellmigrate/sellmigrate/credstore"
	"github.com/sellmigrate/sellmigrate/internal/credcmd"
)

// isolate clears every SELLMIGRATE_* setting for the test.
func isolate(t *testing.T) {
	t.Helper()
	t.Setenv(config.FileEnvVar, "")
	for _, name := range config.Keys() {
		t.Setenv(config.EnvVar(name), "")
	}
}

type result struct {
	stdout, stderr string
	err            error
}

// run executes one `credentials ...` command line as the binary wires it: client
// settings, --data-dir bound to dev.data_dir.
func run(t *testing.T, stdin string, now time.Time, args ...string) result {
	t.Helper()
	var out, errOut bytes.Buffer
	cmd := credcmd.Command(credcmd.Deps{
		Stdin: strings.NewReader(stdin), Stdout: &out, Stderr: &errOut,
		Now: func() time.Time { return now },
		LoadConfig: func(c *cobra.Command) (config.Config, error) {
			flags := map[string]*pflag.Flag{"dev.data_dir": c.Flags().Lookup(credcmd.DataDirFlag)}
			return config.Load(config.Options{Role: config.RoleClient, Flags: flags})
		},
	})
	cmd.SetArgs(args)
	cmd.SetOut(&out)
	cmd.SetErr(&errOut)
	cmd.SilenceUsage, cmd.SilenceErrors = true, true
	err := cmd.ExecuteContext(context.Background())
	return result{out.String(), errOut.String(), err}
}

func tokenFile(t *testing.T, body string, mode os.FileMode) string {
	t.Helper()
	p := filepath.Join(t.TempDir(), "token.txt")
	if err := os.WriteFile(p, []byte(body), mode); err != nil {
		t.Fatal(err)
	}
	if err := os.Chmod(p, mode); err != nil { // past the umask
		t.Fatal(err)
	}
	return p
}

const token = "zd-token-5f3c9a7e1b"

func TestAddListRevokeAgainstDevDataDir(t *testing.T) {
	isolate(t)
	dir := t.TempDir()
	now := time.Date(2026, 7, 1, 9, 30, 0, 0, time.UTC)
	file := tokenFile(t, "\n  "+token+"  \n", 0o600)

	add := run(t, "", now, "add", "--data-dir", dir, "--subdomain", "acme", "--email", "ops@acme.test", "--token-file", file)
	if add.err != nil {
		t.Fatal(add.err)
	}
	id := strings.TrimSpace(add.stdout)
	if !regexp.MustCompile(`^cred_[a-z2-7]{26}$`).MatchString(id) {
		t.Fatalf("add printed %q, want the new ID alone", add.stdout)
	}
	second := run(t, "", now, "add", "--data-dir", dir, "--subdomain", "globex", "--email", "ops@globex.test", "--token-file", "-")
	if second.err == nil {
		t.Fatal("add with an empty stdin succeeded")
	}
	second = run(t, "other-token\n", now, "add", "--data-dir", dir, "--subdomain", "globex", "--email", "ops@globex.test", "--token-file", "-", "--id", "cred_globex")
	if second.err != nil || strings.TrimSpace(second.stdout) != "cred_globex" {
		t.Fatalf("add from stdin with --id: %q, %v", second.stdout, second.err)
	}

	list := run(t, "", now, "list", "--data-dir", dir)
	if list.err != nil {
		t.Fatal(list.err)
	}
	for _, want := range []string{"ID", "KIND", "SUBDOMAIN", "EMAIL", "CREATED", "EXPIRES", "REVOKED", "KEY", id, "cred_globex", "operator_token", "ops@acme.test", "2 credential(s)"} {
		if !strings.Contains(list.stdout, want) {
			t.Errorf("list lacks %q:\n%s", want, list.stdout)
		}
	}
	only := run(t, "", now, "list", "--data-dir", dir, "--subdomain", "globex")
	if only.err != nil || strings.Contains(only.stdout, id) || !strings.Contains(only.stdout, "1 credential(s) for globex") {
		t.Errorf("list --subdomain globex:\n%s%v", only.stdout, only.err)
	}

	rev := run(t, "", now, "revoke", "--data-dir", dir, id)
	if rev.err != nil || !strings.Contains(rev.stdout, "revoked "+id+" (operator_token for acme as ops@acme.test) at 2026-07-01 09:30:00Z") {
		t.Errorf("revoke: %q, %v", rev.stdout, rev.err)
	}
	again := run(t, "", now.Add(time.Hour), "revoke", "--data-dir", dir, id)
	if again.err != nil || !strings.Contains(again.stdout, "already revoked at 2026-07-01 09:30:00Z") {
		t.Errorf("second revoke: %q, %v", again.stdout, again.err)
	}
	unknown := run(t, "", now, "revoke", "--data-dir", dir, "cred_nope")
	if !errors.Is(unknown.err, credstore.ErrNotFound) || !strings.Contains(unknown.err.Error(), "cred_nope") {
		t.Errorf("revoke of an unknown ID: %v; want not found, naming it", unknown.err)
	}
	if l := run(t, "", now, "list", "--data-dir", dir, "--subdomain", "acme"); !strings.Contains(l.stdout, "2026-07-01 09:30:00Z") {
		t.Errorf("list after revoke shows no revocation time:\n%s", l.stdout)
	}

	for _, r := range []result{add, second, list, only, rev, again} {
		if strings.Contains(r.stdout+r.stderr, token) || strings.Contains(r.stdout+r.stderr, "other-token") {
			t.Errorf("a command printed a token:\n%s\n%s", r.stdout, r.stderr)
		}
	}
	// dev's key file was made beside the store, so the dev stack reads these too.
	if _, err := os.Stat(filepath.Join(dir, config.DevCredentialsKey)); err != nil {
		t.Errorf("no dev key in the data dir: %v", err)
	}
}

func TestAddRefusesBadInput(t *testing.T) {
	isolate(t)
	dir := t.TempDir()
	good := tokenFile(t, token, 0o600)
	now := time.Now()
	for name, tc := range map[string]struct {
		args []string
		want string
	}{
		"empty file":     {[]string{"--subdomain", "acme", "--email", "a@acme.test", "--token-file", tokenFile(t, " \n", 0o600)}, "is empty"},
		"world-readable": {[]string{"--subdomain", "acme", "--email", "a@acme.test", "--token-file", tokenFile(t, token, 0o644)}, "chmod 600"},
		"two words":      {[]string{"--subdomain", "acme", "--email", "a@acme.test", "--token-file", tokenFile(t, "a b", 0o600)}, "alone"},
		"missing file":   {[]string{"--subdomain", "acme", "--email", "a@acme.test", "--token-file", filepath.Join(dir, "nope")}, "does not exist"},
		"bad subdomain":  {[]string{"--subdomain", "Acme_Co", "--email", "a@acme.test", "--token-file", good}, "--subdomain"},
		"bad email":      {[]string{"--subdomain", "acme", "--email", "not-an-email", "--token-file", good}, "--email"},
		"no token-file":  {[]string{"--subdomain", "acme", "--email", "a@acme.test"}, "token-file"},
	} {
		r := run(t, "", now, append([]string{"add", "--data-dir", dir}, tc.args...)...)
		if r.err == nil || !strings.Contains(r.err.Error(), tc.want) {
			t.Errorf("%s: err = %v; want one saying %q", name, r.err, tc.want)
		}
	}
	if l := run(t, "", now, "list", "--data-dir", dir); !strings.Contains(l.stdout, "no credentials") {
		t.Errorf("refused adds stored something:\n%s", l.stdout)
	}
}

func TestWithoutDSNSaysWhatToSet(t *testing.T) {
	isolate(t)
	r := run(t, "", time.Now(), "list")
	if r.err == nil || !strings.Contains(r.err.Error(), "credentials.dsn") || !strings.Contains(r.err.Error(), "--data-dir") {
		t.Errorf("list with no store configured: %v; want an error naming credentials.dsn and --data-dir", r.err)
	}
	t.Setenv(config.EnvVar("credentials.dsn"), "sqlite:"+filepath.Join(t.TempDir(), "c.db"))
	r = run(t, "", time.Now(), "list")
	if r.err == nil || !strings.Contains(r.err.Error(), "credentials.keys") {
		t.Errorf("list with a DSN but no keys: %v; want an error naming credentials.keys", r.err)
	}
}

func TestRotationThroughTheEnvironment(t *testing.T) {
	isolate(t)
	t.Setenv(config.EnvVar("credentials.dsn"), "sqlite:"+filepath.Join(t.TempDir(), "c.db"))
	now := time.Now()
	newKey := func() (spec, id string) {
		r := run(t, "", now, "new-key")
		if r.err != nil {
			t.Fatal(r.err)
		}
		spec = strings.TrimSpace(r.stdout)
		id, _, _ = strings.Cut(spec, ":")
		return spec, id
	}
	a, _ := newKey()
	b, idB := newKey()
	t.Setenv(config.EnvVar("credentials.keys"), a)
	if r := run(t, "", now, "add", "--subdomain", "acme", "--email", "a@acme.test", "--token-file", tokenFile(t, token, 0o600)); r.err != nil {
		t.Fatal(r.err)
	}
	t.Setenv(config.EnvVar("credentials.keys"), a+","+b)
	t.Setenv(config.EnvVar("credentials.active_key"), idB)
	if r := run(t, "", now, "rekey"); r.err != nil || !strings.Contains(r.stdout, "re-encrypted 1 credential(s)") {
		t.Fatalf("rekey: %q, %v", r.stdout, r.err)
	}
	t.Setenv(config.EnvVar("credentials.keys"), b)
	t.Setenv(config.EnvVar("credentials.active_key"), "")
	l := run(t, "", now, "list")
	if l.err != nil || !strings.Contains(l.stdout, idB) {
		t.Errorf("list under the new key alone: %q, %v", l.stdout, l.err)
	}
	if r := run(t, "", now, "rekey"); r.err != nil || !strings.Contains(r.stdout, "re-encrypted 0 credential(s)") {
		t.Errorf("second rekey: %q, %v", r.stdout, r.err)
	}
}
