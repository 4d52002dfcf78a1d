package harness

import (
	"fmt"
	"os"
	"strings"

	"go.temporal.io/sdk/client"
	"go.temporal.io/sdk/contrib/envconfig"
)

// printedClientEnv is the environment `sellmigrate dev --tls` printed for clients: its
// "export NAME=VALUE" lines in log (from one start on).
func printedClientEnv(log string) []string {
	var env []string
	for _, line := range strings.Split(log, "\n") {
		if kv, ok := strings.CutPrefix(strings.TrimSpace(line), "export "); ok && strings.Contains(kv, "=") {
			env = append(env, kv)
		}
	}
	return env
}

// envList is an environment as envconfig reads it, so the harness's own client is
// configured from exactly what dev printed.
type envList []string

func (e envList) Environ() []string { return e }

func (e envList) LookupEnv(name string) (string, bool) {
	for i := len(e) - 1; i >= 0; i-- {
		if k, v, ok := strings.Cut(e[i], "="); ok && k == name {
			return v, true
		}
	}
	return "", false
}

// ClientEnv is what dev --tls printed for clients; empty without TLS.
func (d *Dev) ClientEnv() []string { return d.clientEnv }

// connection is how the harness's own client reaches the stack: plaintext, or under
// TLS what envconfig makes of the printed environment.
func (d *Dev) connection() (client.Options, error) {
	if !d.Opts.TLS {
		return client.Options{HostPort: d.TemporalAddress, Namespace: "default"}, nil
	}
	if len(d.clientEnv) == 0 {
		return client.Options{}, fmt.Errorf("harness: %s was started with TLS but printed no client environment", d.Opts.Name)
	}
	opts, err := envconfig.LoadClientOptions(envconfig.LoadClientOptionsRequest{DisableFile: true, EnvLookup: envList(d.clientEnv)})
	if err != nil {
		return client.Options{}, fmt.Errorf("harness: client settings from what %s printed: %w", d.Opts.Name, err)
	}
	return opts, nil
}

// withoutTemporalClientEnv drops a developer's Temporal client settings (TEMPORAL_*)
// from environ and points envconfig at an empty file instead of their temporal.toml:
// the stacks of the tests are reached only as the tests say.
func withoutTemporalClientEnv(environ []string) []string {
	out := make([]string, 0, len(environ)+1)
	for _, kv := range environ {
		if !strings.HasPrefix(kv, "TEMPORAL_") {
			out = append(out, kv)
		}
	}
	return append(out, "TEMPORAL_CONFIG_FILE="+os.DevNull)
}
