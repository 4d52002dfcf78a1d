package platform

import (
	"context"
	"fmt"
	"net/http"
	"net/url"
	"strconv"
	"strings"
)

// MaxPageSize is the most users Zendesk returns in one page, and the most
// create_many takes in one job.
const MaxPageSize = 100

// ListUsersOptions selects one page of GET /api/v2/users.
type ListUsersOptions struct {
	Roles    []string // end-user, agent, admin; empty lists every role
	PageSize int      // 1..100; 0 means 100
	After    string   // the previous page's AfterCursor; empty for the first page
}

// UserPage is one page of users under cursor pagination.
type UserPage struct {
	Users       []SupportUser
	AfterCursor string // pass as ListUsersOptions.After for the next page
	HasMore     bool
}

// SearchUserByEmail finds the account's user with this email
// (GET /api/v2/users/search?query=email:...), or returns nil, nil if there is none.
// Search also matches partially, so only an exact, case-insensitive email match counts.
func (s *Support) SearchUserByEmail(ctx context.Context, email string) (*SupportUser, error) {
	email = strings.TrimSpace(email)
	if email == "" {
		return nil, fmt.Errorf("platform: searching a Support user needs an email")
	}
	var out struct {
		Users []SupportUser `json:"users"`
	}
	err := s.ep.do(ctx, request{
		method: http.MethodGet,
		path:   "/api/v2/users/search",
		query:  url.Values{"query": {"email:" + email}},
		out:    &out,
	})
	if err != nil {
		return nil, err
	}
	for i := range out.Users {
		if strings.EqualFold(out.Users[i].Email, email) {
			return &out.Users[i], nil
		}
	}
	return nil, nil
}

// ListUsers returns one page of the account's users with cursor pagination
// (page[size], page[after]); walk on with AfterCursor while HasMore.
func (s *Support) ListUsers(ctx context.Context, o ListUsersOptions) (UserPage, error) {
	size := o.PageSize
	if size == 0 {
		size = MaxPageSize
	}
	if size < 1 || size > MaxPageSize {
		return UserPage{}, fmt.Errorf("platform: ListUsers PageSize %d must be between 1 and %d", o.PageSize, MaxPageSize)
	}
	q := url.Values{"page[size]": {strconv.Itoa(size)}}
	if o.After != "" {
		q.Set("page[after]", o.After)
	}
	// Zendesk takes one role as role=X and several as role[]=X&role[]=Y.
	switch len(o.Roles) {
	case 0:
	case 1:
		q.Set("role", o.Roles[0])
	default:
		q["role[]"] = o.Roles
	}
	var out struct {
		Users []SupportUser `json:"users"`
		Meta  struct {
			HasMore     bool   `json:"has_more"`
			AfterCursor string `json:"after_cursor"`
		} `json:"meta"`
	}
	err := s.ep.do(ctx, request{method: http.MethodGet, path: "/api/v2/users", query: q, out: &out})
	if err != nil {
		return UserPage{}, err
	}
	return UserPage{Users: out.Users, AfterCursor: out.Meta.AfterCursor, HasMore: out.Meta.HasMore}, nil
}

// CustomRoles lists the account's custom roles (GET /api/v2/custom_roles); the
// "Contributor" one is what Sell users are created with.
func (s *Support) CustomRoles(ctx context.Context) ([]CustomRole, error) {
	var out struct {
		CustomRoles []CustomRole `json:"custom_roles"`
	}
	err := s.ep.do(ctx, request{method: http.MethodGet, path: "/api/v2/custom_roles", out: &out})
	return out.CustomRoles, err
}

// CreateManyUsers starts a job creating up to 100 users (POST /api/v2/users/create_many);
// follow it with WaitJob. A user whose email the account already has is reported in the
// job results as Failed/EmailAlreadyTaken and left unchanged, which makes a retried
// batch harmless.
func (s *Support) CreateManyUsers(ctx context.Context, users []NewSupportUser) (JobStatus, error) {
	if len(users) == 0 || len(users) > MaxPageSize {
		return JobStatus{}, fmt.Errorf("platform: CreateManyUsers takes 1 to %d users per job, got %d; split the list into batches",
			MaxPageSize, len(users))
	}
	var out struct {
		JobStatus JobStatus `json:"job_status"`
	}
	err := s.ep.do(ctx, request{
		method: http.MethodPost,
		path:   "/api/v2/users/create_many",
		body:   map[string]any{"users": users},
		out:    &out,
	})
	return out.JobStatus, err
}
