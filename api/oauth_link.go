package api

import (
	"errors"
	"net/http"
	"time"

	"go.uber.org/zap"

	"github.com/sellmigrate/sellmigrate/starter"
)

// checkLink checks the owner-login link's signature and expiry before anything is
// read from Temporal: a link this service did not issue for this migration, or one
// that has expired, gets linkNotValidNow like a migration that does not exist. It
// returns when the link expires. A malformed migration ID gets the page saying so,
// which tells nothing about which migrations exist.
func (o *ownerLogin) checkLink(w http.ResponseWriter, r *http.Request, ref string) (time.Time, bool) {
	_, wf, err := starter.ParseRef(ref)
	var inputErr *starter.InputError
	if errors.As(err, &inputErr) {
		o.s.writeOAuthPage(w, r, http.StatusBadRequest, oauthPageData{Title: "Unknown migration", Reason: inputErr.Error()})
		return time.Time{}, false
	}
	var exp time.Time
	if err == nil {
		exp, err = o.s.opts.OAuth.Links.Verify(wf, r.URL.Query(), time.Now())
	}
	if err != nil {
		o.s.log.Info("owner login refused: "+err.Error(), zap.String("migration", ref), zap.String("requestId", requestID(r)))
		o.s.writeOAuthPage(w, r, linkNotValidNowStatus, linkNotValidNow)
		return time.Time{}, false
	}
	return exp, true
}

// migrationLinks are a page's way back: the migration in the dashboard and, when the
// login can be retried, a fresh start of it through a link expiring when the one the
// login started from does (so a retry never outlives the link that was sent).
func (o *ownerLogin) migrationLinks(workflowID string, linkExpires int64, retry bool) []pageLink {
	links := []pageLink{{Href: "/#/migrations/" + workflowID, Text: "Back to the migration"}}
	if retry && time.Now().Unix() < linkExpires {
		links = append(links, pageLink{Href: o.s.opts.OAuth.Links.LinkUntil("", workflowID, time.Unix(linkExpires, 0)), Text: "Log in again"})
	}
	return links
}
