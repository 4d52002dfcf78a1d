package api

import (
	"net/http"
	"time"
)

// sessionRequest is the body of POST /api/v1/session.
type sessionRequest struct {
	Token string `json:"token"`
}

// roleBody answers who the caller is: the role, and the principal of the token (a
// named token's name and email; a role-list token's name, e.g. "ops token 1", and no
// email).
type roleBody struct {
	Role  string `json:"role"`
	Name  string `json:"name"`
	Email string `json:"email,omitempty"`
}

func bodyOf(p principal) roleBody {
	return roleBody{Role: p.role.String(), Name: p.name, Email: p.email}
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
	e, ok := s.auth.match(req.Token)
	if !ok {
		s.writeAudit(r, principal{}, auditSignIn, "", auditUnauthenticated, http.StatusUnauthorized)
		return newError(codeUnauthorized, "the token is not valid; "+badTokenHint)
	}
	value, exp, err := s.auth.newSession(e.principal(true))
	if err != nil {
		return err
	}
	s.writeAudit(r, e.principal(true), auditSignIn, "", auditOK, 0)
	http.SetCookie(w, s.auth.sessionCookie(value, exp))
	writeJSON(w, http.StatusOK, bodyOf(e.principal(true)))
	return nil
}

// signInOptions tells the dashboard how people may sign in: always with a token, and
// through the staff OIDC provider when one is configured.
type signInOptions struct {
	OIDC     bool   `json:"oidc"`
	LoginURL string `json:"loginUrl,omitempty"`
}

func (s *Server) sessionOptions(w http.ResponseWriter, _ *http.Request, _ principal) error {
	o := signInOptions{OIDC: s.staff != nil && s.staff.enabled()}
	if o.OIDC {
		o.LoginURL = staffLoginPath
	}
	writeJSON(w, http.StatusOK, o)
	return nil
}

// deleteSession signs out: it deletes the session on the server, so a copy of the
// cookie stops working too, and clears the cookie, whether or not it was valid.
func (s *Server) deleteSession(w http.ResponseWriter, r *http.Request, _ principal) error {
	if c, err := r.Cookie(SessionCookie); err == nil {
		if p, ok := s.auth.checkSession(c.Value); ok {
			s.writeAudit(r, p, auditSignOut, "", auditOK, 0)
		}
		s.auth.endSession(c.Value)
	}
	http.SetCookie(w, s.auth.sessionCookie("", time.Time{}))
	w.WriteHeader(http.StatusNoContent)
	return nil
}

func (s *Server) me(w http.ResponseWriter, _ *http.Request, p principal) error {
	writeJSON(w, http.StatusOK, bodyOf(p))
	return nil
}

func (s *Server) healthz(w http.ResponseWriter, _ *http.Request, _ principal) error {
	writeJSON(w, http.StatusOK, map[string]bool{"ok": true})
	return nil
}
