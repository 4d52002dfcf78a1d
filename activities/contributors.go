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

// sellPageSize is the Sell API's largest page.
const sellPageSize = 100

// maxSellPages bounds the page loop: a Sell API that kept announcing a next page would
// otherwise keep an attempt busy until its timeout. 100,000 pages is ten million users.
const maxSellPages = 100_000

// ConvertContributorsInput names the accounts and the stored credential the calls act
// with (the owner's grant, or the new account's own); empty means the newest usable
// credential stored for the subdomain. ActingEmail is whom that credential acts as,
// for the logs.
type ConvertContributorsInput struct {
	SellAccountID string
	Subdomain     string
	ActingEmail   string `json:",omitempty"`
	CredentialID  string `json:",omitempty"`
	// Resume is where an earlier execution of this conversion stopped, as the workflow
	// learnt it (CursorFromError on that execution's error, or the cursor it carries
	// across continue-as-new). It is used only when this execution has no heartbeat of
	// its own: heartbeat details come from an earlier attempt of this very execution and
	// are at least as far along.
	Resume *contract.ContributorCursor `json:",omitempty"`
}

func (in ConvertContributorsInput) check() error {
	if err := contract.ValidateAccountID(in.SellAccountID); err != nil {
		return err
	}
	if strings.TrimSpace(in.Subdomain) == "" {
		return fmt.Errorf("the Zendesk subdomain is empty; give the account the Sell users join, e.g. acme")
	}
	if in.CredentialID != "" && !contract.IsCredentialID(in.CredentialID) {
		return fmt.Errorf("credential %q is not a credential store ID", in.CredentialID)
	}
	return nil
}

// ConvertContributors adds every active Sell user to Zendesk Support as a contributor
// agent, a Sell page at a time, and returns the final cursor.
//
// Each page costs one look-up, however large the Zendesk account: contributors are
// created with an external_id derived from the Sell user (contributorExternalID), so one
// show_many call finds whoever an earlier attempt or run already created; create_many
// creates the rest; a row refused because the email is taken is looked up by email and
// tallied (contributor: converted; end-user: reported for reactivation under Sell >
// Settings > Users > Pending actions; other agent: already an agent; suspended, whatever
// the role: reported as suspended), never promoted. Inactive Sell users are skipped and
// reported by email. Nobody is converted twice, whatever attempt redoes a page.
//
// When create_many answers 403 "Data imports are not enabled" (Zendesk's default for
// an account until its owner asks Zendesk Support), the conversion goes on one user at a
// time (convertOneByOne), remembers that in the cursor (OneByOne) so create_many is not
// tried again, and commits the cursor after every user (PageUsersDone).
//
// Every heartbeat carries the cursor (the page still to do and the tallies of the pages
// before it), and so does every error: an ApplicationError with the cursor as details,
// classified as classify does, or a CanceledError with the cursor when the workflow
// cancels the activity. CursorFromError reads it back.
func (a *Activities) ConvertContributors(ctx context.Context, in ConvertContributorsInput) (contract.ContributorCursor, error) {
	log := activity.GetLogger(ctx)
	start := contract.ContributorCursor{NextPage: 1}
	if in.Resume != nil {
		start = *in.Resume
	}
	if err := in.check(); err != nil {
		return start, temporal.NewApplicationErrorWithOptions("convert contributors: "+err.Error(), contract.ErrTypeInvalidInput,
			temporal.ApplicationErrorOptions{NonRetryable: true, Details: []any{start}})
	}
	cur, from, err := startCursor(ctx, in.Resume)
	if err != nil {
		return start, stopped(ctx, err, start)
	}
	box := newCursorBox(ctx, cur)
	stop := box.keepAlive(ctx)
	defer stop()
	log.Info("converting contributors", "subdomain", in.Subdomain, "sellAccountId", in.SellAccountID,
		"resumeFrom", from, "nextPage", cur.NextPage, "converted", cur.Converted)

	if err := a.convertAll(ctx, in, box); err != nil {
		last := box.get()
		stopErr := stopped(ctx, err, last)
		log.Warn("contributor conversion stopped", "subdomain", in.Subdomain, "nextPage", last.NextPage,
			"converted", last.Converted, "error", stopErr)
		return last, stopErr
	}
	done := box.get()
	log.Info("contributors converted", "subdomain", in.Subdomain, "sellUsers", done.SellUsers, "total", done.Total,
		"converted", done.Converted, "alreadyAgents", done.AlreadyAgents, "inactive", done.Inactive,
		"suspended", done.Suspended, "needsReactivation", contract.ReportedCount(done.NeedsReactivationCount, done.NeedsReactivation))
	return done, nil
}

// startCursor is where this attempt begins: the last heartbeat of an earlier attempt,
// else the workflow's Resume cursor, else page 1. It says which, for the log.
func startCursor(ctx context.Context, resume *contract.ContributorCursor) (contract.ContributorCursor, string, error) {
	cur, from := contract.ContributorCursor{NextPage: 1}, "start"
	switch {
	case activity.HasHeartbeatDetails(ctx):
		if err := activity.GetHeartbeatDetails(ctx, &cur); err != nil {
			return cur, "", temporal.NewApplicationErrorWithOptions(
				"read the contributor cursor from the last heartbeat (was the activity's result type changed mid-flight?): "+err.Error(),
				contract.ErrTypeInvalidInput, temporal.ApplicationErrorOptions{NonRetryable: true, Cause: err})
		}
		from = "heartbeat"
	case resume != nil:
		cur, from = *resume, "resume"
	}
	// A zero cursor (NextPage 0) is a conversion that never started.
	if cur.NextPage == 0 && cur.SellUsers == 0 {
		cur.NextPage = 1
	}
	if cur.NextPage < 1 || cur.PageUsersDone < 0 || cur.SellUsers < 0 || cur.Converted < 0 || cur.AlreadyAgents < 0 || cur.Inactive < 0 || cur.Suspended < 0 || cur.NeedsReactivationCount < 0 || cur.Total < 0 {
		return cur, "", temporal.NewApplicationErrorWithOptions(
			fmt.Sprintf("the contributor cursor to resume from (%s) is invalid: %+v; pages count from 1 and tallies cannot be negative", from, cur),
			contract.ErrTypeInvalidInput, temporal.ApplicationErrorOptions{NonRetryable: true, Details: []any{cur}})
	}
	return cur, from, nil
}

// convertAll converts from the box's page to the last one, committing (and so
// heartbeating) the cursor after each page. It returns the error that stopped it.
func (a *Activities) convertAll(ctx context.Context, in ConvertContributorsInput, box *cursorBox) error {
	support, _, err := a.supportWith(ctx, in.Subdomain, in.CredentialID)
	if err != nil {
		return err
	}
	roleID, err := contributorRoleID(ctx, support)
	if err != nil {
		return err
	}
	sell := a.sell(in.SellAccountID)
	conv := pageConverter{support: support, sellAccountID: in.SellAccountID, roleID: roleID, beat: box.beat, recordJob: box.recordJob}
	for range maxSellPages {
		cur := box.get()
		page, err := sell.Users(ctx, cur.NextPage, sellPageSize)
		if err != nil {
			return classify(fmt.Sprintf("read Sell users page %d of account %s", cur.NextPage, in.SellAccountID), err)
		}
		if cur.Total == 0 {
			if cur.Total, err = sellUserTotal(ctx, sell, cur.NextPage, page); err != nil {
				return classify("count the users of Sell account "+in.SellAccountID, err)
			}
			// Committed at once (no page's tallies change): counting costs about
			// 2·log2(pages) calls, which an attempt that dies before its first page
			// is done would otherwise leave its retry to make again.
			box.commit(cur)
		}
		next, err := a.convertPage(ctx, conv, box, cur, page.Users)
		if err != nil {
			return err
		}
		next.NextPage++
		box.commit(next)
		if page.NextPage == "" || len(page.Users) == 0 {
			return nil
		}
	}
	return fmt.Errorf("sell account %s still announces more users after %d pages; stopping so a person can look", in.SellAccountID, maxSellPages)
}

// convertPage converts one Sell page in bulk, or one user at a time once Zendesk has
// refused create_many because the account's bulk imports are off. The refusal is
// remembered in the cursor (OneByOne), committed at once, so neither a later page nor a
// resumed attempt tries create_many again.
func (a *Activities) convertPage(ctx context.Context, conv pageConverter, box *cursorBox,
	cur contract.ContributorCursor, users []platform.SellUser) (contract.ContributorCursor, error) {
	if cur.OneByOne {
		return conv.convertOneByOne(ctx, cur, users, box.commit)
	}
	next, err := conv.convert(ctx, cur, users)
	if !errors.Is(err, errBulkImportsOff) {
		return next, err
	}
	activity.GetLogger(ctx).Warn("Zendesk bulk user imports are off; creating contributors one at a time",
		"subdomain", conv.support.Subdomain(), "page", cur.NextPage, "error", err)
	cur = cur.Clone()
	cur.OneByOne = true
	box.commit(cur)
	return conv.convertOneByOne(ctx, cur, users, box.commit)
}

// sellUserTotal is the account's user count for the dashboard: the first page itself
// when it is the only one, otherwise a count (Sell's meta.count only counts the page).
func sellUserTotal(ctx context.Context, sell *platform.Sell, pageNo int, page platform.SellUserPage) (int, error) {
	if pageNo == 1 && page.NextPage == "" {
		return len(page.Users), nil
	}
	return sell.CountUsers(ctx)
}

// contributorRoleID finds the account's Contributor custom role, which every created
// contributor gets.
func contributorRoleID(ctx context.Context, support *platform.Support) (int64, error) {
	roles, err := support.CustomRoles(ctx)
	if err != nil {
		return 0, classify("read the custom roles of Zendesk account "+support.Subdomain(), err)
	}
	if id, ok := findContributorRole(roles); ok {
		return id, nil
	}
	return 0, errNoContributorRole(support.Subdomain())
}

// findContributorRole picks the Contributor role among an account's custom roles.
func findContributorRole(roles []platform.CustomRole) (int64, bool) {
	for _, r := range roles {
		if r.RoleType == platform.RoleTypeContributor || strings.EqualFold(r.Name, "contributor") {
			return r.ID, true
		}
	}
	return 0, false
}
