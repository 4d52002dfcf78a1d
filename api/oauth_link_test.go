package api

import (
	"context"
	"net/http"
	"net/http/httptest"
	"net/url"
	"strings"
	"testing"
	"time"

	"github.com/sellmigrate/sellmigrate/contract"
	"github.com/sellmigrate/sellmigrate/internal/ownerlink"
	"github.com/sellmigrate/sellmigrate/starter"
)

// TestOwnerLoginRefusesBadLinksBeforeTemporal: a link without a signature, expired,
// altered, or signed for another migration or with another key gets the very page a
// migration that does not exist gets, and Temporal is never asked.
func TestOwnerLoginRefusesBadLinksBeforeTemporal(t *testing.T) {
	s := ownerLoginServer(t, 1000, map[string]starter.Report{
		"1002": ownerReport("1002", contract.ModeExisting, contract.StatusAwaitingOwnerLogin, "Running"),
	})
	reads := 0
	read := s.readHeadline
	s.readHeadline = func(ctx context.Context, ref string) (starter.Report, error) {
		reads++
		return read(ctx, ref)
	}
	nonexistent := visit(s, "1404", "10.0.0.1:1")
	reads = 0

	wf := contract.WorkflowID("1002")
	good, _ := testLinks(t).Query(wf, time.Now())
	with := func(k, v string) string {
		q := url.Values{}
		for name, vs := range good {
			q[name] = vs
		}
		if v == "" {
			q.Del(k)
		} else {
			q.Set(k, v)
		}
		return ownerlink.Path + "?" + q.Encode()
	}
	expired, _ := testLinks(t).Link("", wf, time.Now().Add(-73*time.Hour))
	other, _ := ownerlink.New([]byte(strings.Repeat("k", ownerlink.KeySize)), time.Hour)
	otherKey, _ := other.Link("", wf, time.Now())
	for name, target := range map[string]string{
		"unsigned, as links were before": "/oauth/owner-login?migration=1002",
		"no signature":                   with("sig", ""),
		"no expiry":                      with("exp", ""),
		"expiry pushed back":             with("exp", "99999999999"),
		"signature altered":              with("sig", strings.Repeat("A", 43)),
		"another migration's signature":  with("migration", "1003"),
		"expired":                        expired,
		"another key":                    otherKey,
	} {
		req := httptest.NewRequest(http.MethodGet, target, nil)
		req.RemoteAddr = "10.0.0.1:1"
		rec := serve(s, req, "")
		if rec.Code != nonexistent.Code || rec.Body.String() != nonexistent.Body.String() {
			t.Errorf("%s: %d\n%s\nwant the page of a migration that does not exist", name, rec.Code, rec.Body)
		}
	}
	if reads != 0 {
		t.Errorf("bad links cost %d Temporal reads, want none", reads)
	}

	// The account ID names the same migration as the workflow ID the link was signed
	// for, so the link stays good when a person shortens it.
	req := httptest.NewRequest(http.MethodGet, with("migration", "1002"), nil)
	if rec := serve(s, req, ""); rec.Code != http.StatusFound || reads != 1 {
		t.Errorf("a good link naming the account ID: %d after %d reads, want 302 after one", rec.Code, reads)
	}
}

// TestOwnerLoginLinkRoute: an admin gets a freshly signed link the page accepts; ops
// may not; without a key the answer names api.owner_link_key.
func TestOwnerLoginLinkRoute(t *testing.T) {
	s := ownerLoginServer(t, 1000, map[string]starter.Report{
		"1002": ownerReport("1002", contract.ModeExisting, contract.StatusAwaitingOwnerLogin, "Running"),
	})
	rec, m := call(t, s, "GET", "/api/v1/migrations/1002/owner-login-link", "Bearer tok-admin", "", "")
	if rec.Code != http.StatusOK || rec.Header().Get("Cache-Control") != "no-store" {
		t.Fatalf("admin: %d %v", rec.Code, m)
	}
	path, _ := m["path"].(string)
	link, _ := m["link"].(string)
	if !strings.HasPrefix(path, "/oauth/owner-login?") || link != "http://127.0.0.1:8080"+path {
		t.Errorf("path %q link %q", path, link)
	}
	exp, err := time.Parse(time.RFC3339, m["expiresAt"].(string))
	if err != nil || time.Until(exp) < 71*time.Hour || time.Until(exp) > 73*time.Hour {
		t.Errorf("expiresAt %v (%v), want about 72h from now", m["expiresAt"], err)
	}
	if rec := serve(s, httptest.NewRequest(http.MethodGet, path, nil), ""); rec.Code != http.StatusFound ||
		!strings.Contains(rec.Header().Get("Location"), "code_challenge_method=S256") {
		t.Errorf("the issued link: %d to %q, want 302 to Zendesk with a PKCE challenge", rec.Code, rec.Header().Get("Location"))
	}

	rec, m = call(t, s, "GET", "/api/v1/migrations/1002/owner-login-link", "Bearer tok-ops", "", "")
	wantError(t, rec, m, http.StatusForbidden, codeForbidden)
	rec, m = call(t, s, "GET", "/api/v1/migrations/acme/owner-login-link", "Bearer tok-admin", "", "")
	wantError(t, rec, m, http.StatusNotFound, codeNotFound)

	keyless := testServerWith(t, func(o *Options) { o.OAuth.Links = nil })
	rec, m = call(t, keyless, "GET", "/api/v1/migrations/1002/owner-login-link", "Bearer tok-admin", "", "")
	if msg := wantError(t, rec, m, http.StatusServiceUnavailable, codeUnavailable); !strings.Contains(msg, "api.owner_link_key") {
		t.Errorf("without a key: %q, want it to name api.owner_link_key", msg)
	}
	page := serve(keyless, httptest.NewRequest(http.MethodGet, signedLink(t, "1002"), nil), "")
	expectPage(t, page, http.StatusServiceUnavailable, "api.owner_link_key")
}
