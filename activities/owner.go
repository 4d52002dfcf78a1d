package activities

import (
	"context"
	"fmt"

	"github.com/sellmigrate/sellmigrate/platform"
)

// VerifyOwnerInput is the Zendesk user who logged in for an existing account.
type VerifyOwnerInput struct {
	SellAccountID string
	Subdomain     string
	UserEmail     string
}

// VerifyOwnerResult says whether that user owns the Zendesk account and holds a Sell
// license; Reason tells a person why not.
type VerifyOwnerResult struct {
	IsOwner        bool
	HasSellLicense bool
	Reason         string
}

// VerifyOwner proves ownership the way the product does: the user signs in to the
// Zendesk account (here: their credentials are accepted by /users/me), and the account's
// owner_id is that user. The owner also needs a Sell license, i.e. to be an active
// user of the Sell account (our documented assumption).
func (a *Activities) VerifyOwner(ctx context.Context, in VerifyOwnerInput) (VerifyOwnerResult, error) {
	support := a.supportAs(in.Subdomain, in.UserEmail)
	me, err := support.Me(ctx)
	if platform.IsStatus(err, 401) || platform.IsStatus(err, 403) {
		return VerifyOwnerResult{Reason: fmt.Sprintf("%s could not sign in to %s: not a user of that Zendesk account; the account owner must log in", in.UserEmail, in.Subdomain)}, nil
	}
	if err != nil {
		return VerifyOwnerResult{}, classify("read the signed-in Zendesk user of "+in.Subdomain, err)
	}
	account, err := support.Account(ctx)
	if err != nil {
		return VerifyOwnerResult{}, classify("read Zendesk account "+in.Subdomain, err)
	}
	if account.OwnerID != me.ID {
		return VerifyOwnerResult{Reason: fmt.Sprintf("%s is a user of %s but not its account owner; the Zendesk account owner must log in", in.UserEmail, in.Subdomain)}, nil
	}
	lic, err := a.CheckSellLicense(ctx, CheckSellLicenseInput{SellAccountID: in.SellAccountID, Email: me.Email})
	if err != nil {
		return VerifyOwnerResult{}, err
	}
	return VerifyOwnerResult{IsOwner: true, HasSellLicense: lic.HasSellLicense, Reason: lic.Reason}, nil
}
