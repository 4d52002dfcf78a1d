package sim

import (
	"context"
	"crypto/subtle"
	"errors"
	"fmt"
	"io"
	"net"
	"sync"
	"time"

	"github.com/emersion/go-sasl"
	"github.com/emersion/go-smtp"
	"go.uber.org/zap"
)

// Limits of the SMTP sink: a reminder is a few KB, so these only stop a runaway client.
const (
	smtpMaxMessageBytes = 1 << 20
	smtpMaxRecipients   = 100
	smtpIOTimeout       = 30 * time.Second
	// smtpShutdownGrace is how long sessions in progress get to finish once the sink
	// is stopped; then their connections are closed.
	smtpShutdownGrace = 5 * time.Second
)

// SMTPSink is the simulator's mail server. It accepts mail for any address (after AUTH
// PLAIN when Config.SMTPUsername is set; STARTTLS is offered when Config.SMTPTLS is)
// and stores each message in the simulator's database for GET /_sim/mail.
type SMTPSink struct {
	sim  *Sim
	srv  *smtp.Server
	ln   net.Listener
	addr string

	stopOnce sync.Once
	stop     chan struct{} // closed by Close
	done     chan struct{} // closed once the server has stopped
	err      error         // why it stopped, set before done is closed

	mu    sync.Mutex
	conns map[net.Conn]struct{} // open sessions, closed after the grace period
}

// StartSMTP listens on listen (host:port; port 0 picks a free port, see Addr) and
// serves the sink in the background until ctx is done or Close is called.
func (s *Sim) StartSMTP(ctx context.Context, listen string) (*SMTPSink, error) {
	ln, err := net.Listen("tcp", listen)
	if err != nil {
		return nil, fmt.Errorf("sim: SMTP sink: listen on %s (is another process using the port? pick another address): %w", listen, err)
	}
	k := &SMTPSink{sim: s, ln: ln, addr: ln.Addr().String(), stop: make(chan struct{}), done: make(chan struct{}),
		conns: map[net.Conn]struct{}{}}
	k.srv = smtp.NewServer(smtp.BackendFunc(k.newSession))
	k.srv.Domain = "sim.sellmigrate.test"
	k.srv.TLSConfig = s.cfg.SMTPTLS
	// The sink guards no real mailbox and serves loopback and test networks, so AUTH
	// is allowed without TLS too; clients that want TLS first get STARTTLS offered.
	k.srv.AllowInsecureAuth = true
	k.srv.MaxMessageBytes = smtpMaxMessageBytes
	k.srv.MaxRecipients = smtpMaxRecipients
	k.srv.ReadTimeout = smtpIOTimeout
	k.srv.WriteTimeout = smtpIOTimeout
	k.srv.ErrorLog = zap.NewStdLog(s.log.Named("smtp"))

	served := make(chan error, 1)
	go func() { served <- k.srv.Serve(trackingListener{Listener: ln, sink: k}) }()
	go k.run(ctx, served)
	s.log.Info("SMTP sink listening", zap.String("addr", k.addr),
		zap.Bool("starttls", s.cfg.SMTPTLS != nil), zap.Bool("auth", s.cfg.SMTPUsername != ""))
	return k, nil
}

// ServeSMTP serves the SMTP sink on listen until ctx is done, then stops it cleanly
// and returns nil; like Serve, for use beside it in an errgroup.
func (s *Sim) ServeSMTP(ctx context.Context, listen string) error {
	k, err := s.StartSMTP(ctx, listen)
	if err != nil {
		return err
	}
	return k.Wait()
}

// Addr is the address the sink listens on, e.g. 127.0.0.1:2525.
func (k *SMTPSink) Addr() string { return k.addr }

// Close stops the sink: it stops accepting, gives sessions in progress a few seconds,
// closes what is left, and returns once the server has stopped.
func (k *SMTPSink) Close() error {
	k.stopOnce.Do(func() { close(k.stop) })
	return k.Wait()
}

// Wait blocks until the sink has stopped; it returns nil after ctx or Close stopped
// it, the server's error if it failed.
func (k *SMTPSink) Wait() error {
	<-k.done
	return k.err
}

// run waits for a reason to stop, then shuts the server down.
func (k *SMTPSink) run(ctx context.Context, served <-chan error) {
	defer close(k.done)
	select {
	case err := <-served:
		// Serve returns only on a failed Accept unless the server was closed.
		k.err = fmt.Errorf("sim: SMTP sink on %s: %w", k.addr, err)
		return
	case <-ctx.Done():
	case <-k.stop:
	}
	grace, cancel := context.WithTimeout(context.Background(), smtpShutdownGrace)
	defer cancel()
	if err := k.srv.Shutdown(grace); err != nil && !errors.Is(err, context.DeadlineExceeded) {
		k.err = fmt.Errorf("sim: stop SMTP sink on %s: %w", k.addr, err)
	}
	// go-smtp's Shutdown closes only the listeners Serve has registered, and Serve does
	// not look for a shutdown before it accepts: stopped before its goroutine ran, it
	// would accept forever. Closing the listener here (again, if Shutdown did) ends it.
	_ = k.ln.Close()
	// go-smtp's Shutdown only waits for connections; one still open after the grace
	// period is closed here, which ends its handler.
	k.mu.Lock()
	open := make([]net.Conn, 0, len(k.conns))
	for c := range k.conns {
		open = append(open, c)
	}
	k.mu.Unlock()
	for _, c := range open {
		_ = c.Close()
	}
	if err := <-served; err != nil && k.err == nil {
		k.err = fmt.Errorf("sim: SMTP sink on %s: %w", k.addr, err)
	}
	k.sim.log.Info("SMTP sink stopped", zap.String("addr", k.addr))
}

func (k *SMTPSink) newSession(*smtp.Conn) (smtp.Session, error) {
	return &sinkSession{sink: k}, nil
}

// trackingListener records every accepted connection until it is closed, so a stop
// can close the ones that outlive the grace period.
type trackingListener struct {
	net.Listener
	sink *SMTPSink
}

func (l trackingListener) Accept() (net.Conn, error) {
	c, err := l.Listener.Accept()
	if err != nil {
		return nil, err
	}
	tc := &trackedConn{Conn: c, sink: l.sink}
	l.sink.mu.Lock()
	l.sink.conns[tc] = struct{}{}
	l.sink.mu.Unlock()
	return tc, nil
}

type trackedConn struct {
	net.Conn
	sink *SMTPSink
}

func (c *trackedConn) Close() error {
	c.sink.mu.Lock()
	delete(c.sink.conns, c)
	c.sink.mu.Unlock()
	return c.Conn.Close()
}

// sinkSession is one SMTP connection's state.
type sinkSession struct {
	sink   *SMTPSink
	authed bool
	from   string
	to     []string
}

// errAuthRequired is RFC 4954's answer to MAIL before AUTH on a server that requires it.
var errAuthRequired = &smtp.SMTPError{Code: 530, EnhancedCode: smtp.EnhancedCode{5, 7, 0}, Message: "Authentication required"}

func (ss *sinkSession) authRequired() bool { return ss.sink.sim.cfg.SMTPUsername != "" }

func (ss *sinkSession) AuthMechanisms() []string {
	if !ss.authRequired() {
		return nil
	}
	return []string{sasl.Plain}
}

func (ss *sinkSession) Auth(mech string) (sasl.Server, error) {
	if !ss.authRequired() {
		return nil, smtp.ErrAuthUnsupported
	}
	if mech != sasl.Plain {
		return nil, smtp.ErrAuthUnknownMechanism
	}
	cfg := ss.sink.sim.cfg
	return sasl.NewPlainServer(func(_, user, pass string) error {
		okUser := subtle.ConstantTimeCompare([]byte(user), []byte(cfg.SMTPUsername)) == 1
		okPass := subtle.ConstantTimeCompare([]byte(pass), []byte(cfg.SMTPPassword)) == 1
		if !okUser || !okPass {
			return smtp.ErrAuthFailed
		}
		ss.authed = true
		return nil
	}), nil
}

func (ss *sinkSession) Mail(from string, _ *smtp.MailOptions) error {
	if ss.authRequired() && !ss.authed {
		return errAuthRequired
	}
	ss.from = from
	return nil
}

func (ss *sinkSession) Rcpt(to string, _ *smtp.RcptOptions) error {
	if ss.authRequired() && !ss.authed {
		return errAuthRequired
	}
	ss.to = append(ss.to, to)
	return nil
}

func (ss *sinkSession) Data(r io.Reader) error {
	raw, err := io.ReadAll(r)
	if err != nil {
		return err // go-smtp answers a message over the size limit with its own 552
	}
	m, err := parseMail(raw)
	if err != nil {
		return &smtp.SMTPError{Code: 554, EnhancedCode: smtp.EnhancedCode{5, 6, 0}, Message: "Unreadable message: " + err.Error()}
	}
	m.From, m.To = ss.from, append([]string(nil), ss.to...)
	sim := ss.sink.sim
	m.ReceivedAt = sim.nowString()
	ctx, cancel := context.WithTimeout(context.Background(), smtpIOTimeout)
	defer cancel()
	if err := sim.storeMail(ctx, m); err != nil {
		sim.log.Error("SMTP sink could not store a mail", zap.Error(err))
		// 4xx: the sender keeps the mail and tries again, as with a real relay.
		return &smtp.SMTPError{Code: 451, EnhancedCode: smtp.EnhancedCode{4, 3, 0}, Message: "Could not store the message, try again"}
	}
	sim.log.Debug("SMTP sink accepted a mail", zap.Int("recipients", len(m.To)),
		zap.String("migration", m.MigrationID), zap.String("key", m.Key))
	return nil
}

func (ss *sinkSession) Reset() { ss.from, ss.to = "", nil }

func (ss *sinkSession) Logout() error { return nil }
