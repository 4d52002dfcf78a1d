package notify_test

import (
	"context"
	"errors"
	"io"
	"mime"
	"mime/quotedprintable"
	"net/mail"
	"regexp"
	"strings"
	"testing"
	"time"

	"github.com/sellmigrate/sellmigrate/notify"
)

func reminder(to ...string) notify.Message {
	return notify.Message{
		To:          to,
		Subject:     "Acme: choose a subdomain – reminder 3",
		Body:        "The migration of Acme waits for a subdomain.\nChoose one in the dashboard.",
		MigrationID: "sell-migration-1001",
		Link:        "http://127.0.0.1:8080/migrations/sell-migration-1001",
		Key:         "sell-migration-1001/reminder/3/email",
	}
}

func mailer(t *testing.T, cfg notify.SMTPConfig) *notify.Mailer {
	t.Helper()
	if cfg.From == "" {
		cfg.From = "sellmigrate@example.test"
	}
	if cfg.Timeout == 0 {
		cfg.Timeout = 5 * time.Second
	}
	m, err := notify.NewMailer(cfg)
	if err != nil {
		t.Fatalf("NewMailer: %v", err)
	}
	return m
}

// parsed is a received mail with its body decoded.
func parsed(t *testing.T, data string) (*mail.Message, string) {
	t.Helper()
	msg, err := mail.ReadMessage(strings.NewReader(data))
	if err != nil {
		t.Fatalf("relay got an unparsable mail: %v\n%s", err, data)
	}
	var body io.Reader = msg.Body
	if strings.EqualFold(msg.Header.Get("Content-Transfer-Encoding"), "quoted-printable") {
		body = quotedprintable.NewReader(body)
	}
	b, err := io.ReadAll(body)
	if err != nil {
		t.Fatal(err)
	}
	return msg, string(b)
}

func TestSendPlainToLoopback(t *testing.T) {
	t.Parallel()
	r := startRelay(t, relayOptions{})
	m := mailer(t, notify.SMTPConfig{Host: r.host, Port: r.port, TLS: notify.TLSNone})
	msg := reminder("admin@acme.test", "ops@example.test")
	if err := m.Send(t.Context(), msg); err != nil {
		t.Fatalf("Send: %v", err)
	}
	got := r.mails()
	if len(got) != 1 {
		t.Fatalf("relay got %d mails, want 1", len(got))
	}
	if got[0].from != "sellmigrate@example.test" || strings.Join(got[0].to, ",") != "admin@acme.test,ops@example.test" {
		t.Errorf("envelope from %q to %q", got[0].from, got[0].to)
	}
	h, body := parsed(t, got[0].data)
	subject, err := new(mime.WordDecoder).DecodeHeader(h.Header.Get("Subject"))
	if err != nil || subject != msg.Subject {
		t.Errorf("Subject %q (%v), want %q", subject, err, msg.Subject)
	}
	if h.Header.Get("X-Sellmigrate-Migration") != "sell-migration-1001" || h.Header.Get("X-Sellmigrate-Key") != msg.Key {
		t.Errorf("headers %v", h.Header)
	}
	if id := h.Header.Get("Message-ID"); id != notify.MessageID(msg.Key) || !strings.HasPrefix(id, "<") || !strings.Contains(id, "@") {
		t.Errorf("Message-ID %q, want %q", id, notify.MessageID(msg.Key))
	}
	if !strings.Contains(body, "Choose one in the dashboard.") || !strings.Contains(body, msg.Link) {
		t.Errorf("body lacks the text or the link:\n%s", body)
	}
}

// TestMessageIDIsStablePerKey: a resend of one reminder has the same Message-ID, a
// different reminder another.
func TestMessageIDIsStablePerKey(t *testing.T) {
	a, b := notify.MessageID("sell-migration-1001/reminder/3/email"), notify.MessageID("sell-migration-1001/reminder/3/email")
	c := notify.MessageID("sell-migration-1001/reminder/4/email")
	if a != b || a == c {
		t.Fatalf("MessageID not a function of the key: %q %q %q", a, b, c)
	}
	if !regexp.MustCompile(`^<[0-9a-f]{32}\.reminder@sellmigrate>$`).MatchString(a) {
		t.Fatalf("MessageID %q is not a msg-id of hex and a fixed right part", a)
	}
}

func TestSendSTARTTLSWithCAPool(t *testing.T) {
	t.Parallel()
	r := startRelay(t, relayOptions{tls: true, user: "relay-user", pass: "relay-pass"})
	m := mailer(t, notify.SMTPConfig{Host: r.host, Port: r.port, TLS: notify.TLSStartTLS, RootCAs: r.pool,
		Username: "relay-user", Password: "relay-pass"})
	if err := m.Send(t.Context(), reminder("admin@acme.test")); err != nil {
		t.Fatalf("Send over STARTTLS with auth: %v", err)
	}
	if n := len(r.mails()); n != 1 {
		t.Fatalf("relay got %d mails, want 1", n)
	}
}

func TestSendImplicitTLS(t *testing.T) {
	t.Parallel()
	r := startRelay(t, relayOptions{implicitTLS: true})
	m := mailer(t, notify.SMTPConfig{Host: r.host, Port: r.port, TLS: notify.TLSImplicit, RootCAs: r.pool})
	if err := m.Send(t.Context(), reminder("admin@acme.test")); err != nil {
		t.Fatalf("Send over implicit TLS: %v", err)
	}
	if n := len(r.mails()); n != 1 {
		t.Fatalf("relay got %d mails, want 1", n)
	}
}

// TestSendFailuresAreClassified: each way a delivery fails is an *notify.Error with the
// right verdict.
func TestSendFailuresAreClassified(t *testing.T) {
	t.Parallel()
	plain := startRelay(t, relayOptions{})
	starttls := startRelay(t, relayOptions{tls: true})
	authed := startRelay(t, relayOptions{user: "u", pass: "right"})
	cases := []struct {
		name      string
		cfg       notify.SMTPConfig
		msg       notify.Message
		permanent bool
		code      int
		contains  string
	}{
		{"5xx recipient refused", notify.SMTPConfig{Host: plain.host, Port: plain.port, TLS: notify.TLSNone},
			reminder("nobody@reject.test"), true, 550, "No such user"},
		{"4xx try later", notify.SMTPConfig{Host: plain.host, Port: plain.port, TLS: notify.TLSNone},
			reminder("admin@busy.test"), false, 451, "Try again later"},
		{"auth refused", notify.SMTPConfig{Host: authed.host, Port: authed.port, TLS: notify.TLSNone, Username: "u", Password: "wrong"},
			reminder("admin@acme.test"), true, 535, "Authentication failed"},
		{"auth missing", notify.SMTPConfig{Host: authed.host, Port: authed.port, TLS: notify.TLSNone},
			reminder("admin@acme.test"), true, 502, "authenticate"},
		{"STARTTLS required, not offered", notify.SMTPConfig{Host: plain.host, Port: plain.port, TLS: notify.TLSStartTLS},
			reminder("admin@acme.test"), true, 0, "STARTTLS"},
		{"certificate not trusted", notify.SMTPConfig{Host: starttls.host, Port: starttls.port, TLS: notify.TLSStartTLS},
			reminder("admin@acme.test"), true, 0, "certificate"},
		{"implicit TLS to a plain port", notify.SMTPConfig{Host: plain.host, Port: plain.port, TLS: notify.TLSImplicit},
			reminder("admin@acme.test"), true, 0, ""},
		{"connection refused", notify.SMTPConfig{Host: "127.0.0.1", Port: closedPort(t), TLS: notify.TLSNone},
			reminder("admin@acme.test"), false, 0, "refused"},
		{"relay hangs", notify.SMTPConfig{Host: "127.0.0.1", Port: silentServer(t), TLS: notify.TLSNone, Timeout: 300 * time.Millisecond},
			reminder("admin@acme.test"), false, 0, ""},
		{"bad address", notify.SMTPConfig{Host: plain.host, Port: plain.port, TLS: notify.TLSNone},
			reminder("Admin <admin@acme.test>"), true, 0, "not an email address"},
		{"no recipients", notify.SMTPConfig{Host: plain.host, Port: plain.port, TLS: notify.TLSNone},
			reminder(), true, 0, "no recipients"},
		{"no key", notify.SMTPConfig{Host: plain.host, Port: plain.port, TLS: notify.TLSNone},
			func() notify.Message { m := reminder("admin@acme.test"); m.Key = ""; return m }(), true, 0, "idempotency key"},
		{"header injection", notify.SMTPConfig{Host: plain.host, Port: plain.port, TLS: notify.TLSNone},
			func() notify.Message {
				m := reminder("admin@acme.test")
				m.Subject = "x\r\nBcc: evil@example.com"
				return m
			}(), true, 0, "line break"},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			m := mailer(t, tc.cfg)
			start := time.Now()
			err := m.Send(t.Context(), tc.msg)
			if err == nil {
				t.Fatal("Send succeeded")
			}
			var ne *notify.Error
			if !errors.As(err, &ne) {
				t.Fatalf("error %T %v is not a *notify.Error", err, err)
			}
			if notify.Permanent(err) != tc.permanent || ne.Code != tc.code || ne.Channel != notify.ChannelEmail {
				t.Errorf("permanent %v code %d channel %s, want %v %d email: %v", notify.Permanent(err), ne.Code, ne.Channel, tc.permanent, tc.code, err)
			}
			if !strings.Contains(err.Error(), tc.contains) {
				t.Errorf("error %q lacks %q", err, tc.contains)
			}
			if time.Since(start) > 4*time.Second {
				t.Errorf("took %s; timeouts are not bounding the session", time.Since(start))
			}
		})
	}
	if n := len(plain.mails()) + len(authed.mails()) + len(starttls.mails()); n != 0 {
		t.Errorf("relays got %d mails from failed sends", n)
	}
}

func TestSendHonoursContext(t *testing.T) {
	t.Parallel()
	m := mailer(t, notify.SMTPConfig{Host: "127.0.0.1", Port: silentServer(t), TLS: notify.TLSNone, Timeout: 10 * time.Second})
	ctx, cancel := context.WithTimeout(t.Context(), 200*time.Millisecond)
	defer cancel()
	start := time.Now()
	err := m.Send(ctx, reminder("admin@acme.test"))
	if err == nil || notify.Permanent(err) {
		t.Fatalf("Send to a hanging relay with a short context: %v, want a transient error", err)
	}
	if time.Since(start) > 5*time.Second {
		t.Fatalf("Send ignored its context for %s", time.Since(start))
	}
}

func TestNewMailerRefusesBadConfig(t *testing.T) {
	t.Parallel()
	ok := notify.SMTPConfig{Host: "smtp.example.com", From: "sellmigrate@example.com"}
	cases := []struct {
		name string
		edit func(*notify.SMTPConfig)
		want string
	}{
		{"no host", func(c *notify.SMTPConfig) { c.Host = "" }, "notify.smtp_host is empty"},
		{"host with scheme", func(c *notify.SMTPConfig) { c.Host = "smtp://smtp.example.com" }, "notify.smtp_host"},
		{"host with port", func(c *notify.SMTPConfig) { c.Host = "smtp.example.com:587" }, "without scheme or port"},
		{"port", func(c *notify.SMTPConfig) { c.Port = 70000 }, "notify.smtp_port 70000"},
		{"tls mode", func(c *notify.SMTPConfig) { c.TLS = "ssl" }, "notify.smtp_tls \"ssl\" must be one of starttls"},
		{"plain to remote", func(c *notify.SMTPConfig) { c.TLS = notify.TLSNone }, "in clear"},
		{"password without user", func(c *notify.SMTPConfig) { c.Password = "hunter2" }, "notify.smtp_username is empty"},
		{"user without password", func(c *notify.SMTPConfig) { c.Username = "u" }, "notify.smtp_password is empty"},
		{"from", func(c *notify.SMTPConfig) { c.From = "Sellmigrate <x@example.com>" }, "notify.smtp_from"},
		{"no from", func(c *notify.SMTPConfig) { c.From = "" }, "notify.smtp_from"},
	}
	for _, tc := range cases {
		c := ok
		tc.edit(&c)
		_, err := notify.NewMailer(c)
		if err == nil || !strings.Contains(err.Error(), tc.want) {
			t.Errorf("%s: err = %v, want one containing %q", tc.name, err, tc.want)
		}
		if err != nil && strings.Contains(err.Error(), "hunter2") {
			t.Errorf("%s: error echoes the password: %v", tc.name, err)
		}
	}
	if _, err := notify.NewMailer(ok); err != nil {
		t.Errorf("valid config refused: %v", err)
	}
	for _, host := range []string{"localhost", "127.0.0.1", "127.0.0.2", "::1"} {
		if _, err := notify.NewMailer(notify.SMTPConfig{Host: host, TLS: notify.TLSNone, From: "a@b.test"}); err != nil {
			t.Errorf("tls none to %s refused: %v", host, err)
		}
	}
}
