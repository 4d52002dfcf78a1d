package sim

import (
	"context"
	"database/sql"
	"encoding/json"
	"errors"
	"fmt"
	"strings"
)

// fieldProblem is a validation failure of one field, reported as RecordInvalid details
// (single-user calls) or as a Failed job row (bulk calls).
type fieldProblem struct {
	Field, Code, Description string
}

func (p *fieldProblem) body() any { return supportInvalidBody(p.Field, p.Code, p.Description) }

// resolveRole turns a role and optional custom role into the stored custom_role_id and
// role_type: admins are role_type 4, end-users have neither, and an agent takes the
// role_type of its custom role (3 for Contributor).
func resolveRole(ctx context.Context, q queryer, accountID int64, role string, customRoleID *int64) (sql.NullInt64, sql.NullInt64, *fieldProblem, error) {
	var none sql.NullInt64
	switch role {
	case roleAdmin:
		return none, sql.NullInt64{Int64: roleTypeAdmin, Valid: true}, nil, nil
	case roleEndUser:
		return none, none, nil, nil
	case roleAgent:
		if customRoleID == nil {
			return none, none, nil, nil
		}
		cr, err := customRoleByID(ctx, q, accountID, *customRoleID)
		if errors.Is(err, errNotFound) {
			return none, none, &fieldProblem{"custom_role_id", "InvalidValue",
				fmt.Sprintf("Custom role %d does not exist in this account", *customRoleID)}, nil
		}
		if err != nil {
			return none, none, nil, err
		}
		return sql.NullInt64{Int64: cr.ID, Valid: true}, sql.NullInt64{Int64: int64(cr.RoleType), Valid: true}, nil, nil
	default:
		return none, none, &fieldProblem{"role", "InvalidValue",
			fmt.Sprintf("Role %q is not one of end-user, agent, admin", role)}, nil
	}
}

func isContributor(u supportUser) bool {
	return u.Role == roleAgent && u.RoleType.Valid && u.RoleType.Int64 == roleTypeContributor
}

// userPatch is a parsed {"user":{...}} update; nil means the field was absent.
type userPatch struct {
	Name, Email, Role   *string
	Verified, Suspended *bool
	setCustomRole       bool
	CustomRoleID        *int64 // with setCustomRole, nil clears it
	setExternalID       bool
	ExternalID          *string // with setExternalID, nil or "" clears it
}

// parseUserPatch reads the updatable fields; others (id, url, timestamps…) are ignored
// as Zendesk ignores read-only fields.
func parseUserPatch(raw map[string]json.RawMessage) (userPatch, *fieldProblem) {
	var p userPatch
	field := func(name string, dst any) *fieldProblem {
		v, ok := raw[name]
		if !ok {
			return nil
		}
		if err := json.Unmarshal(v, dst); err != nil {
			return &fieldProblem{name, "InvalidValue", fmt.Sprintf("%s has the wrong type: %v", name, err)}
		}
		return nil
	}
	for name, dst := range map[string]any{"name": &p.Name, "email": &p.Email, "role": &p.Role,
		"verified": &p.Verified, "suspended": &p.Suspended} {
		if prob := field(name, dst); prob != nil {
			return p, prob
		}
	}
	if _, ok := raw["custom_role_id"]; ok {
		p.setCustomRole = true
		if prob := field("custom_role_id", &p.CustomRoleID); prob != nil {
			return p, prob
		}
	}
	if _, ok := raw["external_id"]; ok {
		p.setExternalID = true
		if prob := field("external_id", &p.ExternalID); prob != nil {
			return p, prob
		}
	}
	return p, nil
}

// applyUserPatch validates and stores an update of one user. It returns the updated
// user, or a problem and no change. A user who becomes a contributor is recorded in
// the ledger as converted.
func (s *Sim) applyUserPatch(ctx context.Context, q queryer, acct supportAccount, u supportUser, p userPatch) (supportUser, *fieldProblem, error) {
	before := u
	if p.Name != nil {
		if strings.TrimSpace(*p.Name) == "" {
			return u, &fieldProblem{"name", "BlankValue", "Name cannot be blank"}, nil
		}
		u.Name = strings.TrimSpace(*p.Name)
	}
	if p.Email != nil {
		email := normalizeEmail(*p.Email)
		if !validEmail(email) {
			return u, &fieldProblem{"email", "InvalidValue", "Email " + email + " is not properly formatted"}, nil
		}
		other, err := userByEmail(ctx, q, acct.ID, email)
		if err == nil && other.ID != u.ID {
			return u, &fieldProblem{"email", "DuplicateValue", "Email " + email + " is already being used by another user"}, nil
		}
		if err != nil && !errors.Is(err, errNotFound) {
			return u, nil, err
		}
		u.Email = email
	}
	if p.setExternalID {
		externalID := externalIDValue(p.ExternalID)
		prob, err := externalIDProblem(ctx, q, acct.ID, externalID, u.ID)
		if prob != nil || err != nil {
			return before, prob, err
		}
		u.ExternalID = externalID
	}
	if p.Role != nil {
		u.Role = *p.Role
	}
	var customID *int64
	if u.CustomRoleID.Valid {
		customID = &u.CustomRoleID.Int64
	}
	if p.setCustomRole {
		customID = p.CustomRoleID
	}
	crID, roleType, prob, err := resolveRole(ctx, q, acct.ID, u.Role, customID)
	if prob != nil || err != nil {
		return before, prob, err
	}
	u.CustomRoleID, u.RoleType = crID, roleType
	if p.Verified != nil {
		u.Verified = *p.Verified
	}
	if p.Suspended != nil {
		if *p.Suspended && u.ID == acct.OwnerID {
			return before, &fieldProblem{"suspended", "InvalidValue", "The account owner cannot be suspended"}, nil
		}
		u.Suspended = *p.Suspended
	}
	if u.ID == acct.OwnerID && u.Role != roleAdmin {
		return before, &fieldProblem{"role", "InvalidValue", "The account owner must remain an admin"}, nil
	}
	now := s.nowString()
	u.UpdatedAt = now
	if err := updateUser(ctx, q, u); err != nil {
		return before, nil, err
	}
	if !isContributor(before) && isContributor(u) {
		if err := appendLedger(ctx, q, LedgerUserConverted, acct.Subdomain+"/"+u.Email,
			"updated from "+before.Role+" to contributor", now); err != nil {
			return before, nil, err
		}
	}
	return u, nil, nil
}
