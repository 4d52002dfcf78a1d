package platform

import (
	"context"
	"net/http"
	"net/url"
)

// Support is the Support API of one Zendesk account, as one authenticated user.
type Support struct {
	ep        endpoint
	subdomain string
}

// Subdomain is the account this handle talks to.
func (s *Support) Subdomain() string { return s.subdomain }

// Me returns the authenticated user (GET /api/v2/users/me). It is how the owner's login
// is proven: the credentials work and name this user.
func (s *Support) Me(ctx context.Context) (SupportUser, error) {
	var out struct {
		User SupportUser `json:"user"`
	}
	err := s.ep.do(ctx, request{method: http.MethodGet, path: "/api/v2/users/me", out: &out})
	return out.User, err
}

// Account returns the account with its owner (GET /api/v2/account). Zendesk does not
// publish this endpoint; we assume it, as the simulator serves it.
func (s *Support) Account(ctx context.Context) (SupportAccount, error) {
	var out struct {
		Account SupportAccount `json:"account"`
	}
	err := s.ep.do(ctx, request{method: http.MethodGet, path: "/api/v2/account", out: &out})
	return out.Account, err
}

// Release gives up an account that is not linked to a Sell account
// (DELETE /api/v2/accounts/{subdomain}, our assumption; authenticated as the owner). It
// is how a cancelled migration undoes the account it created. An account already gone
// answers 404 and a linked one 409 AccountLinked; both come back as *APIError so the
// caller decides (IsStatus(err, 404) means there is nothing left to release).
func (s *Support) Release(ctx context.Context) error {
	return s.ep.do(ctx, request{method: http.MethodDelete, path: "/api/v2/accounts/" + url.PathEscape(s.subdomain)})
}

// RevokeCurrentToken revokes the OAuth access token these credentials carry
// (DELETE /api/v2/oauth/tokens/current), so it is refused from then on: call it when a
// migration no longer needs the owner's token. The token needs a write scope; a
// Support handle with only an API token gets a 404 *APIError (nothing to revoke).
func (s *Support) RevokeCurrentToken(ctx context.Context) error {
	return s.ep.do(ctx, request{method: http.MethodDelete, path: "/api/v2/oauth/tokens/current"})
}
