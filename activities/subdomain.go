package activities

import (
	"context"
	"crypto/sha256"
	"encoding/hex"
	"errors"
	"fmt"

	"go.temporal.io/sdk/activity"

	"go.temporal.io/sdk/temporal"

	"github.com/sellmigrate/sellmigrate/contract"
	"github.com/sellmigrate/sellmigrate/credstore"
	"github.com/sellmigrate/sellmigrate/platform"
)

// ReserveSubdomainInput asks for a new Zendesk account at Subdomain, owned by the Sell admin.
type ReserveSubdomainInput struct {
	AccountName string
	Subdomain   string
	OwnerName   string
	OwnerEmail  string
	// IdempotencyKey is the same for every attempt at the same choice, so a retry after a
	// lost response gets the first creation back instead of making a second account.
	IdempotencyKey string
}

// ReserveSubdomainResult says whether the account exists now, created by us, or why not.
// CredentialID is the stored credential of the new account's owner that the partner
// call returned, which the later steps act with.
type ReserveSubdomainResult struct {
	Created      bool
	Reason       string
	LoginURL     string
	CredentialID string `json:",omitempty"`
}

// ReserveSubdomain checks availability and creates the Zendesk account. A taken name is
// a result (the admin must choose again), not an error.
func (a *Activities) ReserveSubdomain(ctx context.Context, in ReserveSubdomainInput) (ReserveSubdomainResult, error) {
	accounts := a.platform.Accounts()
	available, err := accounts.Available(ctx, in.Subdomain)
	if err != nil {
		return ReserveSubdomainResult{}, classify("check availability of "+in.Subdomain, err)
	}
	// Even when the name looks taken we try the creation with our idempotency key: if an
	// earlier attempt of ours created it and the response was lost, Zendesk replays it.
	created, err := accounts.Create(ctx, platform.NewAccount{
		Name: in.AccountName, Subdomain: in.Subdomain, OwnerName: in.OwnerName, OwnerEmail: in.OwnerEmail,
	}, in.IdempotencyKey)
	if err != nil {
		if apiErr, ok := platform.AsAPIError(err); ok && apiErr.StatusCode == 422 {
			reason := fmt.Sprintf("%s is not available", in.Subdomain)
			if msg := apiErr.Fields["subdomain"]; msg != "" {
				reason = fmt.Sprintf("%s: %s", in.Subdomain, msg)
			} else if !available {
				reason = fmt.Sprintf("%s is already taken", in.Subdomain)
			}
			return ReserveSubdomainResult{Reason: reason}, nil
		}
		return ReserveSubdomainResult{}, classify("create Zendesk account "+in.Subdomain, err)
	}
	credID, err := a.keepCreatedCredential(ctx, in, created.OwnerToken)
	if err != nil {
		return ReserveSubdomainResult{}, err
	}
	activity.GetLogger(ctx).Info("zendesk account created", "subdomain", created.Account.Subdomain, "credentialId", credID)
	return ReserveSubdomainResult{Created: true, LoginURL: a.platform.LoginURL(in.Subdomain), CredentialID: credID}, nil
}

// keepCreatedCredential stores the new owner's token under an ID derived from the
// creation's idempotency key: a retried attempt gets the same token back from Zendesk
// and stores nothing twice, and compensation finds it by the same key.
func (a *Activities) keepCreatedCredential(ctx context.Context, in ReserveSubdomainInput, token string) (string, error) {
	if token == "" {
		return "", temporal.NewNonRetryableApplicationError(fmt.Sprintf(
			"Zendesk created account %s but returned no credential for its owner %s; add an API token of the owner with \"sellmigrate credentials add --subdomain %s --email %s --token-file FILE\", then retry",
			in.Subdomain, in.OwnerEmail, in.Subdomain, in.OwnerEmail), contract.ErrTypeNoCredential, nil)
	}
	c, err := a.credentials.Put(ctx, credstore.Credential{
		ID: createdCredentialID(in.IdempotencyKey), Kind: credstore.KindCreatedAccount, Scheme: credstore.SchemeBearer,
		Subdomain: in.Subdomain, Email: in.OwnerEmail, Secret: token,
	})
	if err != nil {
		return "", fmt.Errorf("store the credential of new Zendesk account %s: %w", in.Subdomain, err)
	}
	return c.ID, nil
}

// createdCredentialID is the store ID of the credential an account creation returned.
func createdCredentialID(idempotencyKey string) string {
	sum := sha256.Sum256([]byte("created-account\x00" + idempotencyKey))
	return "cred_acct_" + hex.EncodeToString(sum[:16])
}

// CheckSubdomainExists says whether an existing Zendesk account answers at the subdomain.
func (a *Activities) CheckSubdomainExists(ctx context.Context, subdomain string) (bool, error) {
	available, err := a.platform.Accounts().Available(ctx, subdomain)
	if err != nil {
		return false, classify("look up subdomain "+subdomain, err)
	}
	// The format was checked before, so "not available" means an account has it.
	return !available, nil
}

// ReleaseSubdomainInput names an account this migration created and never linked, and
// the credential its creation returned (empty: whatever is stored for the subdomain).
// IdempotencyKey is the creation's, for an attempt whose answer was lost.
type ReleaseSubdomainInput struct {
	Subdomain      string
	OwnerEmail     string
	CredentialID   string `json:",omitempty"`
	IdempotencyKey string `json:",omitempty"`
}

// ReleaseSubdomain gives back a Zendesk account this migration created but did not link
// (compensation on cancel, expiry, failure or "back"). An account already gone is fine.
func (a *Activities) ReleaseSubdomain(ctx context.Context, in ReleaseSubdomainInput) error {
	if in.CredentialID != "" {
		c, err := a.credentials.Get(ctx, in.CredentialID)
		if err == nil && c.Kind == credstore.KindCreatedAccount && !c.RevokedAt.IsZero() {
			return nil // revoked when an earlier attempt released the account
		}
	}
	support, cred, err := a.supportWith(ctx, in.Subdomain, in.CredentialID)
	if err != nil {
		return err
	}
	err = support.Release(ctx)
	if err != nil && !platform.IsStatus(err, 404) {
		return classify("release Zendesk account "+in.Subdomain, err)
	}
	if err == nil {
		activity.GetLogger(ctx).Info("zendesk account released", "subdomain", in.Subdomain)
	}
	// The account is gone, so its owner's token is worth nothing: keep no live copy.
	if cred.Kind == credstore.KindCreatedAccount {
		if _, err := a.credentials.Revoke(ctx, cred.ID, a.now()); err != nil {
			return fmt.Errorf("mark the credential of released account %s revoked: %w", in.Subdomain, err)
		}
	}
	return nil
}

// ReleaseResult says whether an account was released, and if not, why.
type ReleaseResult struct {
	Released bool
	Reason   string
}

// ReleaseIfOwned releases the account at Subdomain only if it exists, is owned by
// OwnerEmail and is not linked: the compensation of a creation that gave no answer,
// which must never touch an account someone else created.
func (a *Activities) ReleaseIfOwned(ctx context.Context, in ReleaseSubdomainInput) (ReleaseResult, error) {
	if in.CredentialID == "" && in.IdempotencyKey != "" {
		in.CredentialID = createdCredentialID(in.IdempotencyKey)
	}
	if _, err := a.credentials.Get(ctx, in.CredentialID); errors.Is(err, credstore.ErrNotFound) {
		// The creation's answer never arrived, so its credential was never stored.
		found, reason, err := a.recoverCreatedCredential(ctx, in)
		if err != nil || !found {
			return ReleaseResult{Reason: reason}, err
		}
	}
	support, _, err := a.supportWith(ctx, in.Subdomain, in.CredentialID)
	if err != nil {
		return ReleaseResult{}, err
	}
	account, err := support.Account(ctx)
	if platform.IsStatus(err, 401) || platform.IsStatus(err, 403) || platform.IsStatus(err, 404) {
		return ReleaseResult{Reason: fmt.Sprintf("no Zendesk account at %s lets %s in", in.Subdomain, in.OwnerEmail)}, nil
	}
	if err != nil {
		return ReleaseResult{}, classify("read Zendesk account "+in.Subdomain, err)
	}
	me, err := support.Me(ctx)
	if err != nil {
		return ReleaseResult{}, classify("read the signed-in Zendesk user of "+in.Subdomain, err)
	}
	if account.OwnerID != me.ID {
		return ReleaseResult{Reason: fmt.Sprintf("%s does not own the Zendesk account at %s", in.OwnerEmail, in.Subdomain)}, nil
	}
	if err := a.ReleaseSubdomain(ctx, in); err != nil {
		return ReleaseResult{}, err
	}
	return ReleaseResult{Released: true}, nil
}

// recoverCreatedCredential learns whether a creation whose answer was lost made the
// account: a free subdomain means it did not; a taken one is asked for again with the
// same idempotency key, which Zendesk answers with our first creation (and its owner's
// token, stored now) or refuses because someone else holds the name.
func (a *Activities) recoverCreatedCredential(ctx context.Context, in ReleaseSubdomainInput) (bool, string, error) {
	accounts := a.platform.Accounts()
	available, err := accounts.Available(ctx, in.Subdomain)
	if err != nil {
		return false, "", classify("check availability of "+in.Subdomain, err)
	}
	if available {
		return false, fmt.Sprintf("no Zendesk account exists at %s", in.Subdomain), nil
	}
	if in.IdempotencyKey == "" {
		return false, fmt.Sprintf("no credential is stored for %s, so it cannot be shown to be ours", in.Subdomain), nil
	}
	// Only a replay of our own creation can answer 2xx here: the name is taken.
	created, err := accounts.Create(ctx, platform.NewAccount{Subdomain: in.Subdomain, OwnerEmail: in.OwnerEmail, Name: in.Subdomain}, in.IdempotencyKey)
	if apiErr, ok := platform.AsAPIError(err); ok && apiErr.StatusCode == 422 {
		return false, fmt.Sprintf("the Zendesk account at %s was not created by this migration", in.Subdomain), nil
	}
	if err != nil {
		return false, "", classify("ask Zendesk again for the creation of "+in.Subdomain, err)
	}
	if _, err := a.keepCreatedCredential(ctx, ReserveSubdomainInput{Subdomain: in.Subdomain, OwnerEmail: in.OwnerEmail, IdempotencyKey: in.IdempotencyKey}, created.OwnerToken); err != nil {
		return false, "", err
	}
	return true, "", nil
}
