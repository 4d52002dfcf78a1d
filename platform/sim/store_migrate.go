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
	// Jobs stored before jobs ran asynchronously were finished when stored, so the
	// defaults describe them: completed, nothing left to run.
	added := []struct{ table, column, def string }{
		{"support_users", "external_id", "TEXT"},
		{"sell_accounts", "job_duration_ms", "INTEGER"},
		{"job_statuses", "status", "TEXT NOT NULL DEFAULT 'completed'"},
		{"job_statuses", "kind", "TEXT NOT NULL DEFAULT ''"},
		{"job_statuses", "request", "TEXT NOT NULL DEFAULT ''"},
		{"job_statuses", "queued_at_ms", "INTEGER NOT NULL DEFAULT 0"},
		{"job_statuses", "due_at_ms", "INTEGER NOT NULL DEFAULT 0"},
		{"job_statuses", "message", "TEXT NOT NULL DEFAULT ''"},
		// Accounts of an older state file keep the bulk path they had (support_imports.go).
		{"support_accounts", "bulk_imports_enabled", "INTEGER NOT NULL DEFAULT 1"},
		// Codes issued before PKCE carry no challenge, as a code issued without one.
		{"oauth_codes", "code_challenge", "TEXT NOT NULL DEFAULT ''"},
	}
	for _, c := range added {
		has, err := hasColumn(ctx, tx, c.table, c.column)
		if err != nil {
			return err
		}
		if has {
			continue
		}
		if _, err := tx.ExecContext(ctx, `ALTER TABLE `+c.table+` ADD COLUMN `+c.column+` `+c.def); err != nil {
			return fmt.Errorf("add %s.%s: %w", c.table, c.column, err)
		}
	}
	// The job runner looks for queued jobs that are due.
	if _, err := tx.ExecContext(ctx, `CREATE INDEX IF NOT EXISTS job_statuses_by_status ON job_statuses (status, due_at_ms)`); err != nil {
		return fmt.Errorf("index job_statuses.status: %w", err)
	}
	// Zendesk treats external ids case-insensitively ("ian1" and "IAN1" are the same
	// value), so uniqueness and look-ups use NOCASE; users without one are not indexed.
	if _, err := tx.ExecContext(ctx, `CREATE UNIQUE INDEX IF NOT EXISTS support_users_by_external_id
		ON support_users (account_id, external_id COLLATE NOCASE) WHERE external_id IS NOT NULL`); err != nil {
		return fmt.Errorf("index support_users.external_id: %w", err)
	}
	return grantDemoTokens(ctx, tx)
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
