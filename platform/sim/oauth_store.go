package sim

import (
	"context"
	"crypto/rand"
	"crypto/sha256"
	"database/sql"
	"encoding/hex"
	"errors"
	"fmt"
	"time"
)

// oauthSchema holds authorization codes and access tokens. Only SHA-256 digests are
// stored, so the database file never holds a usable credential.
const oauthSchema = `
CREATE TABLE IF NOT EXISTS oauth_codes (
	code_hash    TEXT PRIMARY KEY,
	account_id   INTEGER NOT NULL REFERENCES support_accounts(id) ON DELETE CASCADE,
	user_id      INTEGER NOT NULL REFERENCES support_users(id) ON DELETE CASCADE,
	client_id    TEXT NOT NULL,
	redirect_uri TEXT NOT NULL,
	scope        TEXT NOT NULL,
	code_challenge TEXT NOT NULL DEFAULT '',
	expires_at   TEXT NOT NULL,
	used_at      TEXT,
	created_at   TEXT NOT NULL
);
CREATE TABLE IF NOT EXISTS oauth_tokens (
	token_hash TEXT PRIMARY KEY,
	account_id INTEGER NOT NULL REFERENCES support_accounts(id) ON DELETE CASCADE,
	user_id    INTEGER NOT NULL REFERENCES support_users(id) ON DELETE CASCADE,
	client_id  TEXT NOT NULL,
	scope      TEXT NOT NULL,
	code_hash  TEXT NOT NULL,
	created_at TEXT NOT NULL
);
CREATE INDEX IF NOT EXISTS oauth_tokens_by_code ON oauth_tokens (code_hash);
`

// secretDigest is how codes and tokens are looked up without being stored.
func secretDigest(secret string) string {
	sum := sha256.Sum256([]byte(secret))
	return hex.EncodeToString(sum[:])
}

// newOAuthSecret is a fresh code or token: 32 random bytes as 64 hex digits, the shape
// of Zendesk's access tokens. crypto/rand, not the fault RNG, so sign-ins do not shift
// the fault sequence.
func newOAuthSecret() (string, error) {
	b := make([]byte, 32)
	if _, err := rand.Read(b); err != nil {
		return "", fmt.Errorf("generate OAuth secret: %w", err)
	}
	return hex.EncodeToString(b), nil
}

// oauthGrant is what a code was issued for.
type oauthGrant struct {
	AccountID   int64
	UserID      int64
	ClientID    string
	RedirectURI string
	Scope       string
	// CodeChallenge is the PKCE S256 challenge the authorization request carried, or
	// empty; a code with one is redeemed only with its verifier.
	CodeChallenge string
}

// issueCode stores a new authorization code for the grant and returns it.
func (s *Sim) issueCode(ctx context.Context, g oauthGrant) (string, error) {
	code, err := newOAuthSecret()
	if err != nil {
		return "", err
	}
	now := s.now()
	err = s.store.write(ctx, func(tx *sql.Tx) error {
		_, err := tx.ExecContext(ctx, `INSERT INTO oauth_codes
			(code_hash, account_id, user_id, client_id, redirect_uri, scope, code_challenge, expires_at, created_at)
			VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)`,
			secretDigest(code), g.AccountID, g.UserID, g.ClientID, g.RedirectURI, g.Scope, g.CodeChallenge,
			formatTime(now.Add(oauthCodeTTL)), formatTime(now))
		return err
	})
	if err != nil {
		return "", fmt.Errorf("store authorization code: %w", err)
	}
	return code, nil
}

// errInvalidGrant is any code that cannot be redeemed: unknown, used, expired, or
// presented by another client, for another account or with another redirect_uri.
// OAuth deliberately answers them all alike.
var errInvalidGrant = errors.New("invalid grant")

// redeemCode exchanges a code for a new access token in one transaction, so a code
// raced by two requests is redeemed once. A code presented a second time is refused
// and the token it was exchanged for is revoked (RFC 6749 §4.1.2: a replay suggests
// the code leaked).
func (s *Sim) redeemCode(ctx context.Context, accountID int64, code, clientID, redirectURI, codeVerifier string) (token, scope string, err error) {
	token, err = newOAuthSecret()
	if err != nil {
		return "", "", err
	}
	codeHash := secretDigest(code)
	now := s.now()
	var refusal error
	err = s.store.write(ctx, func(tx *sql.Tx) error {
		var g oauthGrant
		var expiresAt string
		var usedAt sql.NullString
		err := tx.QueryRowContext(ctx, `SELECT account_id, user_id, client_id, redirect_uri, scope, code_challenge, expires_at, used_at
			FROM oauth_codes WHERE code_hash = ?`, codeHash).
			Scan(&g.AccountID, &g.UserID, &g.ClientID, &g.RedirectURI, &g.Scope, &g.CodeChallenge, &expiresAt, &usedAt)
		if errors.Is(err, sql.ErrNoRows) {
			refusal = fmt.Errorf("%w: unknown code", errInvalidGrant)
			return nil
		}
		if err != nil {
			return err
		}
		if usedAt.Valid {
			refusal = fmt.Errorf("%w: code already used; its token is revoked", errInvalidGrant)
			_, err := tx.ExecContext(ctx, `DELETE FROM oauth_tokens WHERE code_hash = ?`, codeHash)
			return err
		}
		expiry, perr := time.Parse(timeFormat, expiresAt)
		switch {
		case perr != nil:
			return fmt.Errorf("stored code expiry %q: %w", expiresAt, perr)
		case !now.Before(expiry):
			refusal = fmt.Errorf("%w: code expired", errInvalidGrant)
			return nil
		case g.AccountID != accountID:
			refusal = fmt.Errorf("%w: code issued by another account", errInvalidGrant)
			return nil
		case g.ClientID != clientID:
			refusal = fmt.Errorf("%w: code issued to another client", errInvalidGrant)
			return nil
		case g.RedirectURI != redirectURI:
			refusal = fmt.Errorf("%w: redirect_uri differs from the authorization request", errInvalidGrant)
			return nil
		case !pkceVerified(g.CodeChallenge, codeVerifier):
			refusal = fmt.Errorf("%w: code_verifier missing or not the one the code_challenge was made from", errInvalidGrant)
			return nil
		}
		if _, err := tx.ExecContext(ctx, `UPDATE oauth_codes SET used_at = ? WHERE code_hash = ?`,
			formatTime(now), codeHash); err != nil {
			return err
		}
		scope = g.Scope
		_, err = tx.ExecContext(ctx, `INSERT INTO oauth_tokens (token_hash, account_id, user_id, client_id, scope, code_hash, created_at)
			VALUES (?, ?, ?, ?, ?, ?, ?)`, secretDigest(token), g.AccountID, g.UserID, g.ClientID, g.Scope, codeHash, formatTime(now))
		return err
	})
	if err != nil {
		return "", "", fmt.Errorf("redeem authorization code: %w", err)
	}
	if refusal != nil {
		return "", "", refusal
	}
	return token, scope, nil
}

// tokenUser finds the user and scope of an access token issued by this account.
func tokenUser(ctx context.Context, q queryer, accountID int64, token string) (supportUser, string, error) {
	var userID int64
	var scope string
	err := q.QueryRowContext(ctx, `SELECT user_id, scope FROM oauth_tokens WHERE token_hash = ? AND account_id = ?`,
		secretDigest(token), accountID).Scan(&userID, &scope)
	if errors.Is(err, sql.ErrNoRows) {
		return supportUser{}, "", errNotFound
	}
	if err != nil {
		return supportUser{}, "", err
	}
	u, err := userByID(ctx, q, accountID, userID)
	return u, scope, err
}
