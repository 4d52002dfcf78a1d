package sim

import (
	"errors"
	"net/http"

	"go.uber.org/zap"
)

// The account's own sign-in, the address a migration's result tells people to log in at
// (the account's base URL, zendesk.support_url with the subdomain):
//
//	GET  /zendesk/{sub}, /zendesk/{sub}/, /zendesk/{sub}/access/login   the sign-in page
//	POST /zendesk/{sub}/access/login   email + password; 200 with a signed-in page naming
//	     the user and their role in the account, or 401 with the form and an error
//
// Zendesk shows its sign-in at an account's root to whoever is not signed in; where the
// form posts and what follows are Zendesk's own (see docs/ZENDESK.md, assumptions). The
// simulator keeps no session: the signed-in page is the whole of it.

// accountSignInPath is where the account's sign-in form posts.
func accountSignInPath(subdomain string) string {
	return supportPrefix + subdomain + "/access/login"
}

// handleAccountSignInPage serves the sign-in page of an account.
func (s *Sim) handleAccountSignInPage(w http.ResponseWriter, r *http.Request) {
	acct, ok := s.accountForPage(w, r)
	if !ok {
		return
	}
	s.writeAccountSignIn(w, r, http.StatusOK, acct, "", "")
}

func (s *Sim) writeAccountSignIn(w http.ResponseWriter, r *http.Request, status int, acct supportAccount, email, problem string) {
	s.writePage(w, r, status, accountSignInPage, accountSignInData{
		AccountName: acct.Name, Subdomain: acct.Subdomain, Action: accountSignInPath(acct.Subdomain),
		Email: email, Error: problem,
	})
}

// handleAccountSignIn checks the form with the simulator's one credential check (the
// OAuth sign-in's) and shows who signed in, in what role.
func (s *Sim) handleAccountSignIn(w http.ResponseWriter, r *http.Request) {
	acct, ok := s.accountForPage(w, r)
	if !ok {
		return
	}
	if !s.readSignInForm(w, r) {
		return
	}
	email := normalizeEmail(r.PostForm.Get("email"))
	u, err := s.checkCredentials(r.Context(), acct, email, r.PostForm.Get("password"))
	if errors.Is(err, errBadCredentials) {
		s.writeAccountSignIn(w, r, http.StatusUnauthorized, acct, email, badCredentialsMessage)
		return
	}
	if err != nil {
		s.log.Error("account sign-in: look up user", zap.String("subdomain", acct.Subdomain), zap.Error(err))
		s.oauthPageError(w, r, http.StatusInternalServerError, "Something went wrong",
			"The simulator could not read its database; try again.")
		return
	}
	role, err := s.roleLabel(r, acct, u)
	if err != nil {
		s.log.Error("account sign-in: look up custom role", zap.String("subdomain", acct.Subdomain), zap.Error(err))
		s.oauthPageError(w, r, http.StatusInternalServerError, "Something went wrong",
			"The simulator could not read its database; try again.")
		return
	}
	s.writePage(w, r, http.StatusOK, accountSignedInPage, accountSignedInData{
		AccountName: acct.Name, Subdomain: acct.Subdomain, UserName: u.Name, Email: u.Email,
		Role: u.Role, RoleDetail: role, Owner: u.ID == acct.OwnerID,
	})
}

// roleLabel names an agent's custom role (Contributor, Light Agent…), "" when none.
func (s *Sim) roleLabel(r *http.Request, acct supportAccount, u supportUser) (string, error) {
	if u.Role != roleAgent || !u.CustomRoleID.Valid {
		return "", nil
	}
	cr, err := customRoleByID(r.Context(), s.store.db, acct.ID, u.CustomRoleID.Int64)
	if errors.Is(err, errNotFound) {
		return "", nil
	}
	return cr.Name, err
}
