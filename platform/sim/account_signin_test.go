package sim_test

import (
	"net/http"
	"net/url"
	"strings"
	"testing"

	"github.com/sellmigrate/sellmigrate/platform/sim"
)

// accountSignIn posts the account sign-in form as a browser would.
func (e *env) accountSignIn(subdomain, email, password string) response {
	e.t.Helper()
	form := url.Values{"email": {email}, "password": {password}}
	req, _ := http.NewRequest(http.MethodPost, e.srv.URL+"/zendesk/"+subdomain+"/access/login", strings.NewReader(form.Encode()))
	req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
	return e.send(req)
}

func requireHTML(t *testing.T, r response, wants ...string) {
	t.Helper()
	if ct := r.header.Get("Content-Type"); !strings.HasPrefix(ct, "text/html") {
		t.Errorf("Content-Type %q, want text/html", ct)
	}
	for _, want := range wants {
		if !strings.Contains(string(r.body), want) {
			t.Errorf("page lacks %q:\n%s", want, r.body)
		}
	}
}

// TestAccountRootServesSignIn: the login address a migration reports (the account's
// base URL, with or without its slash) shows that account's sign-in form.
func TestAccountRootServesSignIn(t *testing.T) {
	t.Parallel()
	e := start(t, sim.Config{})
	for _, path := range []string{"/zendesk/globex", "/zendesk/globex/", "/zendesk/GLOBEX", "/zendesk/globex/access/login"} {
		r := e.do(http.MethodGet, path, nil).expect(t, http.StatusOK)
		requireHTML(t, r, "Sign in to Globex", "globex.zendesk.com", `name="email"`, `name="password"`,
			`action="/zendesk/globex/access/login"`, ">Sign in</button>")
		if r.header.Get("X-Frame-Options") != "DENY" || strings.Contains(string(r.body), "<script") {
			t.Errorf("%s: the sign-in page must be unframeable and script-free", path)
		}
	}
	// The API below the root is untouched.
	e.do(http.MethodGet, "/zendesk/globex/api/v2/users/me", nil).expect(t, http.StatusUnauthorized)
}

// TestAccountSignInUnknownOrReleased: no account, no sign-in; a released account is
// deleted and answers as an unknown one.
func TestAccountSignInUnknownOrReleased(t *testing.T) {
	t.Parallel()
	e := start(t, sim.Config{})
	r := e.do(http.MethodGet, "/zendesk/nosuchaccount", nil).expect(t, http.StatusNotFound)
	requireHTML(t, r, "No such Zendesk account", "nosuchaccount")
	e.accountSignIn("nosuchaccount", "owner@globex.test", sim.DemoPassword).expect(t, http.StatusNotFound)

	e.createAccount("Acme", "acme", "admin@acme.test", "k1")
	e.do(http.MethodGet, "/zendesk/acme/", nil).expect(t, http.StatusOK)
	e.do(http.MethodDelete, "/zendesk/acme/api/v2/accounts/acme", nil, supportAuth("admin@acme.test")...).expect(t, http.StatusNoContent)
	requireHTML(t, e.do(http.MethodGet, "/zendesk/acme/", nil).expect(t, http.StatusNotFound), "No such Zendesk account")
	e.accountSignIn("acme", "admin@acme.test", sim.DemoPassword).expect(t, http.StatusNotFound)
}

// TestAccountSignInShowsUserAndRole signs in each kind of user of the demo accounts
// and refuses what the OAuth sign-in refuses, with 401 and the form again.
func TestAccountSignInShowsUserAndRole(t *testing.T) {
	t.Parallel()
	e := start(t, sim.Config{})
	for _, c := range []struct{ sub, email, role string }{
		{"globex", "Owner@Globex.test", "admin, account owner"},
		{"globex", "lee@globex.test", "end-user"},
		{"umbrella", "jill@umbrella.test", "agent (Contributor)"},
	} {
		r := e.accountSignIn(c.sub, c.email, sim.DemoPassword).expect(t, http.StatusOK)
		requireHTML(t, r, "Signed in to", strings.ToLower(c.email), `<dd id="role">`+c.role+"</dd>")
	}

	for _, c := range []struct{ sub, email, password string }{
		{"globex", "owner@globex.test", "wrong"},
		{"globex", "stranger@globex.test", sim.DemoPassword},
		{"globex", "owner@initech.test", sim.DemoPassword}, // a user of another account
	} {
		r := e.accountSignIn(c.sub, c.email, c.password).expect(t, http.StatusUnauthorized)
		requireHTML(t, r, "Invalid email or password.", `value="`+c.email+`"`, `name="password"`)
		if strings.Contains(string(r.body), "Signed in") {
			t.Errorf("%s/%s: refused but the page says signed in", c.email, c.password)
		}
	}

	// A suspended agent cannot sign in, with the same message.
	jill := findUser(t, e, "umbrella", "admin@umbrella.test", "jill@umbrella.test")
	e.do(http.MethodPut, "/zendesk/umbrella/api/v2/users/"+itoa(jill.ID), map[string]any{"user": map[string]bool{"suspended": true}},
		supportAuth("admin@umbrella.test")...).expect(t, http.StatusOK)
	requireHTML(t, e.accountSignIn("umbrella", "jill@umbrella.test", sim.DemoPassword).expect(t, http.StatusUnauthorized),
		"Invalid email or password.")
}
