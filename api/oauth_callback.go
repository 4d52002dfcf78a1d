package api

import (
	"context"
	"errors"
	"net/http"
	"time"

	"go.uber.org/zap"

	"github.com/sellmigrate/sellmigrate/contract"
	"github.com/sellmigrate/sellmigrate/credstore"
	"github.com/sellmigrate/sellmigrate/platform"
	"github.com/sellmigrate/sellmigrate/starter"
)

// callback serves GET /oauth/callback: Zendesk sends the browser back here with a code
// (or an error) and the state the login started with.
func (o *ownerLogin) callback(w http.ResponseWriter, r *http.Request) {
	if o.setupErr != nil {
		o.notConfigured(w, r)
		return
	}
	q := r.URL.Query()
	st, err := o.signer.verify(q.Get("state"))
	switch {
	case errors.Is(err, errStateExpired):
		o.s.writeOAuthPage(w, r, http.StatusBadRequest, oauthPageData{
			Title:  "The login has expired",
			Reason: "More than " + oauthStateTTL.String() + " passed between starting the login and coming back from Zendesk.",
			Advice: "Start the login again.", Links: o.migrationLinks(st.WorkflowID, st.LinkExpires, true),
		})
		return
	case err != nil:
		o.s.writeOAuthPage(w, r, http.StatusBadRequest, oauthPageData{
			Title:  "This login link is not valid",
			Reason: "The login state is missing or was altered, so this server did not start this login.",
			Advice: "Start the owner login again from the migration in the dashboard.",
		})
		return
	}
	cookie := oauthCookiePrefix + st.Nonce
	if _, err := r.Cookie(cookie); err != nil {
		o.s.writeOAuthPage(w, r, http.StatusBadRequest, oauthPageData{
			Title:  "This login was started in another browser",
			Reason: "The login must end in the browser it was started in (or it was already completed there).",
			Advice: "Start the login again here.", Links: o.migrationLinks(st.WorkflowID, st.LinkExpires, true),
		})
		return
	}
	// The state is spent whatever happens next: a retry starts a fresh login.
	http.SetCookie(w, &http.Cookie{Name: cookie, Value: "", Path: "/oauth/callback", MaxAge: -1,
		HttpOnly: true, Secure: o.secureCookies(), SameSite: http.SameSiteLaxMode})

	if e := q.Get("error"); e != "" {
		o.zendeskError(w, r, st, e, q.Get("error_description"))
		return
	}
	code := q.Get("code")
	if code == "" {
		o.s.writeOAuthPage(w, r, http.StatusBadRequest, oauthPageData{
			Title: "Zendesk sent no sign-in code", Advice: "Start the login again.", Links: o.migrationLinks(st.WorkflowID, st.LinkExpires, true),
		})
		return
	}
	ctx, cancel := context.WithTimeout(r.Context(), oauthTimeout)
	defer cancel()
	if !o.stillWaiting(ctx, w, r, st) {
		return
	}
	grant, ok := o.signedIn(ctx, w, r, st, code)
	if !ok {
		return
	}
	o.sendLogin(context.WithoutCancel(r.Context()), w, r, st, grant)
}

// zendeskError shows an error Zendesk sent back instead of a code.
func (o *ownerLogin) zendeskError(w http.ResponseWriter, r *http.Request, st oauthState, code, description string) {
	d := oauthPageData{Title: "Zendesk did not sign the owner in", Reason: code, Links: o.migrationLinks(st.WorkflowID, st.LinkExpires, true)}
	if description != "" {
		d.Reason += ": " + description
	}
	status := http.StatusBadGateway
	if code == "access_denied" {
		d.Title, status = "The sign-in was cancelled", http.StatusOK
		d.Advice = "The migration still waits for the Zendesk account owner to log in."
	}
	o.s.writeOAuthPage(w, r, status, d)
}

// stillWaiting checks the migration still targets the subdomain the owner signed in
// to: if it went back and chose another one, this login proves nothing about it.
func (o *ownerLogin) stillWaiting(ctx context.Context, w http.ResponseWriter, r *http.Request, st oauthState) bool {
	rep, ok := o.migration(ctx, w, r, st.WorkflowID)
	if !ok {
		return false
	}
	if rep.Subdomain != st.Subdomain {
		o.s.writeOAuthPage(w, r, http.StatusConflict, oauthPageData{
			Title:  "The migration has changed",
			Reason: "The login was for " + st.Subdomain + ", but the migration now targets " + rep.Subdomain + ".",
			Advice: "Start the login again so the owner of the right account signs in.",
			Links:  o.migrationLinks(st.WorkflowID, st.LinkExpires, true),
		})
		return false
	}
	return true
}

// signedIn exchanges the code, reads who signed in, and stores the grant bound to the
// migration and subdomain the login was started for. Only its ID goes further.
func (o *ownerLogin) signedIn(ctx context.Context, w http.ResponseWriter, r *http.Request, st oauthState, code string) (credstore.Credential, bool) {
	z := o.tokenClient(st.Subdomain)
	token, err := z.exchange(ctx, code, o.redirectURI(r), st.Verifier)
	if errors.Is(err, errCodeRefused) {
		o.s.writeOAuthPage(w, r, http.StatusBadRequest, oauthPageData{
			Title:  "The sign-in code was refused",
			Reason: "Zendesk refused the sign-in code: it was already used, has expired, or was not issued for this server.",
			Advice: "Start the login again.", Links: o.migrationLinks(st.WorkflowID, st.LinkExpires, true),
		})
		return credstore.Credential{}, false
	}
	var email string
	if err == nil {
		email, err = z.me(ctx, token.AccessToken)
	}
	if err != nil {
		o.serverFailurePage(w, r, http.StatusBadGateway, oauthPageData{
			Title:  "Zendesk could not confirm the sign-in",
			Advice: "Try again; if it keeps failing, check that this server reaches Zendesk.", Links: o.migrationLinks(st.WorkflowID, st.LinkExpires, true),
		}, err, zap.String("workflowId", st.WorkflowID), zap.String("subdomain", st.Subdomain))
		return credstore.Credential{}, false
	}
	now := time.Now()
	g := credstore.Credential{Kind: credstore.KindOwnerGrant, Scheme: credstore.SchemeBearer, Subdomain: st.Subdomain,
		Email: email, WorkflowID: st.WorkflowID, Secret: token.AccessToken}
	if token.ExpiresIn > 0 {
		g.ExpiresAt = now.Add(time.Duration(token.ExpiresIn) * time.Second)
	}
	g, err = o.s.opts.OAuth.Grants.Put(ctx, g)
	if err != nil {
		o.s.log.Error("owner login: store the grant", zap.String("workflowId", st.WorkflowID), zap.Error(err))
		o.s.writeOAuthPage(w, r, http.StatusServiceUnavailable, oauthPageData{
			Title: "The sign-in could not be kept", Reason: "The credential store did not take the owner's sign-in.",
			Advice: "Try again; if it keeps failing, check the API's credentials.dsn.", Links: o.migrationLinks(st.WorkflowID, st.LinkExpires, true),
		})
		return credstore.Credential{}, false
	}
	return g, true
}

// sendLogin hands the stored grant to the migration, which verifies with Zendesk that
// it is the account owner's. It is not cut short if the browser goes away: the update
// is already sent. A grant the migration refuses is revoked at once.
func (o *ownerLogin) sendLogin(ctx context.Context, w http.ResponseWriter, r *http.Request, st oauthState, grant credstore.Credential) {
	started := time.Now()
	email := grant.Email
	_, err := o.s.starter.Send(ctx, st.WorkflowID, contract.OwnerLoginName, contract.OwnerLoginInput{GrantID: grant.ID, UserEmail: email})
	if err == nil {
		o.s.log.Info("owner login accepted", zap.String("workflowId", st.WorkflowID), zap.String("user", email),
			zap.Duration("took", time.Since(started)))
		http.Redirect(w, r, "/#/migrations/"+st.WorkflowID+"?ownerLogin=ok", http.StatusSeeOther)
		return
	}
	o.s.log.Info("owner login refused", zap.String("workflowId", st.WorkflowID), zap.String("user", email), zap.Error(err))
	o.revokeRefused(ctx, grant)
	var rejected *starter.RejectedError
	var closed *starter.ClosedError
	var inputErr *starter.InputError
	d := oauthPageData{Title: "The login was not accepted", Reason: err.Error(), Links: o.migrationLinks(st.WorkflowID, st.LinkExpires, true)}
	status := http.StatusServiceUnavailable
	switch {
	case errors.As(err, &rejected):
		status, d.Reason = http.StatusUnprocessableEntity, rejected.Reason
		d.Advice = "You signed in to Zendesk as " + email + ". The Zendesk account owner of " + st.Subdomain + " must log in: sign out of Zendesk, then log in again as the owner."
	case errors.As(err, &closed):
		status, d.Links = http.StatusConflict, o.migrationLinks(st.WorkflowID, st.LinkExpires, false)
	case errors.As(err, &inputErr):
		status = http.StatusUnprocessableEntity
	default:
		// An unexpected failure: its text stays in the log, under the request ID.
		d.Advice = "Check that a worker is running, then look at the migration before trying again."
		o.serverFailurePage(w, r, status, d, err, zap.String("workflowId", st.WorkflowID))
		return
	}
	o.s.writeOAuthPage(w, r, status, d)
}

// revokeRefused gives back a grant the migration did not take (someone other than the
// owner signed in, or the migration had moved on), at Zendesk and in the store, so no
// token of a person who is not the owner is kept. Failures are logged: the grant is
// bound to this migration and subdomain and the migration refused it.
func (o *ownerLogin) revokeRefused(ctx context.Context, grant credstore.Credential) {
	err := o.s.opts.OAuth.Zendesk.Support(grant.Subdomain, platform.Credentials{BearerToken: grant.Secret}).RevokeCurrentToken(ctx)
	if err != nil && !platform.IsStatus(err, 401) {
		o.s.log.Warn("owner login: revoke a refused grant at Zendesk", zap.String("grant", grant.ID), zap.Error(err))
	}
	if _, err := o.s.opts.OAuth.Grants.Revoke(ctx, grant.ID, time.Now()); err != nil {
		o.s.log.Warn("owner login: mark a refused grant revoked", zap.String("grant", grant.ID), zap.Error(err))
	}
}
