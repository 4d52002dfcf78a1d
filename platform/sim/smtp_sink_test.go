package sim_test

import (
	"context"
	"errors"
	"net"
	"net/http"
	"net/textproto"
	"strings"
	"testing"
	"time"

	"github.com/emersion/go-smtp"

	"github.com/sellmigrate/sellmigrate/notify"
	"github.com/sellmigrate/sellmigrate/platform/sim"
)

// rawSend delivers a hand-written message, so the tests choose its encoding.
func rawSend(t *testing.T, addr string, to []string, data string) {
	t.Helper()
	data = strings.ReplaceAll(data, "\n", "\r\n")
	// smtp.SendMail insists on STARTTLS; the dev sink offers none.
	c, err := smtp.Dial(addr)
	if err != nil {
		t.Fatal(err)
	}
	defer c.Close()
	if err := c.SendMail("tester@example.test", to, strings.NewReader(data)); err != nil {
		t.Fatalf("send raw mail: %v", err)
	}
	if err := c.Quit(); err != nil {
		t.Fatalf("quit: %v", err)
	}
}

// TestSMTPSinkDecodesBodies: base64, a multipart with a quoted-printable text/plain
// part beside HTML, and a mail without MIME headers are all stored as plain text.
func TestSMTPSinkDecodesBodies(t *testing.T) {
	t.Parallel()
	e := start(t, sim.Config{})
	host, port := startSink(t, e)
	addr := net.JoinHostPort(host, itoa(int64(port)))

	rawSend(t, addr, []string{"admin@acme.test"}, `From: tester@example.test
To: admin@acme.test
Subject: =?UTF-8?B?R3LDvMOfZQ==?=
X-Sellmigrate-Migration: sell-migration-1001
X-Sellmigrate-Key: k-base64
Message-ID: <k-base64@test>
MIME-Version: 1.0
Content-Type: text/plain; charset=UTF-8
Content-Transfer-Encoding: base64

SGVsbG8gZnJvbSBiYXNlNjQsIHdpdGggYSBsaW5lIGxvbmcgZW5vdWdoIHRvIGJlIHdyYXBwZWQg
YnkgdGhlIGVuY29kZXIu
`)
	rawSend(t, addr, []string{"owner@globex.test"}, `From: tester@example.test
To: owner@globex.test
Subject: multipart
X-Sellmigrate-Migration: sell-migration-1002
X-Sellmigrate-Key: k-multipart
MIME-Version: 1.0
Content-Type: multipart/alternative; boundary="b1"

--b1
Content-Type: text/html; charset=UTF-8

<p>HTML version</p>
--b1
Content-Type: text/plain; charset=UTF-8
Content-Transfer-Encoding: quoted-printable

Plain version with a soft =
break and =C3=BCmlaut.
--b1--
`)
	rawSend(t, addr, []string{"ops@example.test"}, `From: tester@example.test
Subject: bare

No MIME headers at all.
`)

	got := decode[mailList](t, e.do(http.MethodGet, "/_sim/mail", nil).expect(t, http.StatusOK)).Messages
	if len(got) != 3 {
		t.Fatalf("%d mails, want 3: %+v", len(got), got)
	}
	want := []struct{ subject, body, key, migration, messageID string }{
		{"Grüße", "Hello from base64, with a line long enough to be wrapped by the encoder.", "k-base64", "sell-migration-1001", "<k-base64@test>"},
		{"multipart", "Plain version with a soft break and ümlaut.", "k-multipart", "sell-migration-1002", ""},
		{"bare", "No MIME headers at all.\n", "", "", ""},
	}
	for i, w := range want {
		m := got[i]
		if m.Subject != w.subject || m.Body != w.body || m.Key != w.key || m.MigrationID != w.migration ||
			m.MessageID != w.messageID || m.From != "tester@example.test" {
			t.Errorf("mail %d = %+v, want %+v", i, m, w)
		}
	}
}

func TestMailFiltersAndClear(t *testing.T) {
	t.Parallel()
	e := start(t, sim.Config{})
	host, port := startSink(t, e)
	cfg := notify.SMTPConfig{Host: host, Port: port, TLS: notify.TLSNone}
	a := acmeReminder("1", "admin@acme.test", "ops@example.test")
	b := acmeReminder("2", "owner@globex.test")
	b.MigrationID, b.Key = "sell-migration-1002", "sell-migration-1002/reminder/1/email"
	for _, m := range []notify.Message{a, b} {
		if err := sendMail(t, cfg, m); err != nil {
			t.Fatal(err)
		}
	}
	count := func(query string) int {
		return len(decode[mailList](t, e.do(http.MethodGet, "/_sim/mail"+query, nil).expect(t, http.StatusOK)).Messages)
	}
	for query, want := range map[string]int{
		"": 2, "?to=OPS@example.test": 1, "?to=owner@globex.test": 1, "?to=nobody@example.test": 0,
		"?migration=sell-migration-1002": 1, "?migration=sell-migration-1001&to=owner@globex.test": 0,
		"?migration=sell-migration-1001&to=admin@acme.test": 1,
	} {
		if n := count(query); n != want {
			t.Errorf("GET /_sim/mail%s: %d mails, want %d", query, n, want)
		}
	}
	del := decode[map[string]int](t, e.do(http.MethodDelete, "/_sim/mail", nil).expect(t, http.StatusOK))
	if del["deleted"] != 2 || count("") != 0 {
		t.Errorf("DELETE /_sim/mail answered %v and left %d mails", del, count(""))
	}
}

// TestSMTPSinkRequiresAuth: with credentials configured, mail without AUTH gets 530
// and bad credentials 535, both permanent for the sender.
func TestSMTPSinkRequiresAuth(t *testing.T) {
	t.Parallel()
	e := start(t, sim.Config{SMTPUsername: "relay", SMTPPassword: "relay-secret"})
	host, port := startSink(t, e)
	for _, tc := range []struct {
		user, pass string
		code       int
	}{{"", "", 530}, {"relay", "wrong", 535}, {"other", "relay-secret", 535}} {
		err := sendMail(t, notify.SMTPConfig{Host: host, Port: port, TLS: notify.TLSNone, Username: tc.user, Password: tc.pass},
			acmeReminder("1", "admin@acme.test"))
		var ne *notify.Error
		if !errors.As(err, &ne) || !ne.Permanent || ne.Code != tc.code {
			t.Errorf("user %q: %v, want a permanent %d", tc.user, err, tc.code)
		}
	}
	if n := len(decode[mailList](t, e.do(http.MethodGet, "/_sim/mail", nil).expect(t, http.StatusOK)).Messages); n != 0 {
		t.Errorf("sink stored %d unauthenticated mails", n)
	}
	if _, err := sim.New(sim.Config{DBPath: t.TempDir() + "/x.db", SMTPUsername: "relay"}); err == nil ||
		!strings.Contains(err.Error(), "SMTPPassword") {
		t.Errorf("a username without a password: %v", err)
	}
}

// TestSMTPSinkStopsWithContext: cancelling the context stops the sink, closes a client
// that is still connected, frees the port, and Wait returns nil.
func TestSMTPSinkStopsWithContext(t *testing.T) {
	t.Parallel()
	e := start(t, sim.Config{})
	ctx, cancel := context.WithCancel(t.Context())
	k, err := e.sim.StartSMTP(ctx, "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	if _, err := e.sim.StartSMTP(t.Context(), k.Addr()); err == nil || !strings.Contains(err.Error(), "listen on") {
		t.Errorf("a second sink on a used port: %v", err)
	}
	// A client that connected and then says nothing: the stop waits for it only through
	// the grace period, then closes it.
	c, err := net.DialTimeout("tcp", k.Addr(), time.Second)
	if err != nil {
		t.Fatal(err)
	}
	defer c.Close()
	tp := textproto.NewConn(c)
	if _, _, err := tp.ReadResponse(220); err != nil {
		t.Fatalf("greeting: %v", err)
	}
	start := time.Now()
	cancel()
	done := make(chan error, 1)
	go func() { done <- k.Wait() }()
	select {
	case err := <-done:
		if err != nil {
			t.Fatalf("Wait after cancel: %v", err)
		}
	case <-time.After(15 * time.Second):
		t.Fatal("the sink did not stop within 15s of its context being cancelled")
	}
	if d := time.Since(start); d > 10*time.Second {
		t.Errorf("stopping took %s", d)
	}
	_ = c.SetReadDeadline(time.Now().Add(2 * time.Second))
	if _, err := tp.ReadLine(); err == nil {
		// go-smtp may say goodbye first; the connection must end right after.
		if _, err := tp.ReadLine(); err == nil {
			t.Error("the idle client's connection is still open after the sink stopped")
		}
	}
	ln, err := net.Listen("tcp", k.Addr())
	if err != nil {
		t.Fatalf("port not freed: %v", err)
	}
	ln.Close()
	if err := k.Close(); err != nil {
		t.Errorf("Close after the context stopped it: %v", err)
	}
}

// TestMailAndWebhooksSurviveRestart: both sinks keep their state in the SQLite file.
func TestMailAndWebhooksSurviveRestart(t *testing.T) {
	t.Parallel()
	e := start(t, sim.Config{})
	host, port := startSink(t, e)
	if err := sendMail(t, notify.SMTPConfig{Host: host, Port: port, TLS: notify.TLSNone}, acmeReminder("1", "admin@acme.test")); err != nil {
		t.Fatal(err)
	}
	postHook(t, e, sim.DefaultWebhookSecret, "k1").expect(t, http.StatusOK)
	e.stop()

	e2 := start(t, sim.Config{DBPath: e.dbPath})
	if n := len(decode[mailList](t, e2.do(http.MethodGet, "/_sim/mail", nil).expect(t, http.StatusOK)).Messages); n != 1 {
		t.Errorf("%d mails after restart, want 1", n)
	}
	postHook(t, e2, sim.DefaultWebhookSecret, "k1").expect(t, http.StatusOK)
	hooks := decode[hookList](t, e2.do(http.MethodGet, "/_sim/webhooks", nil).expect(t, http.StatusOK)).Webhooks
	if len(hooks) != 1 || hooks[0].Deliveries != 2 {
		t.Errorf("webhooks after restart and a repeat: %+v, want one with 2 deliveries", hooks)
	}
}

// TestSMTPSinkClosedAtOnceStops: a sink closed right after it starts still stops.
// go-smtp's Shutdown closes only the listeners Serve has registered, and Serve does not
// look at the shutdown before its first Accept: a Close that runs before the serving
// goroutine does would leave Serve, and Close with it, waiting forever.
func TestSMTPSinkClosedAtOnceStops(t *testing.T) {
	t.Parallel()
	e := start(t, sim.Config{})
	for i := range 200 {
		k, err := e.sim.StartSMTP(t.Context(), "127.0.0.1:0")
		if err != nil {
			t.Fatal(err)
		}
		closed := make(chan error, 1)
		go func() { closed <- k.Close() }()
		select {
		case err := <-closed:
			if err != nil {
				t.Fatalf("close %d: %v", i, err)
			}
		case <-time.After(10 * time.Second):
			t.Fatalf("sink %d, closed right after it started, did not stop within 10s", i)
		}
	}
}
