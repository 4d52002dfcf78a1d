package activities

import (
	"context"
	"fmt"
)

// CheckSellLicenseInput names the verified Zendesk account owner whose Sell license is
// checked.
type CheckSellLicenseInput struct {
	SellAccountID string
	Email         string
}

// CheckSellLicenseResult says whether the owner holds a Sell license; Reason tells a
// person what to do when not.
type CheckSellLicenseResult struct {
	HasSellLicense bool
	Reason         string
}

// CheckSellLicense checks only the Sell license of an owner whose ownership is already
// proven: one Sell API call, instead of signing in to Zendesk again as VerifyOwner does.
// The workflow runs it after license-assigned (change workflows.ChangeLicenseRecheck).
// A Sell license is an active Sell user of the account (our documented assumption).
func (a *Activities) CheckSellLicense(ctx context.Context, in CheckSellLicenseInput) (CheckSellLicenseResult, error) {
	seller, err := a.sell(in.SellAccountID).UserByEmail(ctx, in.Email)
	if err != nil {
		return CheckSellLicenseResult{}, classify("look up the owner's Sell license", err)
	}
	if seller == nil || seller.Status != "active" {
		return CheckSellLicenseResult{Reason: fmt.Sprintf("the account owner %s has no Sell license; a Sell admin must assign one (Sell > Settings > Users), then send license-assigned", in.Email)}, nil
	}
	return CheckSellLicenseResult{HasSellLicense: true}, nil
}
