package contract

import "fmt"

// Role is what a caller of the API may do. Each role includes the ones before it:
// a viewer reads, ops also start, cancel and retry migrations, and an admin also
// sends the approvals a Sell admin gives.
type Role string

const (
	RoleViewer Role = "viewer"
	RoleOps    Role = "ops"
	RoleAdmin  Role = "admin"
)

// Roles lists the roles, weakest first.
var Roles = []Role{RoleViewer, RoleOps, RoleAdmin}

// Rank orders roles: a higher rank includes every lower one; -1 for an unknown role.
func (r Role) Rank() int {
	for i, x := range Roles {
		if x == r {
			return i
		}
	}
	return -1
}

// Includes reports whether r may do what other may.
func (r Role) Includes(other Role) bool { return r.Rank() >= other.Rank() && other.Rank() >= 0 }

// ParseRole checks a role name.
func ParseRole(s string) (Role, error) {
	if r := Role(s); r.Rank() >= 0 {
		return r, nil
	}
	return "", fmt.Errorf("role %q is not known; use one of %s", s, joinNames(Roles))
}
