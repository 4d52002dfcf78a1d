package platform

import (
	"context"
	"fmt"
	"net/http"
	"strconv"
	"strings"
)

// CreateCustomRole creates a custom agent role (POST /api/v2/custom_roles; admins, on
// Enterprise plans), for instance the Contributor role (RoleType 3) after someone
// deleted it.
func (s *Support) CreateCustomRole(ctx context.Context, r NewCustomRole) (CustomRole, error) {
	if strings.TrimSpace(r.Name) == "" {
		return CustomRole{}, fmt.Errorf("platform: a custom role needs a name")
	}
	var out struct {
		CustomRole CustomRole `json:"custom_role"`
	}
	err := s.ep.do(ctx, request{
		method: http.MethodPost,
		path:   "/api/v2/custom_roles",
		body:   map[string]NewCustomRole{"custom_role": r},
		out:    &out,
	})
	return out.CustomRole, err
}

// DeleteCustomRole deletes a custom role (DELETE /api/v2/custom_roles/{id}). Zendesk
// refuses while agents hold the role; that comes back as *APIError.
func (s *Support) DeleteCustomRole(ctx context.Context, id int64) error {
	if id <= 0 {
		return fmt.Errorf("platform: DeleteCustomRole needs a role id, got %d", id)
	}
	return s.ep.do(ctx, request{method: http.MethodDelete, path: "/api/v2/custom_roles/" + strconv.FormatInt(id, 10)})
}
