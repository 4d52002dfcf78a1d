package api

import (
	"bufio"
	"context"
	"io"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"
	"time"

	"github.com/sellmigrate/sellmigrate/starter"
)

const watchedWorkflow = "sell-migration-1001"

// runningReport is a running migration's report; n tells one poll's from another's.
func runningReport(n int) starter.Report {
	var r starter.Report
	r.SellAccountID = "1001"
	r.Execution = starter.Execution{WorkflowID: watchedWorkflow, Status: "Running", HistoryLength: int64(n)}
	return r
}

// TestStreamsOfOneMigrationShareOnePoller: two subscribers of one migration are served
// by one poll at a time, each poll's report reaches both, and the poller stops when
// the last subscriber leaves.
func TestStreamsOfOneMigrationShareOnePoller(t *testing.T) {
	s := testServerWith(t, func(o *Options) { o.PollInterval = 5 * time.Millisecond })
	calls := make(chan struct{})
	answers := make(chan starter.Report)
	// Each Temporal read announces itself, then waits for the test to answer it.
	s.readStatus = func(ctx context.Context, ref string) (starter.Report, error) {
		if ctx.Err() != nil {
			return starter.Report{}, ctx.Err()
		}
		select {
		case calls <- struct{}{}:
		case <-ctx.Done():
			return starter.Report{}, ctx.Err()
		}
		select {
		case rep := <-answers:
			return rep, nil
		case <-ctx.Done():
			return starter.Report{}, ctx.Err()
		}
	}
	a := s.watches.subscribe(watchedWorkflow)
	b := s.watches.subscribe(watchedWorkflow)
	if n := s.watches.watching(watchedWorkflow); n != 2 {
		t.Errorf("one watch serves %d subscribers, want 2", n)
	}
	for round := 1; round <= 3; round++ {
		select {
		case <-calls:
		case <-time.After(5 * time.Second):
			t.Fatalf("round %d: no poll", round)
		}
		// With a poller per subscriber, the other would ask within a few 5ms intervals.
		select {
		case <-calls:
			t.Fatalf("round %d: a second poll ran alongside the first; subscribers must share one poller", round)
		case <-time.After(100 * time.Millisecond):
		}
		answers <- runningReport(round)
		for name, sub := range map[string]*migrationSub{"a": a, "b": b} {
			select {
			case u := <-sub.ch:
				if u.err != nil || u.rep.Execution.HistoryLength != int64(round) {
					t.Errorf("round %d: subscriber %s got %+v", round, name, u)
				}
			case <-time.After(5 * time.Second):
				t.Fatalf("round %d: subscriber %s got nothing", round, name)
			}
		}
	}
	s.watches.unsubscribe(a)
	if n := s.watches.watching(watchedWorkflow); n != 1 {
		t.Errorf("after one left, %d subscribers, want 1", n)
	}
	s.watches.unsubscribe(b)
	if n := s.watches.watching(watchedWorkflow); n != 0 {
		t.Errorf("after both left, %d subscribers, want none", n)
	}
	select {
	case <-calls:
		t.Error("the poller still polls after the last subscriber left")
	case <-time.After(100 * time.Millisecond):
	}
}

// openEvents opens a migration's live stream and, when it is accepted, reads up to
// its first event, so the stream is surely open on the server.
func openEvents(t *testing.T, url, token string) *http.Response {
	t.Helper()
	req, _ := http.NewRequest("GET", url+"/api/v1/migrations/1001/events", nil)
	req.Header.Set("Authorization", "Bearer "+token)
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	if resp.StatusCode == http.StatusOK {
		br := bufio.NewReader(resp.Body)
		for {
			line, err := br.ReadString('\n')
			if err != nil {
				t.Fatalf("stream ended before its first event: %v", err)
			}
			if strings.HasPrefix(line, "event: progress") {
				break
			}
		}
	}
	return resp
}

// TestLiveStreamsCappedPerPrincipal: a token's stream over api.max_streams_per_principal
// gets 429 saying what to do, another token's is served (and shares the migration's
// poller), and a slot freed by a closed stream can be taken again.
func TestLiveStreamsCappedPerPrincipal(t *testing.T) {
	s := testServerWith(t, func(o *Options) { o.MaxStreamsPerPrincipal, o.PollInterval = 1, time.Hour })
	s.readStatus = func(context.Context, string) (starter.Report, error) { return runningReport(1), nil }
	srv := httptest.NewServer(s.Handler())
	defer func() { s.Close(); srv.Close() }()

	first := openEvents(t, srv.URL, "tok-viewer")
	defer first.Body.Close()
	if first.StatusCode != http.StatusOK {
		t.Fatalf("first stream: %d", first.StatusCode)
	}
	over := openEvents(t, srv.URL, "tok-viewer")
	body, _ := io.ReadAll(over.Body)
	over.Body.Close()
	if over.StatusCode != http.StatusTooManyRequests || over.Header.Get("Retry-After") == "" ||
		!strings.Contains(string(body), "api.max_streams_per_principal") || !strings.Contains(string(body), "close other dashboard tabs") {
		t.Errorf("stream over the cap: %d, Retry-After %q, %s; want 429 saying what to do", over.StatusCode, over.Header.Get("Retry-After"), body)
	}
	other := openEvents(t, srv.URL, "tok-ops")
	if other.StatusCode != http.StatusOK {
		t.Errorf("another token's stream: %d, want 200", other.StatusCode)
	}
	// A stream subscribes just after its first event, so give the second a moment.
	waitFor(t, "two streams on one migration served by one poller", func() bool { return s.watches.watching(watchedWorkflow) == 2 })
	other.Body.Close()

	first.Body.Close()
	deadline := time.Now().Add(5 * time.Second)
	for {
		again := openEvents(t, srv.URL, "tok-viewer")
		again.Body.Close()
		if again.StatusCode == http.StatusOK {
			break
		}
		if time.Now().After(deadline) {
			t.Fatalf("the closed stream's slot was not freed: %d", again.StatusCode)
		}
		time.Sleep(20 * time.Millisecond)
	}
}

// waitFor polls cond for up to 5 seconds.
func waitFor(t *testing.T, what string, cond func() bool) {
	t.Helper()
	for deadline := time.Now().Add(5 * time.Second); !cond(); time.Sleep(5 * time.Millisecond) {
		if time.Now().After(deadline) {
			t.Fatalf("waited 5s for %s", what)
		}
	}
}
