package harness

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net/http"
	"net/url"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/sellmigrate/sellmigrate/credstore"
	"github.com/sellmigrate/sellmigrate/platform/sim"
)

// OpenCredentials opens dev's credential store (the one its API and worker use); the
// caller closes it.
func (d *Dev) OpenCredentials(ctx context.Context) (*credstore.Store, error) {
	dsn, key, err := d.CredentialStore()
	if err != nil {
		return nil, err
	}
	ring, err := credstore.ParseKeyring([]string{key}, "")
	if err != nil {
		return nil, fmt.Errorf("harness: dev's credentials key: %w", err)
	}
	return credstore.Open(ctx, dsn, ring)
}

// StoredSecrets are every secret in dev's credential store: the owners' grants, the
// tokens of the accounts the stack created, operator tokens. None may be in a history.
func (d *Dev) StoredSecrets(t testing.TB) []string {
	t.Helper()
	var secrets []string
	d.withCredentials(t, func(ctx context.Context, s *credstore.Store) (err error) {
		if secrets, err = s.Secrets(ctx); err != nil {
			err = fmt.Errorf("read dev's credential store: %w", err)
		}
		return err
	})
	return secrets
}

// withCredentials runs fn on dev's credential store, opened for it and closed after;
// an error from either fails t.
func (d *Dev) withCredentials(t testing.TB, fn func(context.Context, *credstore.Store) error) {
	t.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
	defer cancel()
	s, err := d.OpenCredentials(ctx)
	if err != nil {
		t.Fatalf("open dev's credential store: %v", err)
	}
	defer s.Close()
	if err := fn(ctx, s); err != nil {
		t.Fatal(err)
	}
}

// Credential reads one credential of dev's store (secret included).
func (d *Dev) Credential(t testing.TB, id string) credstore.Credential {
	t.Helper()
	var c credstore.Credential
	d.withCredentials(t, func(ctx context.Context, s *credstore.Store) (err error) {
		if c, err = s.Get(ctx, id); err != nil {
			err = fmt.Errorf("read credential %s: %w", id, err)
		}
		return err
	})
	return c
}

// OwnerGrant signs email in to subdomain on the simulator's OAuth page as the API's
// owner login does (its client, redirect URL and scope), trades the code for a token
// and stores it in dev's credential store bound to workflowID, as the API's callback
// does, and returns the grant's ID. It is for a stack with no worker, where the
// callback could not hand the grant to the migration: the test sends it itself.
func (d *Dev) OwnerGrant(t testing.TB, subdomain, email, workflowID string) string {
	t.Helper()
	token, err := d.signInForToken(subdomain, email)
	if err != nil {
		t.Fatalf("sign %s in to %s on the simulator: %v", email, subdomain, err)
	}
	var g credstore.Credential
	d.withCredentials(t, func(ctx context.Context, s *credstore.Store) (err error) {
		g, err = s.Put(ctx, credstore.Credential{Kind: credstore.KindOwnerGrant, Scheme: credstore.SchemeBearer,
			Subdomain: subdomain, Email: email, WorkflowID: workflowID, Secret: token})
		if err != nil {
			err = fmt.Errorf("store the grant of %s: %w", email, err)
		}
		return err
	})
	return g.ID
}

// ownerGrantScope is the API's (api/oauth.go grantScope).
const ownerGrantScope = "read write"

func (d *Dev) signInForToken(subdomain, email string) (string, error) {
	base := d.SimURL + "/zendesk/" + subdomain + "/oauth/"
	redirect := d.APIURL + "/oauth/callback"
	c := &http.Client{Timeout: 30 * time.Second,
		CheckRedirect: func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse }}
	form := url.Values{"response_type": {"code"}, "client_id": {sim.DefaultOAuthClientID}, "redirect_uri": {redirect},
		"scope": {ownerGrantScope}, "state": {"harness"}, "email": {email}, "password": {sim.DemoPassword}}
	resp, err := c.PostForm(base+"authorizations", form)
	if err != nil {
		return "", err
	}
	body, _ := io.ReadAll(resp.Body)
	_ = resp.Body.Close()
	loc, err := url.Parse(resp.Header.Get("Location"))
	if resp.StatusCode != http.StatusFound || err != nil || loc.Query().Get("code") == "" {
		return "", fmt.Errorf("the sign-in form answered %d (Location %q), want a redirect with a code: %.300s",
			resp.StatusCode, resp.Header.Get("Location"), body)
	}
	resp, err = c.PostForm(base+"tokens", url.Values{"grant_type": {"authorization_code"}, "code": {loc.Query().Get("code")},
		"client_id": {sim.DefaultOAuthClientID}, "client_secret": {d.OAuthClientSecret()},
		"redirect_uri": {redirect}, "scope": {ownerGrantScope}})
	if err != nil {
		return "", err
	}
	defer resp.Body.Close()
	var tok struct {
		AccessToken string `json:"access_token"`
	}
	body, _ = io.ReadAll(resp.Body)
	if resp.StatusCode != http.StatusOK || json.Unmarshal(body, &tok) != nil || strings.TrimSpace(tok.AccessToken) == "" {
		return "", errors.New("the token exchange answered " + resp.Status + ": " + string(body))
	}
	return tok.AccessToken, nil
}

// AddOperatorToken stores the account's demo API token in dev's credential store as an
// operator's token acting as email, with `sellmigrate credentials add`, as an operator
// does for an account the migrations neither created nor got an owner's sign-in for
// (one already connected to Sell), and returns its ID.
func (d *Dev) AddOperatorToken(t testing.TB, subdomain, email string) string {
	t.Helper()
	file := filepath.Join(t.TempDir(), subdomain+".token")
	if err := os.WriteFile(file, []byte(sim.DemoAPIToken(subdomain)+"\n"), 0o600); err != nil {
		t.Fatal(err)
	}
	r := d.CLI("credentials", "add", "--subdomain", subdomain, "--email", email, "--token-file", file, "--data-dir", d.Opts.DataDir)
	if r.Code != 0 {
		t.Fatalf("store an operator token for %s: %s", subdomain, r)
	}
	return strings.TrimSpace(r.Stdout)
}
