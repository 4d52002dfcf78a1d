package platform

import (
	"context"
	"fmt"
	"net/http"
	"strings"
)

// CreateUser creates one user (POST /api/v2/users) and returns it. Unlike
// CreateManyUsers it is not a bulk import, so it works on accounts whose bulk imports
// are off, one request (and one unit of the rate limit) per user. An email the account
// already has is refused with a 422 that IsEmailTaken recognises; nothing is changed.
func (s *Support) CreateUser(ctx context.Context, u NewSupportUser) (SupportUser, error) {
	if strings.TrimSpace(u.Email) == "" {
		return SupportUser{}, fmt.Errorf("platform: CreateUser needs an email")
	}
	var out struct {
		User SupportUser `json:"user"`
	}
	err := s.ep.do(ctx, request{
		method: http.MethodPost,
		path:   "/api/v2/users",
		body:   map[string]any{"user": u},
		out:    &out,
	})
	return out.User, err
}

// IsEmailTaken reports whether err is Zendesk's answer to creating a user whose email
// the account already has: 422 RecordInvalid with details.email DuplicateValue
// ("Email: x is already being used by another user"). The user exists; look them up.
func IsEmailTaken(err error) bool {
	ae, ok := AsAPIError(err)
	return ok && ae.StatusCode == http.StatusUnprocessableEntity && ae.FieldCode("email") == "DuplicateValue"
}

// IsBulkImportsDisabled reports whether err is Zendesk's refusal of a bulk import on an
// account whose data imports are off: 403 "Data imports are not enabled". The account
// owner can ask Zendesk Customer Support to enable them; until then users can only be
// created one at a time (CreateUser).
func IsBulkImportsDisabled(err error) bool {
	ae, ok := AsAPIError(err)
	return ok && ae.StatusCode == http.StatusForbidden &&
		strings.Contains(strings.ToLower(ae.Message), "data imports are not enabled")
}
