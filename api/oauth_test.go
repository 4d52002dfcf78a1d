package api

import (
	"bytes"
	"context"
	"encoding/base64"
	"errors"
	stdhtml "html"
	"net/http"
	"net/http/httptest"
	"net/url"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"go.temporal.io/sdk/client"
	"go.uber.org/zap"

	"github.com/sellmigrate/sellmigrate/contract"
	"github.com/sellmigrate/sellmigrate/credstore"
	"github.com/sellmigrate/sellmigrate/internal/ownerlink"
	"github.com/sellmigrate/sellmigrate/platform"
	"github.com/sellmigrate/sellmigrate/platform/sim"
	"github.com/sellmigrate/sellmigrate/starter"
)

// TestOAuthStateSealAndOpen: the state round-trips, hides its PKCE verifier (it
// travels in URLs), and is refused when altered, sealed under another key, or old.
func TestOAuthStateSealAndOpen(t *testing.T) {
	t.Parallel()
	now := time.Now()
	key := bytes.Repeat([]byte{3}, 32)
	signer, err := newStateSigner(key, func() time.Time { return now })
	if err != nil {
		t.Fatal(err)
	}
	linkExp := now.Add(time.Hour).Truncate(time.Second)
	raw, st, err := signer.issue("sell-migration-1002", "globex", linkExp)
	if err != nil {
		t.Fatal(err)
	}
	got, err := signer.verify(raw)
	if err != nil || got != st || got.WorkflowID != "sell-migration-1002" || got.Subdomain != "globex" || len(got.Nonce) != 32 ||
		len(got.Verifier) != 43 || got.LinkExpires != linkExp.Unix() {
		t.Fatalf("verify = %+v, %v; want %+v", got, err, st)
	}
	if _, st2, _ := signer.issue("sell-migration-1002", "globex", linkExp); st2.Nonce == st.Nonce || st2.Verifier == st.Verifier {
		t.Error("two states share a nonce or a verifier")
	}
	sealed, _ := base64.RawURLEncoding.DecodeString(raw)
	for _, clear := range []string{st.Verifier, "sell-migration-1002", "globex"} {
		if strings.Contains(raw, clear) || bytes.Contains(sealed, []byte(clear)) {
			t.Errorf("the state shows %q in clear", clear)
		}
	}
	if codeChallenge(st.Verifier) == st.Verifier || len(codeChallenge(st.Verifier)) != 43 {
		t.Errorf("challenge %q of verifier %q is not an S256 one", codeChallenge(st.Verifier), st.Verifier)
	}

	flipped := append([]byte(nil), sealed...)
	flipped[len(flipped)/2] ^= 1
	other, _ := newStateSigner(bytes.Repeat([]byte{4}, 32), func() time.Time { return now })
	forged, _, _ := other.issue("sell-migration-1002", "globex", linkExp)
	for name, bad := range map[string]string{
		"empty": "", "altered": base64.RawURLEncoding.EncodeToString(flipped), "truncated": raw[:10],
		"other key": forged, "garbage": "%%%.%%%",
	} {
		if _, err := signer.verify(bad); err != errStateInvalid {
			t.Errorf("%s: verify error %v, want errStateInvalid", name, err)
		}
	}

	late, _ := newStateSigner(key, func() time.Time { return now.Add(oauthStateTTL) })
	if got, err := late.verify(raw); err != errStateExpired || got.WorkflowID != "sell-migration-1002" {
		t.Errorf("after %s: %+v, %v; want errStateExpired with the state", oauthStateTTL, got, err)
	}
	if _, err := newStateSigner(nil, time.Now); err == nil {
		t.Error("an empty key must be refused")
	}
}

// testLinks signs owner-login links for tests, all with one key.
func testLinks(*testing.T) *ownerlink.Signer {
	l, err := ownerlink.New(bytes.Repeat([]byte{7}, ownerlink.KeySize), 72*time.Hour)
	if err != nil {
		panic(err) // the key and TTL above are valid
	}
	return l
}

// signedLink is a valid owner-login link (a path) for the Sell account's migration.
func signedLink(t *testing.T, account string) string {
	t.Helper()
	link, _ := testLinks(t).Link("", contract.WorkflowID(account), time.Now())
	return link
}

// simAuthorize signs a user in at a real simulator and returns the code.
// A challenge makes it a PKCE authorization.
func simAuthorize(t *testing.T, simURL, subdomain, email, redirectURI, challenge string) string {
	t.Helper()
	c := &http.Client{Timeout: 5 * time.Second, CheckRedirect: func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse }}
	form := url.Values{
		"response_type": {"code"}, "client_id": {sim.DefaultOAuthClientID}, "redirect_uri": {redirectURI},
		"scope": {"read"}, "state": {"s"}, "email": {email}, "password": {sim.DemoPassword},
	}
	if challenge != "" {
		form.Set("code_challenge", challenge)
		form.Set("code_challenge_method", "S256")
	}
	resp, err := c.PostForm(simURL+"/zendesk/"+subdomain+"/oauth/authorizations", form)
	if err != nil {
		t.Fatal(err)
	}
	resp.Body.Close()
	loc, err := url.Parse(resp.Header.Get("Location"))
	if err != nil || resp.StatusCode != http.StatusFound || loc.Query().Get("code") == "" {
		t.Fatalf("sign-in at the simulator: %d %q", resp.StatusCode, resp.Header.Get("Location"))
	}
	return loc.Query().Get("code")
}

func startSim(t *testing.T) *httptest.Server {
	t.Helper()
	s, err := sim.New(sim.Config{DBPath: filepath.Join(t.TempDir(), "sim.db")})
	if err != nil {
		t.Fatal(err)
	}
	srv := httptest.NewServer(s.Handler())
	t.Cleanup(func() {
		srv.Close()
		s.Close()
	})
	return srv
}

// TestZendeskOAuthAgainstSimulator exchanges codes and reads users/me over real HTTP.
func TestZendeskOAuthAgainstSimulator(t *testing.T) {
	t.Parallel()
	srv := startSim(t)
	const redirect = "http://127.0.0.1:8080/oauth/callback"
	z := zendeskLogin{z: platformFor(t, srv.URL+"/zendesk/{subdomain}"), subdomain: "globex",
		clientID: sim.DefaultOAuthClientID, clientSecret: sim.DefaultOAuthClientSecret}
	verifier, err := newVerifier()
	if err != nil {
		t.Fatal(err)
	}
	code := simAuthorize(t, srv.URL, "globex", "owner@globex.test", redirect, codeChallenge(verifier))
	if _, err := z.exchange(t.Context(), code, redirect, ""); err != errCodeRefused {
		t.Fatalf("a PKCE code without its verifier: %v, want errCodeRefused", err)
	}
	other, _ := newVerifier()
	if _, err := z.exchange(t.Context(), code, redirect, other); err != errCodeRefused {
		t.Fatalf("a PKCE code with another verifier: %v, want errCodeRefused", err)
	}
	token, err := z.exchange(t.Context(), code, redirect, verifier)
	if err != nil {
		t.Fatal(err)
	}
	if email, err := z.me(t.Context(), token.AccessToken); err != nil || email != "owner@globex.test" {
		t.Errorf("me = %q, %v", email, err)
	}
	if _, err := z.exchange(t.Context(), code, redirect, verifier); err != errCodeRefused {
		t.Errorf("replayed code: %v, want errCodeRefused", err)
	}
	if _, err := z.me(t.Context(), token.AccessToken); err == nil {
		t.Error("the token of a replayed code must be revoked")
	}

	wrong := z
	wrong.clientSecret = "nope"
	_, err = wrong.exchange(t.Context(), simAuthorize(t, srv.URL, "globex", "owner@globex.test", redirect, ""), redirect, "")
	if err == nil || !strings.Contains(err.Error(), "api.oauth_client_secret") || strings.Contains(err.Error(), "nope") {
		t.Errorf("wrong secret: %v; want advice on api.oauth_client_* and no secret in the message", err)
	}
	gone := z
	gone.z = platformFor(t, "http://127.0.0.1:1/zendesk/{subdomain}")
	var netErr *platform.NetworkError
	if _, err := gone.exchange(t.Context(), "c", redirect, ""); !errors.As(err, &netErr) || !strings.Contains(err.Error(), "zendesk account globex") {
		t.Errorf("unreachable Zendesk: %v, want a network error naming the account", err)
	}
}

// testOwnerLogin is the OAuth routes on a server whose Temporal is never reached: the
// checks below all happen before any call to it.
func testOwnerLogin(t *testing.T, o OAuthOptions) http.Handler {
	t.Helper()
	c, err := client.NewLazyClient(client.Options{HostPort: "127.0.0.1:1"})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(c.Close)
	if o.Grants == nil && o.ClientSecret != "" {
		o.Grants = unusedGrants{t}
	}
	if o.Links == nil {
		o.Links = testLinks(t)
	}
	s := &Server{opts: Options{PublicURL: "http://127.0.0.1:8080", OAuth: o}, starter: starter.New(c, starter.Options{}), log: zap.NewNop()}
	mux := http.NewServeMux()
	s.registerOAuth(mux)
	return mux
}

func get(t *testing.T, h http.Handler, target string, cookies ...*http.Cookie) *httptest.ResponseRecorder {
	t.Helper()
	req := httptest.NewRequest(http.MethodGet, target, nil)
	for _, c := range cookies {
		req.AddCookie(c)
	}
	rec := httptest.NewRecorder()
	h.ServeHTTP(rec, req)
	return rec
}

func expectPage(t *testing.T, rec *httptest.ResponseRecorder, status int, want string) {
	t.Helper()
	body := rec.Body.String()
	if rec.Code != status || !strings.Contains(body, want) || !strings.HasPrefix(rec.Header().Get("Content-Type"), "text/html") {
		t.Errorf("status %d, want %d with an HTML page saying %q:\n%s", rec.Code, status, want, body)
	}
	if strings.Contains(body, "<script") || strings.Contains(body, "https://") {
		t.Errorf("the page must be self-contained:\n%s", body)
	}
}

func TestOAuthCallbackChecksStateFirst(t *testing.T) {
	t.Parallel()
	opts := OAuthOptions{ClientID: "sellmigrate", ClientSecret: "demo-oauth-secret", SupportURL: "http://127.0.0.1:1/zendesk/{subdomain}"}
	h := testOwnerLogin(t, opts)
	key, _ := testLinks(t).DeriveKey("oauth state")
	signer, _ := newStateSigner(key, time.Now)
	linkExp := time.Now().Add(time.Hour)
	raw, st, _ := signer.issue(contract.WorkflowID("1002"), "globex", linkExp)
	cookie := &http.Cookie{Name: oauthCookiePrefix + st.Nonce, Value: "1"}

	expectPage(t, get(t, h, "/oauth/callback?code=c&state="+url.QueryEscape(raw+"x"), cookie), http.StatusBadRequest, "not valid")
	expectPage(t, get(t, h, "/oauth/callback?code=c"), http.StatusBadRequest, "not valid")
	expectPage(t, get(t, h, "/oauth/callback?code=c&state="+url.QueryEscape(raw)), http.StatusBadRequest, "another browser")
	other := &http.Cookie{Name: oauthCookiePrefix + "0123", Value: "1"}
	expectPage(t, get(t, h, "/oauth/callback?code=c&state="+url.QueryEscape(raw), other), http.StatusBadRequest, "another browser")

	old, _ := newStateSigner(key, func() time.Time { return time.Now().Add(-oauthStateTTL) })
	expired, est, _ := old.issue(contract.WorkflowID("1002"), "globex", linkExp)
	rec := get(t, h, "/oauth/callback?code=c&state="+url.QueryEscape(expired), &http.Cookie{Name: oauthCookiePrefix + est.Nonce, Value: "1"})
	expectPage(t, rec, http.StatusBadRequest, "expired")
	// The page offers to start again through the link the login started from, signed
	// anew and expiring when that one does.
	again := testLinks(t).LinkUntil("", contract.WorkflowID("1002"), linkExp)
	if !strings.Contains(rec.Body.String(), `href="`+stdhtml.EscapeString(again)+`"`) {
		t.Errorf("the expired page must offer to start again at %s:\n%s", again, rec.Body)
	}
	// Once that link has expired, it offers only the way back.
	stale, sst, _ := old.issue(contract.WorkflowID("1002"), "globex", time.Now().Add(-time.Minute))
	rec = get(t, h, "/oauth/callback?code=c&state="+url.QueryEscape(stale), &http.Cookie{Name: oauthCookiePrefix + sst.Nonce, Value: "1"})
	if expectPage(t, rec, http.StatusBadRequest, "expired"); strings.Contains(rec.Body.String(), "/oauth/owner-login") {
		t.Errorf("a login whose link has expired must not be offered again:\n%s", rec.Body)
	}

	rec = get(t, h, "/oauth/callback?error=access_denied&state="+url.QueryEscape(raw), cookie)
	expectPage(t, rec, http.StatusOK, "cancelled")
	if sc := rec.Result().Cookies(); len(sc) != 1 || sc[0].Name != cookie.Name || sc[0].MaxAge >= 0 {
		t.Errorf("the callback must clear its cookie, set %v", sc)
	}

	expectPage(t, get(t, h, "/oauth/owner-login"), http.StatusBadRequest, "Which migration?")
	expectPage(t, get(t, h, "/oauth/owner-login?migration=acme"), http.StatusBadRequest, "neither a Sell account ID")

	unset := testOwnerLogin(t, OAuthOptions{ClientID: "sellmigrate", SupportURL: opts.SupportURL})
	expectPage(t, get(t, unset, signedLink(t, "1002")), http.StatusServiceUnavailable, "api.oauth_client_secret")
	expectPage(t, get(t, unset, "/oauth/callback?code=c&state=x"), http.StatusServiceUnavailable, "not configured")
}

func TestOwnerLoginRefusal(t *testing.T) {
	t.Parallel()
	rep := func(mode contract.Mode, status contract.Status, sub string) starter.Report {
		var r starter.Report
		r.SellAccountID, r.Mode, r.Status, r.Subdomain, r.Step = "1002", mode, status, sub, contract.StepOwnerLogin
		r.OwnerEmail = "owner@globex.test"
		return r
	}
	if d := ownerLoginRefusal(rep(contract.ModeExisting, contract.StatusAwaitingOwnerLogin, "globex")); d != nil {
		t.Errorf("a migration awaiting the owner login was refused: %+v", d)
	}
	for want, r := range map[string]starter.Report{
		"creates a new Zendesk account": rep(contract.ModeNew, contract.StatusAwaitingDisclaimers, "acme"),
		"needs a Sell license":          rep(contract.ModeExisting, contract.StatusOwnerNeedsSellLicense, "globex"),
		"has ended (completed)":         rep(contract.ModeExisting, contract.StatusCompleted, "globex"),
		"not waiting for the Zendesk":   rep(contract.ModeExisting, contract.StatusRunning, "globex"),
	} {
		d := ownerLoginRefusal(r)
		if d == nil || !strings.Contains(d.Reason+" "+d.Advice, want) {
			t.Errorf("%s/%s: refusal %+v, want it to say %q", r.Mode, r.Status, d, want)
		}
	}
}

// platformFor is a Zendesk client on a Support URL template, with short timeouts.
func platformFor(t *testing.T, supportURL string) *platform.Client {
	t.Helper()
	z, err := platform.New(platform.Config{SupportURL: supportURL, Timeout: 5 * time.Second})
	if err != nil {
		t.Fatal(err)
	}
	return z
}

// unusedGrants is the grant store of tests whose logins never get as far as storing
// one: a call fails the test.
type unusedGrants struct{ t *testing.T }

func (g unusedGrants) Put(context.Context, credstore.Credential) (credstore.Credential, error) {
	g.t.Error("a grant was stored by a login that should have been refused first")
	return credstore.Credential{}, errors.New("unused")
}

func (g unusedGrants) Revoke(context.Context, string, time.Time) (credstore.Info, error) {
	g.t.Error("a grant was revoked by a login that should have been refused first")
	return credstore.Info{}, errors.New("unused")
}
