package api

import (
	"context"
	"errors"
	"net/http"
	"net/url"
	"strings"
	"time"

	"go.uber.org/zap"

	"github.com/sellmigrate/sellmigrate/contract"
	"github.com/sellmigrate/sellmigrate/starter"
)

// The Zendesk account owner's login, Zendesk's OAuth authorization-code flow:
//
//	GET /oauth/owner-login?migration={id}&exp=&sig=  checks the link's signature and
//	    expiry (internal/ownerlink), then that the migration waits for the owner
//	    (a bad link, any other migration, or none, gets one page that says nothing
//	    of it), then 302 to {Support base of its subdomain, as the browser reaches it
//	    (AuthorizeURL, default SupportURL)}/oauth/authorizations/new with a PKCE
//	    S256 code_challenge
//	GET /oauth/callback?code=&state=       opens the sealed state, exchanges the code
//	    with its code_verifier, reads users/me and sends the owner-login update with
//	    that email; 303 to the migration in the dashboard, or a page saying why the
//	    login was refused.
//
// Neither needs an API token: the owner may be someone without dashboard access, and
// what proves who they are is their Zendesk sign-in. The state is signed and bound to
// the browser that started the login by a cookie, so a forged or stolen callback URL
// cannot log anyone in (RFC 6749 §10.12); PKCE (RFC 7636) makes a code intercepted on
// its way back useless without the verifier, which only the sealed state holds.

// oauthTimeout bounds one callback's work with Zendesk; the owner-login update then
// gets the starter's own update timeout.
const oauthTimeout = 20 * time.Second

// grantScope is what the owner grants: read to prove who they are, write because the
// steps after the link (creating contributors) act as the owner with this grant.
const grantScope = "read write"

// oauthCookiePrefix names the cookie that binds a login to its browser; the nonce
// completes the name, so logins for two migrations in one browser do not collide.
const oauthCookiePrefix = "sellmigrate_oauth_"

// ownerLogin serves the two OAuth routes.
type ownerLogin struct {
	s      *Server
	signer *stateSigner
	// visits rate-limits the owner-login page per client IP.
	visits *keyedLimiter
	// setupErr says what configuration is missing; the routes then explain it.
	setupErr error
}

// registerOAuth serves the owner login: /oauth/owner-login sends the owner to Zendesk,
// /oauth/callback takes them back.
func (s *Server) registerOAuth(mux *http.ServeMux) {
	o := &ownerLogin{s: s, visits: ownerLoginLimiter(s.opts.OwnerLoginPerMinute)}
	switch {
	case s.opts.OAuth.Links == nil:
		o.setupErr = errors.New("api.owner_link_key is not set, so owner-login links can be neither signed nor checked")
	case s.opts.OAuth.ClientSecret == "":
		o.setupErr = errors.New("api.oauth_client_secret is empty")
	case s.opts.OAuth.ClientID == "":
		o.setupErr = errors.New("api.oauth_client_id is empty")
	case s.opts.OAuth.Grants == nil:
		o.setupErr = errors.New("no credential store keeps the owner's sign-in (credentials.dsn)")
	case !strings.Contains(s.opts.OAuth.SupportURL, "{subdomain}"):
		o.setupErr = errors.New("the Zendesk Support URL (zendesk.support_url) has no {subdomain} placeholder")
	case s.opts.OAuth.AuthorizeURL != "" && !strings.Contains(s.opts.OAuth.AuthorizeURL, "{subdomain}"):
		o.setupErr = errors.New("the browser's Zendesk sign-in URL (api.oauth_authorize_url) has no {subdomain} placeholder")
	}
	if o.setupErr == nil {
		var key []byte
		if key, o.setupErr = s.opts.OAuth.Links.DeriveKey("oauth state"); o.setupErr == nil {
			o.signer, o.setupErr = newStateSigner(key, time.Now)
		}
	}
	if o.setupErr != nil {
		s.log.Warn("the Zendesk owner login is disabled until configured", zap.Error(o.setupErr))
	}
	mux.HandleFunc("GET /oauth/owner-login", o.start)
	mux.HandleFunc("GET /oauth/callback", o.callback)
}

// authorizeURL is where the owner's browser signs in to a subdomain: the Support base
// as a browser reaches it (AuthorizeURL, default SupportURL) + /oauth/authorizations/new.
func (o *ownerLogin) authorizeURL(r *http.Request, subdomain, state, challenge string) string {
	tmpl := o.s.opts.OAuth.AuthorizeURL
	if tmpl == "" {
		tmpl = o.s.opts.OAuth.SupportURL
	}
	return expandSubdomain(tmpl, subdomain) + "/oauth/authorizations/new?" + url.Values{
		"response_type": {"code"},
		"client_id":     {o.s.opts.OAuth.ClientID},
		"redirect_uri":  {o.redirectURI(r)},
		"scope":         {grantScope},
		"state":         {state},
		// PKCE as Zendesk documents it: the S256 challenge of the verifier the sealed
		// state keeps for the code exchange.
		"code_challenge":        {challenge},
		"code_challenge_method": {"S256"},
	}.Encode()
}

// tokenClient talks to a subdomain's OAuth token endpoint and Support API.
func (o *ownerLogin) tokenClient(subdomain string) zendeskLogin {
	return zendeskLogin{z: o.s.opts.OAuth.Zendesk, subdomain: subdomain,
		clientID: o.s.opts.OAuth.ClientID, clientSecret: o.s.opts.OAuth.ClientSecret}
}

func expandSubdomain(tmpl, subdomain string) string {
	return strings.TrimRight(strings.ReplaceAll(tmpl, "{subdomain}", subdomain), "/")
}

// redirectURI is where Zendesk sends the browser back; the token request repeats it.
func (o *ownerLogin) redirectURI(r *http.Request) string {
	return o.s.publicBase(r) + "/oauth/callback"
}

// secureCookies follows the public URL's scheme, by the same rule as the session
// cookies' (see httpsURL).
func (o *ownerLogin) secureCookies() bool { return httpsURL(o.s.opts.PublicURL) }

func (o *ownerLogin) notConfigured(w http.ResponseWriter, r *http.Request) {
	o.s.writeOAuthPage(w, r, http.StatusServiceUnavailable, oauthPageData{
		Title:  "The owner login is not configured",
		Reason: "This server cannot send anyone to Zendesk to log in: " + o.setupErr.Error() + ".",
		Advice: "Set api.oauth_client_id and api.oauth_client_secret to the OAuth client registered in Zendesk and api.owner_link_key to the key the workers and CLI sign links with, and restart the API. Also set credentials.dsn and credentials.keys to the store the workers read.",
	})
}

// start serves GET /oauth/owner-login?migration={id}&exp=&sig=. Only a link this
// service signed, unexpired, for a migration waiting for its owner's login goes on to
// Zendesk; any other, existing or not, gets the same page (see oauth_guard.go).
func (o *ownerLogin) start(w http.ResponseWriter, r *http.Request) {
	if !o.admitVisit(w, r) {
		return
	}
	if o.setupErr != nil {
		o.notConfigured(w, r)
		return
	}
	ref := strings.TrimSpace(r.URL.Query().Get("migration"))
	if ref == "" {
		o.s.writeOAuthPage(w, r, http.StatusBadRequest, oauthPageData{
			Title:  "Which migration?",
			Reason: "The link does not say which migration the login is for.",
			Advice: "Ask the person who sent it for a new link: the migration's Owner login in the dashboard, or sellmigrate signal ID owner-login, gives one.",
		})
		return
	}
	linkExpires, ok := o.checkLink(w, r, ref)
	if !ok {
		return
	}
	ctx, cancel := context.WithTimeout(r.Context(), oauthTimeout)
	defer cancel()
	rep, err := o.s.headline(ctx, ref)
	var inputErr *starter.InputError
	var notFound *starter.NotFoundError
	switch {
	case errors.As(err, &inputErr):
		// A malformed ID says nothing about which migrations exist.
		o.s.writeOAuthPage(w, r, http.StatusBadRequest, oauthPageData{Title: "Unknown migration", Reason: inputErr.Error()})
		return
	case errors.As(err, &notFound):
		o.s.log.Info("owner login refused: no such migration", zap.String("migration", ref), zap.String("requestId", requestID(r)))
		o.s.writeOAuthPage(w, r, linkNotValidNowStatus, linkNotValidNow)
		return
	case err != nil:
		o.serverFailurePage(w, r, http.StatusServiceUnavailable, oauthPageData{
			Title: "The sign-in link could not be checked now", Advice: "Try again in a few minutes.",
		}, err, zap.String("migration", ref))
		return
	}
	wf := rep.Execution.WorkflowID
	if refusal := ownerLoginRefusal(rep); refusal != nil {
		o.s.log.Info("owner login refused: "+refusal.Title, zap.String("workflowId", wf), zap.String("requestId", requestID(r)),
			zap.String("reason", refusal.Reason))
		o.s.writeOAuthPage(w, r, linkNotValidNowStatus, linkNotValidNow)
		return
	}
	raw, st, err := o.signer.issue(wf, rep.Subdomain, linkExpires)
	if err != nil {
		o.serverFailurePage(w, r, http.StatusInternalServerError, oauthPageData{
			Title: "The login could not be started", Advice: "Try again.", Links: o.migrationLinks(wf, linkExpires.Unix(), true),
		}, err, zap.String("workflowId", wf))
		return
	}
	http.SetCookie(w, &http.Cookie{
		Name: oauthCookiePrefix + st.Nonce, Value: "1", Path: "/oauth/callback",
		MaxAge: int(oauthStateTTL / time.Second), HttpOnly: true, Secure: o.secureCookies(),
		// Lax, not Strict: the cookie must come along when Zendesk redirects back.
		SameSite: http.SameSiteLaxMode,
	})
	authorize := o.authorizeURL(r, rep.Subdomain, raw, codeChallenge(st.Verifier))
	o.s.log.Info("owner login started", zap.String("workflowId", wf), zap.String("subdomain", rep.Subdomain))
	w.Header().Set("Cache-Control", "no-store")
	http.Redirect(w, r, authorize, http.StatusFound)
}

// migration reads the migration for the callback (whose signed state shows this
// server started the login for it), or writes a page saying why it cannot.
func (o *ownerLogin) migration(ctx context.Context, w http.ResponseWriter, r *http.Request, ref string) (starter.Report, bool) {
	rep, err := o.s.headline(ctx, ref)
	if err == nil {
		return rep, true
	}
	var inputErr *starter.InputError
	var notFound *starter.NotFoundError
	switch {
	case errors.As(err, &inputErr):
		o.s.writeOAuthPage(w, r, http.StatusBadRequest, oauthPageData{
			Title: "Unknown migration", Reason: inputErr.Error(),
		})
	case errors.As(err, &notFound):
		o.s.writeOAuthPage(w, r, http.StatusNotFound, oauthPageData{
			Title: "No such migration", Reason: notFound.Error(),
		})
	default:
		o.serverFailurePage(w, r, http.StatusServiceUnavailable, oauthPageData{
			Title: "The migration could not be read", Advice: "Check that Temporal and a worker are running, then try again.",
		}, err, zap.String("migration", ref))
	}
	return starter.Report{}, false
}

// ownerLoginRefusal says why a migration does not take an owner login now, or nil.
// It reads only the headline (starter.Headline: mode, step, status, subdomain). The
// reason is for the log; the caller sees only linkNotValidNow.
func ownerLoginRefusal(rep starter.Report) *oauthPageData {
	name := "The migration of Sell account " + rep.SellAccountID
	switch {
	case rep.Status == contract.StatusAwaitingOwnerLogin && rep.Mode == contract.ModeExisting && rep.Subdomain != "":
		return nil
	case rep.Mode == contract.ModeNew:
		return &oauthPageData{Title: "No owner login needed",
			Reason: name + " creates a new Zendesk account, so no existing account owner has to log in."}
	case rep.Status == contract.StatusOwnerNeedsSellLicense:
		return &oauthPageData{Title: "The owner has already logged in",
			Reason: "The Zendesk account owner was verified and needs a Sell license.",
			Advice: "A Sell admin assigns the owner a Sell license, then sends license-assigned from the migration."}
	case rep.Status.Final():
		return &oauthPageData{Title: "The migration has ended",
			Reason: name + " has ended (" + string(rep.Status) + "); it takes no more logins."}
	}
	return &oauthPageData{Title: "Not waiting for the owner",
		Reason: name + " is at step " + string(rep.Step) + " (" + string(rep.Status) + "), not waiting for the Zendesk account owner to log in.",
		Advice: "Open the login again once the dashboard shows it awaiting the owner login."}
}
