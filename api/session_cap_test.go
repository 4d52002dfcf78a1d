package api

import (
	"strconv"
	"testing"
	"time"
)

// TestSessionsCappedPerPrincipal: one token signing in again and again keeps at most
// maxSessionsPerPrincipal sessions, its oldest ending first; another principal's
// sessions are untouched, and the store does not grow with the repeats.
func TestSessionsCappedPerPrincipal(t *testing.T) {
	s := testServer(t)
	other := signIn(t, s, "tok-ops")
	first := signIn(t, s, "tok-viewer")
	var last = first
	for i := 0; i < maxSessionsPerPrincipal+5; i++ {
		last = signIn(t, s, "tok-viewer")
	}
	if rec, _ := call(t, s, "GET", "/api/v1/me", "", "", "", first); rec.Code != 401 {
		t.Errorf("the viewer's oldest session after %d more: %d, want 401", maxSessionsPerPrincipal+5, rec.Code)
	}
	if rec, _ := call(t, s, "GET", "/api/v1/me", "", "", "", last); rec.Code != 200 {
		t.Errorf("the viewer's newest session: %d", rec.Code)
	}
	if rec, _ := call(t, s, "GET", "/api/v1/me", "", "", "", other); rec.Code != 200 {
		t.Errorf("another principal's session: %d", rec.Code)
	}
	if n := s.auth.sessions.(*memorySessions).len(); n != maxSessionsPerPrincipal+1 {
		t.Errorf("%d sessions held, want %d (the viewer's cap and the other's one)", n, maxSessionsPerPrincipal+1)
	}
}

// TestSessionCapOldestFirst: the store drops exactly the principal's oldest, counts
// a signed-out or expired session as no longer held, and keeps principals apart.
func TestSessionCapOldestFirst(t *testing.T) {
	now := time.Unix(1_700_000_000, 0)
	m := newMemorySessions(func() time.Time { return now })
	a, b := [16]byte{1}, [16]byte{2}
	put := func(id string, p [16]byte) {
		t.Helper()
		if err := m.Put(id, Session{Role: RoleViewer, TokenID: p, Expires: now.Add(time.Hour)}); err != nil {
			t.Fatal(err)
		}
	}
	put("b0", b)
	for i := 0; i < maxSessionsPerPrincipal; i++ {
		put("a"+strconv.Itoa(i), a)
	}
	// A signed-out session frees its place: the next one drops nothing.
	m.Delete("a5")
	put("a-new", a)
	if _, ok := m.Get("a0"); !ok {
		t.Error("a0 dropped although a5 had signed out")
	}
	put("a-newer", a)
	if _, ok := m.Get("a0"); ok {
		t.Error("a0, the oldest, still held past the cap")
	}
	for _, id := range []string{"a1", "a19", "a-new", "a-newer", "b0"} {
		if _, ok := m.Get(id); !ok {
			t.Errorf("%s dropped", id)
		}
	}
	if n := m.len(); n != maxSessionsPerPrincipal+1 {
		t.Errorf("%d held, want %d", n, maxSessionsPerPrincipal+1)
	}
}
