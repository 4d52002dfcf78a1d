package sim

import (
	"context"
	"database/sql"
	"encoding/json"
	"errors"
	"fmt"
	"net/http"
	"strconv"
	"strings"
)

// userJSON is a Support user as Zendesk serves it.
type userJSON struct {
	ID           int64  `json:"id"`
	URL          string `json:"url"`
	Name         string `json:"name"`
	Email        string `json:"email"`
	Role         string `json:"role"`
	CustomRoleID *int64 `json:"custom_role_id"`
	RoleType     *int64 `json:"role_type"`
	Active       bool   `json:"active"`
	Suspended    bool   `json:"suspended"`
	Verified     bool   `json:"verified"`
	CreatedAt    string `json:"created_at"`
	UpdatedAt    string `json:"updated_at"`
	// ExternalID is null when the user has none, as on Zendesk.
	ExternalID *string `json:"external_id"`
}

func nullable(n sql.NullInt64) *int64 {
	if !n.Valid {
		return nil
	}
	v := n.Int64
	return &v
}

func (s *Sim) userJSON(r *http.Request, acct supportAccount, u supportUser) userJSON {
	var externalID *string
	if u.ExternalID.Valid {
		v := u.ExternalID.String
		externalID = &v
	}
	return userJSON{
		ID:   u.ID,
		URL:  fmt.Sprintf("%s/api/v2/users/%d.json", s.supportBase(r, acct.Subdomain), u.ID),
		Name: u.Name, Email: u.Email, Role: u.Role,
		CustomRoleID: nullable(u.CustomRoleID), RoleType: nullable(u.RoleType),
		Active: u.Active, Suspended: u.Suspended, Verified: u.Verified,
		CreatedAt: u.CreatedAt, UpdatedAt: u.UpdatedAt, ExternalID: externalID,
	}
}

func (s *Sim) usersJSON(r *http.Request, acct supportAccount, us []supportUser) []userJSON {
	out := make([]userJSON, 0, len(us))
	for _, u := range us {
		out = append(out, s.userJSON(r, acct, u))
	}
	return out
}

// handleMe serves GET /api/v2/users/me: the authenticated user.
func (s *Sim) handleMe(w http.ResponseWriter, r *http.Request, acct supportAccount, me supportUser) {
	writeJSON(w, http.StatusOK, map[string]userJSON{"user": s.userJSON(r, acct, me)})
}

// handleGetUser serves GET /api/v2/users/{id}.
func (s *Sim) handleGetUser(w http.ResponseWriter, r *http.Request, acct supportAccount, _ supportUser) {
	id, err := strconv.ParseInt(r.PathValue("id"), 10, 64)
	if err != nil {
		supportNotFound(w)
		return
	}
	u, err := userByID(r.Context(), s.store.db, acct.ID, id)
	if errors.Is(err, errNotFound) {
		supportNotFound(w)
		return
	}
	if err != nil {
		s.internalError(w, r, err)
		return
	}
	writeJSON(w, http.StatusOK, map[string]userJSON{"user": s.userJSON(r, acct, u)})
}

// handleUpdateUser serves PUT /api/v2/users/{id} with body {"user":{...}}.
func (s *Sim) handleUpdateUser(w http.ResponseWriter, r *http.Request, acct supportAccount, _ supportUser) {
	id, err := strconv.ParseInt(r.PathValue("id"), 10, 64)
	if err != nil {
		supportNotFound(w)
		return
	}
	var body struct {
		User map[string]json.RawMessage `json:"user"`
	}
	if err := json.NewDecoder(http.MaxBytesReader(w, r.Body, 1<<20)).Decode(&body); err != nil || body.User == nil {
		supportBadRequest(w, "InvalidJSON", `Request body must be {"user":{...}}`)
		return
	}
	patch, prob := parseUserPatch(body.User)
	if prob != nil {
		writeJSON(w, http.StatusUnprocessableEntity, prob.body())
		return
	}
	var resp storedResponse
	err = s.store.write(r.Context(), func(tx *sql.Tx) error {
		u, err := userByID(r.Context(), tx, acct.ID, id)
		if errors.Is(err, errNotFound) {
			resp = jsonResponse(http.StatusNotFound, supportErrorBody{Error: "RecordNotFound", Description: "Not found"})
			return nil
		}
		if err != nil {
			return err
		}
		updated, prob, err := s.applyUserPatch(r.Context(), tx, acct, u, patch)
		if err != nil {
			return err
		}
		if prob != nil {
			resp = jsonResponse(http.StatusUnprocessableEntity, prob.body())
			return nil
		}
		resp = jsonResponse(http.StatusOK, map[string]userJSON{"user": s.userJSON(r, acct, updated)})
		return nil
	})
	if err != nil {
		s.internalError(w, r, err)
		return
	}
	writeStored(w, resp, false)
}

// maxShowMany is how many ids show_many and update_many accept, as on Zendesk.
const maxShowMany = 100

// parseIDs reads a comma-separated id list such as ?ids=1,2,3.
func parseIDs(raw string) ([]int64, error) {
	var ids []int64
	for part := range strings.SplitSeq(raw, ",") {
		part = strings.TrimSpace(part)
		if part == "" {
			continue
		}
		id, err := strconv.ParseInt(part, 10, 64)
		if err != nil {
			return nil, fmt.Errorf("id %q is not a number", part)
		}
		ids = append(ids, id)
	}
	if len(ids) == 0 {
		return nil, errors.New("ids is empty; give a comma-separated list such as ids=1,2 (or external_ids=a,b)")
	}
	if len(ids) > maxShowMany {
		return nil, fmt.Errorf("%d ids given; at most %d are allowed", len(ids), maxShowMany)
	}
	return ids, nil
}

// handleShowMany serves GET /api/v2/users/show_many with either ?ids=1,2 or
// ?external_ids=a,b (up to 100 each); users not found are left out. Zendesk does not say
// how the two combine, so asking for both is refused (see the package doc).
func (s *Sim) handleShowMany(w http.ResponseWriter, r *http.Request, acct supportAccount, _ supportUser) {
	q := r.URL.Query()
	var users []supportUser
	switch {
	case q.Has("ids") && q.Has("external_ids"):
		supportBadRequest(w, "InvalidValue", "give either ids or external_ids, not both")
		return
	case q.Has("external_ids"):
		ids, err := parseExternalIDs(q.Get("external_ids"))
		if err != nil {
			supportBadRequest(w, "InvalidValue", err.Error())
			return
		}
		if users, err = s.usersByExternalIDs(r.Context(), acct.ID, ids); err != nil {
			s.internalError(w, r, err)
			return
		}
	default:
		ids, err := parseIDs(q.Get("ids"))
		if err != nil {
			supportBadRequest(w, "InvalidValue", err.Error())
			return
		}
		if users, err = s.usersByIDs(r.Context(), acct.ID, ids); err != nil {
			s.internalError(w, r, err)
			return
		}
	}
	writeJSON(w, http.StatusOK, map[string]any{
		"users": s.usersJSON(r, acct, users), "next_page": nil, "previous_page": nil, "count": len(users),
	})
}

// usersByIDs returns the account's users among ids, ordered by id.
func (s *Sim) usersByIDs(ctx context.Context, accountID int64, ids []int64) ([]supportUser, error) {
	args := []any{accountID}
	for _, id := range ids {
		args = append(args, id)
	}
	rows, err := s.store.db.QueryContext(ctx, `SELECT `+userColumns+` FROM support_users
		WHERE account_id = ? AND id IN (?`+strings.Repeat(",?", len(ids)-1)+`) ORDER BY id`, args...)
	if err != nil {
		return nil, err
	}
	return scanUsers(rows)
}
