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
