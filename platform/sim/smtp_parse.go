package sim

import (
	"bytes"
	"encoding/base64"
	"errors"
	"fmt"
	"io"
	"mime"
	"mime/multipart"
	"mime/quotedprintable"
	"net/mail"
	"net/textproto"
	"strings"

	"github.com/sellmigrate/sellmigrate/notify"
)

// parseMail reads what the sink stores from a raw RFC 5322 message: the decoded
// subject, the text body and the sellmigrate headers.
func parseMail(raw []byte) (Mail, error) {
	msg, err := mail.ReadMessage(bytes.NewReader(raw))
	if err != nil {
		return Mail{}, fmt.Errorf("not an RFC 5322 message: %w", err)
	}
	h := msg.Header
	subject, err := new(mime.WordDecoder).DecodeHeader(h.Get("Subject"))
	if err != nil {
		// An unknown charset: keep the header as sent rather than lose the mail.
		subject = h.Get("Subject")
	}
	body, err := textBody(textproto.MIMEHeader(h), msg.Body)
	if err != nil {
		return Mail{}, err
	}
	return Mail{
		Subject:     subject,
		Body:        body,
		MigrationID: h.Get(notify.HeaderMigration),
		Key:         h.Get(notify.HeaderKey),
		MessageID:   h.Get("Message-ID"),
	}, nil
}

// textBody returns the text of a part: itself when it is text, the first text/plain
// (else first text/*) part of a multipart, with the transfer encoding undone and line
// ends made "\n".
func textBody(h textproto.MIMEHeader, r io.Reader) (string, error) {
	mediaType, params, err := mime.ParseMediaType(h.Get("Content-Type"))
	if err != nil {
		// RFC 2045 §5.2: no (or an unreadable) Content-Type means text/plain.
		mediaType = "text/plain"
	}
	if strings.HasPrefix(mediaType, "multipart/") {
		return multipartText(params["boundary"], r)
	}
	b, err := io.ReadAll(transferDecoder(h.Get("Content-Transfer-Encoding"), r))
	if err != nil {
		return "", fmt.Errorf("decode the %s body: %w", h.Get("Content-Transfer-Encoding"), err)
	}
	return strings.ReplaceAll(string(b), "\r\n", "\n"), nil
}

// multipartText picks the text of a multipart body, preferring text/plain.
func multipartText(boundary string, r io.Reader) (string, error) {
	if boundary == "" {
		return "", errors.New("multipart body without a boundary")
	}
	mr := multipart.NewReader(r, boundary)
	var fallback string
	found := false
	for {
		// NextRawPart: the transfer encoding is undone by transferDecoder for every
		// encoding alike (NextPart would undo only quoted-printable, silently).
		p, err := mr.NextRawPart()
		if errors.Is(err, io.EOF) {
			break
		}
		if err != nil {
			return "", fmt.Errorf("read multipart body: %w", err)
		}
		mediaType, _, _ := mime.ParseMediaType(p.Header.Get("Content-Type"))
		if mediaType == "" {
			mediaType = "text/plain"
		}
		if !strings.HasPrefix(mediaType, "text/") && !strings.HasPrefix(mediaType, "multipart/") {
			continue
		}
		text, err := textBody(p.Header, p)
		if err != nil {
			return "", err
		}
		if mediaType == "text/plain" {
			return text, nil
		}
		if !found {
			fallback, found = text, true
		}
	}
	return fallback, nil
}

func transferDecoder(encoding string, r io.Reader) io.Reader {
	switch strings.ToLower(strings.TrimSpace(encoding)) {
	case "quoted-printable":
		return quotedprintable.NewReader(r)
	case "base64":
		// The decoder skips the line breaks base64 bodies are wrapped with.
		return base64.NewDecoder(base64.StdEncoding, r)
	default: // 7bit, 8bit, binary
		return r
	}
}
