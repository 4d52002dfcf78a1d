package activities

import (
	"context"
	"fmt"

	"go.temporal.io/sdk/activity"

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
type ReserveSubdomainResult struct {
	Created  bool
	Reason   string
	LoginURL string
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
	activity.GetLogger(ctx).Info("zendesk account created", "subdomain", created.Account.Subdomain)
	return ReserveSubdomainResult{Created: true, LoginURL: a.platform.LoginURL(in.Subdomain)}, nil
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

// ReleaseSubdomainInput names an account this migration created and never linked.
type ReleaseSubdomainInput struct {
	Subdomain  string
	OwnerEmail string
}

// ReleaseSubdomain gives back a Zendesk account this migration created but did not link
// (compensation on cancel, expiry, failure or "back"). An account already gone is fine.
func (a *Activities) ReleaseSubdomain(ctx context.Context, in ReleaseSubdomainInput) error {
	err := a.supportAs(in.Subdomain, in.OwnerEmail).Release(ctx)
	if platform.IsStatus(err, 404) {
		return nil
	}
	if err != nil {
		return classify("release Zendesk account "+in.Subdomain, err)
	}
	activity.GetLogger(ctx).Info("zendesk account released", "subdomain", in.Subdomain)
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
	support := a.supportAs(in.Subdomain, in.OwnerEmail)
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
