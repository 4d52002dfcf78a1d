package sim

import (
	"context"
	"database/sql"
	"path/filepath"
	"testing"
)

// TestOldStateFileGainsExternalID opens a state file whose support_users table predates
// external_id, as an older `sellmigrate dev` left it: the column and its index are
// added and the simulator works on it.
func TestOldStateFileGainsExternalID(t *testing.T) {
	ctx := context.Background()
	path := filepath.Join(t.TempDir(), "old.db")
	db, err := sql.Open("sqlite", path)
	if err != nil {
		t.Fatal(err)
	}
	if _, err := db.ExecContext(ctx, `CREATE TABLE support_users (
		id INTEGER PRIMARY KEY AUTOINCREMENT, account_id INTEGER NOT NULL, name TEXT NOT NULL, email TEXT NOT NULL,
		role TEXT NOT NULL, custom_role_id INTEGER, role_type INTEGER, active INTEGER NOT NULL, suspended INTEGER NOT NULL,
		verified INTEGER NOT NULL, created_at TEXT NOT NULL, updated_at TEXT NOT NULL, UNIQUE (account_id, email))`); err != nil {
		t.Fatal(err)
	}
	if err := db.Close(); err != nil {
		t.Fatal(err)
	}

	s, err := New(Config{DBPath: path})
	if err != nil {
		t.Fatalf("open an old state file: %v", err)
	}
	defer s.Close()
	if err := s.store.write(ctx, func(tx *sql.Tx) error {
		has, err := hasColumn(ctx, tx, "support_users", "external_id")
		if err != nil || !has {
			t.Errorf("external_id column added: %v, %v", has, err)
		}
		return nil
	}); err != nil {
		t.Fatal(err)
	}
	acct, err := accountBySubdomain(ctx, s.store.db, "globex")
	if err != nil {
		t.Fatal(err)
	}
	lee, err := userByEmail(ctx, s.store.db, acct.ID, "lee@globex.test")
	if err != nil || lee.ExternalID.Valid {
		t.Errorf("seeded lee %+v, %v", lee, err)
	}
}

// TestOldStateFileKeepsBulkImportsOn opens a state file whose support_accounts table
// predates the bulk imports setting: the column is added, the account already there
// keeps create_many working (as it did), and the demo seed still turns Stark's off.
func TestOldStateFileKeepsBulkImportsOn(t *testing.T) {
	ctx := context.Background()
	path := filepath.Join(t.TempDir(), "old.db")
	db, err := sql.Open("sqlite", path)
	if err != nil {
		t.Fatal(err)
	}
	for _, stmt := range []string{
		`CREATE TABLE support_accounts (id INTEGER PRIMARY KEY AUTOINCREMENT, subdomain TEXT NOT NULL UNIQUE,
			name TEXT NOT NULL, owner_id INTEGER, linked_sell_id INTEGER UNIQUE, created_at TEXT NOT NULL)`,
		`INSERT INTO support_accounts (subdomain, name, created_at) VALUES ('oldco', 'Oldco', '2024-01-01T00:00:00Z')`,
	} {
		if _, err := db.ExecContext(ctx, stmt); err != nil {
			t.Fatal(err)
		}
	}
	if err := db.Close(); err != nil {
		t.Fatal(err)
	}

	s, err := New(Config{DBPath: path})
	if err != nil {
		t.Fatalf("open an old state file: %v", err)
	}
	defer s.Close()
	for sub, want := range map[string]bool{"oldco": true, "globex": true, "stark": false} {
		acct, err := accountBySubdomain(ctx, s.store.db, sub)
		if err != nil {
			t.Fatalf("%s: %v", sub, err)
		}
		if on, err := bulkImportsEnabled(ctx, s.store.db, acct.ID); err != nil || on != want {
			t.Errorf("%s bulk imports on = %v (%v), want %v", sub, on, err, want)
		}
	}
}
