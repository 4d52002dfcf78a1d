package api

import (
	"fmt"
	"net/http"
	"net/http/httptest"
	"strconv"
	"strings"
	"testing"
	"time"
)

// limitedServer allows each principal or address a burst of 2 requests, refilled
// far slower than any test runs.
func limitedServer(t *testing.T) *Server {
	return testServerWith(t, func(o *Options) { o.RateLimitPerSecond, o.RateLimitBurst = 0.01, 2 })
}

// send makes one request from an address, with an Authorization header when given.
func send(s *Server, method, path, auth, remoteAddr string, cookies ...*http.Cookie) *httptest.ResponseRecorder {
	req := httptest.NewRequest(method, path, nil)
	req.RemoteAddr = remoteAddr
	return serve(s, req, auth, cookies...)
}

// limitedCall is one GET in a rate-limit case: its path, Authorization and peer address.
type limitedCall struct{ path, auth, addr string }

func (c limitedCall) send(s *Server) *httptest.ResponseRecorder {
	return send(s, "GET", c.path, c.auth, c.addr)
}

// TestRateLimits: past its burst a principal (whatever its address) or an
// unauthenticated address gets 429 with Retry-After and advice; others go on, and
// the liveness probe is never limited.
func TestRateLimits(t *testing.T) {
	cases := []struct {
		name string
		// exhaust are the requests that use up the burst; over is the one refused.
		exhaust, over limitedCall
		// unaffected is a request from someone else, still served.
		unaffected limitedCall
		okStatus   int
		wantWho    string
	}{
		{
			name:       "per principal, from any address",
			exhaust:    limitedCall{"/api/v1/me", "Bearer tok-viewer", "10.0.0.1:1000"},
			over:       limitedCall{"/api/v1/me", "Bearer tok-viewer", "10.0.0.2:1000"},
			unaffected: limitedCall{"/api/v1/me", "Bearer tok-ops", "10.0.0.1:1000"},
			okStatus:   200,
			wantWho:    "this token",
		},
		{
			name:       "per IP for public routes",
			exhaust:    limitedCall{"/openapi.json", "", "10.0.0.1:1000"},
			over:       limitedCall{"/openapi.json", "", "10.0.0.1:2000"},
			unaffected: limitedCall{"/openapi.json", "", "10.0.0.9:1000"},
			okStatus:   200,
			wantWho:    "this address",
		},
		{
			name:       "per IP for failed sign-ins",
			exhaust:    limitedCall{"/api/v1/me", "Bearer guess", "10.0.0.1:1000"},
			over:       limitedCall{"/api/v1/me", "Bearer guess-2", "10.0.0.1:1000"},
			unaffected: limitedCall{"/api/v1/me", "Bearer guess", "10.0.0.9:1000"},
			okStatus:   401,
			wantWho:    "this address",
		},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			s := limitedServer(t)
			for i := 0; i < 2; i++ {
				if rec := tc.exhaust.send(s); rec.Code != tc.okStatus {
					t.Fatalf("request %d within the burst: %d %s", i+1, rec.Code, rec.Body)
				}
			}
			rec := tc.over.send(s)
			if rec.Code != http.StatusTooManyRequests {
				t.Fatalf("over the burst: %d %s, want 429", rec.Code, rec.Body)
			}
			if secs, err := strconv.Atoi(rec.Header().Get("Retry-After")); err != nil || secs < 1 {
				t.Errorf("Retry-After %q, want whole seconds >= 1", rec.Header().Get("Retry-After"))
			}
			for _, want := range []string{`"code":"too_many_requests"`, tc.wantWho, "api.rate_limit_per_second", "wait"} {
				if !strings.Contains(rec.Body.String(), want) {
					t.Errorf("429 body %s lacks %q", rec.Body, want)
				}
			}
			if rec := tc.unaffected.send(s); rec.Code != tc.okStatus {
				t.Errorf("someone else was limited too: %d %s", rec.Code, rec.Body)
			}
			for i := 0; i < 5; i++ {
				if rec := send(s, "GET", "/healthz", "", "10.0.0.1:1000"); rec.Code != 200 {
					t.Fatalf("healthz was limited: %d", rec.Code)
				}
			}
		})
	}
}

// TestRateLimitSharedByBearerAndSession: a session cookie counts against the token it
// was made with, so signing in does not buy a fresh allowance.
func TestRateLimitSharedByBearerAndSession(t *testing.T) {
	s := testServerWith(t, func(o *Options) { o.RateLimitPerSecond, o.RateLimitBurst = 0.01, 3 })
	rec, _ := call(t, s, "POST", "/api/v1/session", "", "application/json", `{"token":"tok-ops"}`) // per IP, not per token
	session := rec.Result().Cookies()[0]
	for i, auth := range []string{"Bearer tok-ops", "Bearer tok-ops", "Bearer tok-ops"} {
		if rec := send(s, "GET", "/api/v1/me", auth, "10.0.0.1:1"); rec.Code != 200 {
			t.Fatalf("request %d: %d", i+1, rec.Code)
		}
	}
	if rec := send(s, "GET", "/api/v1/me", "", "10.0.0.2:1", session); rec.Code != http.StatusTooManyRequests {
		t.Errorf("the session of an exhausted token: %d, want 429", rec.Code)
	}
}

// TestLimiterMapStaysBounded: idle buckets are dropped, and a flood of new keys never
// grows the map past its bound.
func TestLimiterMapStaysBounded(t *testing.T) {
	l := newKeyedLimiter(10, 10) // refills in 1s
	clock := time.Unix(1_700_000_000, 0)
	l.now = func() time.Time { return clock }
	for i := 0; i < 100; i++ {
		l.allow(fmt.Sprint("idle-", i))
	}
	clock = clock.Add(2 * time.Second)
	l.allow("fresh")
	if n := l.size(); n != 1 {
		t.Errorf("%d buckets after the others idled past their refill, want 1", n)
	}
	for i := 0; i < maxLimiterEntries+500; i++ {
		l.allow(fmt.Sprint("flood-", i))
	}
	if n := l.size(); n > maxLimiterEntries {
		t.Errorf("%d buckets, more than the bound %d", n, maxLimiterEntries)
	}
}

// TestCodecEndpointRateLimited: the codec endpoint shares the API's limits.
func TestCodecEndpointRateLimited(t *testing.T) {
	s := limitedServer(t)
	codes := []int{}
	for i := 0; i < 3; i++ {
		codes = append(codes, send(s, "POST", CodecPath+"/decode", "Bearer tok-viewer", "10.0.0.1:1").Code)
	}
	if codes[2] != http.StatusTooManyRequests {
		t.Errorf("codec calls past the burst: %v, want the third refused with 429", codes)
	}
}
