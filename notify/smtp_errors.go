package notify

import (
	"crypto/tls"
	"crypto/x509"
	"errors"
	"net/textproto"
	"strings"

	mail "github.com/wneessen/go-mail"
	mailsmtp "github.com/wneessen/go-mail/smtp"
)

// classifySMTP decides whether a failed SMTP session is worth retrying. The reply code
// decides when there is one (5xx permanent, 4xx transient, as RFC 5321 §4.2.1 says);
// otherwise what the failure was: a relay that lacks what the config requires
// (STARTTLS, an AUTH mechanism), a certificate that does not verify or TLS spoken to a
// plain port cannot heal by waiting, while a refused or dropped connection or a
// timeout can. Anything unrecognised counts as transient, so a retry policy still
// bounds it.
func classifySMTP(err error) *Error {
	var se *mail.SendError
	if errors.As(err, &se) {
		switch {
		case se.Reason == mail.ErrGetSender || se.Reason == mail.ErrGetRcpts || se.Reason == mail.ErrNoUnencoded:
			return permanent(ChannelEmail, se.ErrorCode(), err)
		case se.ErrorCode() >= 500:
			return permanent(ChannelEmail, se.ErrorCode(), err)
		default:
			// 4xx replies, and failures with no reply (a connection dropped mid-DATA).
			return transient(ChannelEmail, se.ErrorCode(), err)
		}
	}
	var te *textproto.Error
	if errors.As(err, &te) {
		if te.Code >= 500 {
			return permanent(ChannelEmail, te.Code, err)
		}
		return transient(ChannelEmail, te.Code, err)
	}
	if configMismatch(err) {
		return permanent(ChannelEmail, 0, err)
	}
	return transient(ChannelEmail, 0, err)
}

// configMismatch recognises failures that only a configuration change fixes.
func configMismatch(err error) bool {
	var (
		unknownCA x509.UnknownAuthorityError
		hostname  x509.HostnameError
		invalid   x509.CertificateInvalidError
		verify    *tls.CertificateVerificationError
		notTLS    tls.RecordHeaderError
		tlsAlert  tls.AlertError
	)
	switch {
	case errors.As(err, &unknownCA), errors.As(err, &hostname), errors.As(err, &invalid),
		errors.As(err, &verify), errors.As(err, &notTLS), errors.As(err, &tlsAlert):
		return true
	case errors.Is(err, mail.ErrNoSupportedAuthDiscovered), errors.Is(err, mailsmtp.ErrUnencrypted),
		errors.Is(err, mailsmtp.ErrWrongHostname):
		return true
	}
	// go-mail reports a relay without STARTTLS (under the mandatory policy), without
	// AUTH, or without a usable AUTH mechanism with formatted errors and sentinels that
	// all read "... does not support ..."; the version is pinned and a test covers it.
	return strings.Contains(err.Error(), "does not support")
}
