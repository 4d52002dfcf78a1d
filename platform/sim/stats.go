package sim

import (
	"net/http"
	"strings"
	"sync"
	"time"
)

// requestStats counts the Support and Sell requests the simulator serves, in fixed
// one-second and one-minute windows, and keeps the peaks: overall, per Support account
// (Zendesk limits each account per minute) and per Sell token (Sell allows about 10
// requests/s per token). It lets a load run show from the server's side that the
// client stayed within the documented limits. Tokens are only map keys in memory;
// nothing here ever prints one.
type requestStats struct {
	now func() time.Time

	mu      sync.Mutex
	started time.Time
	total   map[string]int64 // by surface: support, sell
	sec     statWindow
	min     statWindow
	peaks   StatsPeaks
}

// statWindow is one fixed window's counts.
type statWindow struct {
	start     time.Time
	bySurface map[string]int
	byKey     map[string]int // support:<subdomain> or sell:<token>
}

// Stats is what GET /_sim/stats returns.
type Stats struct {
	Since         time.Time        `json:"since"`
	TotalRequests map[string]int64 `json:"totalRequests"`
	Peaks         StatsPeaks       `json:"peaks"`
}

// StatsPeaks are the highest counts seen in any one window so far.
type StatsPeaks struct {
	SupportPerSecond           int    `json:"supportPerSecond"`
	SupportPerMinute           int    `json:"supportPerMinute"`
	SellPerSecond              int    `json:"sellPerSecond"`
	SellPerMinute              int    `json:"sellPerMinute"`
	SupportAccountPerSecond    int    `json:"supportAccountPerSecond"`
	SupportAccountPerMinute    int    `json:"supportAccountPerMinute"`
	SellTokenPerSecond         int    `json:"sellTokenPerSecond"`
	SellTokenPerMinute         int    `json:"sellTokenPerMinute"`
	BusiestSupportAccountByMin string `json:"busiestSupportAccountByMinute,omitempty"`
}

func newRequestStats(now func() time.Time) *requestStats {
	return &requestStats{now: now, started: now(), total: map[string]int64{}}
}

// count records one request of a surface for a key (account or token).
func (st *requestStats) count(surface, key string) {
	t := st.now()
	st.mu.Lock()
	defer st.mu.Unlock()
	st.total[surface]++
	st.sec.add(t.Truncate(time.Second), surface, key)
	st.min.add(t.Truncate(time.Minute), surface, key)
	st.foldLocked(surface, key)
}

func (w *statWindow) add(start time.Time, surface, key string) {
	if !start.Equal(w.start) || w.bySurface == nil {
		w.start = start
		w.bySurface = map[string]int{}
		w.byKey = map[string]int{}
	}
	w.bySurface[surface]++
	w.byKey[surface+":"+key]++
}

// foldLocked raises the peaks to the current windows' counts of the surface and the
// key just counted (no other count changed).
func (st *requestStats) foldLocked(surface, key string) {
	p := &st.peaks
	k := surface + ":" + key
	sec, min := st.sec.bySurface[surface], st.min.bySurface[surface]
	keySec, keyMin := st.sec.byKey[k], st.min.byKey[k]
	if surface == "support" {
		p.SupportPerSecond = max(p.SupportPerSecond, sec)
		p.SupportPerMinute = max(p.SupportPerMinute, min)
		p.SupportAccountPerSecond = max(p.SupportAccountPerSecond, keySec)
		if keyMin > p.SupportAccountPerMinute {
			p.SupportAccountPerMinute = keyMin
			p.BusiestSupportAccountByMin = key
		}
		return
	}
	p.SellPerSecond = max(p.SellPerSecond, sec)
	p.SellPerMinute = max(p.SellPerMinute, min)
	p.SellTokenPerSecond = max(p.SellTokenPerSecond, keySec)
	p.SellTokenPerMinute = max(p.SellTokenPerMinute, keyMin)
}

func (st *requestStats) snapshot() Stats {
	st.mu.Lock()
	defer st.mu.Unlock()
	total := make(map[string]int64, len(st.total))
	for k, v := range st.total {
		total[k] = v
	}
	return Stats{Since: st.started.UTC(), TotalRequests: total, Peaks: st.peaks}
}

// Stats returns the request counts and peaks since the simulator started.
func (s *Sim) Stats() Stats { return s.stats.snapshot() }

// withStats counts every Support and Sell request before it reaches the limiter and
// the fault injector, so refused requests count too (Zendesk counts them as well).
func (s *Sim) withStats(next http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		switch p := r.URL.Path; {
		case strings.HasPrefix(p, supportPrefix):
			sub, _, _ := strings.Cut(strings.TrimPrefix(p, supportPrefix), "/")
			s.stats.count("support", strings.ToLower(sub))
		case strings.HasPrefix(p, sellPrefix):
			s.stats.count("sell", r.Header.Get("Authorization"))
		}
		next.ServeHTTP(w, r)
	})
}

func (s *Sim) handleStats(w http.ResponseWriter, _ *http.Request) {
	writeJSON(w, http.StatusOK, s.Stats())
}
