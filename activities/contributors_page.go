package activities

import (
	"context"
	"errors"
	"fmt"
	"strconv"
	"strings"

	"go.temporal.io/sdk/activity"

	"github.com/sellmigrate/sellmigrate/contract"
	"github.com/sellmigrate/sellmigrate/platform"
)

// contributorExternalID is the external_id a Sell user's contributor is created with.
// It depends only on the Sell account and user IDs (not the email, which may change),
// so every attempt and every run of a migration finds the same user by it.
func contributorExternalID(sellAccountID string, sellUserID int64) string {
	return "sell-" + sellAccountID + "-" + strconv.FormatInt(sellUserID, 10)
}

// candidate is an active Sell user to be a contributor.
type candidate struct {
	user       platform.SellUser
	externalID string
}

// pageLookup is one Sell page set against Zendesk Support.
type pageLookup struct {
	sellUsers int
	// inactive are the Sell users of the page deactivated in Sell: not converted, reported.
	inactive []platform.SellUser
	// found are the Zendesk users created (by an earlier attempt or run) for active Sell
	// users of the page, found by their external_id.
	found []platform.SupportUser
	// unknown are the active Sell users with no Zendesk user under their external_id:
	// not created yet, or present under their email only (created by someone else).
	unknown []candidate
}

// lookupPage finds, in one show_many call, which active users of a Sell page Zendesk
// Support already has under the external_id this migration gives them.
func lookupPage(ctx context.Context, support *platform.Support, sellAccountID string, users []platform.SellUser) (pageLookup, error) {
	pl := pageLookup{sellUsers: len(users)}
	var active []candidate
	for _, u := range users {
		if u.Status != "active" {
			pl.inactive = append(pl.inactive, u)
			continue
		}
		active = append(active, candidate{user: u, externalID: contributorExternalID(sellAccountID, u.ID)})
	}
	if len(active) == 0 {
		return pl, nil
	}
	ids := make([]string, len(active))
	for i, c := range active {
		ids[i] = c.externalID
	}
	existing, err := support.ShowManyUsersByExternalIDs(ctx, ids)
	if err != nil {
		return pl, classify(fmt.Sprintf("look up %d Sell users in Zendesk account %s by external id", len(ids), support.Subdomain()), err)
	}
	byExternalID := make(map[string]platform.SupportUser, len(existing))
	for _, u := range existing {
		byExternalID[strings.ToLower(u.ExternalID)] = u
	}
	for _, c := range active {
		if u, ok := byExternalID[strings.ToLower(c.externalID)]; ok {
			pl.found = append(pl.found, u)
			continue
		}
		pl.unknown = append(pl.unknown, c)
	}
	return pl, nil
}

// userKind is how a Sell user who already has a Zendesk user counts.
type userKind int

const (
	kindContributor userKind = iota // converted
	kindEndUser                     // needs reactivation (Sell > Settings > Users > Pending actions)
	kindOtherAgent                  // an agent or admin already; left as is
	kindSuspended                   // suspended in Zendesk, whatever the role; reported, left as is
)

// kindOf says how a Zendesk user counts. Suspension comes first: a suspended user can
// neither sign in nor work, so counting them converted or an agent would overstate
// what the migration achieved, and unsuspending is an admin's decision.
func kindOf(u platform.SupportUser) userKind {
	switch {
	case u.Suspended:
		return kindSuspended
	case u.IsContributor():
		return kindContributor
	case u.Role == platform.RoleEndUser:
		return kindEndUser
	default:
		return kindOtherAgent
	}
}

// tally counts a Sell user who has a Zendesk user.
func tally(c *contract.ContributorCursor, u platform.SupportUser) {
	switch kindOf(u) {
	case kindContributor:
		c.Converted++
	case kindEndUser:
		c.NeedsReactivationCount = contract.ReportedCount(c.NeedsReactivationCount, c.NeedsReactivation) + 1
		c.NeedsReactivation = contract.AppendReported(c.NeedsReactivation, u.Email)
	case kindSuspended:
		c.Suspended++
		c.SuspendedEmails = contract.AppendReported(c.SuspendedEmails, u.Email)
	default:
		c.AlreadyAgents++
	}
}

// tallyInactive counts a page's inactive Sell users.
func tallyInactive(c *contract.ContributorCursor, users []platform.SellUser) {
	c.Inactive += len(users)
	for _, u := range users {
		c.InactiveEmails = contract.AppendReported(c.InactiveEmails, u.Email)
	}
}

// pageConverter converts one Sell page at a time.
type pageConverter struct {
	support       *platform.Support
	sellAccountID string
	roleID        int64
	// beat is called on every poll of a create_many job, so the activity heartbeats
	// its committed cursor while Zendesk works; nil calls nothing.
	beat func()
	// recordJob records in the committed cursor (CreateJobID) the create_many job just
	// queued for the page, before the wait begins, or with "" forgets it; nil records
	// nothing.
	recordJob func(jobID string)
}

// convert returns cur with one more page's tallies (NextPage unchanged). cur itself is
// not touched, so a page that fails half-way leaves no partial counts behind.
func (p pageConverter) convert(ctx context.Context, cur contract.ContributorCursor, users []platform.SellUser) (contract.ContributorCursor, error) {
	if cur.CreateJobID != "" {
		if err := p.awaitEarlierJob(ctx, cur); err != nil {
			return cur, err
		}
	}
	next := cur.Clone()
	next.CreateJobID = ""
	pl, err := lookupPage(ctx, p.support, p.sellAccountID, users)
	if err != nil {
		return cur, err
	}
	next.SellUsers += pl.sellUsers
	tallyInactive(&next, pl.inactive)
	for _, u := range pl.found {
		tally(&next, u)
	}
	if len(pl.unknown) == 0 {
		return next, nil
	}
	if err := p.create(ctx, pl.unknown, &next); err != nil {
		return cur, err
	}
	return next, nil
}

// create creates the contributors in one create_many job and tallies every row: created
// rows as converted, rows refused because the email is taken by what is there.
func (p pageConverter) create(ctx context.Context, cands []candidate, next *contract.ContributorCursor) error {
	users := make([]platform.NewSupportUser, len(cands))
	for i, c := range cands {
		users[i] = platform.NewSupportUser{Name: c.user.Name, Email: c.user.Email, Role: platform.RoleAgent,
			CustomRoleID: &p.roleID, Verified: true, ExternalID: c.externalID}
	}
	job, err := p.support.CreateManyUsers(ctx, users)
	if err != nil {
		return createManyError(p.support.Subdomain(), len(users), err)
	}
	if p.recordJob != nil {
		p.recordJob(job.ID)
	}
	job, err = p.support.WaitJob(ctx, job.ID, p.onPoll)
	if err != nil {
		return classify("wait for the Zendesk job creating contributors in "+p.support.Subdomain(), err)
	}
	rows, err := rowsByIndex(job, len(cands))
	if err != nil {
		return err
	}
	for i, r := range rows {
		if r.Status == "Created" {
			next.Converted++
			continue
		}
		if err := p.refused(ctx, cands[i], r, next); err != nil {
			return err
		}
	}
	return nil
}

// onPoll heartbeats on every poll of a job.
func (p pageConverter) onPoll(platform.JobStatus, error) {
	if p.beat != nil {
		p.beat()
	}
}

// awaitEarlierJob waits for the create_many job an earlier attempt submitted for this
// page (cur.CreateJobID), so that the look-up which follows finds the users it created.
// Its rows are not used: the look-up by external_id sees what the job did, and a row
// it refused is sent again and refused again, with its reason.
//
// Waiting only saves calls, so it stops the page only for what a later attempt may get
// past by waiting again: a retryable failure, or the caller's cancellation. Anything
// else (the job failed as a whole, Zendesk no longer shows it (job statuses are kept
// for a day), it is still queued after the wait's bound, a refusal) leaves the page to
// the look-up, and the cursor forgets the job, so no later attempt waits for it again.
func (p pageConverter) awaitEarlierJob(ctx context.Context, cur contract.ContributorCursor) error {
	log := activity.GetLogger(ctx)
	log.Info("waiting for the create_many job an earlier attempt submitted before redoing the page",
		"subdomain", p.support.Subdomain(), "page", cur.NextPage, "job", cur.CreateJobID)
	_, err := p.support.WaitJob(ctx, cur.CreateJobID, p.onPoll)
	switch {
	case err == nil:
		return nil
	case ctx.Err() != nil:
		return err
	case platform.IsRetryable(err) && !errors.Is(err, platform.ErrJobPending):
		return classify(fmt.Sprintf("wait for Zendesk job %s, queued by an earlier attempt to create contributors in %s",
			cur.CreateJobID, p.support.Subdomain()), err)
	}
	log.Warn("not waiting for the create_many job an earlier attempt submitted; looking the page up without it",
		"subdomain", p.support.Subdomain(), "page", cur.NextPage, "job", cur.CreateJobID, "error", err)
	if p.recordJob != nil {
		p.recordJob("")
	}
	return nil
}

// rowsByIndex puts a finished job's rows in the order the users were sent. A Failed row
// names its index, not its email, so the index is the only way back to the user.
func rowsByIndex(job platform.JobStatus, n int) ([]platform.JobResult, error) {
	rows := make([]platform.JobResult, n)
	seen := make([]bool, n)
	for _, r := range job.Results {
		if r.Index < 0 || r.Index >= n || seen[r.Index] {
			return nil, fmt.Errorf("zendesk job %s reported row index %d for a batch of %d (or twice); its results cannot be trusted", job.ID, r.Index, n)
		}
		rows[r.Index], seen[r.Index] = r, true
	}
	if missing := n - len(job.Results); missing > 0 {
		return nil, fmt.Errorf("zendesk job %s reported %d of %d rows; the page will be looked up again", job.ID, len(job.Results), n)
	}
	return rows, nil
}

// refused handles a row create_many did not create. An email already taken means a
// Zendesk user exists that this migration did not create (or created under another
// external id): it is counted for what it is and left unchanged. Any other refusal needs
// a person.
func (p pageConverter) refused(ctx context.Context, c candidate, r platform.JobResult, next *contract.ContributorCursor) error {
	if r.Error != "EmailAlreadyTaken" {
		if _, err := contributorRoleID(ctx, p.support); err != nil {
			return err // the role went away mid-run: that is what to fix
		}
		return errRowRefused(p.support.Subdomain(), c, r)
	}
	existing, err := p.support.SearchUserByEmail(ctx, c.user.Email)
	if err != nil {
		return classify("look up Zendesk user "+c.user.Email, err)
	}
	if existing == nil {
		// Zendesk search is indexed asynchronously: a user created moments ago may not
		// be found yet. A retry looks again.
		return fmt.Errorf("zendesk account %s says %s is taken but search does not find the user yet", p.support.Subdomain(), c.user.Email)
	}
	tally(next, *existing)
	return nil
}
