package api

import (
	"context"
	"crypto/rand"
	"crypto/subtle"
	"encoding/base64"
	"errors"
	"fmt"
	"net/http"
	"strings"
	"sync/atomic"
	"time"

	"github.com/coreos/go-oidc/v3/oidc"
	"go.uber.org/zap"
	"golang.org/x/oauth2"
	"golang.org/x/sync/singleflight"
)

// OIDCOptions configures the dashboard's staff sign-in through an OpenID Connect
// provider (authorization code + PKCE). Empty Issuer turns it off.
type OIDCOptions struct {
	// Issuer is the provider's issuer URL; its discovery document is read on the first
	// sign-in (not at start, so the API starts while the provider is still coming up).
	Issuer string
	// ClientID and ClientSecret identify the dashboard; an empty secret makes it a
	// public client, protected by PKCE alone.
	ClientID, ClientSecret string
	// RoleClaim names the ID-token claim holding viewer, ops or admin.
	RoleClaim string
	// HTTPClient reaches the provider; nil means one with a 10-second timeout.
	HTTPClient *http.Client
}

// The browser's side of a sign-in in progress: a cookie holding the state, scoped to
// the callback, so a callback can only complete a sign-in this browser began (no
// login CSRF). SameSite=Lax, since the provider's redirect back is a cross-site
// navigation that a Strict cookie would not join.
const (
	staffStateCookie = "sellmigrate_signin"
	staffLoginPath   = "/auth/login"
	staffCallback    = "/auth/callback"
	// staffLoginTTL is how long a person has at the provider's sign-in form.
	staffLoginTTL = 10 * time.Minute
)

// staffSignIn runs the OIDC flow and turns a verified ID token into a session.
type staffSignIn struct {
	s    *Server
	opts OIDCOptions
	now  func() time.Time

	// provider is discovered on first use; discovery runs once however many sign-ins
	// wait for it, and holds no lock the callback's checks need, so a slow provider
	// delays only what needs the provider.
	provider  atomic.Pointer[oidc.Provider]
	discovery singleflight.Group

	// sealer keeps a sign-in in progress in the browser's state cookie; used makes
	// each state good once (see staff_signin_state.go).
	sealer *loginSealer
	used   *usedStates
}

func newStaffSignIn(s *Server, o OIDCOptions) (*staffSignIn, error) {
	if o.HTTPClient == nil {
		o.HTTPClient = &http.Client{Timeout: 10 * time.Second}
	}
	o.Issuer = strings.TrimRight(o.Issuer, "/")
	sealer, err := newLoginSealer()
	if err != nil {
		return nil, err
	}
	return &staffSignIn{s: s, opts: o, now: time.Now, sealer: sealer, used: newUsedStates(maxUsedStates)}, nil
}

func (st *staffSignIn) enabled() bool { return st.opts.Issuer != "" }

// registerStaffSignIn serves /auth/login and /auth/callback; both say so plainly when
// staff sign-in is not configured.
func (s *Server) registerStaffSignIn(mux *http.ServeMux) error {
	st, err := newStaffSignIn(s, s.opts.OIDC)
	if err != nil {
		return err
	}
	s.staff = st
	mux.HandleFunc("GET "+staffLoginPath, st.login)
	mux.HandleFunc("GET "+staffCallback, st.callback)
	return nil
}

// discover reads the provider's discovery document once; a failure is retried on the
// next sign-in. Concurrent callers share one discovery.
func (st *staffSignIn) discover(ctx context.Context) (*oidc.Provider, error) {
	if p := st.provider.Load(); p != nil {
		return p, nil
	}
	ch := st.discovery.DoChan("discover", func() (any, error) {
		if p := st.provider.Load(); p != nil {
			return p, nil
		}
		// Not the first caller's context, which may end while others still wait; the
		// provider fetches its signing keys later with this client, not this context.
		dctx, cancel := context.WithTimeout(oidc.ClientContext(context.Background(), st.opts.HTTPClient), 15*time.Second)
		defer cancel()
		p, err := oidc.NewProvider(dctx, st.opts.Issuer)
		if err != nil {
			return nil, err
		}
		st.provider.Store(p)
		return p, nil
	})
	select {
	case res := <-ch:
		if res.Err != nil {
			return nil, res.Err
		}
		return res.Val.(*oidc.Provider), nil
	case <-ctx.Done():
		return nil, ctx.Err()
	}
}

func (st *staffSignIn) oauth2Config(p *oidc.Provider) *oauth2.Config {
	return &oauth2.Config{
		ClientID:     st.opts.ClientID,
		ClientSecret: st.opts.ClientSecret,
		Endpoint:     p.Endpoint(),
		RedirectURL:  st.s.opts.PublicURL + staffCallback,
		Scopes:       []string{oidc.ScopeOpenID, "email", "profile"},
	}
}

func randomString(n int) (string, error) {
	b := make([]byte, n)
	if _, err := rand.Read(b); err != nil {
		return "", err
	}
	return base64.RawURLEncoding.EncodeToString(b), nil
}

// admit lets a request to /auth/login or /auth/callback go on: anyone may call them,
// so each client IP is limited as for the API, and both need a configured provider.
func (st *staffSignIn) admit(w http.ResponseWriter, r *http.Request) bool {
	if !st.s.admitAPIRequest(w, r, principal{}) {
		return false
	}
	if !st.enabled() {
		st.page(w, r, http.StatusNotFound, "Staff sign-in is not configured",
			"This server has no OpenID Connect provider (api.oidc_issuer is empty).", "Sign in on the dashboard with an API token instead.")
		return false
	}
	return true
}

// login begins a sign-in: a new state, nonce and PKCE verifier, sealed into a cookie
// for the callback (nothing is kept on the server), and the browser sent to the
// provider.
func (st *staffSignIn) login(w http.ResponseWriter, r *http.Request) {
	if !st.admit(w, r) {
		return
	}
	p, err := st.discover(r.Context())
	if err != nil {
		st.s.log.Warn("staff sign-in: the OIDC provider's discovery failed", zap.String("issuer", st.opts.Issuer), zap.Error(err))
		st.page(w, r, http.StatusServiceUnavailable, "The sign-in provider does not answer",
			"This server could not read the provider's configuration at "+st.opts.Issuer+".", "Try again in a minute; if it persists, an operator checks api.oidc_issuer and the provider.")
		return
	}
	state, err1 := randomString(32)
	nonce, err2 := randomString(32)
	if err := errors.Join(err1, err2); err != nil {
		st.page(w, r, http.StatusInternalServerError, "Sign-in could not begin", "The server could not make a random value.", "Try again.")
		return
	}
	verifier := oauth2.GenerateVerifier()
	sealed, err := st.sealer.seal(loginState{ID: state, Nonce: nonce, Verifier: verifier, Expires: st.now().Add(staffLoginTTL).Unix()})
	if err != nil {
		st.s.log.Error("staff sign-in: the state could not be sealed", zap.Error(err))
		st.page(w, r, http.StatusInternalServerError, "Sign-in could not begin", "The server could not prepare the sign-in.", "Try again.")
		return
	}
	http.SetCookie(w, &http.Cookie{Name: staffStateCookie, Value: sealed, Path: staffCallback, MaxAge: int(staffLoginTTL.Seconds()),
		HttpOnly: true, Secure: st.s.auth.secure, SameSite: http.SameSiteLaxMode})
	w.Header().Set("Cache-Control", "no-store")
	http.Redirect(w, r, st.oauth2Config(p).AuthCodeURL(state, oauth2.S256ChallengeOption(verifier), oidc.Nonce(nonce)), http.StatusFound)
}

// take opens the browser's sealed state for the state parameter and marks it used: a
// state is good once, and only until it expires.
func (st *staffSignIn) take(sealed, state string) (loginState, error) {
	ls, err := st.sealer.open(sealed)
	if err != nil || subtle.ConstantTimeCompare([]byte(ls.ID), []byte(state)) != 1 {
		return loginState{}, errLoginState
	}
	now, exp := st.now(), time.Unix(ls.Expires, 0)
	if !now.Before(exp) || !st.used.use(ls.ID, exp, now) {
		return loginState{}, errLoginUsed
	}
	return ls, nil
}

var errLoginUsed = errors.New("the sign-in has expired or was used")

// callback ends a sign-in: the state must be this browser's and unused, the code is
// exchanged with the PKCE verifier, the ID token verified (issuer, audience, expiry,
// signature) and its nonce checked; then its email, name and role make the session.
func (st *staffSignIn) callback(w http.ResponseWriter, r *http.Request) {
	if !st.admit(w, r) {
		return
	}
	// The state cookie has done its work whatever happens next.
	http.SetCookie(w, &http.Cookie{Name: staffStateCookie, Path: staffCallback, MaxAge: -1, HttpOnly: true, Secure: st.s.auth.secure, SameSite: http.SameSiteLaxMode})
	q := r.URL.Query()
	state := q.Get("state")
	c, err := r.Cookie(staffStateCookie)
	var pl loginState
	if err == nil && state != "" {
		pl, err = st.take(c.Value, state)
	}
	if state == "" || errors.Is(err, errLoginState) || errors.Is(err, http.ErrNoCookie) {
		st.page(w, r, http.StatusBadRequest, "This sign-in was not begun here",
			"The answer from the sign-in provider does not match a sign-in this browser started (wrong or missing state).", "Start again from the dashboard.")
		return
	}
	if err != nil {
		st.page(w, r, http.StatusBadRequest, "This sign-in has expired or was used",
			"A sign-in must be completed within 10 minutes, and only once.", "Start again from the dashboard.")
		return
	}
	if e := q.Get("error"); e != "" {
		st.page(w, r, http.StatusUnauthorized, "The sign-in provider refused",
			fmt.Sprintf("It answered %s: %s", e, q.Get("error_description")), "Start again from the dashboard, or ask whoever runs the provider.")
		return
	}
	p, err := st.discover(r.Context())
	if err != nil {
		st.page(w, r, http.StatusServiceUnavailable, "The sign-in provider does not answer", "", "Try again in a minute.")
		return
	}
	ctx := oidc.ClientContext(r.Context(), st.opts.HTTPClient)
	tok, err := st.oauth2Config(p).Exchange(ctx, q.Get("code"), oauth2.VerifierOption(pl.Verifier))
	if err != nil {
		st.s.log.Info("staff sign-in: the code exchange failed", zap.String("requestId", requestID(r)), zap.Error(err))
		st.page(w, r, http.StatusBadGateway, "The sign-in could not be completed",
			"The provider did not accept the sign-in's code (it may have been used already, or have expired).", "Start again from the dashboard.")
		return
	}
	raw, _ := tok.Extra("id_token").(string)
	idt, err := p.Verifier(&oidc.Config{ClientID: st.opts.ClientID}).Verify(ctx, raw)
	if err != nil || subtle.ConstantTimeCompare([]byte(idt.Nonce), []byte(pl.Nonce)) != 1 {
		st.s.log.Info("staff sign-in: the ID token was refused", zap.String("requestId", requestID(r)), zap.Error(err))
		st.page(w, r, http.StatusUnauthorized, "The sign-in could not be verified",
			"The provider's ID token is missing, invalid, or not for this sign-in.", "Start again from the dashboard.")
		return
	}
	pr, refusal := st.principalOf(idt)
	if refusal != "" {
		st.s.log.Info("staff sign-in refused", zap.String("requestId", requestID(r)), zap.String("subject", idt.Subject), zap.String("reason", refusal))
		st.s.writeAudit(r, principal{}, auditSignIn, "", auditForbidden, http.StatusForbidden)
		st.page(w, r, http.StatusForbidden, "You cannot use this dashboard", refusal,
			"Ask whoever runs the sign-in provider to give you a role, then sign in again; or sign in with an API token.")
		return
	}
	value, exp, err := st.s.auth.newSession(pr)
	if err != nil {
		st.page(w, r, http.StatusInternalServerError, "The session could not be made", "", "Try again.")
		return
	}
	st.s.log.Info("staff signed in", zap.String("requestId", requestID(r)), zap.String("principal", pr.name),
		zap.String("email", pr.email), zap.String("role", pr.role.String()))
	st.s.writeAudit(r, pr, auditSignIn, "", auditOK, 0)
	http.SetCookie(w, st.s.auth.sessionCookie(value, exp))
	w.Header().Set("Cache-Control", "no-store")
	http.Redirect(w, r, "/", http.StatusSeeOther)
}

// idClaims are the ID token's claims the session is made from.
type idClaims struct {
	Email         string `json:"email"`
	EmailVerified *bool  `json:"email_verified"`
	Name          string `json:"name"`
}

// principalOf reads the person and their role from the ID token, or says why they
// cannot have a session.
func (st *staffSignIn) principalOf(idt *oidc.IDToken) (principal, string) {
	var c idClaims
	all := map[string]any{}
	if err := idt.Claims(&c); err != nil {
		return principal{}, "The ID token's claims could not be read."
	}
	if err := idt.Claims(&all); err != nil {
		return principal{}, "The ID token's claims could not be read."
	}
	if c.Email == "" || !strings.Contains(c.Email, "@") {
		return principal{}, "Your account at the provider has no email, and the email is what is recorded with what you do."
	}
	if c.EmailVerified != nil && !*c.EmailVerified {
		return principal{}, "Your email (" + c.Email + ") is not verified at the provider."
	}
	role, ok := roleFromClaim(all[st.opts.RoleClaim])
	if !ok {
		return principal{}, fmt.Sprintf("Your account (%s) has no sellmigrate role: the claim %q must be viewer, ops or admin.", c.Email, st.opts.RoleClaim)
	}
	name := c.Name
	if name == "" {
		name = c.Email
	}
	return principal{role: role, name: name, email: c.Email, tokenID: idOf("oidc", []byte(st.opts.Issuer+"\x00"+idt.Subject))}, ""
}

// roleFromClaim reads a role claim: one role's name, or a list of names (as group
// claims are) where the highest known role counts. Anything else is no role.
func roleFromClaim(v any) (Role, bool) {
	var names []string
	switch x := v.(type) {
	case string:
		names = []string{x}
	case []any:
		for _, e := range x {
			if s, ok := e.(string); ok {
				names = append(names, s)
			}
		}
	}
	best := rolePublic
	for _, n := range names {
		if r, err := ParseRole(strings.TrimSpace(n)); err == nil && r > best {
			best = r
		}
	}
	return best, best != rolePublic
}
