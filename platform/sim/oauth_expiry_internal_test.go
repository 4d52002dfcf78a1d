package sim

import (
	"bytes"
	"encoding/json"
	"net/http"
	"net/http/httptest"
	"net/url"
	"path/filepath"
	"strings"
	"sync/atomic"
	"testing"
	"time"
)

// newClockedSim serves a new simulator whose clock the test moves: it reads the start
// time plus what the test stores in elapsed (nanoseconds), while the server runs.
func newClockedSim(t *testing.T) (*httptest.Server, *atomic.Int64) {
	t.Helper()
	s, err := New(Config{DBPath: filepath.Join(t.TempDir(), "sim.db")})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { _ = s.Close() })
	start := time.Now()
	elapsed := new(atomic.Int64)
	s.now = func() time.Time { return start.Add(time.Duration(elapsed.Load())) }
	srv := httptest.NewServer(s.Handler())
	t.Cleanup(srv.Close)
	return srv, elapsed
}

// TestOAuthCodeExpires moves the simulator's clock past a code's five minutes.
func TestOAuthCodeExpires(t *testing.T) {
	t.Parallel()
	srv, elapsed := newClockedSim(t)
	client := srv.Client()
	client.CheckRedirect = func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse }

	const redirect = "http://127.0.0.1:9/cb"
	codeFor := func() string {
		form := url.Values{"response_type": {"code"}, "client_id": {DefaultOAuthClientID}, "redirect_uri": {redirect},
			"scope": {"read"}, "email": {"owner@globex.test"}, "password": {DemoPassword}}
		resp, err := client.PostForm(srv.URL+"/zendesk/globex/oauth/authorizations", form)
		if err != nil {
			t.Fatal(err)
		}
		resp.Body.Close()
		loc, _ := url.Parse(resp.Header.Get("Location"))
		if resp.StatusCode != http.StatusFound || loc.Query().Get("code") == "" {
			t.Fatalf("sign-in: %d %s", resp.StatusCode, loc)
		}
		return loc.Query().Get("code")
	}
	exchange := func(code string) int {
		b, _ := json.Marshal(map[string]string{"grant_type": "authorization_code", "code": code, "client_id": DefaultOAuthClientID,
			"client_secret": DefaultOAuthClientSecret, "redirect_uri": redirect})
		resp, err := client.Post(srv.URL+"/zendesk/globex/oauth/tokens", "application/json", bytes.NewReader(b))
		if err != nil {
			t.Fatal(err)
		}
		defer resp.Body.Close()
		var body map[string]string
		_ = json.NewDecoder(resp.Body).Decode(&body)
		if resp.StatusCode != http.StatusOK && !strings.Contains(body["error"], "invalid_grant") {
			t.Errorf("exchange: %d %v", resp.StatusCode, body)
		}
		return resp.StatusCode
	}

	stale, fresh := codeFor(), codeFor()
	elapsed.Store(int64(oauthCodeTTL - time.Second))
	if got := exchange(fresh); got != http.StatusOK {
		t.Errorf("a code 4m59s old: %d, want 200", got)
	}
	elapsed.Store(int64(oauthCodeTTL))
	if got := exchange(stale); got != http.StatusBadRequest {
		t.Errorf("a code 5m old: %d, want 400 invalid_grant", got)
	}
}
