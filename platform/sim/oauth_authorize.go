package sim

import (
	"errors"
	"net/http"
	"net/url"

	"go.uber.org/zap"
)

// authorizeRequest is the authorization request of RFC 6749 §4.1.1, carried from the
// GET that shows the sign-in page to the POST that submits it.
type authorizeRequest struct {
	ResponseType, ClientID, RedirectURI, Scope, State string
	// PKCE (RFC 7636), optional: the challenge and its method, which must be S256.
	CodeChallenge, CodeChallengeMethod string
}

func authorizeParams(v url.Values) authorizeRequest {
	return authorizeRequest{
		ResponseType: v.Get("response_type"), ClientID: v.Get("client_id"),
		RedirectURI: v.Get("redirect_uri"), Scope: v.Get("scope"), State: v.Get("state"),
		CodeChallenge: v.Get("code_challenge"), CodeChallengeMethod: v.Get("code_challenge_method"),
	}
}

// check validates the request. Problems with the client or its redirect_uri cannot be
// sent back to the client, so they end on an error page (ok false, page written);
// others are reported to the client by redirect, as OAuth requires.
func (s *Sim) checkAuthorize(w http.ResponseWriter, r *http.Request, ar *authorizeRequest) (ok bool) {
	if ar.ClientID == "" || !tokenEqual(ar.ClientID, s.oauth.id) {
		s.oauthPageError(w, r, http.StatusBadRequest, "Invalid authorization request",
			"The client identifier "+quoteOrMissing(ar.ClientID)+" is not registered with this account. "+
				"Check the OAuth client id the application is configured with.")
		return false
	}
	if err := s.oauth.redirectAllowed(ar.RedirectURI); err != nil {
		s.oauthPageError(w, r, http.StatusBadRequest, "Invalid authorization request",
			"The redirect_uri "+quoteOrMissing(ar.RedirectURI)+" "+err.Error()+".")
		return false
	}
	if ar.ResponseType != "code" {
		s.redirectOAuthError(w, r, *ar, "unsupported_response_type",
			"response_type must be code (the authorization code grant)")
		return false
	}
	scope, err := parseScope(ar.Scope)
	if err != nil {
		s.redirectOAuthError(w, r, *ar, "invalid_scope", err.Error())
		return false
	}
	if err := checkCodeChallenge(ar.CodeChallenge, ar.CodeChallengeMethod); err != nil {
		s.redirectOAuthError(w, r, *ar, "invalid_request", err.Error())
		return false
	}
	ar.Scope = scope
	return true
}

func quoteOrMissing(s string) string {
	if s == "" {
		return "(missing)"
	}
	return `"` + s + `"`
}

// redirectOAuthError sends the browser back to the client with an OAuth error.
func (s *Sim) redirectOAuthError(w http.ResponseWriter, r *http.Request, ar authorizeRequest, code, description string) {
	params := url.Values{"error": {code}, "error_description": {description}}
	if ar.State != "" {
		params.Set("state", ar.State)
	}
	http.Redirect(w, r, withQuery(ar.RedirectURI, params), http.StatusFound)
}

// accountForPage resolves the subdomain of a browser page (the account's sign-in, the
// OAuth pages); an unknown one gets the error page (there is no sign-in without an
// account). A released account is deleted, so it is unknown too, as Zendesk answers
// for a deleted account.
func (s *Sim) accountForPage(w http.ResponseWriter, r *http.Request) (supportAccount, bool) {
	acct, err := accountBySubdomain(r.Context(), s.store.db, r.PathValue("sub"))
	if errors.Is(err, errNotFound) {
		s.oauthPageError(w, r, http.StatusNotFound, "No such Zendesk account",
			"There is no Zendesk account at "+r.PathValue("sub")+". Check the subdomain; "+
				"an account that was deleted or released is no longer there.")
		return acct, false
	}
	if err != nil {
		s.log.Error("browser page: look up account", zap.String("subdomain", r.PathValue("sub")), zap.Error(err))
		s.oauthPageError(w, r, http.StatusInternalServerError, "Something went wrong",
			"The simulator could not read its database; try again.")
		return acct, false
	}
	return acct, true
}

// handleAuthorizePage serves GET /oauth/authorizations/new: the sign-in page.
func (s *Sim) handleAuthorizePage(w http.ResponseWriter, r *http.Request) {
	acct, ok := s.accountForPage(w, r)
	if !ok {
		return
	}
	ar := authorizeParams(r.URL.Query())
	if !s.checkAuthorize(w, r, &ar) {
		return
	}
	s.writeSignIn(w, r, acct, ar, "", "")
}

func (s *Sim) writeSignIn(w http.ResponseWriter, r *http.Request, acct supportAccount, ar authorizeRequest, email, problem string) {
	s.writePage(w, r, http.StatusOK, signInPage, signInData{
		AccountName: acct.Name, Subdomain: acct.Subdomain,
		Action: supportPrefix + acct.Subdomain + "/oauth/authorizations",
		Email:  email, Error: problem, authorizeRequest: ar,
	})
}

// handleAuthorizeSubmit serves POST /oauth/authorizations: the sign-in form. Any
// active, unsuspended user of the account signs in with DemoPassword; the browser is
// then sent back to the client with a single-use code.
func (s *Sim) handleAuthorizeSubmit(w http.ResponseWriter, r *http.Request) {
	acct, ok := s.accountForPage(w, r)
	if !ok {
		return
	}
	if !s.readSignInForm(w, r) {
		return
	}
	ar := authorizeParams(r.PostForm)
	if !s.checkAuthorize(w, r, &ar) {
		return
	}
	if r.PostForm.Get("cancel") != "" {
		s.redirectOAuthError(w, r, ar, "access_denied", "The user cancelled the sign-in.")
		return
	}
	email := normalizeEmail(r.PostForm.Get("email"))
	u, err := s.checkCredentials(r.Context(), acct, email, r.PostForm.Get("password"))
	if errors.Is(err, errBadCredentials) {
		s.writeSignIn(w, r, acct, ar, email, badCredentialsMessage)
		return
	}
	if err != nil {
		s.log.Error("OAuth sign-in: look up user", zap.String("subdomain", acct.Subdomain), zap.Error(err))
		s.oauthPageError(w, r, http.StatusInternalServerError, "Something went wrong",
			"The simulator could not read its database; try again.")
		return
	}
	code, err := s.issueCode(r.Context(), oauthGrant{
		AccountID: acct.ID, UserID: u.ID, ClientID: ar.ClientID, RedirectURI: ar.RedirectURI, Scope: ar.Scope,
		CodeChallenge: ar.CodeChallenge,
	})
	if err != nil {
		s.log.Error("OAuth sign-in: issue code", zap.String("subdomain", acct.Subdomain), zap.Error(err))
		s.oauthPageError(w, r, http.StatusInternalServerError, "Something went wrong",
			"The simulator could not store the sign-in; try again.")
		return
	}
	params := url.Values{"code": {code}}
	if ar.State != "" {
		params.Set("state", ar.State)
	}
	http.Redirect(w, r, withQuery(ar.RedirectURI, params), http.StatusFound)
}
