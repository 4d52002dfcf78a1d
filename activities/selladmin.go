package activities

import (
	"context"
	"fmt"
)

// CheckSellAdminInput names who gave an input on behalf of the customer (its "by"),
// the Sell account of the migration, and the input, so the reason can say what to do.
type CheckSellAdminInput struct {
	SellAccountID string
	// AccountName is the account's name as the preflight read it, for the reason; may
	// be empty.
	AccountName string
	Email       string
	// Input is the name of the input being checked, e.g. accept-disclaimers.
	Input string
}

// CheckSellAdminResult says whether Email is an active admin of the Sell account;
// Reason tells a person what to do when not.
type CheckSellAdminResult struct {
	IsAdmin bool
	Reason  string
}

// CheckSellAdmin checks, with one Sell API call, that the person an input names as its
// sender is an active admin of the migration's Sell account: the same rule as the
// preflight's for the requester. The workflow runs it before an input given on behalf
// of the customer (choose-subdomain, back, license-assigned, accept-disclaimers) takes
// effect (change workflows.ChangeSellAdminInputs). Someone who is not is an answer,
// not an error; a Sell API failure is classified like every other.
func (a *Activities) CheckSellAdmin(ctx context.Context, in CheckSellAdminInput) (CheckSellAdminResult, error) {
	account := "Sell account " + in.SellAccountID
	if in.AccountName != "" {
		account += " (" + in.AccountName + ")"
	}
	what := "the input"
	if in.Input != "" {
		what = in.Input
	}
	if in.Email == "" {
		return CheckSellAdminResult{Reason: fmt.Sprintf("the input names no sender; a Sell admin of %s must send %s", account, what)}, nil
	}
	user, err := a.sell(in.SellAccountID).UserByEmail(ctx, in.Email)
	if err != nil {
		return CheckSellAdminResult{}, classify("look up Sell user "+in.Email, err)
	}
	if user == nil || user.Role != "admin" || user.Status != "active" {
		return CheckSellAdminResult{Reason: fmt.Sprintf("%s is not an active admin of %s; a Sell admin of the account must send %s", in.Email, account, what)}, nil
	}
	return CheckSellAdminResult{IsAdmin: true}, nil
}
