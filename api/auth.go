package api

import (
	"crypto/sha256"
	"crypto/subtle"
	"encoding/hex"
	"errors"
	"fmt"
	"net/http"
	"net/url"
	"sort"
	"strings"
	"time"
)

// Role is what a token may do. Each role includes the ones below it.
type Role int

const (
	// rolePublic marks routes that need no token.
	rolePublic Role = iota
	// RoleViewer reads migrations.
	RoleViewer
	// RoleOps also starts and cancels migrations.
	RoleOps
	// RoleAdmin also sends the approvals (human inputs).
	RoleAdmin
)

func (r Role) String() string {
	switch r {
	case RoleViewer:
		return "viewer"
	case RoleOps:
		return "ops"
	case RoleAdmin:
		return "admin"
	}
	return "public"
}

// Tokens are the bearer tokens of each role, and the named tokens. A token belongs to
// exactly one role and one principal.
type Tokens struct {
	// Viewer, Ops and Admin are the role lists (api.viewer_tokens and the like): each
	// token is a principal named after its role and place, e.g. "ops token 2", with no
	// email, so the "by" of what it sends is the caller's word.
	Viewer, Ops, Admin []string
	// Named are the named tokens (api.tokens), known by their SHA-256 only.
	Named []NamedToken
}

// NamedToken is a token of a named principal, as api.tokens lists it.
type NamedToken struct {
	Name  string
	Email string
	Role  Role
	// SHA256 is the token's SHA-256; the token itself is never configured.
	SHA256 [sha256.Size]byte
}

// ParseRole reads a role's name: viewer, ops or admin.
func ParseRole(s string) (Role, error) {
	for _, r := range []Role{RoleViewer, RoleOps, RoleAdmin} {
		if s == r.String() {
			return r, nil
		}
	}
	return rolePublic, fmt.Errorf("role %q is not one of viewer, ops, admin", s)
}

// SessionCookie is the cookie POST /api/v1/session (or the OIDC sign-in) sets, so the
// dashboard's fetch and EventSource calls are authenticated without a token in
// script. Its value is a random session ID; the session itself is on the server.
const SessionCookie = "sellmigrate_session"

// sessionTTL is how long a dashboard session lasts before signing in again.
const sessionTTL = 12 * time.Hour

type tokenEntry struct {
	hash [sha256.Size]byte
	role Role
	// id names the token in limiter keys and sessions without revealing it.
	id [16]byte
	// name and email are the token's principal; email is empty for role-list tokens.
	name, email string
}

// authenticator checks bearer tokens and session cookies.
type authenticator struct {
	tokens []tokenEntry
	// sessions maps session cookies to principals; signing out deletes the entry.
	sessions SessionStore
	secure   bool
	now      func() time.Time
}

func newAuthenticator(t Tokens, secure bool) (*authenticator, error) {
	return newAuthenticatorWith(t, secure, false)
}

// newAuthenticatorWith is newAuthenticator, and with staffSignIn (OIDC configured)
// no token is needed, since staff sign in through their identity provider.
func newAuthenticatorWith(t Tokens, secure, staffSignIn bool) (*authenticator, error) {
	type named struct {
		role  Role
		token string
		// n numbers the token in its role's list, from 1: its principal's name.
		n int
	}
	var all []named
	for _, g := range []struct {
		role   Role
		tokens []string
	}{{RoleViewer, t.Viewer}, {RoleOps, t.Ops}, {RoleAdmin, t.Admin}} {
		for i, tok := range g.tokens {
			if tok == "" || strings.ContainsAny(tok, " \t\r\n,") {
				// Never echo the token itself: it may be a real secret with a typo.
				return nil, fmt.Errorf("api: %s token #%d is empty or contains spaces or commas; tokens are single words", g.role, i+1)
			}
			all = append(all, named{g.role, tok, i + 1})
		}
	}
	if len(all) == 0 && len(t.Named) == 0 && !staffSignIn {
		return nil, errors.New("api: no tokens are configured, so nobody could use the API; set api.tokens, api.viewer_tokens, api.ops_tokens or api.admin_tokens")
	}
	sort.SliceStable(all, func(i, j int) bool { return all[i].token < all[j].token })
	for i, n := range all {
		if i > 0 && all[i-1].token == n.token && all[i-1].role != n.role {
			return nil, fmt.Errorf("api: one token is configured for both the %s and the %s role; a token must map to exactly one role", all[i-1].role, n.role)
		}
	}
	names := map[string]bool{}
	hashes := map[[sha256.Size]byte]string{}
	for i, n := range t.Named {
		if n.Name == "" || n.Role < RoleViewer || n.Role > RoleAdmin {
			return nil, fmt.Errorf("api: named token #%d needs a name and a role (viewer, ops or admin)", i+1)
		}
		if names[strings.ToLower(n.Name)] {
			return nil, fmt.Errorf("api: two named tokens are called %q; names must be unique", n.Name)
		}
		names[strings.ToLower(n.Name)] = true
		if other, dup := hashes[n.SHA256]; dup {
			return nil, fmt.Errorf("api: named tokens %q and %q have the same SHA-256; one token belongs to one principal", other, n.Name)
		}
		hashes[n.SHA256] = n.Name
	}
	for _, n := range all {
		if other, dup := hashes[sha256.Sum256([]byte(n.token))]; dup {
			return nil, fmt.Errorf("api: %s token #%d is also the named token %q; list a token once", n.role, n.n, other)
		}
	}
	a := &authenticator{secure: secure, now: time.Now}
	// The store reads the clock through a, so tests that move a.now move it too.
	a.sessions = newMemorySessions(func() time.Time { return a.now() })
	for _, n := range all {
		h := sha256.Sum256([]byte(n.token))
		a.tokens = append(a.tokens, tokenEntry{hash: h, role: n.role, name: fmt.Sprintf("%s token %d", n.role, n.n), id: idOf("token", h[:])})
	}
	for _, n := range t.Named {
		a.tokens = append(a.tokens, tokenEntry{hash: n.SHA256, role: n.Role, name: n.Name, email: n.Email, id: idOf("token", n.SHA256[:])})
	}
	return a, nil
}

// idOf names a credential in limiter keys: a hash of its kind and its (already
// hashed or public) identity, from which the credential cannot be recovered.
func idOf(kind string, identity []byte) [16]byte {
	h := sha256.New()
	h.Write([]byte("sellmigrate credential id\x00" + kind + "\x00"))
	h.Write(identity)
	var id [16]byte
	copy(id[:], h.Sum(nil))
	return id
}

// match returns the token's entry, or false for an unknown token. It compares the
// SHA-256 of the token with every configured one in constant time and visits them all,
// so neither the length nor the position of a match shows in the timing.
func (a *authenticator) match(token string) (tokenEntry, bool) {
	h := sha256.Sum256([]byte(token))
	found, ok := tokenEntry{}, false
	for _, e := range a.tokens {
		if subtle.ConstantTimeCompare(h[:], e.hash[:]) == 1 {
			found, ok = e, true
		}
	}
	return found, ok
}

// principal is who made a request.
type principal struct {
	role Role
	// tokenID names the token behind the request (a bearer token or the one a session
	// was made with); limits are kept per token.
	tokenID [16]byte
	// viaCookie is true when a session cookie, not a header, authenticated the request.
	viaCookie bool
	// name and email are the token's principal: a named token's (api.tokens), or for a
	// role-list token a name such as "ops token 1" and no email.
	name, email string
}

func (e tokenEntry) principal(viaCookie bool) principal {
	return principal{role: e.role, tokenID: e.id, viaCookie: viaCookie, name: e.name, email: e.email}
}

// session is the principal as a session records it.
func (p principal) session(exp time.Time) Session {
	return Session{Role: p.role, Name: p.name, Email: p.email, TokenID: p.tokenID, Expires: exp}
}

// badTokenHint says where valid tokens come from.
const badTokenHint = "use a token from api.tokens, api.viewer_tokens, api.ops_tokens or api.admin_tokens"

// authenticate reads the Authorization header, or else the session cookie. A header,
// when present, decides alone: a bad header is never rescued by a cookie.
func (a *authenticator) authenticate(r *http.Request) (principal, error) {
	if h := r.Header.Get("Authorization"); h != "" {
		scheme, token, ok := strings.Cut(h, " ")
		if !ok || !strings.EqualFold(scheme, "Bearer") || token == "" || strings.ContainsAny(token, " \t") {
			return principal{}, newError(codeUnauthorized, `the Authorization header is malformed; send "Authorization: Bearer <token>"`)
		}
		e, ok := a.match(token)
		if !ok {
			return principal{}, newError(codeUnauthorized, "the bearer token is not valid; "+badTokenHint)
		}
		return e.principal(false), nil
	}
	c, err := r.Cookie(SessionCookie)
	if err != nil || c.Value == "" {
		return principal{}, newError(codeUnauthorized, `no credentials; send "Authorization: Bearer <token>" or sign in with POST /api/v1/session`)
	}
	p, ok := a.checkSession(c.Value)
	if !ok {
		return principal{}, newError(codeUnauthorized, "the session has expired or was signed out; sign in again")
	}
	return p, nil
}

// newSession stores a session for the principal and returns its cookie value, a new
// random ID, and when it ends.
func (a *authenticator) newSession(p principal) (string, time.Time, error) {
	id, err := newSessionID()
	if err != nil {
		return "", time.Time{}, err
	}
	exp := a.now().Add(sessionTTL).Truncate(time.Second)
	if err := a.sessions.Put(id, p.session(exp)); err != nil {
		if errors.Is(err, ErrSessionsFull) {
			return "", time.Time{}, newPublicError(codeUnavailable, "the server holds as many dashboard sessions as it may; try again later, or use a bearer token")
		}
		return "", time.Time{}, fmt.Errorf("api: store the session: %w", err)
	}
	return id, exp, nil
}

// checkSession returns the principal of a stored, unexpired session; anything else
// (unknown, signed out, expired, malformed) is false.
func (a *authenticator) checkSession(v string) (principal, bool) {
	if len(v) > 100 {
		return principal{}, false
	}
	s, ok := a.sessions.Get(v)
	if !ok || !a.now().Before(s.Expires) {
		return principal{}, false
	}
	return principal{role: s.Role, tokenID: s.TokenID, viaCookie: true, name: s.Name, email: s.Email}, true
}

// endSession deletes the session, so its cookie, and every copy of it, stops working.
func (a *authenticator) endSession(v string) {
	if v != "" {
		a.sessions.Delete(v)
	}
}

// key identifies the principal in limiter maps: the token's ID, never the token.
func (p principal) key() string { return "token:" + hex.EncodeToString(p.tokenID[:]) }

// sessionCookie is the cookie for a session value; an empty value clears it.
func (a *authenticator) sessionCookie(value string, exp time.Time) *http.Cookie {
	c := &http.Cookie{
		Name:     SessionCookie,
		Value:    value,
		Path:     "/",
		HttpOnly: true,
		Secure:   a.secure,
		SameSite: http.SameSiteStrictMode,
	}
	if value == "" {
		c.MaxAge = -1
	} else {
		c.Expires = exp
		c.MaxAge = int(exp.Sub(a.now()).Seconds())
	}
	return c
}

// sameOrigin guards cookie-authenticated requests that change something: besides the
// SameSite=Strict cookie, a browser's Origin (or Sec-Fetch-Site) must say the request
// comes from this server's own pages, reached directly (Host) or through a proxy
// (publicHost, the host of api.public_url).
func sameOrigin(r *http.Request, publicHost string) bool {
	if site := r.Header.Get("Sec-Fetch-Site"); site != "" && site != "same-origin" && site != "none" {
		return false
	}
	origin := r.Header.Get("Origin")
	if origin == "" {
		return true
	}
	u, err := url.Parse(origin)
	return err == nil && u.Host != "" && (u.Host == r.Host || u.Host == publicHost)
}
