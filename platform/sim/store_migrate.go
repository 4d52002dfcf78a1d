package sim

import (
	"context"
	"database/sql"
	"fmt"
)

// migrateSchema brings a state file written by an older simulator up to the current
// schema. CREATE TABLE IF NOT EXISTS leaves an existing table as it is, so a column
// added later must be added here too, or `sellmigrate dev` on an old data directory
// would fail on its first user query.
func migrateSchema(ctx context.Context, tx *sql.Tx) error {
	has, err := hasColumn(ctx, tx, "support_users", "external_id")
	if err != nil {
		return err
	}
	if !has {
		if _, err := tx.ExecContext(ctx, `ALTER TABLE support_users ADD COLUMN external_id TEXT`); err != nil {
			return fmt.Errorf("add support_users.external_id: %w", err)
		}
	}
	// Accounts of an older state file keep the bulk path they had (see support_imports.go).
	has, err = hasColumn(ctx, tx, "support_accounts", "bulk_imports_enabled")
	if err != nil {
		return err
	}
	if !has {
		if _, err := tx.ExecContext(ctx, `ALTER TABLE support_accounts ADD COLUMN bulk_imports_enabled INTEGER NOT NULL DEFAULT 1`); err != nil {
			return fmt.Errorf("add support_accounts.bulk_imports_enabled: %w", err)
		}
	}
	// Zendesk treats external ids case-insensitively ("ian1" and "IAN1" are the same
	// value), so uniqueness and look-ups use NOCASE; users without one are not indexed.
	if _, err := tx.ExecContext(ctx, `CREATE UNIQUE INDEX IF NOT EXISTS support_users_by_external_id
		ON support_users (account_id, external_id COLLATE NOCASE) WHERE external_id IS NOT NULL`); err != nil {
		return fmt.Errorf("index support_users.external_id: %w", err)
	}
	return nil
}

// hasColumn reports whether table has a column of that name.
func hasColumn(ctx context.Context, tx *sql.Tx, table, column string) (bool, error) {
	var n int
	err := tx.QueryRowContext(ctx, `SELECT COUNT(*) FROM pragma_table_info(?) WHERE name = ?`, table, column).Scan(&n)
	if err != nil {
		return false, fmt.Errorf("inspect table %s: %w", table, err)
	}
	return n > 0, nil
}
