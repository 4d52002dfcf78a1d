package e2e

import (
	"os"
	"strings"
	"testing"
	"time"

	"github.com/sellmigrate/sellmigrate/e2e/harness"
)

// TestMigrationOverMTLS runs `sellmigrate dev --tls` and drives Acme (1001) to
// completion with the CLI and the harness's own client given only the environment dev
// printed (Temporal's TEMPORAL_TLS_* variables, as envconfig reads them). A client
// without the client certificate, and one in plaintext, are refused promptly with an
// error saying so. It has a stack of its own: the frontend of every other stack is
// plaintext.
func TestMigrationOverMTLS(t *testing.T) {
	t.Parallel()
	d := harness.DevT(t, binaries(t), harness.DevOptions{Name: "mtls-dev", TLS: true})
	printed := strings.Join(d.ClientEnv(), "\n")
	for _, name := range []string{"TEMPORAL_ADDRESS=" + d.TemporalAddress, "TEMPORAL_TLS_CLIENT_CERT_PATH=",
		"TEMPORAL_TLS_CLIENT_KEY_PATH=", "TEMPORAL_TLS_SERVER_CA_CERT_PATH="} {
		if !strings.Contains(printed, name) {
			t.Fatalf("dev --tls printed no %s; it printed:\n%s", name, printed)
		}
	}
	for _, kv := range d.ClientEnv() {
		if name, path, _ := strings.Cut(kv, "="); strings.HasSuffix(name, "_PATH") {
			if _, err := os.Stat(path); err != nil {
				t.Errorf("%s: %v", name, err)
			}
		}
	}

	harness.MustCLI(t, d, "start", "--account", "1001", "--mode", "new", "--subdomain", "acme", "--requested-by", "admin@acme.test")
	harness.AwaitStatus(t, d, "1001", "awaiting_disclaimers")
	harness.MustCLI(t, d, "signal", "1001", "accept-disclaimers", "--by", "admin@acme.test")
	if s := harness.AwaitStatus(t, d, "1001", "completed"); s.Result == nil || s.Result.Outcome == "" {
		t.Errorf("1001 completed without a result: %s", s.Raw)
	}

	refused := func(what string, drop func(name string) bool, want ...string) {
		t.Helper()
		var env []string
		for _, kv := range d.Env() {
			if name, _, _ := strings.Cut(kv, "="); !drop(name) {
				env = append(env, kv)
			}
		}
		begin := time.Now()
		r := harness.Run(d.Bins.Lean, env, "status", "1001")
		took := time.Since(begin)
		if r.Code == 0 {
			t.Fatalf("a client %s was served: %s", what, r)
		}
		// worker.Dial gives up after 10s; a client left hanging would reach CLITimeout.
		if took > 45*time.Second {
			t.Errorf("a client %s took %s to be refused", what, took)
		}
		for _, w := range want {
			if !strings.Contains(r.Stderr, w) {
				t.Errorf("a client %s: error lacks %q: %s", what, w, r)
			}
		}
	}
	refused("without a client certificate", func(name string) bool { return strings.HasPrefix(name, "TEMPORAL_TLS_CLIENT_") },
		"cannot reach Temporal at "+d.TemporalAddress+" (TLS)", "certificate")
	refused("in plaintext", func(name string) bool { return strings.HasPrefix(name, "TEMPORAL_TLS_") },
		"cannot reach Temporal at "+d.TemporalAddress+" (plaintext)", "TEMPORAL_TLS")
}
