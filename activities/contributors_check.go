package activities

import (
	"context"
	"fmt"
	"slices"
	"strings"

	"go.temporal.io/sdk/activity"
	"go.temporal.io/sdk/temporal"

	"github.com/sellmigrate/sellmigrate/contract"
	"github.com/sellmigrate/sellmigrate/platform"
)

// CheckContributorsInput names the accounts and the Zendesk user the read-only calls act as.
type CheckContributorsInput struct {
	SellAccountID string
	Subdomain     string
	ActingEmail   string `json:",omitempty"`
	CredentialID  string `json:",omitempty"`
}

// ContributorCheck says how far an account's contributor conversion is from complete.
type ContributorCheck struct {
	// SellUsers counts every Sell user; Active and Inactive split them. InactiveEmails
	// are the first contract.MaxReportedEmails inactive ones.
	SellUsers      int      `json:"sellUsers"`
	Active         int      `json:"active"`
	Inactive       int      `json:"inactive"`
	InactiveEmails []string `json:"inactiveEmails,omitempty"`
	// Contributors, OtherAgents, NeedsReactivation, Suspended and Missing split the
	// active ones by what Zendesk Support has for them: a contributor; an agent or admin
	// in another role; an end-user, who must be reactivated under Sell > Settings >
	// Users > Pending actions (their emails); a suspended user of any role (the first
	// contract.MaxReportedEmails emails in SuspendedEmails); nobody.
	Contributors      int      `json:"contributors"`
	OtherAgents       int      `json:"otherAgents"`
	NeedsReactivation []string `json:"needsReactivation"`
	// NeedsReactivationCount counts the end-users; NeedsReactivation lists the first
	// contract.MaxReportedEmails.
	NeedsReactivationCount int      `json:"needsReactivationCount,omitempty"`
	Suspended              int      `json:"suspended,omitempty"`
	SuspendedEmails        []string `json:"suspendedEmails,omitempty"`
	Missing                int      `json:"missing"`
	// Complete is true when no active Sell user is missing from Zendesk Support: running
	// the conversion again would create nobody.
	Complete bool `json:"complete"`
	// StoppedAtFirstMissing says the check ended at the first active Sell user it
	// confirmed missing (Missing is then 1): the counts cover only what it read, and
	// the conversion that follows does the rest.
	StoppedAtFirstMissing bool `json:"stoppedAtFirstMissing,omitempty"`
}

// checkCursor is the check's heartbeat: the Sell page still to do and the tallies so far.
type checkCursor struct {
	NextPage int              `json:"nextPage"`
	Check    ContributorCheck `json:"check"`
}

// CheckContributors tells, without changing anything, whether every active Sell user is
// in Zendesk Support, with the same per-page look-up as ConvertContributors: one
// show_many by external_id per Sell page, then a search by email for each active user
// not found that way (users created outside this migration, or not at all). It stops
// at the first user it confirms missing (StoppedAtFirstMissing). It heartbeats its
// page and resumes from its last heartbeat when retried.
func (a *Activities) CheckContributors(ctx context.Context, in CheckContributorsInput) (ContributorCheck, error) {
	conv := ConvertContributorsInput{SellAccountID: in.SellAccountID, Subdomain: in.Subdomain, ActingEmail: in.ActingEmail, CredentialID: in.CredentialID}
	if err := conv.check(); err != nil {
		return ContributorCheck{}, temporal.NewNonRetryableApplicationError("check contributors: "+err.Error(), contract.ErrTypeInvalidInput, err)
	}
	cur := checkCursor{NextPage: 1}
	if activity.HasHeartbeatDetails(ctx) {
		if err := activity.GetHeartbeatDetails(ctx, &cur); err != nil || cur.NextPage < 1 {
			cur = checkCursor{NextPage: 1} // a read-only check can always start over
		}
	}
	support, _, err := a.supportWith(ctx, in.Subdomain, in.CredentialID)
	if err != nil {
		return ContributorCheck{}, err
	}
	sell := a.sell(in.SellAccountID)
	for range maxSellPages {
		page, err := sell.Users(ctx, cur.NextPage, sellPageSize)
		if err != nil {
			return cur.Check, checkStopped(ctx, classify(fmt.Sprintf("read Sell users page %d of account %s", cur.NextPage, in.SellAccountID), err))
		}
		next, err := checkPage(ctx, support, in.SellAccountID, page.Users, cur.Check)
		if err != nil {
			return cur.Check, checkStopped(ctx, err)
		}
		cur = checkCursor{NextPage: cur.NextPage + 1, Check: next}
		activity.RecordHeartbeat(ctx, cur)
		if next.StoppedAtFirstMissing {
			// One missing user is enough to know the conversion must run, and the
			// conversion finds the rest by itself: searching every missing user by email
			// would spend minutes of the account's rate limit to count them.
			activity.GetLogger(ctx).Info("contributors checked: a Sell user is missing, the conversion goes on", "subdomain", in.Subdomain,
				"pagesRead", cur.NextPage-1, "contributors", next.Contributors)
			return next, nil
		}
		if page.NextPage == "" || len(page.Users) == 0 {
			cur.Check.Complete = cur.Check.Missing == 0
			activity.GetLogger(ctx).Info("contributors checked", "subdomain", in.Subdomain, "active", cur.Check.Active,
				"contributors", cur.Check.Contributors, "otherAgents", cur.Check.OtherAgents,
				"needsReactivation", cur.Check.NeedsReactivationCount, "suspended", cur.Check.Suspended,
				"inactive", cur.Check.Inactive, "missing", cur.Check.Missing, "complete", cur.Check.Complete)
			return cur.Check, nil
		}
	}
	return cur.Check, fmt.Errorf("sell account %s still announces more users after %d pages; stopping so a person can look", in.SellAccountID, maxSellPages)
}

// checkPage adds one Sell page to the check.
func checkPage(ctx context.Context, support *platform.Support, sellAccountID string, users []platform.SellUser, check ContributorCheck) (ContributorCheck, error) {
	pl, err := lookupPage(ctx, support, sellAccountID, users)
	if err != nil {
		return check, err
	}
	check.NeedsReactivation = slices.Clone(check.NeedsReactivation)
	check.InactiveEmails = slices.Clone(check.InactiveEmails)
	check.SuspendedEmails = slices.Clone(check.SuspendedEmails)
	check.SellUsers += pl.sellUsers
	check.Inactive += len(pl.inactive)
	for _, u := range pl.inactive {
		check.InactiveEmails = contract.AppendReported(check.InactiveEmails, u.Email)
	}
	check.Active += pl.sellUsers - len(pl.inactive)
	count := func(u platform.SupportUser) {
		switch kindOf(u) {
		case kindContributor:
			check.Contributors++
		case kindEndUser:
			check.NeedsReactivationCount = contract.ReportedCount(check.NeedsReactivationCount, check.NeedsReactivation) + 1
			check.NeedsReactivation = contract.AppendReported(check.NeedsReactivation, u.Email)
		case kindSuspended:
			check.Suspended++
			check.SuspendedEmails = contract.AppendReported(check.SuspendedEmails, u.Email)
		default:
			check.OtherAgents++
		}
	}
	for _, u := range pl.found {
		count(u)
	}
	for _, c := range pl.unknown {
		u, err := support.SearchUserByEmail(ctx, c.user.Email)
		if err != nil {
			return check, classify("look up Zendesk user "+c.user.Email, err)
		}
		if u == nil || !strings.EqualFold(u.Email, c.user.Email) {
			check.Missing++
			check.StoppedAtFirstMissing = true
			return check, nil
		}
		count(*u)
	}
	return check, nil
}

// checkStopped turns the workflow's cancellation into a CanceledError; anything else is
// returned as classified.
func checkStopped(ctx context.Context, err error) error {
	if ctx.Err() != nil && temporal.IsCanceledError(context.Cause(ctx)) {
		return temporal.NewCanceledError()
	}
	return err
}
