package activities

import (
	"context"
	"time"

	"go.uber.org/zap"
)

// LinkInput links a Sell account to a Zendesk subdomain.
type LinkInput struct {
	SellAccountID  string
	Subdomain      string
	IdempotencyKey string
}

// LinkResult says when the accounts were linked and where users log in now.
type LinkResult struct {
	LinkedAt time.Time
	LoginURL string
}

// LinkAccounts is "connect now". Linking to the same subdomain again is a no-op on
// Zendesk's side, and the idempotency key makes a retried call return the first link.
func (a *Activities) LinkAccounts(ctx context.Context, in LinkInput) (LinkResult, error) {
	link, err := a.sell(in.SellAccountID).Link(ctx, in.Subdomain, in.IdempotencyKey)
	if err != nil {
		return LinkResult{}, classify("link Sell account "+in.SellAccountID+" to "+in.Subdomain, err)
	}
	a.logger.Info("accounts linked", zap.String("sell_account_id", in.SellAccountID), zap.String("subdomain", in.Subdomain))
	return LinkResult{LinkedAt: link.LinkedAt, LoginURL: a.platform.LoginURL(in.Subdomain)}, nil
}
