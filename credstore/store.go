package credstore

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"net/url"
	"os"
	"path/filepath"
	"time"

	_ "github.com/jackc/pgx/v5/stdlib" // registers the "pgx" database/sql driver
	_ "modernc.org/sqlite"             // registers the "sqlite" database/sql driver
)

// schema is shared by both dialects: times are UTC Unix nanoseconds (0 = none) and the
// sealed secret is base64 text, so no type differs between SQLite and PostgreSQL.
const schema = `
CREATE TABLE IF NOT EXISTS credentials (
	id          TEXT PRIMARY KEY,
	kind        TEXT NOT NULL,
	scheme      TEXT NOT NULL,
	subdomain   TEXT NOT NULL,
	email       TEXT NOT NULL,
	workflow_id TEXT NOT NULL,
	created_at  BIGINT NOT NULL,
	expires_at  BIGINT NOT NULL,
	revoked_at  BIGINT NOT NULL,
	key_id      TEXT NOT NULL,
	sealed      TEXT NOT NULL
)`

const index = `CREATE INDEX IF NOT EXISTS credentials_by_subdomain ON credentials (subdomain, created_at)`

// Store is the credential table in one database. It is safe for concurrent use, and
// several processes may share one database (a SQLite file in WAL mode included).
type Store struct {
	db      *sql.DB
	dialect dialect
	keys    Keyring
	shown   string // the DSN without its password, for errors
}

// Open connects to dsn ("sqlite:/path/file.db" or "postgres://...") and creates the
// table if absent. Errors say what to fix.
func Open(ctx context.Context, dsn string, keys Keyring) (*Store, error) {
	if keys.ActiveID() == "" {
		return nil, fmt.Errorf("credentials: no encryption key; set credentials.keys to at least one key as %s", keyForm)
	}
	t, err := parseDSN(dsn)
	if err != nil {
		return nil, fmt.Errorf("credentials: %w", err)
	}
	var db *sql.DB
	if t.dialect == dialectSQLite {
		db, err = openSQLite(t.path)
	} else {
		db, err = sql.Open("pgx", t.dsn)
	}
	if err != nil {
		return nil, fmt.Errorf("credentials: open %s (credentials.dsn): %w", t.shown, err)
	}
	s := &Store{db: db, dialect: t.dialect, keys: keys, shown: t.shown}
	if err := s.createSchema(ctx); err != nil {
		db.Close()
		return nil, err
	}
	return s, nil
}

// openSQLite opens the file in WAL mode with a busy timeout, so the API and worker
// processes can share it. The file is created 0600 (SQLite gives its -wal and -shm
// files the same mode): it holds sealed secrets.
func openSQLite(path string) (*sql.DB, error) {
	if err := os.MkdirAll(filepath.Dir(path), 0o700); err != nil {
		return nil, fmt.Errorf("create the directory of %s: %w", path, err)
	}
	f, err := os.OpenFile(path, os.O_RDWR|os.O_CREATE, 0o600)
	if err != nil {
		return nil, fmt.Errorf("create %s (is the directory writable?): %w", path, err)
	}
	f.Close()
	q := url.Values{}
	q.Add("_pragma", "busy_timeout(10000)")
	q.Add("_pragma", "journal_mode(WAL)")
	q.Add("_pragma", "synchronous(NORMAL)")
	q.Set("_txlock", "immediate")
	db, err := sql.Open("sqlite", path+"?"+q.Encode())
	if err != nil {
		return nil, err
	}
	db.SetMaxOpenConns(4)
	db.SetConnMaxIdleTime(time.Minute)
	return db, nil
}

// schemaLockID is the PostgreSQL advisory lock the schema is prepared under: CREATE
// TABLE IF NOT EXISTS is not safe against itself, and two roles starting together (two
// workers, a worker and the API) would otherwise collide on the table's catalog row.
const schemaLockID = 0x73656c6c6372 // "sellcr"

func (s *Store) createSchema(ctx context.Context) error {
	if s.dialect == dialectPostgres {
		tx, err := s.db.BeginTx(ctx, nil)
		if err != nil {
			return fmt.Errorf("credentials: reach the store at %s (check the host, port, database, user and password in credentials.dsn): %w", s.shown, err)
		}
		defer func() { _ = tx.Rollback() }()
		if _, err := tx.ExecContext(ctx, "SELECT pg_advisory_xact_lock($1)", schemaLockID); err != nil {
			return fmt.Errorf("credentials: lock the store at %s to prepare its table: %w", s.shown, err)
		}
		if err := s.createSchemaWith(ctx, tx.ExecContext); err != nil {
			return err
		}
		if err := tx.Commit(); err != nil {
			return fmt.Errorf("credentials: prepare the credentials table in %s: %w", s.shown, err)
		}
		return nil
	}
	return s.createSchemaWith(ctx, s.db.ExecContext)
}

func (s *Store) createSchemaWith(ctx context.Context, exec func(context.Context, string, ...any) (sql.Result, error)) error {
	for _, q := range []string{schema, index} {
		if _, err := exec(ctx, q); err != nil {
			hint := "is it a SQLite file, and writable?"
			if s.dialect == dialectPostgres {
				hint = "check the host, port, database, user and password in credentials.dsn, and that the user may create tables"
			}
			return fmt.Errorf("credentials: prepare the credentials table in %s (%s): %w", s.shown, hint, err)
		}
	}
	return nil
}

// Close closes the database.
func (s *Store) Close() error { return s.db.Close() }

func (s *Store) exec(ctx context.Context, q string, args ...any) (sql.Result, error) {
	return s.db.ExecContext(ctx, s.dialect.rebind(q), args...)
}

func (s *Store) query(ctx context.Context, q string, args ...any) (*sql.Rows, error) {
	return s.db.QueryContext(ctx, s.dialect.rebind(q), args...)
}

// dbErr wraps a database failure with what was being done and where.
func (s *Store) dbErr(what string, err error) error {
	if errors.Is(err, context.Canceled) || errors.Is(err, context.DeadlineExceeded) {
		return fmt.Errorf("credentials: %s: %w", what, err)
	}
	return fmt.Errorf("credentials: %s in %s (%s, credentials.dsn): %w", what, s.shown, s.dialect, err)
}
