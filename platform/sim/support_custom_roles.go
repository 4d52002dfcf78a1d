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

// Custom roles can be created and deleted as Zendesk documents
// (POST /api/v2/custom_roles, DELETE /api/v2/custom_roles/{id}), so a test can take
// the Contributor role away from an account and give it back, the way an admin could
// in Admin Center > People > Team > Roles.

// customRoleRequest is the body of POST /api/v2/custom_roles. Zendesk's role also has a
// configuration object of permissions; the simulator models none of them and ignores it.
type customRoleRequest struct {
	CustomRole *struct {
		Name        string `json:"name"`
		Description string `json:"description"`
		RoleType    *int   `json:"role_type"`
	} `json:"custom_role"`
}

// agentRoleTypes are the role types a custom agent role may have in the simulator:
// custom agent (0), light agent (1), chat agent (2) and contributor (3). Admin (4) and
// billing admin (5) are system roles, not custom ones.
const maxCustomRoleType = roleTypeContributor

// rolesNeedAdmin answers 403 unless the caller is an admin. Zendesk also lets agents
// with the manage_roles permission manage roles; the simulator has no such permission,
// so only admins may (stricter, never more lenient).
func rolesNeedAdmin(w http.ResponseWriter, me supportUser) bool {
	if me.Role == roleAdmin {
		return true
	}
	supportForbidden(w, "You do not have access to this page: only administrators may manage custom roles.")
	return false
}

// handleCreateCustomRole serves POST /api/v2/custom_roles → 200 {"custom_role":{...}},
// as in Zendesk's example response.
func (s *Sim) handleCreateCustomRole(w http.ResponseWriter, r *http.Request, acct supportAccount, me supportUser) {
	if !rolesNeedAdmin(w, me) {
		return
	}
	var body customRoleRequest
	if err := json.NewDecoder(http.MaxBytesReader(w, r.Body, 1<<20)).Decode(&body); err != nil || body.CustomRole == nil {
		supportBadRequest(w, "InvalidJSON", `Request body must be {"custom_role":{"name":...,"role_type":...}}`)
		return
	}
	name := strings.TrimSpace(body.CustomRole.Name)
	roleType := 0
	if body.CustomRole.RoleType != nil {
		roleType = *body.CustomRole.RoleType
	}
	switch {
	case name == "":
		supportInvalid(w, "name", "BlankValue", "Name cannot be blank")
		return
	case roleType < 0 || roleType > maxCustomRoleType:
		supportInvalid(w, "role_type", "InvalidValue",
			fmt.Sprintf("role_type %d is not a custom agent role type; use 0 (custom agent) to %d (contributor)", roleType, maxCustomRoleType))
		return
	}
	var resp storedResponse
	err := s.store.write(r.Context(), func(tx *sql.Tx) error {
		var taken int
		if err := tx.QueryRowContext(r.Context(), `SELECT COUNT(*) FROM custom_roles WHERE account_id = ? AND name = ? COLLATE NOCASE`,
			acct.ID, name).Scan(&taken); err != nil {
			return err
		}
		if taken > 0 {
			resp = jsonResponse(http.StatusUnprocessableEntity, supportInvalidBody("name", "DuplicateValue", "Name: "+name+" has already been taken"))
			return nil
		}
		now := s.nowString()
		res, err := tx.ExecContext(r.Context(), `INSERT INTO custom_roles (account_id, name, role_type, description, created_at)
			VALUES (?, ?, ?, ?, ?)`, acct.ID, name, roleType, body.CustomRole.Description, now)
		if err != nil {
			return fmt.Errorf("insert custom role %s: %w", name, err)
		}
		id, err := res.LastInsertId()
		if err != nil {
			return err
		}
		cr := customRole{ID: id, AccountID: acct.ID, Name: name, RoleType: roleType, Description: body.CustomRole.Description, CreatedAt: now}
		resp = jsonResponse(http.StatusOK, map[string]customRoleJSON{"custom_role": toCustomRoleJSON(cr, 0)})
		return nil
	})
	if err != nil {
		s.internalError(w, r, err)
		return
	}
	writeStored(w, resp, false)
}

// handleDeleteCustomRole serves DELETE /api/v2/custom_roles/{id} → 204. Zendesk lets a
// role be deleted only when no agent is assigned to it; the API's error for that is not
// published, so the simulator answers 422 RecordInvalid (see the package doc).
func (s *Sim) handleDeleteCustomRole(w http.ResponseWriter, r *http.Request, acct supportAccount, me supportUser) {
	if !rolesNeedAdmin(w, me) {
		return
	}
	id, err := strconv.ParseInt(r.PathValue("id"), 10, 64)
	if err != nil {
		supportNotFound(w)
		return
	}
	var resp storedResponse
	err = s.store.write(r.Context(), func(tx *sql.Tx) error {
		if _, err := customRoleByID(r.Context(), tx, acct.ID, id); errors.Is(err, errNotFound) {
			resp = jsonResponse(http.StatusNotFound, supportErrorBody{Error: "RecordNotFound", Description: "Not found"})
			return nil
		} else if err != nil {
			return err
		}
		members, err := roleMemberCount(r.Context(), tx, acct.ID, id)
		if err != nil {
			return err
		}
		if members > 0 {
			resp = jsonResponse(http.StatusUnprocessableEntity, supportInvalidBody("base", "InvalidValue",
				fmt.Sprintf("Role has %d team members; assign them another role before deleting it", members)))
			return nil
		}
		if _, err := tx.ExecContext(r.Context(), `DELETE FROM custom_roles WHERE account_id = ? AND id = ?`, acct.ID, id); err != nil {
			return fmt.Errorf("delete custom role %d: %w", id, err)
		}
		resp = storedResponse{Status: http.StatusNoContent}
		return nil
	})
	if err != nil {
		s.internalError(w, r, err)
		return
	}
	writeStored(w, resp, false)
}

// roleMemberCount is Zendesk's team_member_count: the users holding the role.
func roleMemberCount(ctx context.Context, q queryer, accountID, roleID int64) (int, error) {
	var n int
	err := q.QueryRowContext(ctx, `SELECT COUNT(*) FROM support_users WHERE account_id = ? AND custom_role_id = ?`,
		accountID, roleID).Scan(&n)
	if err != nil {
		return 0, fmt.Errorf("count members of custom role %d: %w", roleID, err)
	}
	return n, nil
}

func toCustomRoleJSON(cr customRole, members int) customRoleJSON {
	return customRoleJSON{ID: cr.ID, Name: cr.Name, Description: cr.Description, RoleType: cr.RoleType,
		TeamMemberCount: members, CreatedAt: cr.CreatedAt, UpdatedAt: cr.CreatedAt}
}
