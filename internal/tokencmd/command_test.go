package tokencmd_test

import (
	"bytes"
	"errors"
	"os"
	"path/filepath"
	"reflect"
	"strings"
	"testing"

	"github.com/sellmigrate/sellmigrate/config"
	"github.com/sellmigrate/sellmigrate/internal/tokencmd"
)

// isolate clears every SELLMIGRATE_* setting for the test.
func isolate(t *testing.T) {
	t.Helper()
	t.Setenv(config.FileEnvVar, "")
	for _, name := range config.Keys() {
		t.Setenv(config.EnvVar(name), "")
	}
}

func run(args ...string) (string, error) {
	var out bytes.Buffer
	cmd := tokencmd.Command(&out, nil)
	cmd.SetArgs(args)
	cmd.SetOut(&bytes.Buffer{})
	cmd.SetErr(&bytes.Buffer{})
	cmd.SilenceUsage, cmd.SilenceErrors = true, true
	err := cmd.Execute()
	return out.String(), err
}

// TestNewParsesBack: the printed YAML entry and env line each load as a valid
// api.tokens entry whose SHA-256 is the printed token's, and the output is those
// three lines only.
func TestNewParsesBack(t *testing.T) {
	for _, tc := range []struct{ name, email, role string }{
		{"ci-bot", "ci@example.test", "ops"},
		{"Ana Ops", "ana@example.test", "admin"},
		{"o'brien", "ob@example.test", "viewer"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			out, err := run("new", "--name", tc.name, "--email", tc.email, "--role", tc.role)
			if err != nil {
				t.Fatal(err)
			}
			lines := strings.Split(strings.TrimSuffix(out, "\n"), "\n")
			if len(lines) != 3 {
				t.Fatalf("output has %d lines, want 3 (token, YAML, env):\n%s", len(lines), out)
			}
			token, yamlLine, envLine := lines[0], lines[1], lines[2]
			if len(token) < 43 || strings.ContainsAny(token, " ,:\t") {
				t.Errorf("token %q: want at least 43 characters, one word", token)
			}
			want := []config.APIToken{{Name: tc.name, Email: tc.email, Role: tc.role, SHA256: config.HashToken(token)}}

			// The YAML line, under api.tokens in a file.
			isolate(t)
			t.Setenv(config.EnvVar("api.oauth_client_secret"), "test-oauth-secret-0123456789abcdef")
			file := filepath.Join(t.TempDir(), "c.yaml")
			if err := os.WriteFile(file, []byte("api:\n  tokens:\n    "+yamlLine+"\n"), 0o600); err != nil {
				t.Fatal(err)
			}
			c, err := config.Load(config.Options{Role: config.RoleAPI, File: file})
			if err != nil {
				t.Fatalf("YAML line %q: %v", yamlLine, err)
			}
			if !reflect.DeepEqual(c.API.Tokens, want) {
				t.Errorf("from YAML: %+v, want %+v", c.API.Tokens, want)
			}

			// The env line, as a shell would set it.
			name, value, ok := strings.Cut(envLine, "=")
			if !ok || name != config.EnvVar("api.tokens") {
				t.Fatalf("env line %q does not set %s", envLine, config.EnvVar("api.tokens"))
			}
			isolate(t)
			t.Setenv(config.EnvVar("api.oauth_client_secret"), "test-oauth-secret-0123456789abcdef")
			t.Setenv(name, unquote(t, value))
			if c, err = config.Load(config.Options{Role: config.RoleAPI}); err != nil {
				t.Fatalf("env line %q: %v", envLine, err)
			}
			if !reflect.DeepEqual(c.API.Tokens, want) {
				t.Errorf("from env: %+v, want %+v", c.API.Tokens, want)
			}
		})
	}
}

// unquote undoes the POSIX single quoting the command uses for names with spaces.
func unquote(t *testing.T, v string) string {
	t.Helper()
	if !strings.HasPrefix(v, "'") {
		return v
	}
	if !strings.HasSuffix(v, "'") {
		t.Fatalf("unbalanced quotes in %q", v)
	}
	return strings.ReplaceAll(v[1:len(v)-1], `'\''`, "'")
}

func TestNewTokensDiffer(t *testing.T) {
	a, _ := run("new", "--name", "a", "--email", "a@example.test", "--role", "ops")
	b, _ := run("new", "--name", "a", "--email", "a@example.test", "--role", "ops")
	if a == "" || a == b {
		t.Errorf("two tokens are the same:\n%s\n%s", a, b)
	}
}

// TestNewBadFlags: each bad flag is named with what it takes; nothing is printed.
func TestNewBadFlags(t *testing.T) {
	for _, tc := range []struct {
		args []string
		want string
	}{
		{[]string{"--email", "a@example.test", "--role", "ops"}, "--name is missing"},
		{[]string{"--name", "a:b", "--email", "a@example.test", "--role", "ops"}, "--name \"a:b\" must be"},
		{[]string{"--name", "a,b", "--email", "a@example.test", "--role", "ops"}, "without colons, commas"},
		{[]string{"--name", strings.Repeat("n", 65), "--email", "a@example.test", "--role", "ops"}, "at most 64"},
		{[]string{"--name", "a", "--role", "ops"}, "--email is missing"},
		{[]string{"--name", "a", "--email", "nope", "--role", "ops"}, "--email \"nope\" is not an email"},
		{[]string{"--name", "a", "--email", "a@example.test"}, "--role is missing: one of viewer, ops, admin"},
		{[]string{"--name", "a", "--email", "a@example.test", "--role", "root"}, "--role \"root\" is not one of viewer, ops, admin"},
		{[]string{"--name", "a", "--email", "a@example.test", "--role", "ops", "extra"}, "takes no arguments"},
	} {
		out, err := run(append([]string{"new"}, tc.args...)...)
		if err == nil || !strings.Contains(err.Error(), tc.want) {
			t.Errorf("%q: error %v, want one saying %q", tc.args, err, tc.want)
		}
		if out != "" {
			t.Errorf("%q: printed %q on error", tc.args, out)
		}
	}
}

type failingReader struct{}

func (failingReader) Read([]byte) (int, error) { return 0, errors.New("no entropy") }

func TestNewToken(t *testing.T) {
	tok, err := tokencmd.NewToken(bytes.NewReader(bytes.Repeat([]byte{0xff}, 32)))
	if err != nil || len(tok) != 43 || tok != strings.Repeat("_", 42)+"8" {
		t.Errorf("NewToken = %q, %v", tok, err)
	}
	if _, err := tokencmd.NewToken(failingReader{}); err == nil {
		t.Error("a failing random source made a token")
	}
}
