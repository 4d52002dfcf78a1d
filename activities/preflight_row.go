package activities

import (
	"context"
	"errors"
	"fmt"
	"strings"

	"go.temporal.io/sdk/activity"
	"go.temporal.io/sdk/temporal"

	"github.com/sellmigrate/sellmigrate/contract"
	"github.com/sellmigrate/sellmigrate/platform"
)

// RowFacts is what CheckPreflightRow learnt about one row, without changing anything.
// The preflight workflow turns the facts into a verdict and advice; a nil pointer is a
// check that did not run.
type RowFacts struct {
	// Refused is why the migration would stop at its first step: an unknown Sell
	// account, or a requester who is not an active admin of it.
	Refused     string `json:",omitempty"`
	AccountName string `json:",omitempty"`
	// ConnectedSubdomain is the Zendesk account the Sell account is already linked to.
	ConnectedSubdomain string `json:",omitempty"`
	// SubdomainTaken is whether the row's subdomain has an account (availability says
	// no; the format was checked before); nil when the row names none or is connected.
	SubdomainTaken *bool `json:",omitempty"`
	// OwnerLicensed is whether the row's owner_email holds a Sell license (existing mode).
	OwnerLicensed *bool `json:",omitempty"`
	// Zendesk is what the stored credential of the account the users join showed; nil
	// with NoCredential saying why and which command adds one.
	Zendesk      *ZendeskFacts `json:",omitempty"`
	NoCredential string        `json:",omitempty"`
	// SellUsers counts the Sell account's users, active or not.
	SellUsers int
	// SupportPerMinute is the Support rate limit the worker keeps to (0: none).
	SupportPerMinute int
}

// ZendeskFacts are read in the Zendesk account with an operator's stored credential.
type ZendeskFacts struct {
	Subdomain string
	// OwnerMatches is whether the row's owner_email is the Zendesk account's owner
	// (nil when the row gives none).
	OwnerMatches    *bool `json:",omitempty"`
	ContributorRole bool
	// BulkImports is nil when Zendesk's answer does not say.
	BulkImports *bool `json:",omitempty"`
	// Contributors is checked for an account already connected: complete means nothing
	// is left to migrate.
	Contributors *ContributorCheck `json:",omitempty"`
}

// CheckPreflightRow checks one valid row of a list the way the migration's first steps
// would, but only reads: the Sell account and its requester (Preflight), the subdomain
// through the partner availability call, the owner's Sell license, the Sell user
// count, and, when a credential of the Zendesk account is stored, its owner, its
// Contributor role, its bulk imports and (for a connected account) how far its
// contributors are. A refusal is a fact, not an error; only a failed call is an error.
func (a *Activities) CheckPreflightRow(ctx context.Context, row contract.PreflightRow) (RowFacts, error) {
	facts := RowFacts{SupportPerMinute: a.platform.SupportPerMinute(), SellUsers: -1}
	pre, err := a.Preflight(ctx, PreflightInput{SellAccountID: row.AccountID, RequestedBy: row.RequestedBy})
	var appErr *temporal.ApplicationError
	if errors.As(err, &appErr) && (appErr.Type() == contract.ErrTypeUnknownAccount || appErr.Type() == contract.ErrTypeNotSellAdmin) {
		facts.Refused = appErr.Message()
		return facts, nil
	}
	if err != nil {
		return facts, err
	}
	facts.AccountName, facts.ConnectedSubdomain = pre.AccountName, pre.ConnectedSubdomain
	// A beat between the calls: the workflow's heartbeat timeout finds a dead worker
	// in a minute, where the start-to-close timeout would take five. It carries no
	// details: every check is read-only and starts over when retried.
	activity.RecordHeartbeat(ctx)
	if facts.SellUsers, err = a.sell(row.AccountID).CountUsers(ctx); err != nil {
		return facts, classify("count the users of Sell account "+row.AccountID, err)
	}
	mode, _ := contract.ParseMode(row.Mode) // the row was validated before
	target := facts.ConnectedSubdomain
	if target == "" && row.Subdomain != "" {
		available, err := a.platform.Accounts().Available(ctx, row.Subdomain)
		if err != nil {
			return facts, classify("check availability of "+row.Subdomain, err)
		}
		taken := !available
		facts.SubdomainTaken = &taken
		activity.RecordHeartbeat(ctx)
		if mode == contract.ModeExisting && taken {
			target = row.Subdomain
		}
	}
	if mode == contract.ModeExisting && row.OwnerEmail != "" {
		lic, err := a.CheckSellLicense(ctx, CheckSellLicenseInput{SellAccountID: row.AccountID, Email: row.OwnerEmail})
		if err != nil {
			return facts, err
		}
		facts.OwnerLicensed = &lic.HasSellLicense
	}
	if target == "" {
		return facts, nil // a new account: nothing in Zendesk to read yet
	}
	z, reason, err := a.readZendesk(ctx, row, target, facts.ConnectedSubdomain != "")
	facts.Zendesk, facts.NoCredential = z, reason
	return facts, err
}

// readZendesk reads the Zendesk account with the newest operator credential stored for
// it. No credential is no error: reason says so, with the command that adds one.
func (a *Activities) readZendesk(ctx context.Context, row contract.PreflightRow, subdomain string, connected bool) (*ZendeskFacts, string, error) {
	support, cred, err := a.supportWith(ctx, subdomain, "")
	var appErr *temporal.ApplicationError
	if errors.As(err, &appErr) && appErr.Type() == contract.ErrTypeNoCredential {
		return nil, strings.TrimSuffix(appErr.Message(), ", then retry"), nil
	}
	if err != nil {
		return nil, "", err
	}
	z := &ZendeskFacts{Subdomain: subdomain}
	account, err := support.Account(ctx)
	if platform.IsStatus(err, 401) || platform.IsStatus(err, 403) {
		// A stored token Zendesk refuses (revoked, or its email is no user of the
		// account) is as good as none, and the migration would stop on it too.
		return nil, addCredentialAdvice(fmt.Sprintf("Zendesk refuses credential %s (%s) for account %s", cred.ID, cred.Email, subdomain), subdomain), nil
	}
	if err != nil {
		return nil, "", classify("read Zendesk account "+subdomain, err)
	}
	if row.OwnerEmail != "" {
		owner, err := support.SearchUserByEmail(ctx, row.OwnerEmail)
		if err != nil {
			return nil, "", classify("look up Zendesk user "+row.OwnerEmail, err)
		}
		matches := owner != nil && owner.ID == account.OwnerID
		z.OwnerMatches = &matches
	}
	roles, err := support.CustomRoles(ctx)
	if err != nil {
		return nil, "", classify("read the custom roles of Zendesk account "+subdomain, err)
	}
	_, z.ContributorRole = findContributorRole(roles)
	activity.RecordHeartbeat(ctx)
	if z.BulkImports, err = support.BulkImportsEnabled(ctx); err != nil {
		return nil, "", classify("read the settings of Zendesk account "+subdomain, err)
	}
	if connected {
		check, err := a.CheckContributors(ctx, CheckContributorsInput{SellAccountID: row.AccountID, Subdomain: subdomain})
		if err != nil {
			return nil, "", err
		}
		z.Contributors = &check
	}
	return z, "", nil
}
