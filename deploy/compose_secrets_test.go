package deploy_test

import (
	"bufio"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"slices"
	"strings"
	"sync"
	"testing"

	"gopkg.in/yaml.v3"

	"github.com/sellmigrate/sellmigrate/config"
)

var (
	secretsOnce sync.Once
	secretsEnv  map[string]string
	secretsErr  string
)

// composeSecrets runs deploy/compose/secrets once and returns the .env it wrote: the
// host environment the compose tests interpolate with, as `docker compose up` would
// after a newcomer ran it.
func composeSecrets(t *testing.T) map[string]string {
	t.Helper()
	secretsOnce.Do(func() {
		dir, err := os.MkdirTemp("", "compose-secrets-")
		if err != nil {
			secretsErr = err.Error()
			return
		}
		defer os.RemoveAll(dir)
		file := filepath.Join(dir, ".env")
		if out, err := exec.Command("sh", filepath.Join(repoRoot, "deploy", "compose", "secrets"), file).CombinedOutput(); err != nil {
			secretsErr = "deploy/compose/secrets failed: " + err.Error() + ": " + string(out)
			return
		}
		secretsEnv, err = readEnvFile(file)
		if err != nil {
			secretsErr = err.Error()
		}
	})
	if secretsErr != "" {
		t.Fatal(secretsErr)
	}
	return secretsEnv
}

// readEnvFile reads NAME=value lines, as Compose reads .env (comments and blank lines
// skipped; the values the script writes need no quoting).
func readEnvFile(path string) (map[string]string, error) {
	f, err := os.Open(path)
	if err != nil {
		return nil, err
	}
	defer f.Close()
	out := map[string]string{}
	sc := bufio.NewScanner(f)
	for sc.Scan() {
		line := strings.TrimSpace(sc.Text())
		if line == "" || strings.HasPrefix(line, "#") {
			continue
		}
		k, v, _ := strings.Cut(line, "=")
		out[k] = v
	}
	return out, sc.Err()
}

// secretKeys are the settings that hold secrets; requiredSecrets those compose must
// require rather than leave empty.
var (
	secretKeys = []string{"api.viewer_tokens", "api.ops_tokens", "api.admin_tokens", "api.tokens", "api.oauth_client_secret",
		"zendesk.partner_token", "zendesk.sell_token_template", "credentials.keys", "temporal.codec_keys",
		"api.owner_link_key", "notify.webhook_secret", "notify.smtp_password", "sim.webhook_secret"}
	requiredSecrets = map[string]bool{"api.admin_tokens": true, "api.oauth_client_secret": true, "zendesk.partner_token": true,
		"zendesk.sell_token_template": true, "credentials.keys": true, "temporal.codec_keys": true,
		"api.owner_link_key": true}
	requiredForm  = regexp.MustCompile(`^\$\{[A-Z_][A-Z0-9_]*:\?[^}]+\}$`)
	dbPasswordRef = regexp.MustCompile(`\$\{TEMPORAL_DB_PASSWORD[^}]*\}`)
	optionalForm  = regexp.MustCompile(`^\$\{[A-Z_][A-Z0-9_]*:-\}$`)
)

// rawEnv is a service's environment as written, before interpolation.
func rawEnv(n yaml.Node) map[string]string {
	out := map[string]string{}
	switch n.Kind {
	case yaml.MappingNode:
		for i := 0; i+1 < len(n.Content); i += 2 {
			out[n.Content[i].Value] = n.Content[i+1].Value
		}
	case yaml.SequenceNode:
		for _, item := range n.Content {
			k, v, _ := strings.Cut(item.Value, "=")
			out[k] = v
		}
	}
	return out
}

// TestComposeRequiresSecrets: our services take every secret from the host (.env), with
// no default: a required one stops `docker compose up` with the variable's name, an
// optional one is empty unless set. The api and worker would refuse a default anyway.
func TestComposeRequiresSecrets(t *testing.T) {
	for name, s := range loadCompose(t).Services {
		if !s.ours() {
			continue
		}
		raw := rawEnv(s.Environment)
		for _, key := range secretKeys {
			v, ok := raw[config.EnvVar(key)]
			if !ok {
				continue
			}
			switch {
			case requiredSecrets[key] && !requiredForm.MatchString(v):
				t.Errorf("service %s: %s = %q; want ${VAR:?what to set}, a secret the host must give", name, config.EnvVar(key), v)
			case !requiredSecrets[key] && !requiredForm.MatchString(v) && !optionalForm.MatchString(v):
				t.Errorf("service %s: %s = %q; want ${VAR:?...} or ${VAR:-} (no default secret)", name, config.EnvVar(key), v)
			}
		}
	}
	// PostgreSQL's password, in its own service, Temporal's and inside our credential
	// store's DSN: required wherever it is used, never a default everyone knows.
	uses := 0
	for name, s := range loadCompose(t).Services {
		for k, v := range rawEnv(s.Environment) {
			for _, ref := range dbPasswordRef.FindAllString(v, -1) {
				uses++
				if !requiredForm.MatchString(ref) {
					t.Errorf("service %s: %s uses %s; want ${TEMPORAL_DB_PASSWORD:?what to set}, no default", name, k, ref)
				}
			}
		}
	}
	if uses < 5 {
		t.Errorf("TEMPORAL_DB_PASSWORD is used %d times; want it in postgresql, temporal-schema, temporal and the worker's and api's credentials.dsn", uses)
	}
	for _, name := range []string{"api", "worker"} {
		dsn := rawEnv(loadCompose(t).Services[name].Environment)[config.EnvVar("credentials.dsn")]
		if _, missing := interpolate(dsn, map[string]string{}); !slices.Contains(missing, "TEMPORAL_DB_PASSWORD") {
			t.Errorf("service %s: credentials.dsn %q starts without TEMPORAL_DB_PASSWORD from the host", name, dsn)
		}
	}
	// Without .env, Compose stops on the first required secret of each of them.
	for _, name := range []string{"api", "worker", "sim"} {
		missing := 0
		for _, v := range rawEnv(loadCompose(t).Services[name].Environment) {
			_, m := interpolate(v, map[string]string{})
			missing += len(m)
		}
		if missing == 0 {
			t.Errorf("service %s starts without any secret from the host", name)
		}
	}
}

// TestComposeShipsNoDemoSecrets: no demo secret the gate refuses is in the file, not
// even as a comment someone might copy.
func TestComposeShipsNoDemoSecrets(t *testing.T) {
	b, err := os.ReadFile(composePath)
	if err != nil {
		t.Fatal(err)
	}
	for _, d := range []string{config.DemoViewerToken, config.DemoOpsToken, config.DemoAdminToken, config.DemoOAuthClientSecret,
		config.DemoPartnerToken, config.DemoSellTokenTemplate, config.DemoWebhookSecret,
		"c2VsbG1pZ3JhdGUgY29tcG9zZSBkZW1vIGtleSAzMmI=", "c2VsbG1pZ3JhdGUgY29tcG9zZSBwYXlsb2FkIGtleSE="} {
		if strings.Contains(string(b), d) {
			t.Errorf("%s holds the demo secret %q", composePath, d)
		}
	}
	// Nor a default for a password: ${..._PASSWORD:-x} or ${..._PASSWORD-x}.
	if m := regexp.MustCompile(`\$\{[A-Z0-9_]*PASSWORD[A-Z0-9_]*:?-[^}]*\}`).FindAllString(string(b), -1); len(m) > 0 {
		t.Errorf("%s gives passwords a default: %q; require them (${VAR:?...}) and have deploy/compose/secrets write them", composePath, m)
	}
}

// TestComposeSecretsScriptWritesEveryRequiredVariable: what compose requires, the
// script writes, so `deploy/compose/secrets && docker compose up` starts.
func TestComposeSecretsScriptWritesEveryRequiredVariable(t *testing.T) {
	b, err := os.ReadFile(composePath)
	if err != nil {
		t.Fatal(err)
	}
	_, missing := interpolate(string(b), map[string]string{})
	written := composeSecrets(t)
	for _, name := range missing {
		if written[name] == "" {
			t.Errorf("docker-compose.yml requires %s, which deploy/compose/secrets does not write", name)
		}
	}
	if pw := written["TEMPORAL_DB_PASSWORD"]; !regexp.MustCompile(`^[0-9a-f]{64}$`).MatchString(pw) {
		t.Errorf("TEMPORAL_DB_PASSWORD = %q; want 64 hex characters, random and safe inside the DSN's URL", pw)
	}
}

// TestComposeSecretsScriptKeepsAnExistingFile: the keys in .env seal the credential
// store and the histories, so running the script again must not replace them.
func TestComposeSecretsScriptKeepsAnExistingFile(t *testing.T) {
	file := filepath.Join(t.TempDir(), ".env")
	if err := os.WriteFile(file, []byte("CODEC_KEYS=mine\n"), 0o600); err != nil {
		t.Fatal(err)
	}
	if out, err := exec.Command("sh", filepath.Join(repoRoot, "deploy", "compose", "secrets"), file).CombinedOutput(); err != nil {
		t.Fatalf("%v: %s", err, out)
	}
	if b, _ := os.ReadFile(file); string(b) != "CODEC_KEYS=mine\n" {
		t.Errorf("the script rewrote an existing file: %q", b)
	}
	other := filepath.Join(t.TempDir(), ".env")
	if out, err := exec.Command("sh", filepath.Join(repoRoot, "deploy", "compose", "secrets"), other).CombinedOutput(); err != nil {
		t.Fatalf("%v: %s", err, out)
	}
	fi, err := os.Stat(other)
	if err != nil {
		t.Fatal(err)
	}
	if fi.Mode().Perm()&0o077 != 0 {
		t.Errorf("the script wrote %s with mode %v; others must not read secrets", other, fi.Mode().Perm())
	}
	a, b := composeSecrets(t), must(readEnvFile(other))
	for k, v := range a {
		if b[k] == v {
			t.Errorf("two runs wrote the same %s; each must be fresh and random", k)
		}
	}
}

func must[T any](v T, err error) T {
	if err != nil {
		panic(err)
	}
	return v
}

// TestComposeTemporalUIReadOnly: the Web UI has no sign-in, so its write actions
// (signal, reset, terminate) would bypass the API's roles and audit trail.
func TestComposeTemporalUIReadOnly(t *testing.T) {
	ui, ok := loadCompose(t).Services["temporal-ui"]
	if !ok {
		t.Fatal("no temporal-ui service")
	}
	if v := rawEnv(ui.Environment)["TEMPORAL_DISABLE_WRITE_ACTIONS"]; v != "true" {
		t.Errorf("temporal-ui TEMPORAL_DISABLE_WRITE_ACTIONS = %q, want \"true\"", v)
	}
}
