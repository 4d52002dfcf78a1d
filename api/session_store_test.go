package api

import (
	"encoding/binary"
	"errors"
	"net/http"
	"net/http/httptest"
	"strconv"
	"strings"
	"testing"
	"time"
)

// signIn exchanges a token for a session cookie.
func signIn(t *testing.T, s *Server, token string) *http.Cookie {
	t.Helper()
	rec, _ := call(t, s, "POST", "/api/v1/session", "", "application/json", `{"token":"`+token+`"}`)
	cs := rec.Result().Cookies()
	if rec.Code != 200 || len(cs) != 1 {
		t.Fatalf("sign in: %d %s %+v", rec.Code, rec.Body, cs)
	}
	return cs[0]
}

// TestSignOutRevokes: after sign-out, a copy of the cookie taken before is refused.
func TestSignOutRevokes(t *testing.T) {
	s := testServer(t)
	c := signIn(t, s, "tok-ops")
	if len(c.Value) < 43 || strings.Contains(c.Value, ".") {
		t.Errorf("cookie value %q is not a bare random ID of 32 bytes or more", c.Value)
	}
	copied := *c
	if rec, _ := call(t, s, "GET", "/api/v1/me", "", "", "", c); rec.Code != 200 {
		t.Fatalf("me before sign-out: %d", rec.Code)
	}
	rec, _ := call(t, s, "DELETE", "/api/v1/session", "", "", "", c)
	if rec.Code != 204 {
		t.Fatalf("sign out: %d", rec.Code)
	}
	rec, m := call(t, s, "GET", "/api/v1/me", "", "", "", &copied)
	wantError(t, rec, m, 401, "unauthorized")
	// Another session of the same token is untouched.
	other := signIn(t, s, "tok-ops")
	if rec, _ := call(t, s, "GET", "/api/v1/me", "", "", "", other); rec.Code != 200 {
		t.Errorf("a second session after the first signed out: %d", rec.Code)
	}
}

// TestSessionExpiryAndUnknownID: an expired session and an ID never issued are refused.
func TestSessionExpiryAndUnknownID(t *testing.T) {
	s := testServer(t)
	c := signIn(t, s, "tok-viewer")
	for _, v := range []string{"", "x", strings.Repeat("A", 43), c.Value + "x", strings.Repeat("A", 5000)} {
		rec, m := call(t, s, "GET", "/api/v1/me", "", "", "", &http.Cookie{Name: SessionCookie, Value: v})
		wantError(t, rec, m, 401, "unauthorized")
	}
	start := time.Now()
	s.auth.now = func() time.Time { return start.Add(sessionTTL - time.Minute) }
	if rec, _ := call(t, s, "GET", "/api/v1/me", "", "", "", c); rec.Code != 200 {
		t.Errorf("a session a minute before it ends: %d", rec.Code)
	}
	s.auth.now = func() time.Time { return start.Add(sessionTTL + time.Minute) }
	rec, m := call(t, s, "GET", "/api/v1/me", "", "", "", c)
	wantError(t, rec, m, 401, "unauthorized")
	// Going back in time does not revive it: the expired entry is gone.
	s.auth.now = time.Now
	rec, m = call(t, s, "GET", "/api/v1/me", "", "", "", c)
	wantError(t, rec, m, 401, "unauthorized")
}

// TestSessionSweep: expired sessions nobody presents again are dropped.
func TestSessionSweep(t *testing.T) {
	now := time.Unix(1_700_000_000, 0)
	m := newMemorySessions(func() time.Time { return now })
	for _, id := range []string{"a", "b", "c"} {
		if err := m.Put(id, Session{Role: RoleViewer, Expires: now.Add(time.Hour)}); err != nil {
			t.Fatal(err)
		}
	}
	now = now.Add(2 * time.Hour)
	if err := m.Put("d", Session{Role: RoleViewer, Expires: now.Add(time.Hour)}); err != nil {
		t.Fatal(err)
	}
	if n := m.len(); n != 1 {
		t.Errorf("%d sessions held after a sweep, want 1 (the live one)", n)
	}
	if _, ok := m.Get("d"); !ok {
		t.Error("the live session was swept")
	}
}

// TestSessionCSRFUnchanged: a cookie session may change things only from this
// server's own pages; a bearer token from anywhere.
func TestSessionCSRFUnchanged(t *testing.T) {
	s := testServer(t)
	c := signIn(t, s, "tok-ops")
	for _, tc := range []struct {
		name    string
		headers map[string]string
		want    int
	}{
		{"other origin", map[string]string{"Origin": "https://evil.example"}, 403},
		{"cross-site fetch", map[string]string{"Sec-Fetch-Site": "cross-site"}, 403},
		{"same-site but other origin", map[string]string{"Sec-Fetch-Site": "same-site"}, 403},
		{"own origin", map[string]string{"Origin": "http://example.com", "Sec-Fetch-Site": "same-origin"}, 0},
	} {
		req := httptest.NewRequest("POST", "/api/v1/migrations/1001/cancel", nil)
		req.AddCookie(c)
		for k, v := range tc.headers {
			req.Header.Set(k, v)
		}
		rec := httptest.NewRecorder()
		s.Handler().ServeHTTP(rec, req)
		if tc.want != 0 && rec.Code != tc.want {
			t.Errorf("%s: %d, want %d", tc.name, rec.Code, tc.want)
		}
		if tc.want == 0 && rec.Code == 403 {
			t.Errorf("%s: refused as cross-site: %s", tc.name, rec.Body)
		}
	}
}

// TestSessionCap: a full store refuses new sessions until expired ones make room.
func TestSessionCap(t *testing.T) {
	now := time.Unix(1_700_000_000, 0)
	m := newMemorySessions(func() time.Time { return now })
	// Each session is another principal's, so the global cap, not the per-principal
	// one, is what refuses.
	for i := range maxSessions {
		var p [16]byte
		binary.BigEndian.PutUint64(p[:], uint64(i)+1)
		if err := m.Put(strconv.Itoa(i), Session{Role: RoleViewer, TokenID: p, Expires: now.Add(time.Hour)}); err != nil {
			t.Fatalf("session %d: %v", i, err)
		}
	}
	if err := m.Put("one more", Session{Role: RoleViewer, Expires: now.Add(time.Hour)}); !errors.Is(err, ErrSessionsFull) {
		t.Fatalf("a session past the cap: %v, want ErrSessionsFull", err)
	}
	now = now.Add(2 * time.Hour)
	if err := m.Put("one more", Session{Role: RoleViewer, Expires: now.Add(time.Hour)}); err != nil {
		t.Errorf("once the others expired: %v", err)
	}
}
