package activities

import (
	"context"
	"fmt"
	"strconv"

	"go.temporal.io/sdk/temporal"

	"github.com/sellmigrate/sellmigrate/contract"
	"github.com/sellmigrate/sellmigrate/platform"
)

// PreflightInput names the Sell account and the admin who asked for the migration.
type PreflightInput struct {
	SellAccountID string
	RequestedBy   string
}

// PreflightResult says what the Sell account is and whether it is already connected.
type PreflightResult struct {
	AccountName        string
	AdminName          string
	Connected          bool
	ConnectedSubdomain string
	LoginURL           string
}

// Preflight checks that the requester is an admin of the Sell account (only admins may
// start the connection) and whether the account is already connected.
func (a *Activities) Preflight(ctx context.Context, in PreflightInput) (PreflightResult, error) {
	sell := a.sell(in.SellAccountID)
	account, err := sell.Account(ctx)
	if err != nil {
		if platform.IsStatus(err, 401) || platform.IsStatus(err, 404) {
			return PreflightResult{}, temporal.NewNonRetryableApplicationError(
				fmt.Sprintf("Sell account %s is unknown or its API token is refused; check the account ID and zendesk.sell_token_template", in.SellAccountID),
				contract.ErrTypeUnknownAccount, err)
		}
		return PreflightResult{}, classify("read Sell account "+in.SellAccountID, err)
	}
	if strconv.FormatInt(account.ID, 10) != in.SellAccountID {
		return PreflightResult{}, temporal.NewNonRetryableApplicationError(
			fmt.Sprintf("the Sell token for account %s belongs to account %d; fix zendesk.sell_token_template", in.SellAccountID, account.ID),
			contract.ErrTypeUnknownAccount, nil)
	}
	user, err := sell.UserByEmail(ctx, in.RequestedBy)
	if err != nil {
		return PreflightResult{}, classify("look up Sell user "+in.RequestedBy, err)
	}
	if user == nil || user.Role != "admin" || user.Status != "active" {
		return PreflightResult{}, temporal.NewNonRetryableApplicationError(
			fmt.Sprintf("%s is not an active admin of Sell account %s (%s); only a Sell admin may start the connection", in.RequestedBy, in.SellAccountID, account.Name),
			contract.ErrTypeNotSellAdmin, nil)
	}
	res := PreflightResult{AccountName: account.Name, AdminName: user.Name, Connected: account.Connected()}
	if res.Connected {
		res.ConnectedSubdomain = *account.Subdomain
		res.LoginURL = a.platform.LoginURL(res.ConnectedSubdomain)
	}
	return res, nil
}
