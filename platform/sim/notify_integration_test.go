package sim_test

import (
	"net"
	"net/http"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/sellmigrate/sellmigrate/notify"
	"github.com/sellmigrate/sellmigrate/platform/sim"
)

// mailList and hookList are the JSON of GET /_sim/mail and GET /_sim/webhooks.
type mailList struct {
	Messages []sim.Mail `json:"messages"`
}

type hookList struct {
	Webhooks []sim.WebhookReceived `json:"webhooks"`
}

// startSink serves e's SMTP sink on a free loopback port and returns its host and port.
func startSink(t *testing.T, e *env) (host string, port int) {
	t.Helper()
	k, err := e.sim.StartSMTP(t.Context(), "127.0.0.1:0")
	if err != nil {
		t.Fatalf("StartSMTP: %v", err)
	}
	t.Cleanup(func() {
		if err := k.Close(); err != nil {
			t.Errorf("close SMTP sink: %v", err)
		}
	})
	h, p, err := net.SplitHostPort(k.Addr())
	if err != nil || h != "127.0.0.1" {
		t.Fatalf("sink address %q: %v", k.Addr(), err)
	}
	port, err = strconv.Atoi(p)
	if err != nil || port == 0 {
		t.Fatalf("sink address %q has no port", k.Addr())
	}
	return h, port
}

func sendMail(t *testing.T, cfg notify.SMTPConfig, m notify.Message) error {
	t.Helper()
	cfg.From = "sellmigrate@example.test"
	cfg.Timeout = 5 * time.Second
	mailer, err := notify.NewMailer(cfg)
	if err != nil {
		t.Fatalf("NewMailer: %v", err)
	}
	return mailer.Send(t.Context(), m)
}

func acmeReminder(n string, to ...string) notify.Message {
	return notify.Message{
		To:          to,
		Subject:     "Acme wartet auf eine Subdomain – Erinnerung " + n, // non-ASCII: an encoded-word subject
		Body:        "The migration of Acme waits for a subdomain. Lines longer than seventy-six characters are soft-wrapped by quoted-printable, which the sink must undo.",
		MigrationID: "sell-migration-1001",
		Link:        "http://127.0.0.1:8080/migrations/sell-migration-1001",
		Key:         "sell-migration-1001/reminder/" + n + "/email",
	}
}

// TestNotifyIntegration runs notify.Mailer and notify.Webhook against the real sinks:
// mail in clear (the dev path), over STARTTLS verified with the sink's CA pool and with
// AUTH, and one webhook posted twice, all read back over the simulator's HTTP API.
func TestNotifyIntegration(t *testing.T) {
	t.Parallel()

	// The dev shape: no TLS, no AUTH.
	dev := start(t, sim.Config{})
	host, port := startSink(t, dev)
	if err := sendMail(t, notify.SMTPConfig{Host: host, Port: port, TLS: notify.TLSNone},
		acmeReminder("1", "admin@acme.test", "ops@example.test")); err != nil {
		t.Fatalf("mail in clear: %v", err)
	}

	// The production shape: STARTTLS with a certificate the client verifies, and AUTH.
	tlsCfg, pool, err := sim.SelfSignedTLS()
	if err != nil {
		t.Fatal(err)
	}
	secured := start(t, sim.Config{SMTPTLS: tlsCfg, SMTPUsername: "relay", SMTPPassword: "relay-secret"})
	shost, sport := startSink(t, secured)
	starttls := notify.SMTPConfig{Host: shost, Port: sport, TLS: notify.TLSStartTLS, RootCAs: pool,
		Username: "relay", Password: "relay-secret"}
	if err := sendMail(t, starttls, acmeReminder("2", "admin@acme.test")); err != nil {
		t.Fatalf("mail over STARTTLS with AUTH: %v", err)
	}
	// AUTH without TLS works too against loopback (the -NOENC mechanisms).
	if err := sendMail(t, notify.SMTPConfig{Host: shost, Port: sport, TLS: notify.TLSNone, Username: "relay", Password: "relay-secret"},
		acmeReminder("3", "admin@acme.test")); err != nil {
		t.Fatalf("mail in clear with AUTH: %v", err)
	}
	for name, cfg := range map[string]notify.SMTPConfig{
		"wrong password": {Host: shost, Port: sport, TLS: notify.TLSStartTLS, RootCAs: pool, Username: "relay", Password: "nope"},
		"no AUTH":        {Host: shost, Port: sport, TLS: notify.TLSStartTLS, RootCAs: pool},
		"untrusted cert": {Host: shost, Port: sport, TLS: notify.TLSStartTLS, Username: "relay", Password: "relay-secret"},
	} {
		if err := sendMail(t, cfg, acmeReminder("9", "admin@acme.test")); !notify.Permanent(err) {
			t.Errorf("%s: %v, want a permanent failure", name, err)
		}
	}

	got := decode[mailList](t, dev.do(http.MethodGet, "/_sim/mail", nil).expect(t, http.StatusOK)).Messages
	if len(got) != 1 {
		t.Fatalf("dev sink has %d mails, want 1: %+v", len(got), got)
	}
	m, want := got[0], acmeReminder("1")
	if strings.Join(m.To, ",") != "admin@acme.test,ops@example.test" || m.From != "sellmigrate@example.test" ||
		m.Subject != want.Subject || m.MigrationID != want.MigrationID || m.Key != want.Key ||
		m.MessageID != notify.MessageID(want.Key) || m.ReceivedAt == "" {
		t.Errorf("stored mail %+v", m)
	}
	if !strings.Contains(m.Body, want.Body) || !strings.Contains(m.Body, want.Link) || strings.Contains(m.Body, "=\n") {
		t.Errorf("body not decoded, or without text and link:\n%q", m.Body)
	}
	sec := decode[mailList](t, secured.do(http.MethodGet, "/_sim/mail", nil).expect(t, http.StatusOK)).Messages
	if len(sec) != 2 || sec[0].Key != "sell-migration-1001/reminder/2/email" || sec[1].Key != "sell-migration-1001/reminder/3/email" {
		t.Errorf("secured sink has %+v, want reminders 2 and 3, oldest first", sec)
	}

	// One webhook posted twice (a retried activity): one row, two deliveries.
	hook, err := notify.NewWebhook(dev.srv.URL+"/_sim/webhooks", sim.DefaultWebhookSecret, nil)
	if err != nil {
		t.Fatal(err)
	}
	wm := acmeReminder("1")
	wm.Key = "sell-migration-1001/reminder/1/webhook"
	for i := 0; i < 2; i++ {
		if err := hook.Post(t.Context(), wm); err != nil {
			t.Fatalf("webhook post %d: %v", i+1, err)
		}
	}
	hooks := decode[hookList](t, dev.do(http.MethodGet, "/_sim/webhooks", nil).expect(t, http.StatusOK)).Webhooks
	if len(hooks) != 1 {
		t.Fatalf("%d webhook rows, want 1: %+v", len(hooks), hooks)
	}
	h := hooks[0]
	if h.Deliveries != 2 || h.Key != wm.Key || h.MigrationID != wm.MigrationID || h.Link != wm.Link ||
		!strings.Contains(h.Text, "Acme wartet") || h.ReceivedAt == "" || h.LastReceivedAt < h.ReceivedAt {
		t.Errorf("webhook row %+v", h)
	}
}
