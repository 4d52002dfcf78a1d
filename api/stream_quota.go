package api

import (
	"fmt"
	"net/http"
	"sync"
)

// streamRetryAfter is what a refused stream is told to wait: streams end when a tab
// closes, so a slot is usually free again within seconds.
const streamRetryAfter = "5"

// streamQuota caps the live streams one principal holds open at once. Each stream
// is cheap alone; a single token holding hundreds would starve everyone else of the
// server-wide slots (Options.MaxStreams).
type streamQuota struct {
	max  int
	mu   sync.Mutex
	open map[string]int
}

func newStreamQuota(max int) *streamQuota {
	return &streamQuota{max: max, open: map[string]int{}}
}

// acquire takes one of key's slots; release gives it back (call it exactly once).
func (q *streamQuota) acquire(key string) (release func(), ok bool) {
	q.mu.Lock()
	defer q.mu.Unlock()
	if q.open[key] >= q.max {
		return nil, false
	}
	q.open[key]++
	var once sync.Once
	return func() {
		once.Do(func() {
			q.mu.Lock()
			defer q.mu.Unlock()
			// Keys at zero are deleted, so the map holds only principals streaming now.
			if q.open[key]--; q.open[key] <= 0 {
				delete(q.open, key)
			}
		})
	}, true
}

// acquireStream takes a slot of p's quota or answers 429 saying what to do.
func (s *Server) acquireStream(w http.ResponseWriter, p principal) (func(), error) {
	release, ok := s.streamQuota.acquire(p.key())
	if !ok {
		w.Header().Set("Retry-After", streamRetryAfter)
		return nil, newError(codeTooManyRequests, fmt.Sprintf(
			"this token already has %d live streams open, the most api.max_streams_per_principal allows; close other dashboard tabs or streams, then retry",
			s.streamQuota.max))
	}
	return release, nil
}
