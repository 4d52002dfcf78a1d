package simsignin

import (
	"errors"
	"net/http"
	"net/http/httptest"
	"net/url"
	"path/filepath"
	"strings"
	"sync/atomic"
	"testing"

	"github.com/sellmigrate/sellmigrate/platform/sim"
)

// fakeAPI stands for the API's two OAuth routes in front of the real simulator: the
// owner login redirects to the simulator's sign-in, the callback accepts any code.
func fakeAPI(t *testing.T, simURL string) *httptest.Server {
	t.Helper()
	var api *httptest.Server
	api = httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		switch r.URL.Path {
		case "/oauth/owner-login":
			if r.URL.Query().Get("migration") == "ended" {
				w.WriteHeader(http.StatusConflict)
				_, _ = w.Write([]byte("<html><body><h1>The migration has ended</h1><p>It takes no more logins.</p></body></html>"))
				return
			}
			http.Redirect(w, r, simURL+"/zendesk/globex/oauth/authorizations/new?"+url.Values{
				"response_type": {"code"}, "client_id": {sim.DefaultOAuthClientID}, "redirect_uri": {api.URL + "/oauth/callback"},
				"scope": {"read write"}, "state": {"s"},
			}.Encode(), http.StatusFound)
		case "/oauth/callback":
			if r.URL.Query().Get("code") == "" || r.URL.Query().Get("state") != "s" {
				http.Error(w, "no code", http.StatusBadRequest)
				return
			}
			http.Redirect(w, r, "/#/migrations/sell-migration-1002?ownerLogin=ok", http.StatusSeeOther)
		default:
			http.NotFound(w, r)
		}
	}))
	t.Cleanup(api.Close)
	return api
}

func startSim(t *testing.T) *httptest.Server {
	t.Helper()
	s, err := sim.New(sim.Config{DBPath: filepath.Join(t.TempDir(), "sim.db")})
	if err != nil {
		t.Fatal(err)
	}
	srv := httptest.NewServer(s.Handler())
	t.Cleanup(func() { srv.Close(); _ = s.Close() })
	return srv
}

func TestOwnerLoginThroughTheSimulator(t *testing.T) {
	api := fakeAPI(t, startSim(t).URL)
	res, err := OwnerLogin(t.Context(), nil, api.URL+"/oauth/owner-login?migration=1002", "owner@globex.test", sim.DemoPassword)
	if err != nil || !strings.Contains(res.Dashboard, "ownerLogin=ok") {
		t.Fatalf("OwnerLogin = %+v, %v; want the dashboard's accepted login", res, err)
	}

	_, err = OwnerLogin(t.Context(), nil, api.URL+"/oauth/owner-login?migration=1002", "owner@globex.test", "wrong")
	var refused *RefusedError
	if !errors.As(err, &refused) || !strings.Contains(refused.Page, "Invalid email or password") {
		t.Errorf("wrong password: %v; want the simulator's refusal", err)
	}
	_, err = OwnerLogin(t.Context(), nil, api.URL+"/oauth/owner-login?migration=ended", "owner@globex.test", sim.DemoPassword)
	if !errors.As(err, &refused) || refused.Status != http.StatusConflict || !strings.Contains(refused.Page, "It takes no more logins.") || strings.Contains(refused.Page, "<") {
		t.Errorf("refused by the API: %v; want its page as text", err)
	}
}

// A sign-in page without the simulator's marker never gets the password.
func TestOwnerLoginRefusesAnythingButTheSimulator(t *testing.T) {
	var posts atomic.Int32
	zendesk := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if r.Method == http.MethodPost {
			posts.Add(1)
		}
		_, _ = w.Write([]byte(`<form method="post" action="/access/login"><input type="hidden" name="state" value="s"><input name="password" type="password"></form>`))
	}))
	t.Cleanup(zendesk.Close)
	_, err := OwnerLogin(t.Context(), nil, zendesk.URL+"/oauth/owner-login?migration=1002", "owner@globex.test", "secret")
	if !errors.Is(err, ErrNotSimulator) || posts.Load() != 0 {
		t.Errorf("err = %v, %d posts; want ErrNotSimulator and no password sent", err, posts.Load())
	}
}
