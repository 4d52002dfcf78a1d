package sim

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"net/http"
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

// errNoSupportAccount is AddAPIToken's error for an unknown subdomain (404 over HTTP).
var errNoSupportAccount = errors.New("no Support account")

// AddAPIToken gives the Support account of subdomain another API token, as an admin
// adds one in Zendesk's Admin Center; a test uses it to hold a credential of its own.
func (s *Sim) AddAPIToken(ctx context.Context, subdomain, token string) error {
	if strings.TrimSpace(token) == "" || strings.ContainsAny(token, " \t\r\n:") {
		return fmt.Errorf("sim: API token %q must be non-empty, without whitespace or ':'", token)
	}
	err := s.store.write(ctx, func(tx *sql.Tx) error {
		acct, err := accountBySubdomain(ctx, tx, subdomain)
		if errors.Is(err, errNotFound) {
			return fmt.Errorf("%w %q; create it first", errNoSupportAccount, subdomain)
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

// handleAddAPIToken serves POST /_sim/accounts/{subdomain}/api_tokens: gives the Support
// account its DemoAPIToken, as its admin would make one in Admin Center, so a person
// can call the API of an account a migration created (which has none). 201 {subdomain,
// token}; 200 if it has that token already; 404 for an unknown subdomain.
func (s *Sim) handleAddAPIToken(w http.ResponseWriter, r *http.Request) {
	sub := r.PathValue("subdomain")
	token := DemoAPIToken(sub)
	out := map[string]string{"subdomain": sub, "token": token}
	acct, err := accountBySubdomain(r.Context(), s.store.db, sub)
	if errors.Is(err, errNotFound) {
		writeJSON(w, http.StatusNotFound, map[string]string{"error": "no Support account " + sub + "; create it first"})
		return
	}
	if err != nil {
		s.simError(w, r, err)
		return
	}
	has, err := apiTokenValid(r.Context(), s.store.db, acct.ID, token)
	if err != nil {
		s.simError(w, r, err)
		return
	}
	if has {
		writeJSON(w, http.StatusOK, out)
		return
	}
	err = s.AddAPIToken(r.Context(), sub, token)
	switch {
	case errors.Is(err, errNoSupportAccount):
		writeJSON(w, http.StatusNotFound, map[string]string{"error": err.Error()})
	case err != nil:
		s.simError(w, r, err)
	default:
		writeJSON(w, http.StatusCreated, out)
	}
}
