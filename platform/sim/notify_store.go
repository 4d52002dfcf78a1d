package sim

import (
	"context"
	"database/sql"
	"encoding/json"
	"fmt"
	"strings"
)

// notifySchema holds what the SMTP sink and the webhook receiver got. Webhooks are
// unique by idempotency key: a repeat counts a delivery instead of adding a row, which
// is how a test proves a reminder was posted once however often it was retried. Mail
// is kept as received, every copy, because a mail relay does not de-duplicate either
// (a receiver may, by Message-ID).
const notifySchema = `
CREATE TABLE IF NOT EXISTS mail (
	seq          INTEGER PRIMARY KEY AUTOINCREMENT,
	recipients   TEXT NOT NULL,
	sender       TEXT NOT NULL,
	subject      TEXT NOT NULL,
	body         TEXT NOT NULL,
	migration_id TEXT NOT NULL,
	key          TEXT NOT NULL,
	message_id   TEXT NOT NULL,
	received_at  TEXT NOT NULL
);
CREATE INDEX IF NOT EXISTS mail_by_migration ON mail (migration_id, seq);
CREATE TABLE IF NOT EXISTS webhooks (
	seq              INTEGER PRIMARY KEY AUTOINCREMENT,
	key              TEXT NOT NULL UNIQUE,
	text             TEXT NOT NULL,
	migration_id     TEXT NOT NULL,
	link             TEXT NOT NULL,
	received_at      TEXT NOT NULL,
	last_received_at TEXT NOT NULL,
	deliveries       INTEGER NOT NULL
);
CREATE INDEX IF NOT EXISTS webhooks_by_migration ON webhooks (migration_id, seq);
`

// Mail is one message the SMTP sink accepted.
type Mail struct {
	// To are the envelope recipients (RCPT TO), Bcc included.
	To []string `json:"to"`
	// From is the envelope sender (MAIL FROM).
	From    string `json:"from"`
	Subject string `json:"subject"`
	// Body is the text, transfer encoding (quoted-printable, base64) undone; of a
	// multipart mail, its text/plain part.
	Body string `json:"body"`
	// MigrationID and Key are the X-Sellmigrate-Migration and X-Sellmigrate-Key headers.
	MigrationID string `json:"migrationId"`
	Key         string `json:"key"`
	MessageID   string `json:"messageId"`
	ReceivedAt  string `json:"receivedAt"`
}

// MailFilter narrows Mail; empty fields match everything.
type MailFilter struct {
	// To matches a mail with this recipient, ignoring case.
	To string
	// MigrationID matches the X-Sellmigrate-Migration header exactly.
	MigrationID string
}

// WebhookReceived is one reminder the webhook receiver accepted, however often it came.
type WebhookReceived struct {
	Text        string `json:"text"`
	MigrationID string `json:"migrationId"`
	// Key is the Idempotency-Key header the row is unique by.
	Key  string `json:"key"`
	Link string `json:"link"`
	// ReceivedAt is the first delivery, LastReceivedAt the latest.
	ReceivedAt     string `json:"receivedAt"`
	LastReceivedAt string `json:"lastReceivedAt"`
	// Deliveries counts the valid POSTs with this key.
	Deliveries int `json:"deliveries"`
}

func (s *Sim) storeMail(ctx context.Context, m Mail) error {
	to, err := json.Marshal(m.To)
	if err != nil {
		return fmt.Errorf("encode recipients: %w", err)
	}
	return s.store.write(ctx, func(tx *sql.Tx) error {
		_, err := tx.ExecContext(ctx, `INSERT INTO mail
			(recipients, sender, subject, body, migration_id, key, message_id, received_at)
			VALUES (?, ?, ?, ?, ?, ?, ?, ?)`,
			string(to), m.From, m.Subject, m.Body, m.MigrationID, m.Key, m.MessageID, m.ReceivedAt)
		if err != nil {
			return fmt.Errorf("store mail: %w", err)
		}
		return nil
	})
}

// Mail returns what the SMTP sink accepted and f matches, oldest first.
func (s *Sim) Mail(ctx context.Context, f MailFilter) ([]Mail, error) {
	q := `SELECT recipients, sender, subject, body, migration_id, key, message_id, received_at FROM mail`
	var args []any
	if f.MigrationID != "" {
		q += ` WHERE migration_id = ?`
		args = append(args, f.MigrationID)
	}
	rows, err := s.store.db.QueryContext(ctx, q+` ORDER BY seq`, args...)
	if err != nil {
		return nil, fmt.Errorf("sim: read mail: %w", err)
	}
	defer rows.Close()
	out := []Mail{}
	for rows.Next() {
		var m Mail
		var to string
		if err := rows.Scan(&to, &m.From, &m.Subject, &m.Body, &m.MigrationID, &m.Key, &m.MessageID, &m.ReceivedAt); err != nil {
			return nil, fmt.Errorf("sim: read mail: %w", err)
		}
		if err := json.Unmarshal([]byte(to), &m.To); err != nil {
			return nil, fmt.Errorf("sim: read mail: recipients %q: %w", to, err)
		}
		if f.To == "" || containsFold(m.To, f.To) {
			out = append(out, m)
		}
	}
	if err := rows.Err(); err != nil {
		return nil, fmt.Errorf("sim: read mail: %w", err)
	}
	return out, nil
}

// ClearMail forgets every mail and returns how many there were.
func (s *Sim) ClearMail(ctx context.Context) (int64, error) {
	return s.clearTable(ctx, "mail")
}

// recordWebhook stores a first delivery or counts a repeat, and returns the count.
func (s *Sim) recordWebhook(ctx context.Context, h WebhookReceived) (int, error) {
	var n int
	err := s.store.write(ctx, func(tx *sql.Tx) error {
		return tx.QueryRowContext(ctx, `INSERT INTO webhooks
			(key, text, migration_id, link, received_at, last_received_at, deliveries)
			VALUES (?, ?, ?, ?, ?, ?, 1)
			ON CONFLICT (key) DO UPDATE SET deliveries = deliveries + 1, last_received_at = excluded.last_received_at
			RETURNING deliveries`,
			h.Key, h.Text, h.MigrationID, h.Link, h.ReceivedAt, h.ReceivedAt).Scan(&n)
	})
	if err != nil {
		return 0, fmt.Errorf("store webhook: %w", err)
	}
	return n, nil
}

// Webhooks returns what the webhook receiver accepted, one entry per idempotency key in
// the order first received; a non-empty migrationID keeps only that migration's.
func (s *Sim) Webhooks(ctx context.Context, migrationID string) ([]WebhookReceived, error) {
	q := `SELECT key, text, migration_id, link, received_at, last_received_at, deliveries FROM webhooks`
	var args []any
	if migrationID != "" {
		q += ` WHERE migration_id = ?`
		args = append(args, migrationID)
	}
	rows, err := s.store.db.QueryContext(ctx, q+` ORDER BY seq`, args...)
	if err != nil {
		return nil, fmt.Errorf("sim: read webhooks: %w", err)
	}
	defer rows.Close()
	out := []WebhookReceived{}
	for rows.Next() {
		var h WebhookReceived
		if err := rows.Scan(&h.Key, &h.Text, &h.MigrationID, &h.Link, &h.ReceivedAt, &h.LastReceivedAt, &h.Deliveries); err != nil {
			return nil, fmt.Errorf("sim: read webhooks: %w", err)
		}
		out = append(out, h)
	}
	if err := rows.Err(); err != nil {
		return nil, fmt.Errorf("sim: read webhooks: %w", err)
	}
	return out, nil
}

// ClearWebhooks forgets every webhook and returns how many keys there were.
func (s *Sim) ClearWebhooks(ctx context.Context) (int64, error) {
	return s.clearTable(ctx, "webhooks")
}

// clearTable empties one of the notification tables (a fixed name, never input).
func (s *Sim) clearTable(ctx context.Context, table string) (int64, error) {
	var n int64
	err := s.store.write(ctx, func(tx *sql.Tx) error {
		res, err := tx.ExecContext(ctx, `DELETE FROM `+table)
		if err != nil {
			return err
		}
		n, err = res.RowsAffected()
		return err
	})
	if err != nil {
		return 0, fmt.Errorf("sim: clear %s: %w", table, err)
	}
	return n, nil
}

func containsFold(list []string, v string) bool {
	for _, x := range list {
		if strings.EqualFold(x, v) {
			return true
		}
	}
	return false
}
