package harness

import (
	"os"
	"sort"
	"strings"

	"github.com/sellmigrate/sellmigrate/config"
)

// Settings are config keys (e.g. "migration.reminder_interval") and their values, given
// to a child process as SELLMIGRATE_* environment variables.
type Settings map[string]string

// childEnv is this process's environment without any SELLMIGRATE_* config variable (a
// developer's own settings must not leak into a test), plus the settings given, later
// ones winning.
func childEnv(settings ...Settings) []string {
	known := map[string]bool{config.FileEnvVar: true}
	for _, k := range config.Keys() {
		known[config.EnvVar(k)] = true
	}
	var env []string
	for _, kv := range withoutTemporalClientEnv(os.Environ()) {
		name, _, _ := strings.Cut(kv, "=")
		if !known[name] {
			env = append(env, kv)
		}
	}
	merged := Settings{}
	for _, s := range settings {
		for k, v := range s {
			merged[k] = v
		}
	}
	keys := make([]string, 0, len(merged))
	for k := range merged {
		keys = append(keys, k)
	}
	sort.Strings(keys)
	for _, k := range keys {
		env = append(env, config.EnvVar(k)+"="+merged[k])
	}
	return env
}

// testDefaults are what every child gets unless a test says otherwise: quiet logs,
// retries short enough that an injected fault or a killed worker costs little time, and
// simulated Zendesk jobs of 20ms polled first after 25ms, so each page of a conversion
// waits ~25ms on its job (dev's defaults would add ~250ms a page, ~6s per 2,500-user
// Hooli conversion) while jobs still run asynchronously. Tests that need slow jobs give
// an account its own (AccountSpec.JobDurationMs). The API's admin endpoints take any
// free port, so stacks and API processes side by side never fight over the default
// one; Dev gives its stack a known port. Progress queries wait up to 30 s, not 5: with
// a dozen stacks on two cores a worker can take longer to replay a closed migration,
// and the tests check the query's answer, not the fallback to search attributes.
var testDefaults = Settings{
	"api.admin_listen":                 "127.0.0.1:0",
	"temporal.query_timeout":           "30s",
	"log.level":                        "warn",
	"migration.retry_initial_interval": "100ms",
	"migration.retry_max_interval":     "1s",
	"sim.job_duration":                 "20ms",
	"zendesk.job_poll_initial":         "25ms",
	"zendesk.job_poll_max":             "200ms",
}

// Env is the environment of a command run against no stack: the test defaults, then
// the settings given.
func Env(settings ...Settings) []string {
	return childEnv(append([]Settings{testDefaults}, settings...)...)
}
