package config

import (
	"encoding/base64"
	"path/filepath"
	"reflect"
	"strings"
	"testing"

	"github.com/sellmigrate/sellmigrate/notify"
)

// workerEnv sets what the worker role needs besides notify.
func workerEnv(t *testing.T) {
	t.Helper()
	t.Setenv(EnvVar("credentials.dsn"), "sqlite:"+filepath.Join(t.TempDir(), "c.db"))
	t.Setenv(EnvVar("credentials.keys"), "k1:"+base64.StdEncoding.EncodeToString(make([]byte, 32)))
	t.Setenv(EnvVar("zendesk.sell_token_template"), "tok-{account_id}")
}

func TestNotifyDefaultsAreOff(t *testing.T) {
	isolate(t)
	workerEnv(t)
	c, err := Load(Options{Role: RoleWorker})
	if err != nil {
		t.Fatalf("a worker without notify settings must start: %v", err)
	}
	n := c.Notify
	if n.EmailEnabled() || n.WebhookEnabled() || len(n.OpsEmails) != 0 {
		t.Errorf("worker notify = %+v, want every channel off", n)
	}
	if n.SMTPPort != 587 || n.SMTPTLS != notify.TLSStartTLS || n.SMTPFrom != "sellmigrate@localhost" {
		t.Errorf("smtp defaults = %+v", n)
	}
	if c.DashboardURL() != c.APIPublicURL() || c.DashboardURL() != "http://127.0.0.1:8080" {
		t.Errorf("DashboardURL() = %q, want api's public URL", c.DashboardURL())
	}
	if c.Sim.SMTPListen != "127.0.0.1:2525" || c.Sim.WebhookSecret != "" {
		t.Errorf("sim defaults outside dev = %+v", c.Sim)
	}
	s, err := Load(Options{Role: RoleSim})
	if err != nil || s.Sim.WebhookSecret != DemoWebhookSecret || s.Notify.WebhookEnabled() {
		t.Errorf("sim role: webhook secret %q, notify %+v, err %v", s.Sim.WebhookSecret, s.Notify, err)
	}
}

// TestNotifyDevTakesTheSimulator: in dev, empty notify settings point at the
// simulator's sinks, wherever the simulator listens.
func TestNotifyDevTakesTheSimulator(t *testing.T) {
	isolate(t)
	t.Setenv(EnvVar("sim.listen"), "0.0.0.0:9999")
	t.Setenv(EnvVar("sim.smtp_listen"), "0.0.0.0:3525")
	c, err := Load(Options{Role: RoleDev})
	if err != nil {
		t.Fatal(err)
	}
	n := c.Notify
	if n.SMTPHost != "127.0.0.1" || n.SMTPPort != 3525 || n.SMTPTLS != notify.TLSNone {
		t.Errorf("dev smtp = %s:%d %s, want the sink at 127.0.0.1:3525 in clear", n.SMTPHost, n.SMTPPort, n.SMTPTLS)
	}
	if n.WebhookURL != "http://127.0.0.1:9999/_sim/webhooks" || n.WebhookSecret != DemoWebhookSecret || c.Sim.WebhookSecret != DemoWebhookSecret {
		t.Errorf("dev webhook = %q secret %q (sim's %q)", n.WebhookURL, n.WebhookSecret, c.Sim.WebhookSecret)
	}
	if !reflect.DeepEqual(n.OpsEmails, []string{DemoOpsEmail}) {
		t.Errorf("dev ops emails = %q", n.OpsEmails)
	}
	if _, err := notify.NewMailer(n.SMTP()); err != nil {
		t.Errorf("dev's SMTP settings are refused by notify: %v", err)
	}
	if _, err := notify.NewWebhook(n.WebhookURL, n.WebhookSecret, nil); err != nil {
		t.Errorf("dev's webhook settings are refused by notify: %v", err)
	}

	// A simulator secret of one's own is what dev signs with; explicit settings stay.
	t.Setenv(EnvVar("sim.webhook_secret"), "own-secret")
	t.Setenv(EnvVar("notify.smtp_host"), "smtp.example.com")
	t.Setenv(EnvVar("notify.ops_emails"), "a@example.com")
	if c, err = Load(Options{Role: RoleDev}); err != nil {
		t.Fatal(err)
	}
	if c.Notify.WebhookSecret != "own-secret" || c.Notify.SMTPHost != "smtp.example.com" || c.Notify.SMTPPort != 587 ||
		c.Notify.SMTPTLS != notify.TLSStartTLS || !reflect.DeepEqual(c.Notify.OpsEmails, []string{"a@example.com"}) {
		t.Errorf("dev with explicit settings: %+v", c.Notify)
	}
}

// TestNotifySimTakesTheConfiguredSecret: dev's and sim's receiver accept what a worker
// with the same environment signs with, rather than the demo secret it refuses.
func TestNotifySimTakesTheConfiguredSecret(t *testing.T) {
	const secret = "hook-0123456789abcdef0123456789abcdef"
	for _, r := range []Role{RoleDev, RoleSim} {
		isolate(t)
		t.Setenv(EnvVar("notify.webhook_secret"), secret)
		c, err := Load(Options{Role: r})
		if err != nil {
			t.Fatal(err)
		}
		if c.Sim.WebhookSecret != secret {
			t.Errorf("role %d: sim.webhook_secret %q, want notify.webhook_secret", r, c.Sim.WebhookSecret)
		}
		// sim.webhook_secret, when set, stays.
		t.Setenv(EnvVar("sim.webhook_secret"), "own-secret")
		if c, err = Load(Options{Role: r}); err != nil || c.Sim.WebhookSecret != "own-secret" {
			t.Errorf("role %d: sim.webhook_secret %q, %v; want the one set", r, c.Sim.WebhookSecret, err)
		}
	}
}

func TestNotifyFromFileAndEnv(t *testing.T) {
	isolate(t)
	workerEnv(t)
	t.Setenv(EnvVar("notify.smtp_password"), "s3cret")
	t.Setenv(EnvVar("notify.ops_emails"), " ops@example.com, oncall@example.com ,")
	file := writeFile(t, `notify:
  smtp_host: smtp.example.com
  smtp_port: 465
  smtp_tls: tls
  smtp_username: mailer
  smtp_from: migrations@example.com
  webhook_url: https://hooks.example.com/services/T/B/X
  webhook_secret: hook-secret-0123456789abcdef0123456789abcdef
  dashboard_url: https://sellmigrate.example.com/
`)
	c, err := Load(Options{Role: RoleWorker, File: file})
	if err != nil {
		t.Fatal(err)
	}
	want := notify.SMTPConfig{Host: "smtp.example.com", Port: 465, Username: "mailer", Password: "s3cret",
		From: "migrations@example.com", TLS: notify.TLSImplicit}
	if got := c.Notify.SMTP(); !reflect.DeepEqual(got, want) {
		t.Errorf("SMTP() = %+v, want %+v", got, want)
	}
	if !c.Notify.EmailEnabled() || !c.Notify.WebhookEnabled() || c.Notify.WebhookSecret != "hook-secret-0123456789abcdef0123456789abcdef" {
		t.Errorf("notify = %+v", c.Notify)
	}
	if !reflect.DeepEqual(c.Notify.OpsEmails, []string{"ops@example.com", "oncall@example.com"}) {
		t.Errorf("ops emails = %q", c.Notify.OpsEmails)
	}
	if c.DashboardURL() != "https://sellmigrate.example.com" {
		t.Errorf("DashboardURL() = %q", c.DashboardURL())
	}
	t.Setenv(EnvVar("notify.smtp_password"), "")
	t.Setenv(EnvVar("notify.ops_emails"), "")
	file = writeFile(t, "notify:\n  ops_emails: [a@example.com, b@example.com]\n")
	if c, err = Load(Options{Role: RoleWorker, File: file}); err != nil || !reflect.DeepEqual(c.Notify.OpsEmails, []string{"a@example.com", "b@example.com"}) {
		t.Errorf("ops_emails as a YAML list: %q, %v", c.Notify.OpsEmails, err)
	}
}

// TestNotifyValidationNamesKey: each bad setting is refused naming its key, and no
// error echoes a password or secret.
func TestNotifyValidationNamesKey(t *testing.T) {
	cases := []struct {
		env  map[string]string
		want string
	}{
		{map[string]string{"notify.smtp_host": "smtp.example.com", "notify.smtp_tls": "none"}, "credentials cross the network in clear"},
		{map[string]string{"notify.smtp_host": "10.0.0.5", "notify.smtp_tls": "none"}, "notify.smtp_tls \"none\" is refused"},
		{map[string]string{"notify.smtp_tls": "ssl"}, "notify.smtp_tls \"ssl\" must be one of starttls, tls, none"},
		{map[string]string{"notify.smtp_port": "0"}, "notify.smtp_port 0"},
		{map[string]string{"notify.smtp_port": "submission"}, "notify.smtp_port"},
		{map[string]string{"notify.smtp_host": "https://smtp.example.com"}, "notify.smtp_host"},
		{map[string]string{"notify.smtp_host": "smtp.example.com", "notify.smtp_from": "not-an-address"}, "notify.smtp_from"},
		{map[string]string{"notify.smtp_host": "smtp.example.com", "notify.smtp_password": "hunter2"}, "notify.smtp_username is empty"},
		{map[string]string{"notify.smtp_username": "u", "notify.smtp_password": "hunter2"}, "notify.smtp_host is empty"},
		{map[string]string{"notify.webhook_url": "https://hooks.example.com/x"}, "notify.webhook_secret is empty"},
		{map[string]string{"notify.webhook_url": "hooks.example.com/x", "notify.webhook_secret": "hunter2"}, "notify.webhook_url"},
		{map[string]string{"notify.ops_emails": "ops@example.com,Ops <ops2@example.com>"}, "notify.ops_emails item 2"},
		{map[string]string{"notify.dashboard_url": "sellmigrate.example.com"}, "notify.dashboard_url"},
		{map[string]string{"sim.smtp_listen": "2525"}, "sim.smtp_listen"},
		{map[string]string{"sim.smtp_listen": "127.0.0.1:8081"}, "must differ from sim.listen"},
		{map[string]string{"sim.webhook_secret": "two words"}, "sim.webhook_secret"},
	}
	for _, tc := range cases {
		isolate(t)
		workerEnv(t)
		for k, v := range tc.env {
			t.Setenv(EnvVar(k), v)
		}
		_, err := Load(Options{Role: RoleWorker})
		if err == nil || !strings.Contains(err.Error(), tc.want) {
			t.Errorf("%v: err = %v, want one containing %q", tc.env, err, tc.want)
			continue
		}
		if !strings.HasPrefix(err.Error(), "config: ") || strings.Contains(err.Error(), "hunter2") {
			t.Errorf("%v: error %q must start with config: and not echo the secret", tc.env, err)
		}
	}
	// Loopback relays may go without TLS.
	for _, host := range []string{"localhost", "127.0.0.1", "::1"} {
		isolate(t)
		workerEnv(t)
		t.Setenv(EnvVar("notify.smtp_host"), host)
		t.Setenv(EnvVar("notify.smtp_tls"), "none")
		if _, err := Load(Options{Role: RoleWorker}); err != nil {
			t.Errorf("smtp_tls none to %s refused: %v", host, err)
		}
	}
}
