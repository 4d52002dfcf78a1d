package config

import (
	"os"
	"path/filepath"
	"reflect"
	"strings"
	"testing"
	"time"

	"github.com/spf13/pflag"
	"gopkg.in/yaml.v3"

	"github.com/sellmigrate/sellmigrate/contract"
	"github.com/sellmigrate/sellmigrate/credstore"
)

// isolate clears every SELLMIGRATE_* variable for the test; viper ignores empty ones.
func isolate(t *testing.T) {
	t.Helper()
	t.Setenv(FileEnvVar, "")
	for _, name := range Keys() {
		t.Setenv(EnvVar(name), "")
	}
	isolateTemporalEnv(t)
}

func writeFile(t *testing.T, body string) string {
	t.Helper()
	p := filepath.Join(t.TempDir(), "sellmigrate.yaml")
	if err := os.WriteFile(p, []byte(body), 0o600); err != nil {
		t.Fatal(err)
	}
	return p
}

func TestDefaults(t *testing.T) {
	isolate(t)
	c, err := Load(Options{Role: RoleClient})
	if err != nil {
		t.Fatal(err)
	}
	if c.Temporal.Address != "127.0.0.1:7233" || c.Temporal.Namespace != "default" {
		t.Errorf("temporal = %+v", c.Temporal)
	}
	if c.Zendesk.SupportURL != ProductionSupportURL || c.Zendesk.SellURL != ProductionSellURL {
		t.Errorf("zendesk URLs = %q %q, want production", c.Zendesk.SupportURL, c.Zendesk.SellURL)
	}
	if c.Zendesk.SellTokenTemplate != "" || c.Zendesk.PartnerToken != "" || c.Credentials.DSN != "" || len(c.Credentials.Keys) != 0 {
		t.Errorf("production credentials must default to empty, got %q %q %+v", c.Zendesk.SellTokenTemplate, c.Zendesk.PartnerToken, c.Credentials)
	}
	if c.Migration != contract.DefaultPolicy() {
		t.Errorf("Migration = %+v, want contract.DefaultPolicy() %+v", c.Migration, contract.DefaultPolicy())
	}
	if c.Dev.DataDir != "./.sellmigrate" || c.Dev.TemporalPort != 7233 || c.Dev.UIPort != 8233 || c.Dev.SQLiteSynchronous != "normal" {
		t.Errorf("dev = %+v", c.Dev)
	}
	if c.Sim.Listen != "127.0.0.1:8081" || c.Sim.RetryAfter != time.Second || c.API.Listen != "127.0.0.1:8080" {
		t.Errorf("sim/api = %+v %+v", c.Sim, c.API)
	}
	if c.Log.Level != "info" || c.Log.Format != "console" {
		t.Errorf("log = %+v", c.Log)
	}
}

func TestRoleDefaults(t *testing.T) {
	isolate(t)
	t.Setenv(EnvVar("sim.listen"), "0.0.0.0:9999")
	dev, err := Load(Options{Role: RoleDev})
	if err != nil {
		t.Fatal(err)
	}
	if dev.Zendesk.SupportURL != "http://127.0.0.1:9999/zendesk/{subdomain}" || dev.Zendesk.SellURL != "http://127.0.0.1:9999/sell" {
		t.Errorf("dev zendesk URLs = %q %q", dev.Zendesk.SupportURL, dev.Zendesk.SellURL)
	}
	if dev.Zendesk.SellTokenTemplate != DemoSellTokenTemplate || dev.Zendesk.PartnerToken != DemoPartnerToken {
		t.Errorf("dev credentials = %q %q", dev.Zendesk.SellTokenTemplate, dev.Zendesk.PartnerToken)
	}
	if dev.Log.Format != "console" {
		t.Errorf("dev log.format = %q", dev.Log.Format)
	}
	if dev.Zendesk.JobPollInitial != 250*time.Millisecond || dev.Zendesk.JobPollMax != 2*time.Second || dev.Sim.JobDuration != 200*time.Millisecond {
		t.Errorf("dev job polling %s/%s, sim jobs %s", dev.Zendesk.JobPollInitial, dev.Zendesk.JobPollMax, dev.Sim.JobDuration)
	}

	// The worker acts only with stored credentials: no store, no worker.
	_, err = Load(Options{Role: RoleWorker})
	if err == nil || !strings.Contains(err.Error(), "credentials.dsn must be set for the worker") {
		t.Fatalf("worker without a credential store: err = %v, want one naming credentials.dsn", err)
	}
	t.Setenv(EnvVar("credentials.dsn"), "sqlite:"+filepath.Join(t.TempDir(), "c.db"))
	if _, err = Load(Options{Role: RoleWorker}); err == nil || !strings.Contains(err.Error(), "credentials.keys must be set for the worker") {
		t.Fatalf("worker without keys: err = %v, want one naming credentials.keys", err)
	}
	key, err := credstore.NewKey()
	if err != nil {
		t.Fatal(err)
	}
	t.Setenv(EnvVar("credentials.keys"), key)
	t.Setenv(EnvVar("zendesk.sell_token_template"), "tok-{account_id}")
	w, err := Load(Options{Role: RoleWorker})
	if err != nil {
		t.Fatal(err)
	}
	if w.Log.Format != "json" || w.Zendesk.SupportURL != ProductionSupportURL {
		t.Errorf("worker = log %q support %q", w.Log.Format, w.Zendesk.SupportURL)
	}
	if w.Zendesk.JobPollInitial != time.Second || w.Zendesk.JobPollMax != 10*time.Second {
		t.Errorf("worker job polling %s/%s, want 1s/10s", w.Zendesk.JobPollInitial, w.Zendesk.JobPollMax)
	}
	// Only the initial wait set, longer than the default max: the max follows it.
	t.Setenv(EnvVar("zendesk.job_poll_initial"), "30s")
	if w, err = Load(Options{Role: RoleWorker}); err != nil || w.Zendesk.JobPollMax != 30*time.Second {
		t.Errorf("job_poll_initial 30s alone: max %s, %v", w.Zendesk.JobPollMax, err)
	}
	// Both set, the max shorter: refused, naming both.
	t.Setenv(EnvVar("zendesk.job_poll_max"), "5s")
	if _, err = Load(Options{Role: RoleWorker}); err == nil || !strings.Contains(err.Error(), "zendesk.job_poll_max 5s must be at least zendesk.job_poll_initial 30s") {
		t.Errorf("job_poll_max below job_poll_initial: %v", err)
	}
}

func TestPrecedence(t *testing.T) {
	isolate(t)
	file := writeFile(t, "temporal:\n  address: file.test:1111\n  namespace: from-file\nmigration:\n  wait_deadline: 48h\n")
	flags := pflag.NewFlagSet("t", pflag.ContinueOnError)
	flags.String("temporal-address", "flagdefault.test:9", "")
	flags.String("namespace", "", "")
	bind := map[string]*pflag.Flag{
		"temporal.address":   flags.Lookup("temporal-address"),
		"temporal.namespace": flags.Lookup("namespace"),
	}

	load := func() Config {
		t.Helper()
		c, err := Load(Options{Role: RoleClient, File: file, Flags: bind})
		if err != nil {
			t.Fatal(err)
		}
		return c
	}

	// File over defaults; an unset flag's own default does not count.
	c := load()
	if c.Temporal.Address != "file.test:1111" || c.Temporal.Namespace != "from-file" || c.Migration.WaitDeadline != 48*time.Hour {
		t.Fatalf("file layer: %+v %v", c.Temporal, c.Migration.WaitDeadline)
	}
	// Env over file.
	t.Setenv(EnvVar("temporal.address"), "env.test:2222")
	c = load()
	if c.Temporal.Address != "env.test:2222" || c.Temporal.Namespace != "from-file" {
		t.Fatalf("env layer: %+v", c.Temporal)
	}
	// Flag over env.
	if err := flags.Parse([]string{"--temporal-address", "flag.test:3333"}); err != nil {
		t.Fatal(err)
	}
	c = load()
	if c.Temporal.Address != "flag.test:3333" || c.Temporal.Namespace != "from-file" {
		t.Fatalf("flag layer: %+v", c.Temporal)
	}
}

func TestEnvWithoutFileAndConfigEnvVar(t *testing.T) {
	isolate(t)
	t.Setenv(EnvVar("migration.reminder_interval"), "90m")
	t.Setenv(EnvVar("worker.activities_per_second"), "2.5")
	t.Setenv(EnvVar("dev.ui_port"), "-1")
	c, err := Load(Options{Role: RoleClient})
	if err != nil {
		t.Fatal(err)
	}
	if c.Migration.ReminderInterval != 90*time.Minute || c.Worker.ActivitiesPerSecond != 2.5 || c.Dev.UIPort != -1 {
		t.Fatalf("env values not applied: %+v %+v %+v", c.Migration, c.Worker, c.Dev)
	}

	file := writeFile(t, "temporal:\n  namespace: via-env-file\n")
	t.Setenv(FileEnvVar, file)
	c, err = Load(Options{Role: RoleClient})
	if err != nil {
		t.Fatal(err)
	}
	if c.Temporal.Namespace != "via-env-file" || c.File != file {
		t.Fatalf("SELLMIGRATE_CONFIG not read: namespace %q file %q", c.Temporal.Namespace, c.File)
	}
}

func TestValidationNamesKey(t *testing.T) {
	cases := []struct{ key, value string }{
		{"temporal.address", "x"},
		{"temporal.address", "127.0.0.1:0"},
		{"temporal.namespace", "has space"},
		{"zendesk.support_url", "https://acme.zendesk.com"},
		{"zendesk.support_url", "ftp://{subdomain}.zendesk.com"},
		{"zendesk.accounts_subdomain", "WWW"},
		{"zendesk.partner_token", "two words"},
		{"zendesk.sell_url", "api.getbase.com"},
		{"zendesk.sell_token_template", "fixed-token"},
		{"zendesk.timeout", "15"},
		{"zendesk.timeout", "0s"},
		{"zendesk.adaptive_rate_limit", "sometimes"},
		{"zendesk.job_poll_initial", "-1s"},
		{"zendesk.job_poll_initial", "soon"},
		{"zendesk.job_poll_max", "-1s"},
		{"zendesk.read_retries", "-1"},
		{"zendesk.read_retries", "6"},
		{"zendesk.read_retries", "often"},
		{"migration.reminder_interval", "-1h"},
		{"migration.wait_deadline", "soon"},
		{"migration.disclaimer_version", " "},
		{"migration.disclaimer_version", "1999-01"}, // no text in this build
		{"migration.retry_initial_interval", "0s"},
		{"migration.retry_max_interval", "1ms"},
		{"migration.retry_max_attempts", "0"},
		{"migration.retry_max_attempts", "many"},
		{"migration.activity_timeout", "0s"},
		{"migration.contributor_timeout", "0s"},
		{"migration.heartbeat_timeout", "0s"},
		{"worker.max_concurrent_activities", "-1"},
		{"worker.max_concurrent_workflow_tasks", "1"},
		{"worker.activities_per_second", "-3"},
		{"worker.task_queue_activities_per_second", "fast"},
		{"worker.stop_timeout", "-1s"},
		{"temporal.query_timeout", "0s"},
		{"temporal.query_timeout", "soon"},
		{"temporal.query_timeout", "2m"},
		{"dev.temporal_port", "70000"},
		{"dev.ui_port", "7233"},
		{"dev.ui_port", "0"},
		{"dev.sqlite_synchronous", "off"},
		{"sim.listen", "8081"},
		{"sim.error_rate", "1.5"},
		{"sim.rate_limit_rate", "-0.1"},
		{"sim.retry_after", "-1s"},
		{"sim.latency", "5"},
		{"sim.job_duration", "0s"},
		{"sim.job_duration", "-1s"},
		{"api.listen", "localhost"},
		{"credentials.dsn", "mysql://u:p@db/sm"},
		{"credentials.dsn", "sqlite:"},
		{"credentials.keys", "no-colon"},
		{"credentials.keys", "k:c2hvcnQ="},
		{"credentials.active_key", "k9"},
		{"log.level", "verbose"},
		{"log.format", "xml"},
	}
	for _, tc := range cases {
		t.Run(tc.key+"="+tc.value, func(t *testing.T) {
			isolate(t)
			t.Setenv(EnvVar(tc.key), tc.value)
			_, err := Load(Options{Role: RoleClient})
			if err == nil {
				t.Fatalf("no error for %s=%q", tc.key, tc.value)
			}
			msg := err.Error()
			if !strings.HasPrefix(msg, "config: ") || !strings.Contains(msg, tc.key) || strings.Contains(msg, "\n") {
				t.Fatalf("error %q must be one line starting with \"config: \" and name %s", msg, tc.key)
			}
			if tc.key == "zendesk.partner_token" && strings.Contains(msg, tc.value) {
				t.Fatalf("error %q echoes the secret", msg)
			}
		})
	}
	isolate(t)
	for _, name := range []string{"dev.data_dir", "sim.data_dir"} {
		// Empty env vars count as unset, so empties come from a file.
		file := writeFile(t, strings.Replace(name, ".", ":\n  ", 1)+": \"\"\n")
		_, err := Load(Options{Role: RoleClient, File: file})
		if err == nil || !strings.Contains(err.Error(), name) {
			t.Errorf("empty %s: err = %v", name, err)
		}
	}
}

func TestFileErrors(t *testing.T) {
	isolate(t)
	_, err := Load(Options{File: filepath.Join(t.TempDir(), "missing.yaml")})
	if err == nil || !strings.Contains(err.Error(), "does not exist") {
		t.Errorf("missing file: %v", err)
	}
	_, err = Load(Options{File: writeFile(t, "temporal:\n  adress: x:1\nlog:\n  lvl: debug\n")})
	if err == nil || !strings.Contains(err.Error(), "temporal.adress") || !strings.Contains(err.Error(), "log.lvl") {
		t.Errorf("misspelt keys: %v", err)
	}
	_, err = Load(Options{File: writeFile(t, "temporal: [1, 2\n")})
	if err == nil || !strings.Contains(err.Error(), "YAML") {
		t.Errorf("bad YAML: %v", err)
	}
	_, err = Load(Options{File: writeFile(t, "migration:\n  retry_max_attempts: [1, 2]\n")})
	if err == nil || !strings.Contains(err.Error(), "migration.retry_max_attempts") {
		t.Errorf("list for a scalar: %v", err)
	}
}

// TestExampleFile keeps config.example.yaml in step with the keys: it lists every key,
// nothing else, and loading it gives the defaults for every role.
func TestExampleFile(t *testing.T) {
	isolate(t)
	const example = "../config.example.yaml"
	raw, err := os.ReadFile(example)
	if err != nil {
		t.Fatal(err)
	}
	var doc map[string]map[string]any
	if err := yaml.Unmarshal(raw, &doc); err != nil {
		t.Fatal(err)
	}
	seen := map[string]bool{}
	for section, m := range doc {
		for k := range m {
			seen[section+"."+k] = true
		}
	}
	for _, name := range Keys() {
		if !seen[name] {
			t.Errorf("config.example.yaml lacks %s", name)
		}
		delete(seen, name)
	}
	for name := range seen {
		t.Errorf("config.example.yaml has unknown key %s", name)
	}
	// The api role refuses to start without tokens and an OAuth secret.
	t.Setenv(EnvVar("api.admin_tokens"), testAdminToken)
	t.Setenv(EnvVar("api.oauth_client_secret"), testOAuthSecret)
	for _, role := range []Role{RoleClient, RoleDev, RoleSim, RoleAPI} {
		fromFile, err := Load(Options{Role: role, File: example})
		if err != nil {
			t.Fatalf("role %d: %v", role, err)
		}
		defaults, err := Load(Options{Role: role})
		if err != nil {
			t.Fatal(err)
		}
		fromFile.File = ""
		if !reflect.DeepEqual(fromFile, defaults) {
			t.Errorf("role %d: example file differs from defaults:\n%+v\n%+v", role, fromFile, defaults)
		}
	}
}

func TestNewLogger(t *testing.T) {
	for _, f := range []string{"console", "json"} {
		l, err := Log{Level: "debug", Format: f}.NewLogger()
		if err != nil {
			t.Fatal(err)
		}
		l.Debug("logger works")
	}
	if _, err := (Log{Level: "loud", Format: "json"}).NewLogger(); err == nil || !strings.Contains(err.Error(), "log.level") {
		t.Errorf("bad level: %v", err)
	}
}
