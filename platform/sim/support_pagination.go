package sim

import (
	"context"
	"encoding/base64"
	"fmt"
	"net/http"
	"net/url"
	"slices"
	"strconv"
	"strings"
)

// Zendesk's page size limits: cursor page[size] at most 100 (more is an error);
// offset per_page defaults to 100 and is capped at 100.
const (
	maxPageSize     = 100
	defaultPageSize = 100
)

// userFilter is a WHERE clause over the users of one account.
type userFilter struct {
	conds []string
	args  []any
}

func newUserFilter(accountID int64) *userFilter {
	return &userFilter{conds: []string{"account_id = ?"}, args: []any{accountID}}
}

func (f *userFilter) add(cond string, args ...any) {
	f.conds = append(f.conds, cond)
	f.args = append(f.args, args...)
}

func (f *userFilter) where() string { return strings.Join(f.conds, " AND ") }

// usesCursor reports whether a request asks for cursor pagination (Zendesk switches
// style on the presence of page[size], page[after] or page[before]).
func usesCursor(q url.Values) bool {
	return q.Has("page[size]") || q.Has("page[after]") || q.Has("page[before]")
}

func encodeCursor(id int64) string {
	return base64.RawURLEncoding.EncodeToString([]byte("id:" + strconv.FormatInt(id, 10)))
}

func decodeCursor(c string) (int64, bool) {
	raw, err := base64.RawURLEncoding.DecodeString(c)
	if err != nil {
		return 0, false
	}
	idText, ok := strings.CutPrefix(string(raw), "id:")
	if !ok {
		return 0, false
	}
	id, err := strconv.ParseInt(idText, 10, 64)
	return id, err == nil
}

// pageLink is the request's own URL (filters kept) with the page parameters replaced.
func pageLink(base string, q url.Values, set map[string]string, drop ...string) string {
	v := url.Values{}
	for k, vals := range q {
		v[k] = slices.Clone(vals)
	}
	for _, k := range drop {
		v.Del(k)
	}
	for k, val := range set {
		v.Set(k, val)
	}
	return base + "?" + v.Encode()
}

func (s *Sim) queryUsers(ctx context.Context, f *userFilter, extra string, args ...any) ([]supportUser, error) {
	rows, err := s.store.db.QueryContext(ctx, `SELECT `+userColumns+` FROM support_users WHERE `+f.where()+` `+extra,
		append(slices.Clone(f.args), args...)...)
	if err != nil {
		return nil, err
	}
	return scanUsers(rows)
}

// writeCursorPage answers one cursor page: {"users","meta":{has_more,after_cursor,
// before_cursor},"links":{next,prev}}. Users are ordered by id, so a walk with
// page[after] sees every user exactly once even while users are being added.
func (s *Sim) writeCursorPage(w http.ResponseWriter, r *http.Request, acct supportAccount, f *userFilter, linkBase string) {
	q := r.URL.Query()
	size := defaultPageSize
	if v := q.Get("page[size]"); v != "" {
		n, err := strconv.Atoi(v)
		switch {
		case err != nil || n < 1:
			supportBadRequest(w, "InvalidPaginationParameter", "page[size] must be a positive integer")
			return
		case n > maxPageSize:
			supportBadRequest(w, "InvalidPaginationParameter", fmt.Sprintf("page[size] is limited to %d", maxPageSize))
			return
		}
		size = n
	}
	after, before := q.Get("page[after]"), q.Get("page[before]")
	if after != "" && before != "" {
		supportBadRequest(w, "InvalidPaginationParameter", "page[after] and page[before] cannot be combined")
		return
	}
	order := "ORDER BY id ASC"
	for _, c := range []struct{ cursor, cond, order string }{{after, "id > ?", "ORDER BY id ASC"}, {before, "id < ?", "ORDER BY id DESC"}} {
		if c.cursor == "" {
			continue
		}
		id, ok := decodeCursor(c.cursor)
		if !ok {
			supportBadRequest(w, "InvalidPaginationParameter", "the page cursor is not one this API issued")
			return
		}
		f.add(c.cond, id)
		order = c.order
	}
	users, err := s.queryUsers(r.Context(), f, order+" LIMIT ?", size+1)
	if err != nil {
		s.internalError(w, r, err)
		return
	}
	hasMore := len(users) > size
	if hasMore {
		users = users[:size]
	}
	backwards := before != ""
	if backwards {
		slices.Reverse(users)
	}
	meta := map[string]any{"has_more": hasMore, "after_cursor": nil, "before_cursor": nil}
	links := map[string]any{"next": nil, "prev": nil}
	if len(users) > 0 {
		afterCursor, beforeCursor := encodeCursor(users[len(users)-1].ID), encodeCursor(users[0].ID)
		meta["after_cursor"], meta["before_cursor"] = afterCursor, beforeCursor
		sizeText := strconv.Itoa(size)
		if hasMore || backwards {
			links["next"] = pageLink(linkBase, q, map[string]string{"page[size]": sizeText, "page[after]": afterCursor}, "page[before]")
		}
		if backwards && hasMore || after != "" {
			links["prev"] = pageLink(linkBase, q, map[string]string{"page[size]": sizeText, "page[before]": beforeCursor}, "page[after]")
		}
	}
	writeJSON(w, http.StatusOK, map[string]any{"users": s.usersJSON(r, acct, users), "meta": meta, "links": links})
}

// writeOffsetPage answers one offset page: {"users","next_page","previous_page","count"}.
func (s *Sim) writeOffsetPage(w http.ResponseWriter, r *http.Request, acct supportAccount, f *userFilter, linkBase string) {
	q := r.URL.Query()
	page, perPage := 1, defaultPageSize
	if v := q.Get("page"); v != "" {
		n, err := strconv.Atoi(v)
		if err != nil || n < 1 {
			supportBadRequest(w, "InvalidPaginationParameter", "page must be a positive integer")
			return
		}
		page = n
	}
	if v := q.Get("per_page"); v != "" {
		n, err := strconv.Atoi(v)
		if err != nil || n < 1 {
			supportBadRequest(w, "InvalidPaginationParameter", "per_page must be a positive integer")
			return
		}
		perPage = min(n, maxPageSize)
	}
	var count int
	if err := s.store.db.QueryRowContext(r.Context(), `SELECT COUNT(*) FROM support_users WHERE `+f.where(), f.args...).
		Scan(&count); err != nil {
		s.internalError(w, r, err)
		return
	}
	users, err := s.queryUsers(r.Context(), f, "ORDER BY id ASC LIMIT ? OFFSET ?", perPage, (page-1)*perPage)
	if err != nil {
		s.internalError(w, r, err)
		return
	}
	var next, prev any
	perText := strconv.Itoa(perPage)
	if page*perPage < count {
		next = pageLink(linkBase, q, map[string]string{"page": strconv.Itoa(page + 1), "per_page": perText})
	}
	if page > 1 {
		prev = pageLink(linkBase, q, map[string]string{"page": strconv.Itoa(page - 1), "per_page": perText})
	}
	writeJSON(w, http.StatusOK, map[string]any{
		"users": s.usersJSON(r, acct, users), "next_page": next, "previous_page": prev, "count": count,
	})
}
