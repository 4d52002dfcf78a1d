package sim

import (
	"net/http"
	"strconv"
	"strings"
	"sync"
	"time"
)

// defaultRateLimit is Zendesk Support's per-account requests per minute on the
// Enterprise plan; Team allows 200 and Growth and Professional 400 (docs/ZENDESK.md).
const defaultRateLimit = 700

// rateLimiter counts Support requests per account (subdomain) in fixed one-minute
// windows aligned to the clock's minutes, as Zendesk's X-Rate-Limit-Remaining does. Every
// token and client of the account draws on the one count, and requests answered 429
// count too. Only tests shorten the window (Config.RateLimitWindow).
type rateLimiter struct {
	limit  int
	length time.Duration // of a window
	now    func() time.Time

	mu      sync.Mutex
	window  time.Time
	counter map[string]int
}

func newRateLimiter(limit int, length time.Duration, now func() time.Time) *rateLimiter {
	return &rateLimiter{limit: limit, length: length, now: now, counter: map[string]int{}}
}

// take counts one request for the account and reports what remains in the window and,
// when the limit is exhausted, how long until the next window opens.
func (l *rateLimiter) take(account string) (remaining int, wait time.Duration) {
	now := l.now()
	window := now.Truncate(l.length)
	l.mu.Lock()
	defer l.mu.Unlock()
	if !window.Equal(l.window) {
		l.window = window
		clear(l.counter)
	}
	l.counter[account]++
	n := l.counter[account]
	if n > l.limit {
		return 0, window.Add(l.length).Sub(now)
	}
	return l.limit - n, 0
}

// withRateLimit sets X-Rate-Limit and X-Rate-Limit-Remaining on every Support response,
// errors and 429s included (it sits in front of fault injection and every route), and
// answers 429 once an account has used its minute's budget.
func (s *Sim) withRateLimit(next http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		remaining, wait := s.limiter.take(strings.ToLower(r.PathValue("sub")))
		w.Header().Set("X-Rate-Limit", strconv.Itoa(s.limiter.limit))
		w.Header().Set("X-Rate-Limit-Remaining", strconv.Itoa(remaining))
		if wait > 0 {
			secs := retryAfterSeconds(wait)
			w.Header().Set("Retry-After", strconv.Itoa(secs))
			supportError(w, http.StatusTooManyRequests, "TooManyRequests",
				"Rate limit of "+strconv.Itoa(s.limiter.limit)+" requests per minute exceeded; retry after "+strconv.Itoa(secs)+"s")
			return
		}
		next.ServeHTTP(w, r)
	})
}
