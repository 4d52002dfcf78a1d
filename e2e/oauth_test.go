package e2e

import (
	"html"
	"io"
	"net/http"
	"net/http/cookiejar"
	"net/url"
	"regexp"
	"strings"
	"testing"
	"time"

	"github.com/sellmigrate/sellmigrate/config"
	"github.com/sellmigrate/sellmigrate/e2e/harness"
)

// TestOwnerLoginOAuthEndToEnd walks the Zendesk account owner's login as a browser does,
// against `sellmigrate dev` (real Temporal, API and simulator): the dashboard link sends
// the browser to the simulated Zendesk sign-in, the callback exchanges the code and sends
// the owner-login update. A user who is not the owner is refused with the workflow's
// reason; the owner moves the migration on to the disclaimers. A tampered state, a
// replayed callback and a spent code are refused. It runs on the shared stack, on an
// account of its own (5201, Oauthco) whose Zendesk account has, besides its owner, one
// of its Sell users as an end-user (as lee@globex.test is in the demo data).
func TestOwnerLoginOAuthEndToEnd(t *testing.T) {
	t.Parallel()
	d := shared(t)
	sim := d.Sim()
	sim.AddAccount(t, harness.AccountSpec{SellAccountID: 5201, Name: "Oauthco", Users: 2,
		ExistingSupport: &harness.ExistingSupportSpec{Subdomain: "oauthco", OwnerEmail: "owner@oauthco.test", OwnerHasSellLicense: true}})
	sim.CreateUsers(t, "oauthco", "owner@oauthco.test", []map[string]any{{"name": "Lee Oauthco", "email": "user0001@oauthco.test", "role": "end-user"}})
	apiURL := d.APIURL
	b := newBrowser(t, apiURL)

	harness.MustCLI(t, d, "start", "--account", "5201", "--mode", "existing", "--subdomain", "oauthco",
		"--requested-by", "admin@oauthco.test", "--owner-email", "owner@oauthco.test")
	harness.AwaitStatus(t, d, "5201", "awaiting_owner_login")

	// While it waits for the owner, an unsigned link, as anyone could type, and a
	// signed one altered are refused like a migration that does not exist.
	for name, link := range map[string]string{
		"unsigned": apiURL + "/oauth/owner-login?migration=5201",
		"altered":  strings.Replace(b.ownerLink("5201"), "exp=", "exp=9", 1),
	} {
		if r := b.get(link); r.status != http.StatusNotFound || !strings.Contains(r.body, "This sign-in link is not valid now") ||
			strings.Contains(r.body, "oauthco") {
			t.Errorf("%s link while awaiting the owner: %d, want the page that says nothing:\n%s", name, r.status, r.body)
		}
	}

	// user0001@oauthco.test is a user of oauthco but not its owner: the workflow refuses.
	leeCallback := b.signInAt(b.startLogin("5201", "oauthco", d.SimURL), "user0001@oauthco.test")
	r := b.get(leeCallback)
	if r.status != http.StatusUnprocessableEntity || !strings.Contains(r.body, "not its account owner") ||
		!strings.Contains(r.body, `href="/#/migrations/sell-migration-5201"`) {
		t.Fatalf("callback for the non-owner: %d, want 422 saying they are not the account owner, with a link back:\n%s", r.status, r.body)
	}
	if s := harness.AwaitStatus(t, d, "5201", "awaiting_owner_login"); len(s.Inputs) == 0 ||
		s.Inputs[len(s.Inputs)-1].By != "user0001@oauthco.test" || s.Inputs[len(s.Inputs)-1].Accepted {
		t.Errorf("inputs %+v, want the non-owner's login recorded as refused", s.Inputs)
	}

	// The same callback again (the browser's cookie is spent) is refused.
	if r := b.get(leeCallback); r.status != http.StatusBadRequest {
		t.Errorf("replayed callback: %d, want 400:\n%s", r.status, r.body)
	}
	// That code under a fresh, valid state and cookie: Zendesk refuses the spent code.
	fresh := b.startLogin("5201", "oauthco", d.SimURL)
	spent := mustParse(t, leeCallback).Query().Get("code")
	r = b.get(apiURL + "/oauth/callback?" + url.Values{"code": {spent}, "state": {fresh.Query().Get("state")}}.Encode())
	if r.status != http.StatusBadRequest || !strings.Contains(r.body, "sign-in code was refused") {
		t.Errorf("spent code: %d, want 400 saying the code was refused:\n%s", r.status, r.body)
	}
	// A tampered state is refused before anything is exchanged.
	st := b.startLogin("5201", "oauthco", d.SimURL).Query().Get("state")
	i := len(st) / 4 // inside the signed payload
	flipped := byte('A')
	if st[i] == 'A' {
		flipped = 'B'
	}
	tampered := st[:i] + string(flipped) + st[i+1:]
	r = b.get(apiURL + "/oauth/callback?" + url.Values{"code": {"x"}, "state": {tampered}}.Encode())
	if r.status != http.StatusBadRequest || !strings.Contains(r.body, "not valid") {
		t.Errorf("tampered state: %d, want 400:\n%s", r.status, r.body)
	}

	// The owner logs in: back to the dashboard, and the migration moves on.
	ownerCallback := b.signInAt(b.startLogin("5201", "oauthco", d.SimURL), "owner@oauthco.test")
	r = b.get(ownerCallback)
	if r.status != http.StatusSeeOther || r.location != "/#/migrations/sell-migration-5201?ownerLogin=ok" {
		t.Fatalf("callback for the owner: %d Location %q, want 303 to the migration:\n%s", r.status, r.location, r.body)
	}
	if s := harness.AwaitStatus(t, d, "5201", "awaiting_disclaimers"); s.OwnerEmail != "owner@oauthco.test" {
		t.Errorf("owner email %q, want owner@oauthco.test", s.OwnerEmail)
	}
	// Now the migration no longer waits for the owner: a signed login link is no
	// longer valid, and the page says nothing more about the migration.
	if r := b.get(b.ownerLink("5201")); r.status != http.StatusNotFound ||
		!strings.Contains(r.body, "This sign-in link is not valid now") || strings.Contains(r.body, "owner@oauthco.test") {
		t.Errorf("owner-login after the login: %d:\n%s", r.status, r.body)
	}

	// Finished, its history holds none of the secrets the login went through: the demo
	// stack's, every secret in its credential store (the owner's grant and the
	// non-owner's, other tests' grants and account tokens), the OAuth codes and the
	// signed states.
	harness.MustCLI(t, d, "signal", "5201", "accept-disclaimers", "--by", "admin@oauthco.test")
	runID, _ := harness.AwaitClosed(t, d, "5201")
	stored := d.StoredSecrets(t)
	if len(stored) < 2 {
		t.Errorf("the credential store holds %d secrets, want at least the two grants of oauthco's sign-ins", len(stored))
	}
	secrets := append(append(harness.DemoSecrets(), d.Secrets()...), stored...)
	secrets = append(secrets, spent, mustParse(t, ownerCallback).Query().Get("code"),
		mustParse(t, ownerCallback).Query().Get("state"), fresh.Query().Get("state"))
	harness.RequireNoSecrets(t, harness.History(t, d, "5201", runID), "migration 5201", secrets)

	// Its personal data is encrypted by the payload codec: read without the key, the
	// history holds no email, while the stack's clients (the harness's, the CLI) read
	// the migration as ever.
	harness.RequireEncrypted(t, d, "5201", runID, []string{"owner@oauthco.test", "admin@oauthco.test", "Oauthco"})
	if st := harness.Status(t, d, "5201"); st.Status != "completed" || st.OwnerEmail != "owner@oauthco.test" {
		t.Errorf("status through the CLI: %s owner %q, want completed by owner@oauthco.test", st.Status, st.OwnerEmail)
	}
	// A CLI without the key reads what is in clear (step and status are search
	// attributes), no email, and is told which setting it lacks.
	if r := d.CLIWith(harness.Settings{"dev.data_dir": t.TempDir()}, "status", "5201"); !strings.Contains(r.Stdout+r.Stderr, "temporal.codec_keys is not set") ||
		strings.Contains(r.Stdout+r.Stderr, "@oauthco.test") {
		t.Errorf("status without the payload key: want no email and a note naming temporal.codec_keys; got %s", r)
	}
}

// browser is an http.Client with a cookie jar that reports redirects instead of
// following them, so the test sees each hop.
type browser struct {
	t      *testing.T
	c      *http.Client
	apiURL string
}

type page struct {
	status   int
	location string
	body     string
}

func newBrowser(t *testing.T, apiURL string) *browser {
	jar, err := cookiejar.New(nil)
	if err != nil {
		t.Fatal(err)
	}
	return &browser{t: t, apiURL: apiURL, c: &http.Client{
		Jar: jar, Timeout: 90 * time.Second,
		CheckRedirect: func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse },
	}}
}

func (b *browser) do(req *http.Request) page {
	b.t.Helper()
	resp, err := b.c.Do(req)
	if err != nil {
		b.t.Fatalf("%s %s: %v", req.Method, req.URL, err)
	}
	defer resp.Body.Close()
	body, err := io.ReadAll(resp.Body)
	if err != nil {
		b.t.Fatalf("read %s: %v", req.URL, err)
	}
	return page{status: resp.StatusCode, location: resp.Header.Get("Location"), body: string(body)}
}

func (b *browser) get(rawURL string) page {
	b.t.Helper()
	req, err := http.NewRequest(http.MethodGet, rawURL, nil)
	if err != nil {
		b.t.Fatal(err)
	}
	return b.do(req)
}

// ownerLink is a signed owner-login link for the migration, as the dashboard gets it.
func (b *browser) ownerLink(account string) string {
	b.t.Helper()
	link, err := harness.OwnerLoginLink(b.t.Context(), b.apiURL, config.DemoAdminToken, account)
	if err != nil {
		b.t.Fatal(err)
	}
	return link
}

// startLogin opens the dashboard's owner-login link and returns where it redirects:
// the simulated Zendesk's authorize URL for the subdomain, with a PKCE challenge.
func (b *browser) startLogin(account, subdomain, simURL string) *url.URL {
	b.t.Helper()
	r := b.get(b.ownerLink(account))
	if r.status != http.StatusFound {
		b.t.Fatalf("owner-login: %d, want 302:\n%s", r.status, r.body)
	}
	u := mustParse(b.t, r.location)
	q := u.Query()
	if !strings.HasPrefix(r.location, simURL+"/zendesk/"+subdomain+"/oauth/authorizations/new?") || q.Get("response_type") != "code" ||
		q.Get("client_id") != "sellmigrate" || q.Get("redirect_uri") != b.apiURL+"/oauth/callback" ||
		q.Get("scope") != "read write" || q.Get("state") == "" ||
		len(q.Get("code_challenge")) != 43 || q.Get("code_challenge_method") != "S256" || q.Has("code_verifier") {
		b.t.Fatalf("owner-login redirects to %s, want %s's authorize URL with the OAuth and PKCE parameters", r.location, subdomain)
	}
	return u
}

var (
	formAction  = regexp.MustCompile(`<form method="post" action="([^"]+)"`)
	hiddenInput = regexp.MustCompile(`<input type="hidden" name="([a-z_]+)" value="([^"]*)">`)
)

// signInAt loads the sign-in page, submits it with the email and the demo password,
// and returns the callback URL Zendesk redirects to.
func (b *browser) signInAt(authorize *url.URL, email string) string {
	b.t.Helper()
	r := b.get(authorize.String())
	m := formAction.FindStringSubmatch(r.body)
	if r.status != http.StatusOK || m == nil || !strings.Contains(r.body, "Sign in") {
		b.t.Fatalf("sign-in page: %d:\n%s", r.status, r.body)
	}
	form := url.Values{"email": {email}, "password": {"demo-password"}}
	for _, h := range hiddenInput.FindAllStringSubmatch(r.body, -1) {
		form.Set(h[1], html.UnescapeString(h[2]))
	}
	action := authorize.ResolveReference(mustParse(b.t, html.UnescapeString(m[1])))
	req, err := http.NewRequest(http.MethodPost, action.String(), strings.NewReader(form.Encode()))
	if err != nil {
		b.t.Fatal(err)
	}
	req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
	r = b.do(req)
	if r.status != http.StatusFound || !strings.HasPrefix(r.location, b.apiURL+"/oauth/callback?") {
		b.t.Fatalf("sign-in as %s: %d Location %q, want 302 to the callback:\n%s", email, r.status, r.location, r.body)
	}
	return r.location
}

func mustParse(t *testing.T, raw string) *url.URL {
	t.Helper()
	u, err := url.Parse(raw)
	if err != nil {
		t.Fatalf("parse %q: %v", raw, err)
	}
	return u
}
