package platform

import (
	"bytes"
	"context"
	"encoding/json"
	"net/http"
	"net/http/httptest"
	"path/filepath"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/sellmigrate/sellmigrate/platform/sim"
)

// The client's unit tests run against the simulator (platform/sim), the project's one
// model of Zendesk, in process over loopback HTTP with its demo data: Sell accounts
// 1001–1005 and 1007, Support accounts globex, initech, umbrella (linked to 1004), taken and stark (bulk imports off).

// newSimClient starts a fresh simulator and returns a client pointed at it. wrap, when
// given, sits in front of the simulator's handler (to record requests, or to put the
// states of a slow or failing Zendesk job in front of it; see jobPolls).
func newSimClient(t *testing.T, wrap ...func(http.Handler) http.Handler) (*Client, *sim.Sim) {
	t.Helper()
	return newSimClientWith(t, func(*Config) {}, wrap...)
}

// newSimClientWith is newSimClient with the client's Config changed by mod.
func newSimClientWith(t *testing.T, mod func(*Config), wrap ...func(http.Handler) http.Handler) (*Client, *sim.Sim) {
	t.Helper()
	// Jobs take 1ms: WaitJob's backoff and the job states are tested with jobPolls and
	// scripted waits, the simulator's own timing in platform/sim.
	s, err := sim.New(sim.Config{DBPath: filepath.Join(t.TempDir(), "sim.db"), Seed: 1, JobDuration: time.Millisecond})
	if err != nil {
		t.Fatalf("sim.New: %v", err)
	}
	t.Cleanup(func() { // registered first, so it runs after the HTTP server has closed
		if err := s.Close(); err != nil {
			t.Errorf("close the simulator: %v", err)
		}
	})
	var h http.Handler = s.Handler()
	for _, w := range wrap {
		h = w(h)
	}
	return newTestClient(t, h, func(c *Config) { c.PartnerToken = sim.DefaultPartnerToken; mod(c) }), s
}

// simCreds are the demo API-token credentials of a user of a simulated account: the
// demo token of the account the email's domain names (owner@globex.test: globex's).
// Accounts Create makes have none; use their owner token.
func simCreds(email string) Credentials {
	_, domain, _ := strings.Cut(email, "@")
	return Credentials{Email: email, APIToken: sim.DemoAPIToken(strings.TrimSuffix(domain, ".test"))}
}

// ledgerCount counts the simulator's side effects of one kind whose subject starts so.
func ledgerCount(t *testing.T, s *sim.Sim, kind, subjectPrefix string) int {
	t.Helper()
	entries, err := s.Ledger(context.Background())
	if err != nil {
		t.Fatal(err)
	}
	n := 0
	for _, e := range entries {
		if e.Kind == kind && strings.HasPrefix(e.Subject, subjectPrefix) {
			n++
		}
	}
	return n
}

// jobPolls stands in front of the simulator for GET .../job_statuses/{id}. The
// simulator's jobs are queued and complete on time but never fail; a real Zendesk job
// may stay working for minutes or fail, and the poll itself may hit a 5xx or a 429.
// jobPolls puts those in front of the simulator's real job, so WaitJob's handling of
// each is tested, and records when each poll came. Everything else passes through.
type jobPolls struct {
	mu    sync.Mutex
	polls int
	// at is when each poll arrived.
	at []time.Time
	// errs are answered first, one status per poll (a 429 with Retry-After: 1).
	errs []int
	// working makes this many polls answer "working" (negative: every poll).
	working int
	// fail makes the final answer "failed" instead of the simulator's "completed".
	fail bool
}

func (j *jobPolls) wrap(next http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if r.Method != http.MethodGet || !strings.Contains(r.URL.Path, "/api/v2/job_statuses/") {
			next.ServeHTTP(w, r)
			return
		}
		j.mu.Lock()
		j.polls++
		j.at = append(j.at, time.Now())
		var status int
		if len(j.errs) > 0 {
			status, j.errs = j.errs[0], j.errs[1:]
		}
		working := j.working != 0
		if j.working > 0 {
			j.working--
		}
		fail := j.fail
		j.mu.Unlock()
		if status != 0 {
			if status == http.StatusTooManyRequests {
				w.Header().Set("Retry-After", "1")
			}
			writeJSON(w, status, supportError(http.StatusText(status), "simulated poll failure; try again", nil))
			return
		}
		rec := httptest.NewRecorder()
		next.ServeHTTP(rec, r)
		var body struct {
			JobStatus JobStatus `json:"job_status"`
		}
		if rec.Code != http.StatusOK || (!working && !fail) || json.Unmarshal(rec.Body.Bytes(), &body) != nil {
			for k, v := range rec.Header() {
				w.Header()[k] = v
			}
			w.WriteHeader(rec.Code)
			_, _ = w.Write(bytes.Clone(rec.Body.Bytes()))
			return
		}
		js := body.JobStatus
		switch {
		case working:
			js.Status, js.Progress, js.Results, js.Message = JobWorking, js.Total/2, nil, ""
		case fail:
			js.Status, js.Message = JobFailed, "Failed at "+js.ID+" (simulated)"
		}
		writeJSON(w, http.StatusOK, map[string]JobStatus{"job_status": js})
	})
}

func (j *jobPolls) count() int {
	j.mu.Lock()
	defer j.mu.Unlock()
	return j.polls
}

// times returns when each poll arrived.
func (j *jobPolls) times() []time.Time {
	j.mu.Lock()
	defer j.mu.Unlock()
	return append([]time.Time(nil), j.at...)
}

func (j *jobPolls) set(f func(j *jobPolls)) {
	j.mu.Lock()
	defer j.mu.Unlock()
	f(j)
}
