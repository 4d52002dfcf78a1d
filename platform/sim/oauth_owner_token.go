package sim

import (
	"context"
	"fmt"
)

// ownerTokenScope is the scope of the token account creation hands out: the new owner's
// work (creating users, custom roles and their assignments) needs write as well as read.
const ownerTokenScope = "read write"

// ownerTokenClientID stands in the oauth_tokens row of an owner token for the OAuth
// client: the partner, not a registered client, was given it.
const ownerTokenClientID = "partner"

// ownerTokenJSON is the "owner_token" of POST /api/v2/accounts (our assumption): an
// OAuth access token of the new account's owner, shaped like POST /oauth/tokens' answer.
type ownerTokenJSON struct {
	AccessToken string `json:"access_token"`
	TokenType   string `json:"token_type"`
	Scope       string `json:"scope"`
}

// issueOwnerToken stores a new access token of the account's owner in the OAuth token
// store, inside the transaction creating the account, so the account never exists
// without it. It has no authorization code (code_hash empty), so no code replay
// revokes it; DELETE /api/v2/oauth/tokens/current and releasing the account do.
func issueOwnerToken(ctx context.Context, q queryer, acct supportAccount, now string) (ownerTokenJSON, error) {
	token, err := newOAuthSecret()
	if err != nil {
		return ownerTokenJSON{}, err
	}
	if _, err := q.ExecContext(ctx, `INSERT INTO oauth_tokens (token_hash, account_id, user_id, client_id, scope, code_hash, created_at)
		VALUES (?, ?, ?, ?, ?, '', ?)`, secretDigest(token), acct.ID, acct.OwnerID, ownerTokenClientID, ownerTokenScope, now); err != nil {
		return ownerTokenJSON{}, fmt.Errorf("store owner token of %s: %w", acct.Subdomain, err)
	}
	return ownerTokenJSON{AccessToken: token, TokenType: "bearer", Scope: ownerTokenScope}, nil
}
