package api

import "net/http"

// page tells a person why the staff sign-in cannot go on and what to do, on the owner
// login's page (oauthPage), with a way back to the dashboard.
func (st *staffSignIn) page(w http.ResponseWriter, r *http.Request, status int, title, reason, advice string) {
	st.s.writeOAuthPage(w, r, status, oauthPageData{Header: "staff sign-in", Title: title, Reason: reason, Advice: advice,
		Links: []pageLink{{Href: "/", Text: "Back to the dashboard"}}})
}
