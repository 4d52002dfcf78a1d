package api

import (
	"net/http"
	"time"
)

// sessionRequest is the body of POST /api/v1/session.
type sessionRequest struct {
	Token string `json:"token"`
}

// roleBody answers who the caller is.
type roleBody struct {
	Role string `json:"role"`
}

// createSession exchanges a token for the session cookie the dashboard uses, so the
// token is typed once and never kept in the page's script.
func (s *Server) createSession(w http.ResponseWriter, r *http.Request, _ principal) error {
	var req sessionRequest
	if err := s.decodeJSON(w, r, &req); err != nil {
		return err
	}
	if req.Token == "" {
		return &apiError{Code: codeInvalidInput, Field: "token", Message: "token is missing; give the API token you were issued"}
	}
	role, id := s.auth.match(req.Token)
	if role == rolePublic {
		return newError(codeUnauthorized, "the token is not valid; use a token from api.viewer_tokens, api.ops_tokens or api.admin_tokens")
	}
	value, exp := s.auth.newSession(id)
	http.SetCookie(w, s.auth.sessionCookie(value, exp))
	writeJSON(w, http.StatusOK, roleBody{Role: role.String()})
	return nil
}

// deleteSession signs out: it clears the cookie, whether or not it was valid.
func (s *Server) deleteSession(w http.ResponseWriter, _ *http.Request, _ principal) error {
	http.SetCookie(w, s.auth.sessionCookie("", time.Time{}))
	w.WriteHeader(http.StatusNoContent)
	return nil
}

func (s *Server) me(w http.ResponseWriter, _ *http.Request, p principal) error {
	writeJSON(w, http.StatusOK, roleBody{Role: p.role.String()})
	return nil
}

func (s *Server) healthz(w http.ResponseWriter, _ *http.Request, _ principal) error {
	writeJSON(w, http.StatusOK, map[string]bool{"ok": true})
	return nil
}
