// Package credstore keeps Zendesk credentials per account outside Temporal: workflows
// and activities pass opaque credential IDs, and only an activity about to call Zendesk
// reads the secret. Secrets are sealed with AES-256-GCM under a key from config; each
// row names its key, so keys can be rotated (Rekey). It imports only package keyring
// (the key parsing and sealing it shares with the payload codec).
package credstore

import (
	"errors"
	"fmt"
	"time"
)

// Kind says where a credential came from, which decides who may use it.
type Kind string

const (
	KindOwnerGrant     Kind = "owner_grant"     // OAuth access token from the account owner's sign-in; bound to one migration
	KindCreatedAccount Kind = "created_account" // OAuth token returned by the partner call that created the account
	KindOperatorToken  Kind = "operator_token"  // Zendesk API token an operator added for a subdomain
)

// AuthScheme says how Secret is presented to Zendesk.
type AuthScheme string

const (
	SchemeBearer   AuthScheme = "bearer"    // OAuth access token: Authorization: Bearer
	SchemeAPIToken AuthScheme = "api_token" // API token: Basic {email}/token:{token}
)

// Credential is one secret for one Zendesk account.
type Credential struct {
	ID         string
	Kind       Kind
	Scheme     AuthScheme
	Subdomain  string
	Email      string // the Zendesk user the secret acts as
	WorkflowID string // owner grants: the migration it was issued for; else ""
	Secret     string // never logged, never returned by List
	CreatedAt  time.Time
	ExpiresAt  time.Time // zero: does not expire
	RevokedAt  time.Time // zero: not revoked
	KeyID      string    // key the secret is encrypted under (set by the store)
}

// Info is a Credential without its secret, for listings and logs.
type Info struct {
	ID                           string
	Kind                         Kind
	Scheme                       AuthScheme
	Subdomain, Email, WorkflowID string
	CreatedAt, ExpiresAt         time.Time
	RevokedAt                    time.Time
	KeyID                        string
}

// Info drops the secret.
func (c Credential) Info() Info {
	return Info{
		ID: c.ID, Kind: c.Kind, Scheme: c.Scheme,
		Subdomain: c.Subdomain, Email: c.Email, WorkflowID: c.WorkflowID,
		CreatedAt: c.CreatedAt, ExpiresAt: c.ExpiresAt, RevokedAt: c.RevokedAt,
		KeyID: c.KeyID,
	}
}

// String keeps a Credential printed by mistake (%v, a log field) from showing its secret.
func (c Credential) String() string {
	return fmt.Sprintf("credential %s (%s for %s as %s)", c.ID, c.Kind, c.Subdomain, c.Email)
}

// Usable says why c cannot be used at now ("revoked at ...", "expired at ..."), or nil.
// A revocation or expiry dated after now has not happened yet.
func (c Credential) Usable(now time.Time) error {
	if !c.RevokedAt.IsZero() && !now.Before(c.RevokedAt) {
		return fmt.Errorf("credential %s was revoked at %s", c.ID, c.RevokedAt.UTC().Format(time.RFC3339))
	}
	if !c.ExpiresAt.IsZero() && !now.Before(c.ExpiresAt) {
		return fmt.Errorf("credential %s expired at %s", c.ID, c.ExpiresAt.UTC().Format(time.RFC3339))
	}
	return nil
}

// ErrNotFound is returned (wrapped, naming the ID or subdomain) for an unknown
// credential; test with errors.Is.
var ErrNotFound = errors.New("credential not found")

// defaultScheme is how a kind's secret is usually presented: operators add API
// tokens, every OAuth flow yields bearer tokens.
func defaultScheme(k Kind) AuthScheme {
	if k == KindOperatorToken {
		return SchemeAPIToken
	}
	return SchemeBearer
}

func knownKind(k Kind) bool {
	return k == KindOwnerGrant || k == KindCreatedAccount || k == KindOperatorToken
}
