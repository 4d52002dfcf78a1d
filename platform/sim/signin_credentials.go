package sim

import (
	"context"
	"errors"
	"net/http"
)

// errBadCredentials is every reason a sign-in is refused: unknown email, wrong
// password, inactive or suspended user. Callers show one message for all of them, as
// Zendesk does, so a sign-in form does not reveal which emails are users of the account.
var errBadCredentials = errors.New("invalid email or password")

// badCredentialsMessage is what a sign-in form says when errBadCredentials refused it.
const badCredentialsMessage = "Invalid email or password."

// checkCredentials is the simulator's one password check, shared by the OAuth sign-in
// and the account's own sign-in page: any active, unsuspended user of the account signs
// in with DemoPassword. Errors other than errBadCredentials are the database's.
func (s *Sim) checkCredentials(ctx context.Context, acct supportAccount, email, password string) (supportUser, error) {
	u, err := userByEmail(ctx, s.store.db, acct.ID, email)
	if errors.Is(err, errNotFound) {
		return supportUser{}, errBadCredentials
	}
	if err != nil {
		return supportUser{}, err
	}
	// Compared even for a disabled user, so the answer takes as long either way.
	passwordOK := tokenEqual(password, DemoPassword)
	if !u.Active || u.Suspended || !passwordOK {
		return supportUser{}, errBadCredentials
	}
	return u, nil
}

// readSignInForm reads a posted sign-in form (bounded), or answers 400 with a page
// saying so and returns false.
func (s *Sim) readSignInForm(w http.ResponseWriter, r *http.Request) bool {
	r.Body = http.MaxBytesReader(w, r.Body, oauthMaxBody)
	if err := r.ParseForm(); err != nil {
		s.oauthPageError(w, r, http.StatusBadRequest, "Invalid sign-in request",
			"The sign-in form could not be read; go back and sign in again.")
		return false
	}
	return true
}
