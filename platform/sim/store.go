package sim

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"net/url"
	"os"
	"path/filepath"
	"sync"
	"time"

	_ "modernc.org/sqlite" // registers the "sqlite" database/sql driver
)

// schema is the simulator's whole state. AUTOINCREMENT keeps ids of deleted rows (a
// released account's users) from ever being reused, as Zendesk never reuses ids. UNIQUE constraints are what make concurrent
// requests unable to double-create an account, a user or a link even if two
// transactions raced past their existence checks.
const schema = `
CREATE TABLE IF NOT EXISTS meta (
	key   TEXT PRIMARY KEY,
	value TEXT NOT NULL
);
CREATE TABLE IF NOT EXISTS support_accounts (
	id             INTEGER PRIMARY KEY AUTOINCREMENT,
	subdomain      TEXT NOT NULL UNIQUE,
	name           TEXT NOT NULL,
	owner_id       INTEGER,
	linked_sell_id INTEGER UNIQUE,
	created_at     TEXT NOT NULL,
	bulk_imports_enabled INTEGER NOT NULL DEFAULT 1
);
CREATE TABLE IF NOT EXISTS custom_roles (
	id          INTEGER PRIMARY KEY AUTOINCREMENT,
	account_id  INTEGER NOT NULL REFERENCES support_accounts(id) ON DELETE CASCADE,
	name        TEXT NOT NULL,
	role_type   INTEGER NOT NULL,
	description TEXT NOT NULL,
	created_at  TEXT NOT NULL,
	UNIQUE (account_id, name)
);
CREATE TABLE IF NOT EXISTS support_users (
	id             INTEGER PRIMARY KEY AUTOINCREMENT,
	account_id     INTEGER NOT NULL REFERENCES support_accounts(id) ON DELETE CASCADE,
	name           TEXT NOT NULL,
	email          TEXT NOT NULL,
	role           TEXT NOT NULL,
	custom_role_id INTEGER,
	role_type      INTEGER,
	active         INTEGER NOT NULL,
	suspended      INTEGER NOT NULL,
	verified       INTEGER NOT NULL,
	created_at     TEXT NOT NULL,
	updated_at     TEXT NOT NULL,
	external_id    TEXT,
	UNIQUE (account_id, email)
);
CREATE INDEX IF NOT EXISTS support_users_by_account ON support_users (account_id, id);
CREATE TABLE IF NOT EXISTS job_statuses (
	id           TEXT PRIMARY KEY,
	account_id   INTEGER NOT NULL REFERENCES support_accounts(id) ON DELETE CASCADE,
	total        INTEGER NOT NULL,
	results      TEXT NOT NULL,
	created_at   TEXT NOT NULL,
	status       TEXT NOT NULL DEFAULT 'completed',
	kind         TEXT NOT NULL DEFAULT '',
	request      TEXT NOT NULL DEFAULT '',
	queued_at_ms INTEGER NOT NULL DEFAULT 0,
	due_at_ms    INTEGER NOT NULL DEFAULT 0,
	message      TEXT NOT NULL DEFAULT ''
);
CREATE TABLE IF NOT EXISTS sell_accounts (
	id         INTEGER PRIMARY KEY,
	name       TEXT NOT NULL,
	subdomain  TEXT UNIQUE,
	linked_at  TEXT,
	currency   TEXT NOT NULL,
	time_zone  TEXT NOT NULL,
	created_at TEXT NOT NULL,
	job_duration_ms INTEGER
);
CREATE TABLE IF NOT EXISTS sell_users (
	id         INTEGER PRIMARY KEY AUTOINCREMENT,
	account_id INTEGER NOT NULL REFERENCES sell_accounts(id) ON DELETE CASCADE,
	name       TEXT NOT NULL,
	email      TEXT NOT NULL,
	role       TEXT NOT NULL,
	status     TEXT NOT NULL,
	confirmed  INTEGER NOT NULL,
	created_at TEXT NOT NULL,
	updated_at TEXT NOT NULL,
	UNIQUE (account_id, email)
);
CREATE INDEX IF NOT EXISTS sell_users_by_account ON sell_users (account_id, id);
CREATE TABLE IF NOT EXISTS ledger (
	seq     INTEGER PRIMARY KEY AUTOINCREMENT,
	kind    TEXT NOT NULL,
	subject TEXT NOT NULL,
	detail  TEXT NOT NULL,
	at      TEXT NOT NULL
);
CREATE TABLE IF NOT EXISTS idempotency_keys (
	scope      TEXT NOT NULL,
	key        TEXT NOT NULL,
	resource   TEXT NOT NULL,
	status     INTEGER NOT NULL,
	body       BLOB NOT NULL,
	created_at TEXT NOT NULL,
	PRIMARY KEY (scope, key)
);
`

// store owns the SQLite handle. Writes go through write(), which serialises them in
// process and opens each transaction with BEGIN IMMEDIATE, so a check-then-insert
// inside one write can never interleave with another.
type store struct {
	db      *sql.DB
	writeMu sync.Mutex
}

// openStore opens (creating if absent) the SQLite file in WAL mode and applies the schema.
func openStore(ctx context.Context, path string) (*store, error) {
	if path == "" {
		return nil, errors.New("sim: Config.DBPath is empty; give the SQLite file the simulator should keep its state in")
	}
	if dir := filepath.Dir(path); dir != "" {
		if err := os.MkdirAll(dir, 0o755); err != nil {
			return nil, fmt.Errorf("sim: create directory for %s: %w", path, err)
		}
	}
	q := url.Values{}
	q.Add("_pragma", "busy_timeout(10000)")
	q.Add("_pragma", "journal_mode(WAL)")
	q.Add("_pragma", "synchronous(NORMAL)")
	q.Add("_pragma", "foreign_keys(ON)")
	q.Set("_txlock", "immediate")
	db, err := openWithStmtCache(path + "?" + q.Encode())
	if err != nil {
		return nil, fmt.Errorf("sim: open %s: %w", path, err)
	}
	db.SetMaxOpenConns(8)
	// Kept open when idle (up to a minute), with their prepared statements, rather
	// than closed past database/sql's default of two idle connections.
	db.SetMaxIdleConns(8)
	db.SetConnMaxIdleTime(time.Minute)
	var mode string
	if err := db.QueryRowContext(ctx, "PRAGMA journal_mode").Scan(&mode); err != nil {
		db.Close()
		return nil, fmt.Errorf("sim: open %s (is it a SQLite file and writable?): %w", path, err)
	}
	if mode != "wal" {
		db.Close()
		return nil, fmt.Errorf("sim: %s is in journal mode %q, not WAL; use a local file system that supports WAL", path, mode)
	}
	s := &store{db: db}
	if err := s.write(ctx, func(tx *sql.Tx) error {
		if _, err := tx.ExecContext(ctx, schema+oauthSchema+apiTokenSchema+notifySchema); err != nil {
			return err
		}
		return migrateSchema(ctx, tx)
	}); err != nil {
		db.Close()
		return nil, fmt.Errorf("sim: create schema in %s: %w", path, err)
	}
	return s, nil
}

// write runs fn in one IMMEDIATE transaction and commits it if fn returns nil.
func (s *store) write(ctx context.Context, fn func(tx *sql.Tx) error) error {
	s.writeMu.Lock()
	defer s.writeMu.Unlock()
	tx, err := s.db.BeginTx(ctx, nil)
	if err != nil {
		return fmt.Errorf("begin transaction: %w", err)
	}
	if err := fn(tx); err != nil {
		_ = tx.Rollback()
		return err
	}
	if err := tx.Commit(); err != nil {
		return fmt.Errorf("commit transaction: %w", err)
	}
	return nil
}

func (s *store) close() error { return s.db.Close() }

// queryer is what both *sql.DB and *sql.Tx offer, so lookups work inside and outside a write.
type queryer interface {
	QueryRowContext(ctx context.Context, query string, args ...any) *sql.Row
	QueryContext(ctx context.Context, query string, args ...any) (*sql.Rows, error)
	ExecContext(ctx context.Context, query string, args ...any) (sql.Result, error)
}

// timeFormat is how every timestamp is stored and served: Zendesk's second-precision UTC.
const timeFormat = "2006-01-02T15:04:05Z"

func formatTime(t time.Time) string { return t.UTC().Format(timeFormat) }

func boolInt(b bool) int {
	if b {
		return 1
	}
	return 0
}
