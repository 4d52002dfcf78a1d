package sim

import (
	"encoding/json"
	"errors"
	"io"
	"mime"
	"net/http"
	"net/url"

	"go.uber.org/zap"
)

// tokenRequest is the access token request of RFC 6749 §4.1.3 as Zendesk takes it, in
// a JSON or a form body.
type tokenRequest struct {
	GrantType    string `json:"grant_type"`
	Code         string `json:"code"`
	ClientID     string `json:"client_id"`
	ClientSecret string `json:"client_secret"`
	RedirectURI  string `json:"redirect_uri"`
	Scope        string `json:"scope"`
	// CodeVerifier is PKCE's (RFC 7636 §4.5): required when the code was issued for a
	// code_challenge.
	CodeVerifier string `json:"code_verifier"`
}

// oauthTokenError writes an RFC 6749 §5.2 error, which Zendesk also uses.
func oauthTokenError(w http.ResponseWriter, status int, code, description string) {
	w.Header().Set("Cache-Control", "no-store")
	w.Header().Set("Pragma", "no-cache")
	if status == http.StatusUnauthorized {
		w.Header().Set("WWW-Authenticate", `Basic realm="OAuth"`)
	}
	writeJSON(w, status, map[string]string{"error": code, "error_description": description})
}

// readTokenRequest decodes a JSON or form body. Client credentials may also come as
// HTTP Basic auth (RFC 6749 §2.3.1).
func readTokenRequest(w http.ResponseWriter, r *http.Request) (tokenRequest, error) {
	var tr tokenRequest
	r.Body = http.MaxBytesReader(w, r.Body, oauthMaxBody)
	mediaType, _, _ := mime.ParseMediaType(r.Header.Get("Content-Type"))
	switch mediaType {
	case "application/json":
		body, err := io.ReadAll(r.Body)
		if err != nil {
			return tr, err
		}
		if err := json.Unmarshal(body, &tr); err != nil {
			return tr, errors.New("the body is not a JSON object of strings")
		}
	case "application/x-www-form-urlencoded":
		if err := r.ParseForm(); err != nil {
			return tr, err
		}
		f := r.PostForm
		tr = tokenRequest{GrantType: f.Get("grant_type"), Code: f.Get("code"), ClientID: f.Get("client_id"),
			ClientSecret: f.Get("client_secret"), RedirectURI: f.Get("redirect_uri"), Scope: f.Get("scope"),
			CodeVerifier: f.Get("code_verifier")}
	default:
		return tr, errors.New("send the parameters as application/json or application/x-www-form-urlencoded")
	}
	if id, secret, ok := r.BasicAuth(); ok && tr.ClientID == "" && tr.ClientSecret == "" {
		// RFC 6749 §2.3.1: Basic credentials are form-encoded before base64.
		if uid, err := url.QueryUnescape(id); err == nil {
			id = uid
		}
		if usecret, err := url.QueryUnescape(secret); err == nil {
			secret = usecret
		}
		tr.ClientID, tr.ClientSecret = id, secret
	}
	return tr, nil
}

// handleTokens serves POST /oauth/tokens: exchanges an authorization code for an
// access token of the user who signed in.
func (s *Sim) handleTokens(w http.ResponseWriter, r *http.Request) {
	acct, ok := s.supportAccountFor(w, r, r.PathValue("sub"))
	if !ok {
		return
	}
	tr, err := readTokenRequest(w, r)
	if err != nil {
		oauthTokenError(w, http.StatusBadRequest, "invalid_request", "The token request could not be read: "+err.Error())
		return
	}
	if tr.ClientID == "" || !tokenEqual(tr.ClientID, s.oauth.id) || !tokenEqual(tr.ClientSecret, s.oauth.secret) {
		oauthTokenError(w, http.StatusUnauthorized, "invalid_client",
			"Client authentication failed due to unknown client, no client authentication included, or unsupported authentication method.")
		return
	}
	if tr.GrantType != "authorization_code" {
		oauthTokenError(w, http.StatusBadRequest, "unsupported_grant_type",
			"The authorization grant type is not supported by the authorization server; use authorization_code.")
		return
	}
	if tr.Code == "" || tr.RedirectURI == "" {
		oauthTokenError(w, http.StatusBadRequest, "invalid_request",
			"The request is missing a required parameter: code and redirect_uri are required.")
		return
	}
	token, scope, err := s.redeemCode(r.Context(), acct.ID, tr.Code, tr.ClientID, tr.RedirectURI, tr.CodeVerifier)
	if errors.Is(err, errInvalidGrant) {
		s.log.Info("OAuth code refused", zap.String("subdomain", acct.Subdomain), zap.String("reason", err.Error()))
		oauthTokenError(w, http.StatusBadRequest, "invalid_grant",
			"The provided authorization grant is invalid, expired, revoked, does not match the redirection URI used in the authorization request, or was issued to another client.")
		return
	}
	if err != nil {
		s.internalError(w, r, err)
		return
	}
	w.Header().Set("Cache-Control", "no-store")
	w.Header().Set("Pragma", "no-cache")
	writeJSON(w, http.StatusOK, map[string]string{"access_token": token, "token_type": "bearer", "scope": scope})
}
