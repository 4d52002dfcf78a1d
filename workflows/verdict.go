package workflows

import (
	"errors"
	"fmt"
	"time"

	"go.temporal.io/sdk/temporal"

	"github.com/sellmigrate/sellmigrate/activities"
	"github.com/sellmigrate/sellmigrate/contract"
)

// verdicts gathers a row's problems; the worst one decides the verdict.
type verdicts struct {
	verdict  contract.Verdict
	problems []string
}

func (v *verdicts) add(verdict contract.Verdict, format string, args ...any) {
	v.problems = append(v.problems, fmt.Sprintf(format, args...))
	if verdict == contract.VerdictBlocked || v.verdict != contract.VerdictBlocked {
		v.verdict = verdict
	}
}

func invalidRow(row contract.PreflightRow) contract.PreflightRowReport {
	return contract.PreflightRowReport{PreflightRow: row, Verdict: contract.VerdictBlocked, Users: -1,
		Problems: []string{"the row cannot be started: " + row.Invalid + "; correct it in the list"}}
}

// judge turns what a row's checks found into its verdict and the advice a person acts
// on. Blocked: the migration would be refused or stall until someone fixes it, so fix
// it first. Warning: it can start, but a check could not run or the way is slower.
func judge(row contract.PreflightRow, facts activities.RowFacts, err error) contract.PreflightRowReport {
	out := contract.PreflightRowReport{PreflightRow: row, Users: -1}
	v := verdicts{verdict: contract.VerdictReady, problems: []string{}}
	switch {
	case err != nil:
		v.add(contract.VerdictBlocked, "the checks did not finish (%s); fix what it says or run the preflight again", causeOf(err))
	case facts.Refused != "":
		v.add(contract.VerdictBlocked, "%s", facts.Refused)
	default:
		out.Users = facts.SellUsers
		judgeTarget(&v, row, facts)
		d, basis := estimate(facts)
		out.EstimateSeconds, out.EstimateBasis = int64(d/time.Second), basis
	}
	out.Verdict, out.Problems = v.verdict, v.problems
	return out
}

// judgeTarget checks the Zendesk account the Sell users would join.
func judgeTarget(v *verdicts, row contract.PreflightRow, facts activities.RowFacts) {
	existing := row.Mode == string(contract.ModeExisting)
	if existing && row.OwnerEmail == "" {
		v.add(contract.VerdictWarning, "no owner_email: the Zendesk account owner's Sell license was not checked; add the owner's email to the row")
	}
	if facts.OwnerLicensed != nil && !*facts.OwnerLicensed {
		v.add(contract.VerdictBlocked, "the account owner %s has no Sell license in Sell account %s; a Sell admin must assign one (Sell > Settings > Users) before the start",
			row.OwnerEmail, row.AccountID)
	}
	switch connected := facts.ConnectedSubdomain; {
	case connected != "":
		judgeConnected(v, row, facts)
		return
	case row.Subdomain == "":
		v.add(contract.VerdictWarning, "no subdomain: the migration will wait for %s to choose one; add it to the row to have it checked now", row.RequestedBy)
		return
	case facts.SubdomainTaken == nil:
		v.add(contract.VerdictWarning, "subdomain %s was not checked; run the preflight again", row.Subdomain)
		return
	case !existing && *facts.SubdomainTaken:
		v.add(contract.VerdictBlocked, "subdomain %s is already taken; choose another name for the new Zendesk account", row.Subdomain)
		return
	case existing && !*facts.SubdomainTaken:
		v.add(contract.VerdictBlocked, "no Zendesk account exists at %s; give the subdomain of the existing account, or mode new to create it", row.Subdomain)
		return
	case !existing:
		return // a new account: nothing to read in Zendesk yet
	}
	if facts.Zendesk == nil {
		v.add(contract.VerdictWarning, "the Zendesk account owner, the Contributor role and bulk imports of %s were not checked: %s", row.Subdomain, facts.NoCredential)
		return
	}
	if m := facts.Zendesk.OwnerMatches; m != nil && !*m {
		v.add(contract.VerdictBlocked, "%s is not the owner of Zendesk account %s; put the account owner's email in owner_email (the owner must sign in to Zendesk during the migration)",
			row.OwnerEmail, row.Subdomain)
	}
	judgeZendesk(v, facts.Zendesk)
}

// judgeConnected: a connected account is nothing to do when every Sell user is a
// contributor, and something to finish otherwise; only a credential can tell which.
func judgeConnected(v *verdicts, row contract.PreflightRow, facts activities.RowFacts) {
	sub := facts.ConnectedSubdomain
	z := facts.Zendesk
	switch {
	case z == nil:
		v.add(contract.VerdictWarning, "Sell account %s is already connected to Zendesk account %s, and whether its migration is finished was not checked: %s (a migration started without one waits in needs_attention for it)",
			row.AccountID, sub, facts.NoCredential)
		return
	case z.Contributors != nil && z.Contributors.Complete:
		v.add(contract.VerdictBlocked, "Sell account %s is already connected to Zendesk account %s and every active Sell user is a contributor: nothing to migrate; remove the row",
			row.AccountID, sub)
		return
	}
	v.add(contract.VerdictWarning, "Sell account %s is already connected to Zendesk account %s but not every active Sell user is a contributor yet; starting it finishes the conversion",
		row.AccountID, sub)
	judgeZendesk(v, z)
}

// judgeZendesk checks what the conversion needs in the Zendesk account.
func judgeZendesk(v *verdicts, z *activities.ZendeskFacts) {
	if !z.ContributorRole {
		v.add(contract.VerdictBlocked, "Zendesk account %s has no Contributor custom role; an admin must create it (Admin Center > People > Team > Roles, contributor role type) before the start", z.Subdomain)
	}
	switch {
	case z.BulkImports == nil:
		v.add(contract.VerdictWarning, "Zendesk did not say whether bulk imports are on in %s; the estimate assumes they are off", z.Subdomain)
	case !*z.BulkImports:
		v.add(contract.VerdictWarning, "bulk imports are off in %s: contributors will be created one by one (see the estimate); to go faster, the account owner can ask Zendesk Support to enable data imports", z.Subdomain)
	}
}

// estimate is how long the conversion takes at the worker's rate limit. Without a word
// from Zendesk, bulk imports are taken as off: Zendesk's default, and the slower path.
func estimate(facts activities.RowFacts) (d time.Duration, basis string) {
	bulk := facts.Zendesk != nil && facts.Zendesk.BulkImports != nil && *facts.Zendesk.BulkImports
	return contract.EstimateConversion(facts.SellUsers, bulk, facts.SupportPerMinute)
}

// causeOf is the message of the activity's own error, without the activity's wrapping
// (its type, event IDs and worker identity), which tells a person nothing to act on.
func causeOf(err error) string {
	var appErr *temporal.ApplicationError
	if errors.As(err, &appErr) {
		return appErr.Message()
	}
	return err.Error()
}
