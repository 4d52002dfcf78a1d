package activities

import (
	"context"
	"time"

	"go.temporal.io/sdk/activity"
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
	activity.GetLogger(ctx).Info("accounts linked", "sellAccountId", in.SellAccountID, "subdomain", in.Subdomain)
	return LinkResult{LinkedAt: link.LinkedAt, LoginURL: a.platform.LoginURL(in.Subdomain)}, nil
}

// CheckLinkInput names the link whose outcome is unknown.
type CheckLinkInput struct {
	SellAccountID string
	Subdomain     string
}

// LinkStatus says whether the Sell account is linked, and to which subdomain.
type LinkStatus struct {
	Linked    bool
	Subdomain string
}

// CheckLink reads the Sell account to tell whether it is linked to Subdomain: after a
// link attempt that gave no answer, compensation must know before it releases anything.
func (a *Activities) CheckLink(ctx context.Context, in CheckLinkInput) (LinkStatus, error) {
	account, err := a.sell(in.SellAccountID).Account(ctx)
	if err != nil {
		return LinkStatus{}, classify("read Sell account "+in.SellAccountID, err)
	}
	if !account.Connected() {
		return LinkStatus{}, nil
	}
	return LinkStatus{Linked: *account.Subdomain == in.Subdomain, Subdomain: *account.Subdomain}, nil
}
