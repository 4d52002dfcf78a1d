package api

import (
	"context"
	"fmt"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"
	"time"
)

// TestStaffSignInBeginningsKeepNothing: beginning sign-ins, which anyone may do, keeps
// nothing on the server, so more of them than any table would hold (from many
// addresses, past the per-IP limit) still leaves a real sign-in working.
func TestStaffSignInBeginningsKeepNothing(t *testing.T) {
	rig := newStaffRig(t)
	h := rig.s.Handler()
	for i := range 10_001 {
		req := httptest.NewRequest("GET", staffLoginPath, nil)
		req.RemoteAddr = fmt.Sprintf("10.%d.%d.%d:1234", i>>16&255, i>>8&255, i&255)
		rec := httptest.NewRecorder()
		h.ServeHTTP(rec, req)
		if rec.Code != http.StatusFound {
			t.Fatalf("sign-in %d begun: %d %s", i+1, rec.Code, rec.Body)
		}
	}
	b := browser(t)
	resp, body := browse(t, b, rig.signInAtProvider(t, b, "ops@example.test").String())
	if resp.StatusCode != http.StatusSeeOther || sessionOf(resp) == nil {
		t.Errorf("a real sign-in after 10,001 begun: %d\n%s", resp.StatusCode, body)
	}
	if n := rig.s.staff.used.len(); n != 1 {
		t.Errorf("%d used states held, want 1 (the completed sign-in's)", n)
	}
}

// TestStaffSignInStateOnce: the state cookie, even sent again by hand, completes one
// sign-in; an expired or forged one none.
func TestStaffSignInStateOnce(t *testing.T) {
	rig := newStaffRig(t)

	t.Run("replayed with its cookie", func(t *testing.T) {
		b := browser(t)
		cb := rig.signInAtProvider(t, b, "ops@example.test")
		c := stateCookie(t, b, cb)
		if resp, _ := browse(t, b, cb.String()); resp.StatusCode != http.StatusSeeOther {
			t.Fatalf("first use: %d", resp.StatusCode)
		}
		b.Jar.SetCookies(cb, []*http.Cookie{{Name: staffStateCookie, Value: c.Value, Path: staffCallback}})
		resp, body := browse(t, b, cb.String())
		if resp.StatusCode != 400 || sessionOf(resp) != nil || !strings.Contains(body, "expired or was used") {
			t.Errorf("replay: %d %v\n%s", resp.StatusCode, sessionOf(resp), body)
		}
	})
	t.Run("expired", func(t *testing.T) {
		b := browser(t)
		cb := rig.signInAtProvider(t, b, "ops@example.test")
		rig.s.staff.now = func() time.Time { return time.Now().Add(staffLoginTTL + time.Second) }
		defer func() { rig.s.staff.now = time.Now }()
		resp, body := browse(t, b, cb.String())
		if resp.StatusCode != 400 || sessionOf(resp) != nil || !strings.Contains(body, "expired or was used") {
			t.Errorf("expired: %d %v\n%s", resp.StatusCode, sessionOf(resp), body)
		}
	})
	t.Run("cookie equal to the state, as before sealing", func(t *testing.T) {
		b := browser(t)
		cb := rig.signInAtProvider(t, b, "ops@example.test")
		b.Jar.SetCookies(cb, []*http.Cookie{{Name: staffStateCookie, Value: cb.Query().Get("state"), Path: staffCallback}})
		if resp, _ := browse(t, b, cb.String()); resp.StatusCode != 400 || sessionOf(resp) != nil {
			t.Errorf("unsealed cookie: %d %v", resp.StatusCode, sessionOf(resp))
		}
	})
}

// TestUsedStatesBounded: the used-state set holds at most its cap, evicting the
// oldest rather than refusing, and forgets states once they expire.
func TestUsedStatesBounded(t *testing.T) {
	now := time.Unix(1_700_000_000, 0)
	u := newUsedStates(3)
	exp := now.Add(staffLoginTTL)
	for _, id := range []string{"a", "b", "c"} {
		if !u.use(id, exp, now) {
			t.Fatalf("%s refused while unused", id)
		}
	}
	if u.use("b", exp, now) {
		t.Error("b accepted twice")
	}
	if !u.use("d", exp, now) || u.len() != 3 {
		t.Fatalf("a fourth state when full: len %d", u.len())
	}
	// a, the oldest, made room: it is forgotten, the others are not.
	if !u.use("a", exp, now) {
		t.Error("a still held after eviction")
	}
	if u.use("c", exp, now) || u.use("d", exp, now) {
		t.Error("c or d forgotten although newer than a")
	}
	// Past their expiry, all are swept on the next use.
	if !u.use("e", now.Add(2*staffLoginTTL), exp) || u.len() != 1 {
		t.Errorf("after expiry: len %d, want 1", u.len())
	}
}

// TestStaffSignInDiscoveryBlocksNoCallback: while the provider's discovery hangs, a
// callback whose state is not this server's is answered at once (no lock is held
// across the network call), and concurrent sign-ins share one discovery request.
func TestStaffSignInDiscoveryBlocksNoCallback(t *testing.T) {
	release := make(chan struct{})
	asked := make(chan struct{}, 10)
	idp := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		asked <- struct{}{}
		<-release
		http.Error(w, "down", http.StatusServiceUnavailable)
	}))
	defer idp.Close()
	defer close(release)
	s := testServerWith(t, func(o *Options) {
		o.OIDC = OIDCOptions{Issuer: idp.URL, ClientID: "sellmigrate", RoleClaim: "sellmigrate_role"}
	})
	h := s.Handler()
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	for i := range 2 {
		go func() {
			req := httptest.NewRequestWithContext(ctx, "GET", staffLoginPath, nil)
			req.RemoteAddr = fmt.Sprintf("10.0.0.%d:1", i+1)
			h.ServeHTTP(httptest.NewRecorder(), req)
		}()
	}
	select {
	case <-asked:
	case <-time.After(5 * time.Second):
		t.Fatal("discovery never reached the provider")
	}
	done := make(chan int, 1)
	go func() {
		req := httptest.NewRequest("GET", staffCallback+"?state=abc&code=x", nil)
		req.AddCookie(&http.Cookie{Name: staffStateCookie, Value: "abc"})
		rec := httptest.NewRecorder()
		h.ServeHTTP(rec, req)
		done <- rec.Code
	}()
	select {
	case code := <-done:
		if code != http.StatusBadRequest {
			t.Errorf("callback with a foreign state: %d, want 400", code)
		}
	case <-time.After(2 * time.Second):
		t.Fatal("the callback waited for the hanging discovery")
	}
	time.Sleep(100 * time.Millisecond)
	if n := len(asked); n != 0 {
		t.Errorf("%d more discovery requests while one was in flight, want none", n)
	}
}
