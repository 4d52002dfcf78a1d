package platform

import (
	"context"
	"errors"
	"net/http"
	"sync/atomic"
	"testing"
	"time"
)

// TestReadRetriedWithinTheCall: with ReadRetries 2, a GET answered 503 and then 429
// (Retry-After 1s) is tried again in the call and succeeds on the third try, the last
// wait being the Retry-After; a write answered 503 is sent once; a Retry-After longer
// than MaxReadRetryWait goes back to the caller at once; a 4xx is never tried again;
// with ReadRetries 0 the first 503 is the answer.
func TestReadRetriedWithinTheCall(t *testing.T) {
	t.Parallel()
	var calls atomic.Int32
	var answers atomic.Value // func(n int32, w http.ResponseWriter, r *http.Request)
	h := http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		answers.Load().(func(int32, http.ResponseWriter, *http.Request))(calls.Add(1), w, r)
	})
	me := func(w http.ResponseWriter) {
		writeJSON(w, 200, map[string]any{"user": map[string]any{"id": 7, "email": testEmail, "role": "admin"}})
	}
	unavailable := func(w http.ResponseWriter) {
		writeJSON(w, http.StatusServiceUnavailable, map[string]any{"error": "ServiceUnavailable", "description": "down"})
	}
	limited := func(w http.ResponseWriter, after string) {
		w.Header().Set("Retry-After", after)
		writeJSON(w, http.StatusTooManyRequests, map[string]any{"error": "TooManyRequests", "description": "slow down"})
	}
	c := newTestClient(t, h, func(cfg *Config) { cfg.ReadRetries = 2 })
	support := c.Support("acme", supportCreds())
	run := func(name string, answer func(int32, http.ResponseWriter, *http.Request), call func() error) (int32, time.Duration, error) {
		t.Helper()
		calls.Store(0)
		answers.Store(answer)
		start := time.Now()
		err := call()
		return calls.Load(), time.Since(start), err
	}
	read := func() error { _, err := support.Me(context.Background()); return err }

	n, took, err := run("blips", func(n int32, w http.ResponseWriter, _ *http.Request) {
		switch n {
		case 1:
			unavailable(w)
		case 2:
			limited(w, "1")
		default:
			me(w)
		}
	}, read)
	if err != nil || n != 3 {
		t.Errorf("a 503 then a 429 then 200: %d calls, %v; want 3 calls and no error", n, err)
	}
	if took < time.Second || took > 3*time.Second {
		t.Errorf("the retries took %s; want the 100ms backoff plus the 429's Retry-After of 1s", took)
	}

	if n, _, err = run("down", func(_ int32, w http.ResponseWriter, _ *http.Request) { unavailable(w) }, read); n != 3 || !IsStatus(err, http.StatusServiceUnavailable) {
		t.Errorf("503 every time: %d calls, %v; want 3 (1 + 2 retries) and the 503", n, err)
	}
	if n, _, err = run("not found", func(_ int32, w http.ResponseWriter, _ *http.Request) {
		writeJSON(w, http.StatusNotFound, map[string]any{"error": "RecordNotFound", "description": "Not found"})
	}, read); n != 1 || !IsStatus(err, http.StatusNotFound) {
		t.Errorf("404: %d calls, %v; want 1", n, err)
	}
	write := func() error {
		_, err := support.CreateManyUsers(context.Background(), []NewSupportUser{{Name: "Ana", Email: "ana@acme.test"}})
		return err
	}
	if n, _, err = run("write", func(_ int32, w http.ResponseWriter, _ *http.Request) { unavailable(w) }, write); n != 1 || !IsStatus(err, http.StatusServiceUnavailable) {
		t.Errorf("a write answered 503: %d calls, %v; want 1, never repeated in the call", n, err)
	}

	// Last, and on a client of its own: the 429 holds back this client's next calls
	// to the account for its Retry-After (the budget), whoever makes them.
	patient := newTestClient(t, h, func(cfg *Config) { cfg.ReadRetries = 2 }).Support("acme", supportCreds())
	if n, took, err = run("long wait", func(_ int32, w http.ResponseWriter, _ *http.Request) { limited(w, "30") },
		func() error { _, err := patient.Me(context.Background()); return err }); n != 1 || !IsStatus(err, http.StatusTooManyRequests) || took > time.Second {
		t.Errorf("429 with Retry-After 30s: %d calls in %s, %v; want 1 call, the 429 at once for the caller's retry", n, took, err)
	}

	once := newTestClient(t, h).Support("acme", supportCreds())
	if n, _, err = run("no retries", func(_ int32, w http.ResponseWriter, _ *http.Request) { unavailable(w) },
		func() error { _, err := once.Me(context.Background()); return err }); n != 1 || !IsStatus(err, http.StatusServiceUnavailable) {
		t.Errorf("ReadRetries 0: %d calls, %v; want 1", n, err)
	}
}

// TestReadRetriesOutOfRangeRefused: ReadRetries below 0 or above MaxReadRetries is
// refused by name.
func TestReadRetriesOutOfRangeRefused(t *testing.T) {
	t.Parallel()
	for _, n := range []int{-1, MaxReadRetries + 1} {
		if _, err := New(Config{ReadRetries: n}); err == nil || !contains(err.Error(), "ReadRetries") {
			t.Errorf("ReadRetries %d: %v; want an error naming ReadRetries", n, err)
		}
	}
}

// TestReadRetryBoundsAndCancellation: a read whose connection is closed without an
// answer is tried again; a caller that gives up during the wait gets its own
// cancellation back, not the 503 before it; a try that could not finish before the
// caller's deadline (the wait plus the per-request timeout) is not made.
func TestReadRetryBoundsAndCancellation(t *testing.T) {
	t.Parallel()
	var calls atomic.Int32
	var answers atomic.Value // func(n int32, w http.ResponseWriter)
	h := http.HandlerFunc(func(w http.ResponseWriter, _ *http.Request) {
		answers.Load().(func(int32, http.ResponseWriter))(calls.Add(1), w)
	})
	c := newTestClient(t, h, func(cfg *Config) { cfg.ReadRetries = 2; cfg.Timeout = 5 * time.Second })
	support := c.Support("acme", supportCreds())
	unavailable := func(w http.ResponseWriter) {
		writeJSON(w, http.StatusServiceUnavailable, map[string]any{"error": "ServiceUnavailable", "description": "down"})
	}

	answers.Store(func(n int32, w http.ResponseWriter) {
		if n == 1 { // no answer at all: the connection is closed
			conn, _, err := w.(http.Hijacker).Hijack()
			if err == nil {
				_ = conn.Close()
			}
			return
		}
		writeJSON(w, 200, map[string]any{"user": map[string]any{"id": 7, "email": testEmail, "role": "admin"}})
	})
	if _, err := support.Me(context.Background()); err != nil || calls.Load() != 2 {
		t.Errorf("a closed connection, then 200: %d calls, %v; want 2 and no error", calls.Load(), err)
	}

	calls.Store(0)
	answers.Store(func(_ int32, w http.ResponseWriter) { unavailable(w) })
	ctx, cancel := context.WithCancel(context.Background())
	time.AfterFunc(30*time.Millisecond, cancel) // during the first 100ms wait
	_, err := support.Me(ctx)
	if !errors.Is(err, context.Canceled) || calls.Load() != 1 {
		t.Errorf("cancelled during the wait: %d calls, %v; want 1 call and context.Canceled", calls.Load(), err)
	}

	calls.Store(0)
	ctx, cancel = context.WithTimeout(context.Background(), 3*time.Second) // < 100ms + 5s
	defer cancel()
	if _, err := support.Me(ctx); !IsStatus(err, http.StatusServiceUnavailable) || calls.Load() != 1 {
		t.Errorf("3s left, 5s per request: %d calls, %v; want 1 call and the 503", calls.Load(), err)
	}
}
