package sim

import (
	"context"
	"net/http"
)

// oauthBearerUser authenticates an OAuth access token issued by this account: the user
// who signed in, if still active and unsuspended, for a request its scope allows.
func (s *Sim) oauthBearerUser(ctx context.Context, r *http.Request, acct supportAccount, token string) (supportUser, error) {
	if token == "" {
		return supportUser{}, errUnauthenticated
	}
	u, scope, err := tokenUser(ctx, s.store.db, acct.ID, token)
	if u, err = activeUser(u, err); err != nil {
		return supportUser{}, err
	}
	if !scopeAllows(scope, r.Method) {
		return supportUser{}, errScopeForbidden
	}
	return u, nil
}
