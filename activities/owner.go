package activities

import (
	"context"
	"errors"
	"fmt"

	"go.temporal.io/sdk/activity"

	"github.com/sellmigrate/sellmigrate/credstore"
	"github.com/sellmigrate/sellmigrate/platform"
)

// VerifyOwnerInput names the grant the owner's Zendesk sign-in stored, for an
// existing account.
type VerifyOwnerInput struct {
	SellAccountID string
	Subdomain     string
	GrantID       string
	// UserEmail is what migrations recorded before grants sent; it proves nothing.
	UserEmail string `json:",omitempty"`
}

// VerifyOwnerResult says whether the grant's user owns the Zendesk account and holds a
// Sell license; Reason tells a person why not. Email is who Zendesk says signed in.
type VerifyOwnerResult struct {
	IsOwner        bool
	HasSellLicense bool
	Reason         string
	Email          string `json:",omitempty"`
}

// VerifyOwner proves ownership the way the product does: the owner signed in to the
// Zendesk account (OAuth) and the grant's token reads users/me as the account's
// owner_id. The grant must be an owner's sign-in for this subdomain and this
// migration, neither expired nor revoked. The owner also needs a Sell license, i.e. to
// be an active user of the Sell account (our documented assumption). A refusal is a
// result with its reason, not an error: the migration goes on waiting for the owner.
func (a *Activities) VerifyOwner(ctx context.Context, in VerifyOwnerInput) (VerifyOwnerResult, error) {
	refuse := func(format string, args ...any) (VerifyOwnerResult, error) {
		return VerifyOwnerResult{Reason: fmt.Sprintf(format, args...)}, nil
	}
	if in.GrantID == "" {
		return refuse("an owner login without a Zendesk sign-in proves nothing; the account owner of %s must sign in through the owner login page", in.Subdomain)
	}
	grant, err := a.credentials.Get(ctx, in.GrantID)
	if errors.Is(err, credstore.ErrNotFound) {
		return refuse("grant %s is not known; the account owner of %s must sign in through the owner login page", in.GrantID, in.Subdomain)
	}
	if err != nil {
		return VerifyOwnerResult{}, fmt.Errorf("read grant %s from the credential store: %w", in.GrantID, err)
	}
	workflowID := activity.GetInfo(ctx).WorkflowExecution.ID
	switch {
	case grant.Kind != credstore.KindOwnerGrant:
		return refuse("credential %s is not an owner's Zendesk sign-in; the account owner of %s must sign in through the owner login page", grant.ID, in.Subdomain)
	case grant.Subdomain != in.Subdomain:
		return refuse("the sign-in was to Zendesk account %s, not %s; the owner of %s must sign in to it", grant.Subdomain, in.Subdomain, in.Subdomain)
	case grant.WorkflowID != workflowID:
		return refuse("the sign-in was for another migration (%s); open the owner login of this migration and sign in again", grant.WorkflowID)
	}
	if err := grant.Usable(a.now()); err != nil {
		return refuse("the sign-in of %s to %s can no longer be used (%v); the owner must sign in again", grant.Email, in.Subdomain, err)
	}
	support := a.platform.Support(in.Subdomain, platformCredentials(grant))
	me, err := support.Me(ctx)
	if platform.IsStatus(err, 401) || platform.IsStatus(err, 403) {
		return refuse("Zendesk no longer accepts the sign-in of %s to %s (revoked or expired there); the owner must sign in again", grant.Email, in.Subdomain)
	}
	if err != nil {
		return VerifyOwnerResult{}, classify("read the signed-in Zendesk user of "+in.Subdomain, err)
	}
	account, err := support.Account(ctx)
	if err != nil {
		return VerifyOwnerResult{}, classify("read Zendesk account "+in.Subdomain, err)
	}
	if account.OwnerID != me.ID {
		return VerifyOwnerResult{Email: me.Email, Reason: fmt.Sprintf("%s signed in to %s but is not its account owner; the Zendesk account owner must log in", me.Email, in.Subdomain)}, nil
	}
	lic, err := a.CheckSellLicense(ctx, CheckSellLicenseInput{SellAccountID: in.SellAccountID, Email: me.Email})
	if err != nil {
		return VerifyOwnerResult{}, err
	}
	return VerifyOwnerResult{IsOwner: true, HasSellLicense: lic.HasSellLicense, Reason: lic.Reason, Email: me.Email}, nil
}
