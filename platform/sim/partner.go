package sim

import (
	"net/http"
	"strings"
)

// partnerAuthed guards the partner calls (GET /api/v2/accounts/available, POST
// /api/v2/accounts), which act for no account's user: they need the partner credential,
// "Authorization: Bearer <Config.PartnerToken>". Zendesk's reseller API requires a
// partner credential whose exact form is not public to us; this is our assumption. A
// missing or wrong one is the same 401 as any refused Support credential.
func (s *Sim) partnerAuthed(h http.HandlerFunc) http.HandlerFunc {
	return func(w http.ResponseWriter, r *http.Request) {
		scheme, token, _ := strings.Cut(r.Header.Get("Authorization"), " ")
		if !strings.EqualFold(scheme, "bearer") || !tokenEqual(strings.TrimSpace(token), s.cfg.PartnerToken) {
			supportUnauthorized(w)
			return
		}
		h(w, r)
	}
}
