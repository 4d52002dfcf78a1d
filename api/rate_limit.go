package api

import (
	"fmt"
	"math"
	"net"
	"net/http"
	"strconv"
	"sync"
	"time"

	"golang.org/x/time/rate"
)

// maxLimiterEntries bounds each limiter's map: a flood from many addresses must not
// grow memory without end.
const maxLimiterEntries = 10_000

// keyedLimiter keeps one token bucket per key (a principal, or a client IP).
type keyedLimiter struct {
	limit rate.Limit
	burst int
	// idleAfter is how long a bucket takes to refill from empty: one unused that long
	// is full, the same as a new one, so dropping it forgives nothing.
	idleAfter time.Duration
	now       func() time.Time

	mu        sync.Mutex
	entries   map[string]*limiterEntry
	lastSweep time.Time
}

type limiterEntry struct {
	bucket   *rate.Limiter
	lastSeen time.Time
}

func newKeyedLimiter(perSecond float64, burst int) *keyedLimiter {
	idle := time.Duration(float64(burst) / perSecond * float64(time.Second))
	return &keyedLimiter{limit: rate.Limit(perSecond), burst: burst, idleAfter: max(idle, time.Second),
		now: time.Now, entries: map[string]*limiterEntry{}}
}

// allow takes one token for key, or says how long until one is free.
func (l *keyedLimiter) allow(key string) (bool, time.Duration) {
	l.mu.Lock()
	defer l.mu.Unlock()
	now := l.now()
	e, ok := l.entries[key]
	if !ok {
		l.makeRoom(now)
		e = &limiterEntry{bucket: rate.NewLimiter(l.limit, l.burst)}
		l.entries[key] = e
	}
	e.lastSeen = now
	res := e.bucket.ReserveN(now, 1)
	if !res.OK() {
		return false, l.idleAfter
	}
	if wait := res.DelayFrom(now); wait > 0 {
		// Refused: give the token back, so waiting callers are not pushed further out.
		res.CancelAt(now)
		return false, wait
	}
	return true, 0
}

// makeRoom drops idle buckets (now and then, or when the map is full). When every
// bucket is busy and the map is full, the least recently seen goes: that key starts
// afresh, which only ever errs towards letting a caller through.
func (l *keyedLimiter) makeRoom(now time.Time) {
	if len(l.entries) < maxLimiterEntries && now.Sub(l.lastSweep) < l.idleAfter {
		return
	}
	l.lastSweep = now
	for k, e := range l.entries {
		if now.Sub(e.lastSeen) >= l.idleAfter {
			delete(l.entries, k)
		}
	}
	if len(l.entries) < maxLimiterEntries {
		return
	}
	var oldestKey string
	var oldest time.Time
	for k, e := range l.entries {
		if oldestKey == "" || e.lastSeen.Before(oldest) {
			oldestKey, oldest = k, e.lastSeen
		}
	}
	delete(l.entries, oldestKey)
}

func (l *keyedLimiter) size() int {
	l.mu.Lock()
	defer l.mu.Unlock()
	return len(l.entries)
}

// clientIP is the peer's address. X-Forwarded-For is not read: nothing says which
// proxy to trust, and a client could name any address to dodge its limit. Behind a
// proxy every caller shares the proxy's address, so the per-IP limit applies to all
// unauthenticated callers together there.
func clientIP(r *http.Request) string {
	host, _, err := net.SplitHostPort(r.RemoteAddr)
	if err != nil {
		return r.RemoteAddr
	}
	return host
}

// retryAfterSeconds is a wait as Retry-After's whole seconds, at least 1.
func retryAfterSeconds(wait time.Duration) int {
	return max(1, int(math.Ceil(wait.Seconds())))
}

// admitAPIRequest applies the API's rate limit: per principal once authenticated,
// else per client IP. Over it, it answers 429 with Retry-After and returns false.
func (s *Server) admitAPIRequest(w http.ResponseWriter, r *http.Request, p principal) bool {
	lim, key, who := s.ipLimits, clientIP(r), "this address"
	if p.role != rolePublic {
		lim, key, who = s.principalLimits, p.key(), "this token"
	}
	ok, wait := lim.allow(key)
	if ok {
		return true
	}
	secs := retryAfterSeconds(wait)
	w.Header().Set("Retry-After", strconv.Itoa(secs))
	s.writeError(w, r, newError(codeTooManyRequests, fmt.Sprintf(
		"too many requests from %s: the limit is %v a second with bursts of %d (api.rate_limit_per_second, api.rate_limit_burst); wait %d s (Retry-After), then send requests more slowly",
		who, s.opts.RateLimitPerSecond, s.opts.RateLimitBurst, secs)))
	return false
}
