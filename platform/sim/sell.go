package sim

import (
	"errors"
	"net/http"
	"strconv"
	"strings"
)

// sellAccountJSON is GET /v2/accounts/self's data; subdomain is null while legacy.
type sellAccountJSON struct {
	ID        int64   `json:"id"`
	Name      string  `json:"name"`
	Subdomain *string `json:"subdomain"`
	Currency  string  `json:"currency"`
	TimeZone  string  `json:"time_zone"`
}

func toSellAccountJSON(a sellAccount) sellAccountJSON {
	j := sellAccountJSON{ID: a.ID, Name: a.Name, Currency: a.Currency, TimeZone: a.TimeZone}
	if a.Subdomain.Valid {
		sub := a.Subdomain.String
		j.Subdomain = &sub
	}
	return j
}

// sellUserJSON is one Sell user's data.
type sellUserJSON struct {
	ID        int64  `json:"id"`
	Name      string `json:"name"`
	Email     string `json:"email"`
	Role      string `json:"role"`
	Status    string `json:"status"`
	Confirmed bool   `json:"confirmed"`
	CreatedAt string `json:"created_at"`
	UpdatedAt string `json:"updated_at"`
}

func toSellUserJSON(u sellUser) sellUserJSON {
	return sellUserJSON{ID: u.ID, Name: u.Name, Email: u.Email, Role: u.Role, Status: u.Status,
		Confirmed: u.Confirmed, CreatedAt: u.CreatedAt, UpdatedAt: u.UpdatedAt}
}

// sellEnvelope is Sell's {"data":...,"meta":{"type":...}} wrapper.
func sellEnvelope(kind string, data any) map[string]any {
	return map[string]any{"data": data, "meta": map[string]string{"type": kind}}
}

// handleSellAccount serves GET /v2/accounts/self.
func (s *Sim) handleSellAccount(w http.ResponseWriter, _ *http.Request, acct sellAccount) {
	writeJSON(w, http.StatusOK, sellEnvelope("account", toSellAccountJSON(acct)))
}

// Sell's per_page default and maximum.
const (
	sellDefaultPerPage = 25
	sellMaxPerPage     = 100
)

// handleSellUsers serves GET /v2/users?page=&per_page=&role=&status=&email=. meta.count
// is the number of items on this page and links.next_page is absent on the last page,
// as on Sell.
func (s *Sim) handleSellUsers(w http.ResponseWriter, r *http.Request, acct sellAccount) {
	q := r.URL.Query()
	page, perPage := 1, sellDefaultPerPage
	if v := q.Get("page"); v != "" {
		n, err := strconv.Atoi(v)
		if err != nil || n < 1 {
			sellInvalid(w, "invalid", "page must be a positive integer", "page")
			return
		}
		page = n
	}
	if v := q.Get("per_page"); v != "" {
		n, err := strconv.Atoi(v)
		if err != nil || n < 1 || n > sellMaxPerPage {
			sellInvalid(w, "invalid", "per_page must be between 1 and "+strconv.Itoa(sellMaxPerPage), "per_page")
			return
		}
		perPage = n
	}
	if q.Get("role") == "" && q.Get("status") == "" && q.Get("email") == "" {
		s.sellPages.served(acct.ID, page)
	}
	conds, args := []string{"account_id = ?"}, []any{acct.ID}
	for _, f := range []struct{ param, column string }{{"role", "role"}, {"status", "status"}, {"email", "email"}} {
		if v := strings.TrimSpace(q.Get(f.param)); v != "" {
			conds = append(conds, f.column+" = ?")
			args = append(args, strings.ToLower(v))
		}
	}
	rows, err := s.store.db.QueryContext(r.Context(), `SELECT `+sellUserColumns+` FROM sell_users WHERE `+
		strings.Join(conds, " AND ")+` ORDER BY id LIMIT ? OFFSET ?`, append(args, perPage+1, (page-1)*perPage)...)
	if err != nil {
		s.internalError(w, r, err)
		return
	}
	defer rows.Close()
	items := []map[string]any{}
	for rows.Next() {
		u, err := scanSellUser(rows)
		if err != nil {
			s.internalError(w, r, err)
			return
		}
		items = append(items, sellEnvelope("user", toSellUserJSON(u)))
	}
	if err := rows.Err(); err != nil {
		s.internalError(w, r, err)
		return
	}
	hasMore := len(items) > perPage
	if hasMore {
		items = items[:perPage]
	}
	base := s.baseURL(r) + "/sell/v2/users"
	perText := strconv.Itoa(perPage)
	links := map[string]string{
		"self":       pageLink(base, q, map[string]string{"page": strconv.Itoa(page), "per_page": perText}),
		"first_page": pageLink(base, q, map[string]string{"page": "1", "per_page": perText}),
	}
	if page > 1 {
		links["prev_page"] = pageLink(base, q, map[string]string{"page": strconv.Itoa(page - 1), "per_page": perText})
	}
	if hasMore {
		links["next_page"] = pageLink(base, q, map[string]string{"page": strconv.Itoa(page + 1), "per_page": perText})
	}
	writeJSON(w, http.StatusOK, map[string]any{
		"items": items,
		"meta":  map[string]any{"type": "collection", "count": len(items), "links": links},
	})
}

// handleSellUser serves GET /v2/users/{id}.
func (s *Sim) handleSellUser(w http.ResponseWriter, r *http.Request, acct sellAccount) {
	id, err := strconv.ParseInt(r.PathValue("id"), 10, 64)
	if err != nil {
		sellNotFound(w, "user "+r.PathValue("id"))
		return
	}
	s.writeSellUser(w, r, func() (sellUser, error) { return sellUserByID(r.Context(), s.store.db, acct.ID, id) })
}

// handleSellSelf serves GET /v2/users/self: the account's admin (the token's holder).
func (s *Sim) handleSellSelf(w http.ResponseWriter, r *http.Request, acct sellAccount) {
	s.writeSellUser(w, r, func() (sellUser, error) { return sellAdmin(r.Context(), s.store.db, acct.ID) })
}

func (s *Sim) writeSellUser(w http.ResponseWriter, r *http.Request, find func() (sellUser, error)) {
	u, err := find()
	if errors.Is(err, errNotFound) {
		sellNotFound(w, "user")
		return
	}
	if err != nil {
		s.internalError(w, r, err)
		return
	}
	writeJSON(w, http.StatusOK, sellEnvelope("user", toSellUserJSON(u)))
}
