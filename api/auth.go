package api

import (
	"crypto/hmac"
	"crypto/sha256"
	"crypto/subtle"
	"encoding/base64"
	"encoding/binary"
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

// Tokens are the bearer tokens of each role. A token belongs to exactly one role.
type Tokens struct {
	Viewer, Ops, Admin []string
}

// SessionCookie is the cookie POST /api/v1/session sets, so the dashboard's fetch and
// EventSource calls are authenticated without a token in script.
const SessionCookie = "sellmigrate_session"

// sessionTTL is how long a dashboard session lasts before signing in again.
const sessionTTL = 12 * time.Hour

type tokenEntry struct {
	hash [sha256.Size]byte
	role Role
	// id identifies the token inside session cookies without revealing it.
	id [16]byte
}

// authenticator checks bearer tokens and session cookies.
type authenticator struct {
	tokens []tokenEntry
	// key signs session cookies. It is derived from every configured token, so every
	// replica with the same tokens accepts the same sessions, and changing the tokens
	// ends every session.
	key    []byte
	secure bool
	now    func() time.Time
}

func newAuthenticator(t Tokens, secure bool) (*authenticator, error) {
	type named struct {
		role  Role
		token string
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
			all = append(all, named{g.role, tok})
		}
	}
	if len(all) == 0 {
		return nil, errors.New("api: no tokens are configured, so nobody could use the API; set api.viewer_tokens, api.ops_tokens or api.admin_tokens")
	}
	sort.Slice(all, func(i, j int) bool { return all[i].token < all[j].token })
	seed := sha256.New()
	seed.Write([]byte("sellmigrate session key v1\x00"))
	for i, n := range all {
		if i > 0 && all[i-1].token == n.token && all[i-1].role != n.role {
			return nil, fmt.Errorf("api: one token is configured for both the %s and the %s role; a token must map to exactly one role", all[i-1].role, n.role)
		}
		fmt.Fprintf(seed, "%d\x00%s\x00", n.role, n.token)
	}
	a := &authenticator{key: seed.Sum(nil), secure: secure, now: time.Now}
	for _, n := range all {
		e := tokenEntry{hash: sha256.Sum256([]byte(n.token)), role: n.role}
		mac := hmac.New(sha256.New, a.key)
		mac.Write([]byte("token id\x00" + n.token))
		copy(e.id[:], mac.Sum(nil))
		a.tokens = append(a.tokens, e)
	}
	return a, nil
}

// match returns the token's role, or rolePublic for an unknown token. It compares the
// SHA-256 of the token with every configured one in constant time and visits them all,
// so neither the length nor the position of a match shows in the timing.
func (a *authenticator) match(token string) (Role, [16]byte) {
	h := sha256.Sum256([]byte(token))
	role, id := rolePublic, [16]byte{}
	for _, e := range a.tokens {
		if subtle.ConstantTimeCompare(h[:], e.hash[:]) == 1 {
			role, id = e.role, e.id
		}
	}
	return role, id
}

// byID finds the role of the token a session was made with, in constant time.
func (a *authenticator) byID(id []byte) Role {
	role := rolePublic
	for _, e := range a.tokens {
		if subtle.ConstantTimeCompare(id, e.id[:]) == 1 {
			role = e.role
		}
	}
	return role
}

// principal is who made a request.
type principal struct {
	role Role
	// tokenID names the token behind the request (a bearer token or the one a session
	// was made with); limits are kept per token.
	tokenID [16]byte
	// viaCookie is true when a session cookie, not a header, authenticated the request.
	viaCookie bool
}

// authenticate reads the Authorization header, or else the session cookie. A header,
// when present, decides alone: a bad header is never rescued by a cookie.
func (a *authenticator) authenticate(r *http.Request) (principal, error) {
	if h := r.Header.Get("Authorization"); h != "" {
		scheme, token, ok := strings.Cut(h, " ")
		if !ok || !strings.EqualFold(scheme, "Bearer") || token == "" || strings.ContainsAny(token, " \t") {
			return principal{}, newError(codeUnauthorized, `the Authorization header is malformed; send "Authorization: Bearer <token>"`)
		}
		role, id := a.match(token)
		if role == rolePublic {
			return principal{}, newError(codeUnauthorized, "the bearer token is not valid; use a token from api.viewer_tokens, api.ops_tokens or api.admin_tokens")
		}
		return principal{role: role, tokenID: id}, nil
	}
	c, err := r.Cookie(SessionCookie)
	if err != nil || c.Value == "" {
		return principal{}, newError(codeUnauthorized, `no credentials; send "Authorization: Bearer <token>" or sign in with POST /api/v1/session`)
	}
	role, id := a.checkSession(c.Value)
	if role == rolePublic {
		return principal{}, newError(codeUnauthorized, "the session has expired or is no longer valid; sign in again with POST /api/v1/session")
	}
	return principal{role: role, tokenID: id, viaCookie: true}, nil
}

// newSession makes a cookie value: the token's id and an expiry, signed.
func (a *authenticator) newSession(id [16]byte) (string, time.Time) {
	exp := a.now().Add(sessionTTL).Truncate(time.Second)
	payload := make([]byte, 0, 24)
	payload = append(payload, id[:]...)
	payload = binary.BigEndian.AppendUint64(payload, uint64(exp.Unix()))
	return base64.RawURLEncoding.EncodeToString(payload) + "." + base64.RawURLEncoding.EncodeToString(a.sign(payload)), exp
}

// checkSession returns the role and token ID of a valid, unexpired session whose
// token is still configured; anything else is rolePublic.
func (a *authenticator) checkSession(v string) (Role, [16]byte) {
	var id [16]byte
	p, s, ok := strings.Cut(v, ".")
	if !ok {
		return rolePublic, id
	}
	payload, err1 := base64.RawURLEncoding.DecodeString(p)
	sig, err2 := base64.RawURLEncoding.DecodeString(s)
	if err1 != nil || err2 != nil || len(payload) != 24 || !hmac.Equal(sig, a.sign(payload)) {
		return rolePublic, id
	}
	if exp := time.Unix(int64(binary.BigEndian.Uint64(payload[16:])), 0); !a.now().Before(exp) {
		return rolePublic, id
	}
	copy(id[:], payload[:16])
	return a.byID(payload[:16]), id
}

// key identifies the principal in limiter maps: the token's ID, never the token.
func (p principal) key() string { return "token:" + hex.EncodeToString(p.tokenID[:]) }

func (a *authenticator) sign(payload []byte) []byte {
	mac := hmac.New(sha256.New, a.key)
	mac.Write([]byte("session\x00"))
	mac.Write(payload)
	return mac.Sum(nil)
}

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
