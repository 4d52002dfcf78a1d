package activities

import (
	"context"
	"errors"
	"fmt"
	"time"

	"go.temporal.io/sdk/temporal"

	"github.com/sellmigrate/sellmigrate/contract"
	"github.com/sellmigrate/sellmigrate/credstore"
	"github.com/sellmigrate/sellmigrate/platform"
)

// Credentials is the part of the credential store the activities use. Workflows pass
// only credential IDs; the secrets stay in the store and in these calls.
type Credentials interface {
	Get(ctx context.Context, id string) (credstore.Credential, error)
	Put(ctx context.Context, c credstore.Credential) (credstore.Credential, error)
	Revoke(ctx context.Context, id string, at time.Time) (credstore.Info, error)
	ActiveFor(ctx context.Context, subdomain string, now time.Time, kinds ...credstore.Kind) (credstore.Credential, error)
}

// supportWith is the Support API of subdomain, acting with credential credID, or, when
// credID is empty, with the newest usable credential stored for the subdomain that is
// not an owner's grant (an operator's token, or the one returned when we created the
// account). No usable credential is an error a person must fix: it names the command
// that adds one.
func (a *Activities) supportWith(ctx context.Context, subdomain, credID string) (*platform.Support, credstore.Credential, error) {
	now := a.now()
	var c credstore.Credential
	var err error
	if credID == "" {
		c, err = a.credentials.ActiveFor(ctx, subdomain, now)
		if errors.Is(err, credstore.ErrNotFound) {
			return nil, c, noCredential(fmt.Sprintf("no credential lets us act in Zendesk account %s", subdomain), subdomain)
		}
	} else {
		c, err = a.credentials.Get(ctx, credID)
		if errors.Is(err, credstore.ErrNotFound) {
			return nil, c, noCredential(fmt.Sprintf("credential %s is not in the credential store", credID), subdomain)
		}
	}
	if err != nil {
		return nil, c, fmt.Errorf("read the credential store for %s: %w", subdomain, err)
	}
	if c.Subdomain != subdomain {
		return nil, c, noCredential(fmt.Sprintf("credential %s is for Zendesk account %s, not %s", c.ID, c.Subdomain, subdomain), subdomain)
	}
	if err := c.Usable(now); err != nil {
		return nil, c, noCredential(fmt.Sprintf("credential %s for %s cannot be used: %v", c.ID, subdomain, err), subdomain)
	}
	return a.platform.Support(subdomain, platformCredentials(c)), c, nil
}

// platformCredentials presents a stored credential to Zendesk as its scheme says.
func platformCredentials(c credstore.Credential) platform.Credentials {
	if c.Scheme == credstore.SchemeAPIToken {
		return platform.Credentials{Email: c.Email, APIToken: c.Secret}
	}
	return platform.Credentials{BearerToken: c.Secret}
}

// noCredential is the error of a step that has nothing to act with: retrying cannot
// help until an operator stores a credential, so after the link it parks the migration
// in needs_attention with this advice.
func noCredential(why, subdomain string) error {
	return temporal.NewNonRetryableApplicationError(addCredentialAdvice(why, subdomain)+", then retry", contract.ErrTypeNoCredential, nil)
}

// addCredentialAdvice says why nothing lets us act in subdomain and which command adds
// a credential; the preflight reports it as it is, noCredential asks for a retry after.
func addCredentialAdvice(why, subdomain string) string {
	return fmt.Sprintf("%s; add an API token of one of its admins with \"sellmigrate credentials add --subdomain %s --email ADMIN_EMAIL --token-file FILE\"",
		why, subdomain)
}

// RevokeGrantInput names an owner's grant to give back when the migration ends.
type RevokeGrantInput struct {
	CredentialID string
}

// RevokeGrant revokes the owner's OAuth grant at Zendesk (DELETE
// /api/v2/oauth/tokens/current with the grant's token) and marks it revoked in the
// store, so nothing acts as the owner after the migration. A token Zendesk already
// refuses is as good as revoked there.
func (a *Activities) RevokeGrant(ctx context.Context, in RevokeGrantInput) error {
	c, err := a.credentials.Get(ctx, in.CredentialID)
	if errors.Is(err, credstore.ErrNotFound) {
		return nil
	}
	if err != nil {
		return fmt.Errorf("read grant %s from the credential store: %w", in.CredentialID, err)
	}
	if !c.RevokedAt.IsZero() {
		return nil
	}
	err = a.platform.Support(c.Subdomain, platformCredentials(c)).RevokeCurrentToken(ctx)
	if err != nil && !platform.IsStatus(err, 401) {
		return classify("revoke the owner's grant for "+c.Subdomain, err)
	}
	if _, err := a.credentials.Revoke(ctx, c.ID, a.now()); err != nil {
		return fmt.Errorf("mark grant %s revoked in the credential store: %w", c.ID, err)
	}
	return nil
}
