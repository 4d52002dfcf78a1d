// Package platform is the HTTP client for the Zendesk Support API and the Zendesk Sell
// API, in the shapes Zendesk documents. Calls that Zendesk does not publish (linking a
// Sell account to a subdomain, releasing an account, reading the account owner) are our
// assumptions and are documented on the methods that make them.
package platform

import "time"

// Credentials authenticate Support API calls as one user with an API token
// (Basic base64("{email}/token:{token}")), or with an OAuth bearer token.
type Credentials struct {
	Email       string
	APIToken    string
	BearerToken string
}

// SupportUser is a Zendesk Support user (GET /api/v2/users/{id}).
type SupportUser struct {
	ID           int64     `json:"id"`
	URL          string    `json:"url"`
	Name         string    `json:"name"`
	Email        string    `json:"email"`
	Role         string    `json:"role"` // end-user | agent | admin
	CustomRoleID *int64    `json:"custom_role_id"`
	RoleType     *int      `json:"role_type"`
	Active       bool      `json:"active"`
	Suspended    bool      `json:"suspended"`
	Verified     bool      `json:"verified"`
	CreatedAt    time.Time `json:"created_at"`
	UpdatedAt    time.Time `json:"updated_at"`
	// ExternalID is the id another system gave the user ("" when Zendesk has null).
	// Zendesk compares it without regard to case.
	ExternalID string `json:"external_id"`
}

// Zendesk user roles and the role_type of a contributor.
const (
	RoleEndUser = "end-user"
	RoleAgent   = "agent"
	RoleAdmin   = "admin"
	// RoleTypeContributor is role_type 3: an agent added as a contributor.
	RoleTypeContributor = 3
)

// IsContributor reports whether the user is an agent with the contributor role type.
func (u SupportUser) IsContributor() bool {
	return u.Role == RoleAgent && u.RoleType != nil && *u.RoleType == RoleTypeContributor
}

// NewSupportUser is one user to create (POST /api/v2/users/create_many).
type NewSupportUser struct {
	Name         string `json:"name"`
	Email        string `json:"email"`
	Role         string `json:"role"`
	CustomRoleID *int64 `json:"custom_role_id,omitempty"`
	Verified     bool   `json:"verified,omitempty"`
	// ExternalID, when set, lets the user be found again with ShowManyUsersByExternalIDs.
	ExternalID string `json:"external_id,omitempty"`
}

// CustomRole is a Support custom role (GET /api/v2/custom_roles).
type CustomRole struct {
	ID          int64  `json:"id"`
	Name        string `json:"name"`
	RoleType    int    `json:"role_type"`
	Description string `json:"description,omitempty"`
	// TeamMemberCount is how many users hold the role.
	TeamMemberCount int `json:"team_member_count"`
}

// NewCustomRole is POST /api/v2/custom_roles.
type NewCustomRole struct {
	Name        string `json:"name"`
	Description string `json:"description,omitempty"`
	RoleType    int    `json:"role_type"`
}

// JobStatus is a background job (GET /api/v2/job_statuses/{id}).
type JobStatus struct {
	ID       string      `json:"id"`
	URL      string      `json:"url"`
	Status   string      `json:"status"` // queued | working | completed | failed
	Progress int         `json:"progress"`
	Total    int         `json:"total"`
	Message  string      `json:"message,omitempty"`
	Results  []JobResult `json:"results"`
}

// JobResult is one row of a finished job.
type JobResult struct {
	ID      int64  `json:"id,omitempty"`
	Index   int    `json:"index"`
	Email   string `json:"email,omitempty"`
	Status  string `json:"status,omitempty"` // Created | Updated | Failed
	Error   string `json:"error,omitempty"`
	Details string `json:"details,omitempty"`
}

// SupportAccount is a Zendesk account as the (assumed) GET /api/v2/account returns it.
type SupportAccount struct {
	Name      string `json:"name"`
	Subdomain string `json:"subdomain"`
	URL       string `json:"url"`
	OwnerID   int64  `json:"owner_id"`
}

// NewAccount is POST /api/v2/accounts.
type NewAccount struct {
	Name       string
	Subdomain  string
	OwnerName  string
	OwnerEmail string
}

// SellAccount is GET /v2/accounts/self; Subdomain is empty while the account is legacy.
type SellAccount struct {
	ID        int64   `json:"id"`
	Name      string  `json:"name"`
	Subdomain *string `json:"subdomain"`
	Currency  string  `json:"currency,omitempty"`
	TimeZone  string  `json:"time_zone,omitempty"`
}

// Connected reports whether the Sell account is already linked to a Zendesk subdomain.
func (a SellAccount) Connected() bool { return a.Subdomain != nil && *a.Subdomain != "" }

// SellUser is one Sell user (GET /v2/users).
type SellUser struct {
	ID        int64  `json:"id"`
	Name      string `json:"name"`
	Email     string `json:"email"`
	Role      string `json:"role"`   // user | admin
	Status    string `json:"status"` // active | inactive
	Confirmed bool   `json:"confirmed"`
}

// SellUserPage is one page of GET /v2/users.
type SellUserPage struct {
	Users    []SellUser
	Count    int
	NextPage string // empty on the last page
}

// Link is the result of linking a Sell account to a Zendesk subdomain.
type Link struct {
	SellAccountID int64     `json:"sell_account_id"`
	Subdomain     string    `json:"subdomain"`
	LinkedAt      time.Time `json:"linked_at"`
}
