package activities

import (
	"context"
	"errors"
	"fmt"
	"net/http"
	"strings"

	"go.temporal.io/sdk/temporal"

	"github.com/sellmigrate/sellmigrate/contract"
	"github.com/sellmigrate/sellmigrate/platform"
)

// errBulkImportsOff is create_many's 403 "Data imports are not enabled": the Zendesk
// account's bulk imports are off (Zendesk's default until the owner asks Zendesk
// Customer Support). The conversion then creates users one at a time.
var errBulkImportsOff = errors.New("zendesk bulk user imports are off for this account")

// convertOneByOne converts the users of one Sell page with one POST /api/v2/users per
// user to create, for accounts whose bulk imports are off. It starts at
// cur.PageUsersDone and commits the cursor after every user, so an attempt cut off
// mid-page resumes at the next user instead of redoing up to a hundred calls.
//
// It stays idempotent like the bulk path: one show_many finds the page's remaining
// users an earlier attempt or run created (by external_id), and they are tallied, not
// created again; a 422 "already being used" means the email is someone's already, who is
// looked up by email and tallied for what they are. The returned cursor has the whole
// page tallied and PageUsersDone back to 0 (NextPage unchanged).
//
// A page is re-read by number, so it is the same users in the same order only while
// nobody adds or removes Sell users meanwhile; if someone does, a user may be tallied
// twice or looked at on the next page instead, but never created twice (the external_id
// look-up and the email check see to that).
func (p pageConverter) convertOneByOne(ctx context.Context, cur contract.ContributorCursor, users []platform.SellUser,
	commit func(contract.ContributorCursor)) (contract.ContributorCursor, error) {
	next := cur.Clone()
	next.OneByOne, next.CreateJobID = true, "" // only the bulk path queues jobs
	if next.PageUsersDone > len(users) {
		next.PageUsersDone = len(users) // the page shrank since; nothing of it is left to do
	}
	rest := users[next.PageUsersDone:]
	pl, err := lookupPage(ctx, p.support, p.sellAccountID, rest)
	if err != nil {
		return cur, err
	}
	found := make(map[string]platform.SupportUser, len(pl.found))
	for _, u := range pl.found {
		found[strings.ToLower(u.ExternalID)] = u
	}
	for _, u := range rest {
		step := next.Clone()
		if err := p.convertUser(ctx, u, found, &step); err != nil {
			return next, err
		}
		step.SellUsers++
		step.PageUsersDone++
		commit(step)
		next = step
	}
	next.PageUsersDone = 0
	return next, nil
}

// convertUser tallies one Sell user into next, creating their contributor if Zendesk has
// no user for them yet.
func (p pageConverter) convertUser(ctx context.Context, u platform.SellUser, found map[string]platform.SupportUser,
	next *contract.ContributorCursor) error {
	if u.Status != "active" {
		tallyInactive(next, []platform.SellUser{u})
		return nil
	}
	c := candidate{user: u, externalID: contributorExternalID(p.sellAccountID, u.ID)}
	if existing, ok := found[strings.ToLower(c.externalID)]; ok {
		tally(next, existing)
		return nil
	}
	created, err := p.support.CreateUser(ctx, platform.NewSupportUser{Name: u.Name, Email: u.Email, Role: platform.RoleAgent,
		CustomRoleID: &p.roleID, Verified: true, ExternalID: c.externalID})
	switch {
	case err == nil:
		tally(next, created)
		return nil
	case platform.IsEmailTaken(err):
		return p.refused(ctx, c, platform.JobResult{Error: "EmailAlreadyTaken"}, next)
	case platform.IsStatus(err, http.StatusUnprocessableEntity):
		if _, roleErr := contributorRoleID(ctx, p.support); roleErr != nil {
			return roleErr // the role went away mid-run: that is what to fix
		}
		return errUserRefused(p.support.Subdomain(), c, err)
	}
	return classify(fmt.Sprintf("create Sell user %d (%s) as a contributor in Zendesk account %s", u.ID, u.Email, p.support.Subdomain()), err)
}

// errUserRefused: Zendesk refused to create one Sell user for a reason other than an
// existing email; the same request would be refused again, so a person must fix the user.
func errUserRefused(subdomain string, c candidate, err error) error {
	return temporal.NewNonRetryableApplicationError(fmt.Sprintf(
		"Zendesk account %s refused to create Sell user %d (%s) as a contributor: %v; "+
			"correct the user in Sell (Settings > Users) or in Zendesk, then retry the migration",
		subdomain, c.user.ID, c.user.Email, err),
		contract.ErrTypeZendeskClient, err)
}
