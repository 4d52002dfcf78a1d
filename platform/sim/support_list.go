package sim

import (
	"fmt"
	"net/http"
	"net/url"
	"slices"
	"strings"
)

// roleFilter applies ?role=X and ?role[]=X&role[]=Y.
func roleFilter(f *userFilter, q url.Values) error {
	roles := slices.Concat(q["role"], q["role[]"])
	if len(roles) == 0 {
		return nil
	}
	for _, r := range roles {
		if r != roleEndUser && r != roleAgent && r != roleAdmin {
			return fmt.Errorf("role %q is not one of end-user, agent, admin", r)
		}
	}
	f.add("role IN (?"+strings.Repeat(",?", len(roles)-1)+")", toAny(roles)...)
	return nil
}

func toAny(ss []string) []any {
	out := make([]any, len(ss))
	for i, s := range ss {
		out[i] = s
	}
	return out
}

// handleListUsers serves GET /api/v2/users: cursor pagination when page[size] (or a
// cursor) is given, otherwise offset pagination, as Zendesk does.
func (s *Sim) handleListUsers(w http.ResponseWriter, r *http.Request, acct supportAccount, _ supportUser) {
	q := r.URL.Query()
	f := newUserFilter(acct.ID)
	if err := roleFilter(f, q); err != nil {
		supportBadRequest(w, "InvalidValue", err.Error())
		return
	}
	base := s.supportBase(r, acct.Subdomain) + "/api/v2/users.json"
	if usesCursor(q) {
		s.writeCursorPage(w, r, acct, f, base)
		return
	}
	s.writeOffsetPage(w, r, acct, f, base)
}

// handleSearchUsers serves GET /api/v2/users/search?query=... Terms: email:X (exact),
// name:X, role:X, and plain words matched against name and email. Results use offset
// pagination.
func (s *Sim) handleSearchUsers(w http.ResponseWriter, r *http.Request, acct supportAccount, _ supportUser) {
	q := r.URL.Query()
	f := newUserFilter(acct.ID)
	query := strings.TrimSpace(q.Get("query"))
	if query == "" {
		supportBadRequest(w, "InvalidValue", "query is required, e.g. query=email:someone@example.com")
		return
	}
	for _, term := range searchTerms(query) {
		key, val, hasKey := strings.Cut(term, ":")
		switch strings.ToLower(key) {
		case "email":
			if hasKey {
				f.add("email = ?", normalizeEmail(val))
				continue
			}
		case "name":
			if hasKey {
				f.add("name LIKE ? ESCAPE '\\'", "%"+likeEscape(val)+"%")
				continue
			}
		case "role":
			if hasKey {
				f.add("role = ?", strings.ToLower(val))
				continue
			}
		case "type":
			if hasKey && strings.EqualFold(val, "user") {
				continue
			}
		}
		pattern := "%" + likeEscape(term) + "%"
		f.add("(name LIKE ? ESCAPE '\\' OR email LIKE ? ESCAPE '\\')", pattern, pattern)
	}
	s.writeOffsetPage(w, r, acct, f, s.supportBase(r, acct.Subdomain)+"/api/v2/users/search.json")
}

// searchTerms splits a query on spaces, keeping "quoted phrases" (and key:"quoted") whole.
func searchTerms(q string) []string {
	var terms []string
	var cur strings.Builder
	quoted := false
	for _, r := range q {
		switch {
		case r == '"':
			quoted = !quoted
		case r == ' ' && !quoted:
			if cur.Len() > 0 {
				terms = append(terms, cur.String())
				cur.Reset()
			}
		default:
			cur.WriteRune(r)
		}
	}
	if cur.Len() > 0 {
		terms = append(terms, cur.String())
	}
	return terms
}

// likeEscape makes a search term literal inside a LIKE pattern.
func likeEscape(s string) string {
	return strings.NewReplacer(`\`, `\\`, `%`, `\%`, `_`, `\_`).Replace(s)
}
