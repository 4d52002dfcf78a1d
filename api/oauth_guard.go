package api

import (
	"net/http"
	"strconv"

	"go.uber.org/zap"
)

// The owner-login page needs no token: anyone holding the link may open it. So it
// tells an unauthenticated caller nothing about migrations: every migration that is
// not waiting for its owner's login, and every ID that names no migration, gets the
// same page (linkNotValidNow), and server-side failures show only a request ID. It
// also costs Temporal calls, so each client IP may open it only so often.

// linkNotValidNow is the one page for an owner-login link that cannot be used now,
// whatever the reason; the reason goes to the log.
var linkNotValidNow = oauthPageData{
	Title:  "This sign-in link is not valid now",
	Reason: "This sign-in link is not valid now; ask the person who sent it for a new one.",
}

// linkNotValidNowStatus is the status of that page, the same for every reason.
const linkNotValidNowStatus = http.StatusNotFound

// ownerLoginLimiter bounds visits to the owner-login page per client IP.
func ownerLoginLimiter(perMinute int) *keyedLimiter {
	if perMinute <= 0 {
		perMinute = DefaultOwnerLoginPerMinute
	}
	// A minute's allowance may come at once: an owner retrying a few times is fine.
	return newKeyedLimiter(float64(perMinute)/60, perMinute)
}

// admitVisit takes one of the caller's visits, or answers 429 with Retry-After.
func (o *ownerLogin) admitVisit(w http.ResponseWriter, r *http.Request) bool {
	ok, wait := o.visits.allow(clientIP(r))
	if ok {
		return true
	}
	secs := retryAfterSeconds(wait)
	w.Header().Set("Retry-After", strconv.Itoa(secs))
	o.s.writeOAuthPage(w, r, http.StatusTooManyRequests, oauthPageData{
		Title:  "Too many sign-in attempts",
		Reason: "Sign-in links were opened too often from your network.",
		Advice: "Wait " + strconv.Itoa(secs) + " seconds, then open the link again.",
	})
	return false
}

// serverFailurePage logs what went wrong under the request's ID and shows the person
// the page d (title, advice, links) with only that ID as the reason: the error's text
// may name hosts and internals.
func (o *ownerLogin) serverFailurePage(w http.ResponseWriter, r *http.Request, status int, d oauthPageData, err error, fields ...zap.Field) {
	id := responseRequestID(w, r)
	o.s.log.Error("owner login: "+d.Title, append(fields, zap.String("requestId", id), zap.Error(err))...)
	d.Reason = "Something went wrong on this server (request ID " + id + ")."
	d.Advice += " If it keeps failing, quote request ID " + id + " to an operator."
	o.s.writeOAuthPage(w, r, status, d)
}
