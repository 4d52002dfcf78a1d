package contract

// Role is what a caller of the API may do. Each role includes the ones before it:
// a viewer reads, ops also start, cancel and retry migrations, and an admin also
// sends the approvals a Sell admin gives.
type Role string

const (
	RoleViewer Role = "viewer"
	RoleOps    Role = "ops"
	RoleAdmin  Role = "admin"
)
