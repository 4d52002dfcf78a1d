// Package staffidp is the simulator's small OpenID Connect provider for `sellmigrate
// dev`: demo staff (a viewer, an operator and an admin) sign in to the dashboard with
// a plain form, and their role travels in an ID-token claim, as a company's identity
// provider would send it. It is built on github.com/zitadel/oidc/v3's op package and
// keeps everything in memory; it is a demo, never a production identity provider.
package staffidp

// DemoPassword is every demo staff user's password; dev prints it.
const DemoPassword = "demo-password"

// User is one person who may sign in.
type User struct {
	// ID is the subject (sub) of their ID tokens.
	ID, Email, Name string
	// Role is the value of the role claim; empty sends no role claim at all.
	Role     string
	Password string
}

// DemoUsers are the staff the README's walkthroughs use.
func DemoUsers() []User {
	return []User{
		{ID: "staff-viewer", Email: "viewer@example.test", Name: "Vera Viewer", Role: "viewer", Password: DemoPassword},
		{ID: "staff-ops", Email: "ops@example.test", Name: "Oscar Ops", Role: "ops", Password: DemoPassword},
		{ID: "staff-admin", Email: "admin@example.test", Name: "Ada Admin", Role: "admin", Password: DemoPassword},
	}
}
