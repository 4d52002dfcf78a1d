package notify

import (
	"context"
	"crypto/tls"
	"fmt"
	"net"
	"strings"
	"sync"
	"time"

	mail "github.com/wneessen/go-mail"
)

// Mail headers every reminder carries, so a receiver can tell which migration and which
// reminder a mail is without parsing the text.
const (
	HeaderMigration = "X-Sellmigrate-Migration"
	HeaderKey       = "X-Sellmigrate-Key"
)

// Mailer sends reminders through one SMTP relay. It is safe for concurrent use: each
// Send opens its own session.
type Mailer struct {
	cfg SMTPConfig
	now func() time.Time
}

// NewMailer checks cfg and returns a Mailer; it does not connect yet.
func NewMailer(cfg SMTPConfig) (*Mailer, error) {
	cfg = cfg.withDefaults()
	if err := cfg.Validate(); err != nil {
		return nil, fmt.Errorf("notify: %w", err)
	}
	return &Mailer{cfg: cfg, now: time.Now}, nil
}

// Send delivers m in one SMTP session. The mail is text/plain, carries the
// X-Sellmigrate-Migration and X-Sellmigrate-Key headers and a Message-ID derived from
// m.Key (MessageID), and has m.Link appended to the body unless the body already holds
// it. The session ends when ctx is done or SMTPConfig.Timeout has passed, whichever is
// first. A failure is an *Error; Permanent(err) says whether retrying can help.
func (ml *Mailer) Send(ctx context.Context, m Message) error {
	msg, err := ml.build(m)
	if err != nil {
		return permanent(ChannelEmail, 0, fmt.Errorf("refused before sending: %w", err))
	}
	dial, release := ml.dialer(ctx)
	defer release()
	client, err := ml.client(dial)
	if err != nil {
		// The options were validated in NewMailer, so this is a go-mail refusal of them.
		return permanent(ChannelEmail, 0, fmt.Errorf("set up the SMTP client for %s: %w", ml.addr(), err))
	}
	if err := client.DialAndSendWithContext(ctx, msg); err != nil {
		if msg.IsDelivered() {
			// The relay accepted the mail; only the RSET or QUIT afterwards failed.
			// Reporting that would make the caller send the reminder again.
			return nil
		}
		if ctx.Err() != nil {
			return transient(ChannelEmail, 0, fmt.Errorf("send via %s: %w (%w)", ml.addr(), ctx.Err(), err))
		}
		return classifySMTP(fmt.Errorf("send to %s via %s: %w", strings.Join(m.To, ", "), ml.addr(), err))
	}
	return nil
}

// dialer connects to the relay (in TLS from the first byte in TLSImplicit mode) and
// closes the connection when ctx is done: go-mail uses the context only to dial and
// bounds the rest of the session by its timeout alone, so without this a cancelled
// activity would keep talking to a slow relay. release, called once the session is
// over, closes the connection too: go-mail leaves it open when the greeting, STARTTLS
// or AUTH fails.
func (ml *Mailer) dialer(ctx context.Context) (mail.DialContextFunc, func()) {
	var (
		mu    sync.Mutex
		conns []net.Conn
		stops []func() bool
	)
	dial := func(dctx context.Context, network, addr string) (net.Conn, error) {
		d := &net.Dialer{}
		var conn net.Conn
		var err error
		if ml.cfg.TLS == TLSImplicit {
			conn, err = (&tls.Dialer{NetDialer: d, Config: ml.tlsConfig()}).DialContext(dctx, network, addr)
		} else {
			conn, err = d.DialContext(dctx, network, addr)
		}
		if err != nil {
			return nil, err
		}
		mu.Lock()
		conns = append(conns, conn)
		stops = append(stops, context.AfterFunc(ctx, func() { _ = conn.Close() }))
		mu.Unlock()
		return conn, nil
	}
	release := func() {
		mu.Lock()
		defer mu.Unlock()
		for i, conn := range conns {
			stops[i]()
			_ = conn.Close() // after a QUIT, already closed; the error says only that
		}
	}
	return dial, release
}

// build turns a Message into a go-mail message.
func (ml *Mailer) build(m Message) (*mail.Msg, error) {
	if err := m.validate(); err != nil {
		return nil, err
	}
	if err := m.validateRecipients(); err != nil {
		return nil, err
	}
	msg := mail.NewMsg(mail.WithNoDefaultUserAgent())
	if err := msg.From(ml.cfg.From); err != nil {
		return nil, fmt.Errorf("sender %q: %w", ml.cfg.From, err)
	}
	if err := msg.To(m.To...); err != nil {
		return nil, fmt.Errorf("recipients: %w", err)
	}
	msg.Subject(m.Subject)
	msg.SetGenHeader(mail.HeaderMessageID, MessageID(m.Key))
	msg.SetDateWithValue(ml.now())
	msg.SetUserAgent("sellmigrate")
	msg.SetGenHeader(HeaderKey, m.Key)
	if m.MigrationID != "" {
		msg.SetGenHeader(HeaderMigration, m.MigrationID)
	}
	// Reminders are automated: ask autoresponders (out-of-office) not to answer.
	msg.SetGenHeader(mail.HeaderXAutoResponseSuppress, "All")
	msg.SetGenHeader("Auto-Submitted", "auto-generated")
	msg.SetBodyString(mail.TypeTextPlain, mailBody(m))
	return msg, nil
}

// mailBody is the text with the link on a line of its own, where mail clients make
// it clickable.
func mailBody(m Message) string {
	body := strings.TrimRight(m.Body, "\n")
	if m.Link != "" && !strings.Contains(body, m.Link) {
		if body != "" {
			body += "\n\n"
		}
		body += m.Link
	}
	return body + "\n"
}

// client builds a go-mail client for one session.
func (ml *Mailer) client(dial mail.DialContextFunc) (*mail.Client, error) {
	c := ml.cfg
	opts := []mail.Option{
		mail.WithPort(c.Port),
		mail.WithTimeout(c.Timeout),
		mail.WithTLSConfig(ml.tlsConfig()),
		mail.WithDialContextFunc(dial),
	}
	switch c.TLS {
	case TLSImplicit:
		// The dialer already speaks TLS; this keeps go-mail from trying STARTTLS on top.
		opts = append(opts, mail.WithSSL())
	case TLSNone:
		opts = append(opts, mail.WithTLSPolicy(mail.NoTLS))
	default:
		opts = append(opts, mail.WithTLSPolicy(mail.TLSMandatory))
	}
	if c.Username != "" {
		// PLAIN and LOGIN send the password as is, so go-mail allows them only over TLS;
		// TLSNone is limited to loopback by Validate, where the -NOENC variants are safe.
		mechs := []mail.SMTPAuthType{mail.SMTPAuthPlain, mail.SMTPAuthLogin}
		if c.TLS == TLSNone {
			mechs = []mail.SMTPAuthType{mail.SMTPAuthPlainNoEnc, mail.SMTPAuthLoginNoEnc}
		}
		opts = append(opts, mail.WithOpportunisticSMTPAuth(mechs...),
			mail.WithUsername(c.Username), mail.WithPassword(c.Password))
	}
	return mail.NewClient(c.Host, opts...)
}

func (ml *Mailer) tlsConfig() *tls.Config {
	return &tls.Config{ServerName: ml.cfg.Host, RootCAs: ml.cfg.RootCAs, MinVersion: tls.VersionTLS12}
}

func (ml *Mailer) addr() string {
	return fmt.Sprintf("%s:%d (%s)", ml.cfg.Host, ml.cfg.Port, ml.cfg.TLS)
}
