package notify

import (
	"crypto/x509"
	"errors"
	"fmt"
	"net"
	"strings"
	"time"
)

// TLS modes of SMTPConfig.TLS.
const (
	// TLSStartTLS connects in plain text and requires STARTTLS before anything else is
	// sent; a server that does not offer it is refused (no silent downgrade).
	TLSStartTLS = "starttls"
	// TLSImplicit speaks TLS from the first byte (SMTPS, usually port 465).
	TLSImplicit = "tls"
	// TLSNone sends everything, credentials included, in clear: loopback hosts only
	// (the simulator's sink, a local relay).
	TLSNone = "none"
)

// Default ports per TLS mode, used when SMTPConfig.Port is 0.
const (
	DefaultStartTLSPort = 587
	DefaultImplicitPort = 465
	DefaultPlainPort    = 25
)

// DefaultSMTPTimeout bounds one whole SMTP session when SMTPConfig.Timeout is 0.
const DefaultSMTPTimeout = 15 * time.Second

// SMTPConfig says how to reach the mail relay. Errors about it name the config key
// (notify.smtp_*) a person would fix.
type SMTPConfig struct {
	// Host is the relay's host name or IP, without scheme or port.
	Host string
	// Port is the relay's TCP port; 0 means the TLS mode's usual one (587, 465 or 25).
	Port int
	// Username and Password enable SMTP AUTH (PLAIN, else LOGIN, as the server offers);
	// empty Username means no AUTH.
	Username, Password string
	// From is the sender address, bare (sellmigrate@example.com).
	From string
	// TLS is TLSStartTLS (default when empty), TLSImplicit or TLSNone.
	TLS string
	// Timeout bounds one whole session (dial, TLS, AUTH, the mail); 0 means 15s.
	Timeout time.Duration
	// RootCAs verifies the relay's certificate; nil means the system roots.
	RootCAs *x509.CertPool
}

// withDefaults fills the empty fields that have a default.
func (c SMTPConfig) withDefaults() SMTPConfig {
	if c.TLS == "" {
		c.TLS = TLSStartTLS
	}
	if c.Port == 0 {
		switch c.TLS {
		case TLSImplicit:
			c.Port = DefaultImplicitPort
		case TLSNone:
			c.Port = DefaultPlainPort
		default:
			c.Port = DefaultStartTLSPort
		}
	}
	if c.Timeout == 0 {
		c.Timeout = DefaultSMTPTimeout
	}
	return c
}

// Validate checks the settings as NewMailer will use them (empty TLS and Port take
// their defaults). Each error names the notify.smtp_* key and the form it expects;
// the password is never echoed.
func (c SMTPConfig) Validate() error {
	c = c.withDefaults()
	if err := checkHost(c.Host); err != nil {
		return err
	}
	if c.Port < 1 || c.Port > 65535 {
		return fmt.Errorf("notify.smtp_port %d must be a TCP port from 1 to 65535, e.g. 587 for STARTTLS or 465 for implicit TLS", c.Port)
	}
	switch c.TLS {
	case TLSStartTLS, TLSImplicit:
	case TLSNone:
		if !IsLoopback(c.Host) {
			return fmt.Errorf("notify.smtp_tls %q is refused for host %q: without TLS the mail and the SMTP credentials cross the network in clear; "+
				"use starttls (port 587) or tls (port 465), or none only with a relay on this machine (localhost, 127.0.0.1, ::1)", c.TLS, c.Host)
		}
	default:
		return fmt.Errorf("notify.smtp_tls %q must be one of starttls (mandatory STARTTLS, usually port 587), tls (implicit TLS, usually port 465) or none (loopback only)", c.TLS)
	}
	if c.Username == "" && c.Password != "" {
		return errors.New("notify.smtp_password is set but notify.smtp_username is empty; set both for SMTP AUTH, or neither")
	}
	if c.Username != "" && c.Password == "" {
		return errors.New("notify.smtp_username is set but notify.smtp_password is empty; set both for SMTP AUTH, or neither")
	}
	if strings.ContainsAny(c.Username, "\r\n") {
		return errors.New("notify.smtp_username must be one line")
	}
	if err := checkAddress(c.From); err != nil {
		return fmt.Errorf("notify.smtp_from: %w", err)
	}
	if c.Timeout < 0 {
		return fmt.Errorf("notify: SMTP timeout %s must be positive, e.g. 15s", c.Timeout)
	}
	return nil
}

// checkHost accepts a DNS name or an IP address, nothing with a scheme, port or path.
func checkHost(h string) error {
	bad := fmt.Errorf("notify.smtp_host %q must be a host name or IP address without scheme or port, e.g. smtp.example.com", h)
	if h == "" {
		return fmt.Errorf("notify.smtp_host is empty; give the mail relay's host name, e.g. smtp.example.com")
	}
	if net.ParseIP(h) != nil {
		return nil
	}
	if len(h) > 253 || strings.HasPrefix(h, ".") || strings.HasSuffix(h, ".") {
		return bad
	}
	for _, label := range strings.Split(h, ".") {
		if label == "" || len(label) > 63 || label[0] == '-' || label[len(label)-1] == '-' {
			return bad
		}
		for _, r := range label {
			if !(r >= 'a' && r <= 'z' || r >= 'A' && r <= 'Z' || r >= '0' && r <= '9' || r == '-' || r == '_') {
				return bad
			}
		}
	}
	return nil
}

// IsLoopback reports whether host names this machine: localhost or a loopback IP.
// It does not resolve names, so a DNS answer cannot turn a remote host into a
// "loopback" one.
func IsLoopback(host string) bool {
	if strings.EqualFold(host, "localhost") {
		return true
	}
	ip := net.ParseIP(strings.Trim(host, "[]"))
	return ip != nil && ip.IsLoopback()
}
