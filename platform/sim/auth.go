package sim

import (
	"context"
	"crypto/subtle"
	"encoding/base64"
	"errors"
	"net/http"
	"strconv"
	"strings"
)

// supportHandler is a Support endpoint that runs for an authenticated user of an account.
type supportHandler func(w http.ResponseWriter, r *http.Request, acct supportAccount, me supportUser)

// supportAuthed resolves the subdomain (404 if no such account) and then the caller
// (401 unless the credentials name an active user of THAT account).
func (s *Sim) supportAuthed(h supportHandler) http.HandlerFunc {
	return func(w http.ResponseWriter, r *http.Request) {
		acct, ok := s.supportAccountFor(w, r, r.PathValue("sub"))
		if !ok {
			return
		}
		me, err := s.authenticateSupport(r.Context(), r, acct)
		if errors.Is(err, errUnauthenticated) {
			supportUnauthorized(w)
			return
		}
		if errors.Is(err, errScopeForbidden) {
			supportForbidden(w, "You do not have access to this page: the OAuth token's scope does not allow this request.")
			return
		}
		if err != nil {
			s.internalError(w, r, err)
			return
		}
		h(w, r, acct, me)
	}
}

var (
	errUnauthenticated = errors.New("unauthenticated")
	errScopeForbidden  = errors.New("OAuth scope does not allow the request")
)

// authenticateSupport accepts Zendesk's API-token Basic auth, "{email}/token:{token}",
// with a token of THIS account (api_tokens.go) for any active, unsuspended user of it,
// and a Bearer access token from the OAuth flow (or account creation), issued by this
// account, as its user within its scope.
func (s *Sim) authenticateSupport(ctx context.Context, r *http.Request, acct supportAccount) (supportUser, error) {
	scheme, cred, ok := strings.Cut(r.Header.Get("Authorization"), " ")
	if !ok {
		return supportUser{}, errUnauthenticated
	}
	switch strings.ToLower(scheme) {
	case "basic":
		raw, decErr := base64.StdEncoding.DecodeString(strings.TrimSpace(cred))
		if decErr != nil {
			return supportUser{}, errUnauthenticated
		}
		login, token, ok := strings.Cut(string(raw), ":")
		email, isToken := strings.CutSuffix(login, "/token")
		if !ok || !isToken {
			return supportUser{}, errUnauthenticated
		}
		valid, err := apiTokenValid(ctx, s.store.db, acct.ID, token)
		if err != nil {
			return supportUser{}, err
		}
		if !valid {
			return supportUser{}, errUnauthenticated
		}
		return activeUser(userByEmail(ctx, s.store.db, acct.ID, email))
	case "bearer":
		return s.oauthBearerUser(ctx, r, acct, strings.TrimSpace(cred))
	default:
		return supportUser{}, errUnauthenticated
	}
}

// activeUser turns a user lookup into an authentication result: a missing, inactive or
// suspended user is errUnauthenticated; any other lookup error is passed on.
func activeUser(u supportUser, err error) (supportUser, error) {
	if errors.Is(err, errNotFound) {
		return supportUser{}, errUnauthenticated
	}
	if err != nil {
		return supportUser{}, err
	}
	if !u.Active || u.Suspended {
		return supportUser{}, errUnauthenticated
	}
	return u, nil
}

// supportAccountFor looks up the Support account of a subdomain for a Support API
// request; when there is none (404) or the lookup fails (500) it has answered and
// reports false.
func (s *Sim) supportAccountFor(w http.ResponseWriter, r *http.Request, subdomain string) (supportAccount, bool) {
	acct, err := accountBySubdomain(r.Context(), s.store.db, subdomain)
	if errors.Is(err, errNotFound) {
		supportNotFound(w)
		return acct, false
	}
	if err != nil {
		s.internalError(w, r, err)
		return acct, false
	}
	return acct, true
}

// tokenEqual compares secrets in constant time.
func tokenEqual(got, want string) bool {
	return subtle.ConstantTimeCompare([]byte(got), []byte(want)) == 1
}

// sellHandler is a Sell endpoint that runs for the account its bearer token names.
type sellHandler func(w http.ResponseWriter, r *http.Request, acct sellAccount)

// sellAuthed accepts "Authorization: Bearer <token>" where the token is
// Config.SellTokenTemplate with an existing account's ID (sell-demo-<accountID> by
// default).
func (s *Sim) sellAuthed(h sellHandler) http.HandlerFunc {
	prefix, suffix, _ := strings.Cut(s.cfg.SellTokenTemplate, accountIDPlaceholder)
	return func(w http.ResponseWriter, r *http.Request) {
		scheme, token, _ := strings.Cut(r.Header.Get("Authorization"), " ")
		idText, hasPrefix := strings.CutPrefix(strings.TrimSpace(token), prefix)
		idText, hasSuffix := strings.CutSuffix(idText, suffix)
		id, parseErr := strconv.ParseInt(idText, 10, 64)
		if !strings.EqualFold(scheme, "bearer") || !hasPrefix || !hasSuffix || parseErr != nil || strconv.FormatInt(id, 10) != idText {
			sellError(w, http.StatusUnauthorized, "unauthorized", "Invalid or missing access token", "")
			return
		}
		acct, err := sellAccountByID(r.Context(), s.store.db, id)
		if errors.Is(err, errNotFound) {
			sellError(w, http.StatusUnauthorized, "unauthorized", "Invalid or missing access token", "")
			return
		}
		if err != nil {
			s.internalError(w, r, err)
			return
		}
		h(w, r, acct)
	}
}
