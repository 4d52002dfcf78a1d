package sim

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"strings"
)

// apiTokenSchema holds each account's Support API tokens, as SHA-256 digests like the
// OAuth tokens: a token belongs to one account and works on no other, as on Zendesk.
const apiTokenSchema = `
CREATE TABLE IF NOT EXISTS support_api_tokens (
	token_hash TEXT PRIMARY KEY,
	account_id INTEGER NOT NULL REFERENCES support_accounts(id) ON DELETE CASCADE,
	created_at TEXT NOT NULL
);
`

// insertAPIToken gives the account another API token.
func insertAPIToken(ctx context.Context, q queryer, accountID int64, token, now string) error {
	if _, err := q.ExecContext(ctx, `INSERT INTO support_api_tokens (token_hash, account_id, created_at) VALUES (?, ?, ?)`,
		secretDigest(token), accountID, now); err != nil {
		return fmt.Errorf("store API token of account %d: %w", accountID, err)
	}
	return nil
}

// apiTokenValid reports whether token is an API token of the account.
func apiTokenValid(ctx context.Context, q queryer, accountID int64, token string) (bool, error) {
	if token == "" {
		return false, nil
	}
	var one int
	err := q.QueryRowContext(ctx, `SELECT 1 FROM support_api_tokens WHERE token_hash = ? AND account_id = ?`,
		secretDigest(token), accountID).Scan(&one)
	if errors.Is(err, sql.ErrNoRows) {
		return false, nil
	}
	if err != nil {
		return false, fmt.Errorf("look up API token: %w", err)
	}
	return true, nil
}

// AddAPIToken gives the Support account of subdomain another API token, as an admin
// adds one in Zendesk's Admin Center; a test uses it to hold a credential of its own.
func (s *Sim) AddAPIToken(ctx context.Context, subdomain, token string) error {
	if strings.TrimSpace(token) == "" || strings.ContainsAny(token, " \t\r\n:") {
		return fmt.Errorf("sim: API token %q must be non-empty, without whitespace or ':'", token)
	}
	err := s.store.write(ctx, func(tx *sql.Tx) error {
		acct, err := accountBySubdomain(ctx, tx, subdomain)
		if errors.Is(err, errNotFound) {
			return fmt.Errorf("no Support account %q; create it first", subdomain)
		}
		if err != nil {
			return err
		}
		return insertAPIToken(ctx, tx, acct.ID, token, s.nowString())
	})
	if err != nil {
		return fmt.Errorf("sim: add API token to %s: %w", subdomain, err)
	}
	return nil
}

// grantDemoTokens gives the demo accounts a state file seeded before API tokens were per
// account their DemoAPIToken, so `sellmigrate dev` on an old data directory still signs
// in. Only accounts made by the seed (created at seedTime) qualify: one created later
// under a demo subdomain, after the demo account was released, gets nothing.
func grantDemoTokens(ctx context.Context, tx *sql.Tx) error {
	for _, a := range demoSupportAccounts {
		if _, err := tx.ExecContext(ctx, `INSERT OR IGNORE INTO support_api_tokens (token_hash, account_id, created_at)
			SELECT ?, id, created_at FROM support_accounts WHERE subdomain = ? AND created_at = ?`,
			secretDigest(DemoAPIToken(a.subdomain)), a.subdomain, seedTime); err != nil {
			return fmt.Errorf("grant demo API token to %s: %w", a.subdomain, err)
		}
	}
	return nil
}

// insertSeededAccount is insertAccount for the accounts the simulator sets up itself
// (demo seed, AddAccount, AddBenchAccounts): they also get DemoAPIToken(subdomain), so
// tests and benchmarks can act on them without an OAuth sign-in.
func insertSeededAccount(ctx context.Context, q queryer, subdomain, name, ownerName, ownerEmail, now string) (supportAccount, error) {
	acct, err := insertAccount(ctx, q, subdomain, name, ownerName, ownerEmail, now)
	if err != nil {
		return acct, err
	}
	return acct, insertAPIToken(ctx, q, acct.ID, DemoAPIToken(subdomain), now)
}
