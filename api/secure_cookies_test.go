package api

import "testing"

// TestSecureCookiesForAnyCaseOfHTTPS: a public URL whose scheme is written in capitals
// is still https, so the session cookie (and the owner login's, which reads the same
// flag) is Secure; plain http is not.
func TestSecureCookiesForAnyCaseOfHTTPS(t *testing.T) {
	for _, tc := range []struct {
		url    string
		secure bool
	}{
		{"https://sellmigrate.example.com", true},
		{"HTTPS://sellmigrate.example.com", true},
		{"Https://sellmigrate.example.com/", true},
		{"http://127.0.0.1:8080", false},
		{"HTTP://127.0.0.1:8080", false},
	} {
		s := testServerWith(t, func(o *Options) { o.PublicURL = tc.url })
		c := signIn(t, s, "tok-ops")
		if c.Secure != tc.secure {
			t.Errorf("public URL %s: session cookie Secure=%v, want %v", tc.url, c.Secure, tc.secure)
		}
		if o := (&ownerLogin{s: s}); o.secureCookies() != tc.secure {
			t.Errorf("public URL %s: owner-login cookies Secure=%v, want %v", tc.url, o.secureCookies(), tc.secure)
		}
	}
}
