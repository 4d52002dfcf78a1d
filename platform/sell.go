package platform

import (
	"context"
	"fmt"
	"net/http"
	"net/url"
	"strconv"
	"strings"
)

// Sell is the Sell API as the account its token belongs to.
type Sell struct {
	ep endpoint
}

// sellEnvelope is Sell's {"data":...,"meta":{"type":...}} wrapper.
type sellEnvelope[T any] struct {
	Data T `json:"data"`
}

// Account returns the token's Sell account (GET /v2/accounts/self); its Subdomain is
// nil while the account is legacy, i.e. not yet connected to Zendesk.
func (s *Sell) Account(ctx context.Context) (SellAccount, error) {
	var out sellEnvelope[SellAccount]
	err := s.ep.do(ctx, request{method: http.MethodGet, path: "/v2/accounts/self", out: &out})
	return out.Data, err
}

// UserByEmail finds the account's Sell user with this email (GET /v2/users?email=),
// active or not, or returns nil, nil. An active user holds a Sell license.
func (s *Sell) UserByEmail(ctx context.Context, email string) (*SellUser, error) {
	email = strings.TrimSpace(email)
	if email == "" {
		return nil, fmt.Errorf("platform: looking up a Sell user needs an email")
	}
	users, err := s.users(ctx, url.Values{"email": {email}, "page": {"1"}, "per_page": {strconv.Itoa(MaxPageSize)}})
	if err != nil {
		return nil, err
	}
	for i := range users.Users {
		if strings.EqualFold(users.Users[i].Email, email) {
			return &users.Users[i], nil
		}
	}
	return nil, nil
}

// Users returns one page of the account's users (GET /v2/users). page counts from 1
// (0 means 1); perPage is 1..100 (0 means 100). Walk on with page+1 while NextPage is
// not empty.
func (s *Sell) Users(ctx context.Context, page, perPage int) (SellUserPage, error) {
	if page == 0 {
		page = 1
	}
	if perPage == 0 {
		perPage = MaxPageSize
	}
	if page < 1 || perPage < 1 || perPage > MaxPageSize {
		return SellUserPage{}, fmt.Errorf("platform: Sell Users page %d, perPage %d: page counts from 1 and perPage must be between 1 and %d",
			page, perPage, MaxPageSize)
	}
	return s.users(ctx, url.Values{"page": {strconv.Itoa(page)}, "per_page": {strconv.Itoa(perPage)}})
}

func (s *Sell) users(ctx context.Context, q url.Values) (SellUserPage, error) {
	var out struct {
		Items []sellEnvelope[SellUser] `json:"items"`
		Meta  struct {
			Count int `json:"count"`
			Links struct {
				NextPage string `json:"next_page"`
			} `json:"links"`
		} `json:"meta"`
	}
	if err := s.ep.do(ctx, request{method: http.MethodGet, path: "/v2/users", query: q, out: &out}); err != nil {
		return SellUserPage{}, err
	}
	page := SellUserPage{Users: make([]SellUser, 0, len(out.Items)), Count: out.Meta.Count, NextPage: out.Meta.Links.NextPage}
	for _, it := range out.Items {
		page.Users = append(page.Users, it.Data)
	}
	return page, nil
}

// Link connects the token's Sell account to the Zendesk account at subdomain
// (POST /v2/accounts/self/zendesk_link). Zendesk does not publish this call; it is our
// assumption, served by the simulator. Linking again to the same subdomain returns the
// existing link; with a non-empty idempotencyKey a repeated call replays the first
// answer. Another subdomain already linked is a 422 with Code "already_linked"; a
// subdomain with no Zendesk account a 422 "unknown_subdomain".
func (s *Sell) Link(ctx context.Context, subdomain, idempotencyKey string) (Link, error) {
	if subdomain == "" {
		return Link{}, fmt.Errorf("platform: linking a Sell account needs a subdomain")
	}
	body := sellEnvelope[map[string]string]{Data: map[string]string{"subdomain": subdomain}}
	var out sellEnvelope[Link]
	err := s.ep.do(ctx, request{
		method:         http.MethodPost,
		path:           "/v2/accounts/self/zendesk_link",
		body:           body,
		idempotencyKey: idempotencyKey,
		out:            &out,
	})
	return out.Data, err
}
