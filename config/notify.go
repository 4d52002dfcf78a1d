package config

import (
	"fmt"
	"net"
	"net/mail"
	"strconv"
	"strings"

	"github.com/sellmigrate/sellmigrate/notify"
)

// Notify says how reminders reach people: by email through an SMTP relay and by a
// signed webhook (Slack-compatible). Each channel is off while its address is empty.
type Notify struct {
	// SMTPHost is the relay's host name; empty turns email reminders off (dev: the
	// simulator's SMTP sink).
	SMTPHost string
	SMTPPort int
	// SMTPUsername and SMTPPassword enable SMTP AUTH; both or neither.
	SMTPUsername, SMTPPassword string
	// SMTPFrom is the sender address.
	SMTPFrom string
	// SMTPTLS is starttls (mandatory STARTTLS), tls (implicit TLS) or none (loopback only).
	SMTPTLS string
	// WebhookURL receives a signed POST per reminder; empty turns webhooks off (dev: the
	// simulator's receiver). WebhookSecret signs them.
	WebhookURL, WebhookSecret string
	// OpsEmails are told when a migration needs an operator (needs_attention).
	OpsEmails []string
	// DashboardURL is the dashboard's public base URL, which message links point to;
	// empty means api.public_url (see Config.DashboardURL).
	DashboardURL string
}

// Demo settings dev uses when notify.* and sim.webhook_secret are empty. The webhook
// secret matches the simulator's own default (sim.DefaultWebhookSecret).
const (
	DemoWebhookSecret = "demo-webhook-secret"
	DemoOpsEmail      = "ops@example.test"
)

// EmailEnabled reports whether email reminders are on (notify.smtp_host is set).
func (n Notify) EmailEnabled() bool { return n.SMTPHost != "" }

// WebhookEnabled reports whether webhook reminders are on (notify.webhook_url is set).
func (n Notify) WebhookEnabled() bool { return n.WebhookURL != "" }

// SMTP is the notify.SMTPConfig for notify.NewMailer; meaningful when EmailEnabled.
// Timeout and RootCAs take notify's defaults (15s, the system roots).
func (n Notify) SMTP() notify.SMTPConfig {
	return notify.SMTPConfig{
		Host:     n.SMTPHost,
		Port:     n.SMTPPort,
		Username: n.SMTPUsername,
		Password: n.SMTPPassword,
		From:     n.SMTPFrom,
		TLS:      n.SMTPTLS,
	}
}

// DashboardURL is the base URL links in reminders point to, without a trailing slash:
// notify.dashboard_url, else the API's public URL (which serves the dashboard).
func (c Config) DashboardURL() string {
	if c.Notify.DashboardURL != "" {
		return strings.TrimRight(c.Notify.DashboardURL, "/")
	}
	return strings.TrimRight(c.APIPublicURL(), "/")
}

// deriveNotifyValues fills empty notify settings in dev with the simulator's sinks:
// mail to its SMTP sink in clear (it listens on loopback), webhooks to its receiver
// with its secret, and a demo operator address. Other roles keep them empty, which
// turns the channel off.
func deriveNotifyValues(c *Config, r Role) {
	if r != RoleDev && r != RoleSim {
		return
	}
	if c.Sim.WebhookSecret == "" {
		// A configured notify.webhook_secret wins over the demo one, so a `worker`
		// started beside dev or sim with the same environment (which must not use the
		// demo secret) signs what the simulator's receiver accepts.
		c.Sim.WebhookSecret = DemoWebhookSecret
		if c.Notify.WebhookSecret != "" {
			c.Sim.WebhookSecret = c.Notify.WebhookSecret
		}
	}
	if r != RoleDev {
		return
	}
	n := &c.Notify
	if n.SMTPHost == "" {
		if host, port, err := net.SplitHostPort(dialable(c.Sim.SMTPListen)); err == nil {
			if p, err := strconv.Atoi(port); err == nil {
				n.SMTPHost, n.SMTPPort, n.SMTPTLS = host, p, notify.TLSNone
			}
		}
	}
	if n.WebhookURL == "" {
		n.WebhookURL = c.SimBaseURL() + "/_sim/webhooks"
		if n.WebhookSecret == "" {
			n.WebhookSecret = c.Sim.WebhookSecret
		}
	}
	if len(n.OpsEmails) == 0 {
		n.OpsEmails = []string{DemoOpsEmail}
	}
}

// validate checks the notify settings; errors name the key and the expected form and
// never echo a password or secret.
func (n Notify) validate() error {
	if err := oneOf("notify.smtp_tls", n.SMTPTLS, notify.TLSStartTLS, notify.TLSImplicit, notify.TLSNone); err != nil {
		return fmt.Errorf("%w (starttls: mandatory STARTTLS, usually port 587; tls: implicit TLS, usually port 465; none: loopback only)", err)
	}
	if err := port("notify.smtp_port", n.SMTPPort, false); err != nil {
		return err
	}
	if n.SMTPHost != "" {
		if err := n.SMTP().Validate(); err != nil {
			return fmt.Errorf("config: %w", err)
		}
	} else if n.SMTPUsername != "" || n.SMTPPassword != "" {
		return fmt.Errorf("config: notify.smtp_username/smtp_password are set but notify.smtp_host is empty, so no mail would be sent; set notify.smtp_host (env %s) or drop the credentials",
			EnvVar("notify.smtp_host"))
	}
	if n.WebhookURL != "" {
		if err := notify.ValidateWebhook(n.WebhookURL, n.WebhookSecret); err != nil {
			return fmt.Errorf("config: %w", err)
		}
	}
	for i, e := range n.OpsEmails {
		if a, err := mail.ParseAddress(e); err != nil || a.Address != e || a.Name != "" {
			return fmt.Errorf("config: notify.ops_emails item %d %q must be a bare email address such as ops@example.com", i+1, e)
		}
	}
	return optionalBaseURL("notify.dashboard_url", n.DashboardURL, "https://sellmigrate.example.com")
}

// simNotifyChecks checks the simulator's sink settings.
func simNotifyChecks(s Sim) error {
	if err := hostPort("sim.smtp_listen", s.SMTPListen, "127.0.0.1:2525"); err != nil {
		return err
	}
	if s.SMTPListen == s.Listen {
		return fmt.Errorf("config: sim.smtp_listen %s must differ from sim.listen: the SMTP sink needs a port of its own", s.SMTPListen)
	}
	if strings.ContainsAny(s.WebhookSecret, " \t\r\n") {
		return fmt.Errorf("config: sim.webhook_secret must be one word without spaces")
	}
	return nil
}
