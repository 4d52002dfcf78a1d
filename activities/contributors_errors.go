package activities

import (
	"context"
	"errors"
	"fmt"
	"net/http"

	"go.temporal.io/sdk/temporal"

	"github.com/sellmigrate/sellmigrate/contract"
	"github.com/sellmigrate/sellmigrate/platform"
)

// stopped is the error ConvertContributors returns when it ends early, carrying the
// committed cursor so the workflow learns how far the conversion got:
//   - a CanceledError with the cursor as details when the workflow cancelled the
//     activity (the SDK cancels the context with a CanceledError cause);
//   - otherwise an ApplicationError with the cursor as details, keeping what classify
//     (or the specific errors below) decided: type, retryability, Retry-After delay.
//
// Other context endings (worker shutdown, pause, the attempt's own timeout) are not the
// workflow's cancellation and stay retryable, so another attempt resumes.
func stopped(ctx context.Context, err error, cur contract.ContributorCursor) error {
	if ctx.Err() != nil && temporal.IsCanceledError(context.Cause(ctx)) {
		return temporal.NewCanceledError(cur)
	}
	var appErr *temporal.ApplicationError
	if !errors.As(err, &appErr) {
		// Not classified: a network error, a job still pending or failed, a response
		// that was not the documented JSON. Time (and a new attempt) may cure each.
		return temporal.NewApplicationErrorWithOptions(err.Error(), contract.ErrTypeZendeskUnavailable,
			temporal.ApplicationErrorOptions{Cause: err, Details: []any{cur}})
	}
	return temporal.NewApplicationErrorWithOptions(appErr.Message(), appErr.Type(), temporal.ApplicationErrorOptions{
		NonRetryable:   appErr.NonRetryable(),
		Cause:          appErr.Unwrap(),
		Details:        []any{cur},
		NextRetryDelay: appErr.NextRetryDelay(),
		Category:       appErr.Category(),
	})
}

// errNoContributorRole: every contributor is created with the Contributor custom role,
// so without it nothing can proceed until an admin restores it.
func errNoContributorRole(subdomain string) error {
	return temporal.NewNonRetryableApplicationError(fmt.Sprintf(
		"Zendesk account %s has no Contributor custom role (it was deleted, or never existed); "+
			"an admin must create it again in Admin Center > People > Team > Roles with the contributor role type "+
			"(API: POST /api/v2/custom_roles with role_type 3), then retry the migration", subdomain),
		contract.ErrTypeZendeskClient, nil)
}

// errRowRefused: Zendesk refused to create one Sell user for a reason other than an
// existing email (an address it finds malformed, a blank name…); the same row would be
// refused again, so a person must fix the user in Sell first.
func errRowRefused(subdomain string, c candidate, r platform.JobResult) error {
	return temporal.NewNonRetryableApplicationError(fmt.Sprintf(
		"Zendesk account %s refused to create Sell user %d (%s) as a contributor: %s %s; "+
			"correct the user in Sell (Settings > Users) or in Zendesk, then retry the migration",
		subdomain, c.user.ID, c.user.Email, r.Error, r.Details),
		contract.ErrTypeZendeskClient, nil)
}

// createManyError classifies a refused create_many. The 403 "Data imports are not
// enabled" is errBulkImportsOff, on which the conversion goes on one user at a time; any
// other 403 means the acting user may not create users, which a person must fix.
func createManyError(subdomain string, n int, err error) error {
	if platform.IsBulkImportsDisabled(err) {
		return fmt.Errorf("zendesk account %s refused to create %d contributors in bulk: %w (%w)", subdomain, n, errBulkImportsOff, err)
	}
	if ae, ok := platform.AsAPIError(err); ok && ae.StatusCode == http.StatusForbidden {
		return temporal.NewNonRetryableApplicationError(fmt.Sprintf(
			"Zendesk account %s refused to create %d contributors (%s); the acting user must be an admin of the "+
				"account (Admin Center > People > Team members); fix that, then retry the migration", subdomain, n, ae.Error()),
			contract.ErrTypeZendeskClient, err)
	}
	return classify(fmt.Sprintf("create %d contributors in Zendesk account %s", n, subdomain), err)
}

// CursorFromError returns the contributor cursor an error from ConvertContributors
// carries, as the workflow receives it: it looks through *temporal.ActivityError (and
// any other wrapping) into
//   - *temporal.ApplicationError: Details (a failed attempt),
//   - *temporal.CanceledError: Details (the workflow cancelled the activity),
//   - *temporal.TimeoutError: LastHeartbeatDetails (an attempt timed out).
//
// When several are present (a timeout whose cause is an earlier attempt's failure), the
// one furthest along wins. It reports false when no cursor is found.
func CursorFromError(err error) (contract.ContributorCursor, bool) {
	var best contract.ContributorCursor
	found := false
	consider := func(get func(...any) error) {
		var c contract.ContributorCursor
		if get(&c) != nil || c.NextPage < 1 {
			return
		}
		if !found || further(c, best) {
			best, found = c, true
		}
	}
	// Bounded walk down the cause chain; Temporal's errors unwrap to their cause.
	for e, depth := err, 0; e != nil && depth < 32; e, depth = errors.Unwrap(e), depth+1 {
		switch t := e.(type) {
		case *temporal.ApplicationError:
			if t.HasDetails() {
				consider(t.Details)
			}
		case *temporal.CanceledError:
			if t.HasDetails() {
				consider(t.Details)
			}
		case *temporal.TimeoutError:
			if t.HasLastHeartbeatDetails() {
				consider(t.LastHeartbeatDetails)
			}
		}
	}
	return best, found
}

// further reports whether cursor a is further along than b. A conversion's cursor only
// moves forward, a page and its tallies at a time.
func further(a, b contract.ContributorCursor) bool {
	if a.NextPage != b.NextPage {
		return a.NextPage > b.NextPage
	}
	// Within a page done one by one, SellUsers grows with every user.
	return a.SellUsers > b.SellUsers
}
