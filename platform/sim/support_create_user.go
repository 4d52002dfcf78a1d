package sim

import (
	"context"
	"database/sql"
	"encoding/json"
	"errors"
	"net/http"
	"strings"
)

// handleCreateUser serves POST /api/v2/users with {"user":{...}}: 201 with the user, or
// 422 RecordInvalid naming the field (an email already in use is
// details.email[0].error DuplicateValue, "Email: x is already being used by another
// user", as Zendesk answers). It is not a bulk import, so it works whatever the account's
// bulk imports setting, and it records the same ledger entry a create_many row does.
func (s *Sim) handleCreateUser(w http.ResponseWriter, r *http.Request, acct supportAccount, _ supportUser) {
	var body struct {
		User *newUserRequest `json:"user"`
	}
	if err := json.NewDecoder(http.MaxBytesReader(w, r.Body, 1<<16)).Decode(&body); err != nil || body.User == nil {
		msg := `Request body must be {"user":{...}}`
		if err != nil {
			msg += ": " + err.Error()
		}
		supportBadRequest(w, "InvalidJSON", msg)
		return
	}
	var resp storedResponse
	err := s.store.write(r.Context(), func(tx *sql.Tx) error {
		u, prob, err := s.newUser(r.Context(), tx, acct, *body.User)
		switch {
		case err != nil:
			return err
		case prob != nil:
			resp = jsonResponse(http.StatusUnprocessableEntity, prob.body())
		default:
			resp = jsonResponse(http.StatusCreated, map[string]userJSON{"user": s.userJSON(r, acct, u)})
		}
		return nil
	})
	if err != nil {
		s.internalError(w, r, err)
		return
	}
	writeStored(w, resp, false)
}

// newUser creates one user as POST /api/v2/users and each create_many row do, and
// records the conversion in the ledger. A refusal is a fieldProblem (the field, its
// error code and Zendesk's description), not an error; the account is left unchanged.
func (s *Sim) newUser(ctx context.Context, tx *sql.Tx, acct supportAccount, nu newUserRequest) (supportUser, *fieldProblem, error) {
	email := normalizeEmail(nu.Email)
	name := strings.TrimSpace(nu.Name)
	role := nu.Role
	if role == "" {
		role = roleEndUser
	}
	switch {
	case email == "":
		return supportUser{}, &fieldProblem{"email", "InvalidValue", "Email: cannot be blank"}, nil
	case !validEmail(email):
		return supportUser{}, &fieldProblem{"email", "InvalidValue", "Email: " + email + " is not properly formatted"}, nil
	case name == "":
		return supportUser{}, &fieldProblem{"name", "InvalidValue", "Name: cannot be blank"}, nil
	}
	if _, err := userByEmail(ctx, tx, acct.ID, email); err == nil {
		return supportUser{}, &fieldProblem{"email", "DuplicateValue", "Email: " + email + " is already being used by another user"}, nil
	} else if !errors.Is(err, errNotFound) {
		return supportUser{}, nil, err
	}
	externalID := externalIDValue(nu.ExternalID)
	if prob, err := externalIDProblem(ctx, tx, acct.ID, externalID, 0); err != nil || prob != nil {
		return supportUser{}, prob, err
	}
	crID, roleType, prob, err := resolveRole(ctx, tx, acct.ID, role, nu.CustomRoleID)
	if err != nil || prob != nil {
		return supportUser{}, prob, err
	}
	now := s.nowString()
	u := supportUser{AccountID: acct.ID, Name: name, Email: email, Role: role, CustomRoleID: crID, RoleType: roleType,
		Active: true, Verified: nu.Verified, CreatedAt: now, UpdatedAt: now, ExternalID: externalID}
	id, err := insertUser(ctx, tx, u)
	if err != nil {
		return supportUser{}, nil, err
	}
	u.ID = id
	detail := "created as " + role
	if isContributor(u) {
		detail = "created as contributor"
	}
	if err := appendLedger(ctx, tx, LedgerUserConverted, acct.Subdomain+"/"+email, detail, now); err != nil {
		return supportUser{}, nil, err
	}
	return u, nil, nil
}
