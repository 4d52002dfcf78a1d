package notify

import (
	"crypto/sha256"
	"encoding/hex"
	"errors"
	"fmt"
	"net/mail"
	"strings"
)

// Message is one reminder, sent alike by email and by webhook.
type Message struct {
	// To are the email recipients (bare addresses such as admin@acme.test). A webhook
	// posts to a channel and ignores them.
	To []string
	// Subject is the mail subject and the webhook's headline.
	Subject string
	// Body is plain text.
	Body string
	// MigrationID is the workflow ID, e.g. sell-migration-1001.
	MigrationID string
	// Link is where the person acts (the dashboard page of the migration); optional.
	Link string
	// Key is unique per reminder and channel and stays the same across retries, e.g.
	// sell-migration-1001/reminder/3/email; receivers de-duplicate on it.
	Key string
}

// validate checks what both channels need: a subject and a key, and no header-breaking
// line ends in the values that go into headers.
func (m Message) validate() error {
	if strings.TrimSpace(m.Subject) == "" {
		return errors.New("message has no subject")
	}
	if strings.TrimSpace(m.Key) == "" {
		return errors.New("message has no idempotency key; set Key to something unique per reminder, e.g. sell-migration-1001/reminder/3/email")
	}
	for name, v := range map[string]string{"Subject": m.Subject, "Key": m.Key, "MigrationID": m.MigrationID, "Link": m.Link} {
		if strings.ContainsAny(v, "\r\n") {
			return fmt.Errorf("message %s contains a line break; it goes into a header and must be one line", name)
		}
	}
	return nil
}

// validateRecipients checks the email recipients: at least one, each a bare address.
func (m Message) validateRecipients() error {
	if len(m.To) == 0 {
		return errors.New("message has no recipients; set To to at least one email address")
	}
	for i, to := range m.To {
		if err := checkAddress(to); err != nil {
			return fmt.Errorf("recipient %d: %w", i+1, err)
		}
	}
	return nil
}

// checkAddress accepts a bare email address (no display name, no angle brackets).
func checkAddress(v string) error {
	a, err := mail.ParseAddress(v)
	if err != nil || a.Address != v || a.Name != "" {
		return fmt.Errorf("%q is not an email address such as ops@example.com", v)
	}
	return nil
}

// MessageID is the Message-ID header a mail with this idempotency key carries: the same
// for every resend of one reminder, so a receiving side can drop duplicates. It hashes
// the key so the header holds no personal data and only characters a msg-id allows.
func MessageID(key string) string {
	sum := sha256.Sum256([]byte(key))
	return "<" + hex.EncodeToString(sum[:16]) + ".reminder@sellmigrate>"
}
