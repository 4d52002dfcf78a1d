package sim_test

import (
	"net/http"
	"testing"
	"time"

	"github.com/sellmigrate/sellmigrate/platform/sim"
)

func putFaults(t *testing.T, e *env, body map[string]any) {
	t.Helper()
	e.do(http.MethodPut, "/_sim/faults", body).expect(t, http.StatusOK)
}

func TestRateLimitFaultHasRetryAfter(t *testing.T) {
	t.Parallel()
	e := start(t, sim.Config{})
	putFaults(t, e, map[string]any{"rate_limit_rate": 1, "retry_after_seconds": 1.2})
	if f := e.sim.Faults(); f.RateLimitRate != 1 || f.RetryAfter != 1200*time.Millisecond {
		t.Fatalf("Faults() = %+v after PUT", f)
	}
	r := e.do(http.MethodGet, "/zendesk/globex/api/v2/users/me", nil, supportAuth("owner@globex.test")...).
		expect(t, http.StatusTooManyRequests)
	if r.header.Get("Retry-After") != "2" || r.header.Get("X-Rate-Limit") == "" {
		t.Fatalf("429 headers %v, want Retry-After 2 (1.2s rounded up) and X-Rate-Limit", r.header)
	}
	if decode[map[string]string](t, r)["error"] != "TooManyRequests" {
		t.Fatalf("429 body %s", r.body)
	}
	s := e.do(http.MethodGet, "/sell/v2/accounts/self", nil, sellAuth(1001)...).expect(t, http.StatusTooManyRequests)
	if s.header.Get("Retry-After") != "2" || sellErrCode(t, s) != "rate_limited" {
		t.Fatalf("sell 429: %v %s", s.header, s.body)
	}
	// Simulator endpoints are never faulted.
	e.do(http.MethodGet, "/_sim/healthz", nil).expect(t, http.StatusOK)
	e.do(http.MethodGet, "/_sim/ledger", nil).expect(t, http.StatusOK)

	putFaults(t, e, map[string]any{"rate_limit_rate": 1, "retry_after_seconds": 0})
	r = e.do(http.MethodGet, "/zendesk/globex/api/v2/users/me", nil, supportAuth("owner@globex.test")...).
		expect(t, http.StatusTooManyRequests)
	if r.header.Get("Retry-After") != "1" {
		t.Fatalf("Retry-After %q with retry_after 0, want the minimum 1", r.header.Get("Retry-After"))
	}
	for _, bad := range []map[string]any{{"error_rate": 1.5}, {"error_rate": 0.6, "rate_limit_rate": 0.6}, {"latency_ms": -1}, {"nope": 1}} {
		if st := e.do(http.MethodPut, "/_sim/faults", bad).status; st/100 != 4 {
			t.Errorf("PUT faults %v: status %d, want 4xx", bad, st)
		}
	}
}

// TestServerErrorFaultsChangeNothing: a faulted mutation answers 5xx in Zendesk's error
// shape and leaves no trace; once faults are off the same request succeeds once.
func TestServerErrorFaultsChangeNothing(t *testing.T) {
	t.Parallel()
	e := start(t, sim.Config{Faults: sim.Faults{ErrorRate: 1}, Seed: 7})
	owner := supportAuth("owner@globex.test")
	mutations := []struct {
		method, path string
		body         any
		headers      []string
	}{
		{http.MethodPost, "/zendesk/www/api/v2/accounts", newAccount("Acme", "acme", "admin@acme.test"), append(partnerAuth(), "Idempotency-Key", "f1")},
		{http.MethodPost, "/zendesk/globex/api/v2/users/create_many",
			map[string]any{"users": []map[string]any{{"name": "Mia", "email": "mia@globex.test", "role": "agent"}}}, owner},
		{http.MethodDelete, "/zendesk/taken/api/v2/accounts/taken", nil, supportAuth("owner@taken.test")},
		{http.MethodPost, "/sell/v2/accounts/self/zendesk_link", linkReq("initech"), append(sellAuth(1003), "Idempotency-Key", "f2")},
	}
	for i := 0; i < 5; i++ {
		for _, m := range mutations {
			r := e.do(m.method, m.path, m.body, m.headers...)
			if r.status != 500 && r.status != 502 && r.status != 503 {
				t.Fatalf("%s %s under error_rate 1: status %d", m.method, m.path, r.status)
			}
			if len(r.body) == 0 || (decode[map[string]any](t, r)["error"] == nil && decode[map[string]any](t, r)["errors"] == nil) {
				t.Fatalf("5xx body %s is not Zendesk-shaped", r.body)
			}
		}
	}
	entries, err := e.sim.Ledger(t.Context())
	if err != nil {
		t.Fatal(err)
	}
	if len(entries) != 0 {
		t.Fatalf("ledger after faulted requests: %+v", entries)
	}
	e.sim.SetFaults(sim.Faults{})
	if !decode[map[string]bool](t, e.do(http.MethodGet, "/zendesk/www/api/v2/accounts/available?subdomain=acme", nil, partnerAuth()...))["success"] {
		t.Fatal("acme was created by a faulted request")
	}
	e.do(http.MethodGet, "/zendesk/taken/api/v2/users/me", nil, supportAuth("owner@taken.test")...).expect(t, http.StatusOK)
	res := decode[struct {
		Count int `json:"count"`
	}](t, e.do(http.MethodGet, "/zendesk/globex/api/v2/users/search?query=email:mia@globex.test", nil, owner...).expect(t, http.StatusOK))
	if res.Count != 0 {
		t.Fatal("mia was created by a faulted request")
	}
	for _, m := range mutations {
		if r := e.do(m.method, m.path, m.body, m.headers...); r.status/100 != 2 {
			t.Fatalf("%s %s without faults: %d %s", m.method, m.path, r.status, r.body)
		}
	}
	// create_many only queues its job; mia is converted when the job completes.
	e.eventually("the create_many job converts mia", func() bool { return e.ledgerCounts()["user_converted"] == 1 })
	c := e.ledgerCounts()
	if c["account_created"] != 1 || c["user_converted"] != 1 || c["account_released"] != 1 || c["account_linked"] != 1 {
		t.Fatalf("ledger counts %v, want one of each", c)
	}
}

// TestFaultsAreSeededAndPartial: the same seed fails the same requests; a rate in
// (0,1) fails some and serves the rest; latency is added.
func TestFaultsAreSeededAndPartial(t *testing.T) {
	t.Parallel()
	run := func() []int {
		e := start(t, sim.Config{Faults: sim.Faults{ErrorRate: 0.3, RateLimitRate: 0.2}, Seed: 42})
		var got []int
		for range 40 {
			got = append(got, e.do(http.MethodGet, "/sell/v2/accounts/self", nil, sellAuth(1001)...).status)
		}
		e.stop()
		return got
	}
	a, b := run(), run()
	ok, failed := 0, 0
	for i := range a {
		if a[i] != b[i] {
			t.Fatalf("request %d: %d vs %d with the same seed", i, a[i], b[i])
		}
		if a[i] == http.StatusOK {
			ok++
		} else {
			failed++
		}
	}
	if ok == 0 || failed == 0 {
		t.Fatalf("%d ok, %d failed: want some of each", ok, failed)
	}

	e := start(t, sim.Config{Faults: sim.Faults{Latency: 60 * time.Millisecond}})
	began := time.Now()
	e.do(http.MethodGet, "/sell/v2/accounts/self", nil, sellAuth(1001)...).expect(t, http.StatusOK)
	if d := time.Since(began); d < 60*time.Millisecond {
		t.Fatalf("request took %v with 60ms latency", d)
	}
	f := decode[map[string]float64](t, e.do(http.MethodGet, "/_sim/faults", nil).expect(t, http.StatusOK))
	if f["latency_ms"] != 60 {
		t.Fatalf("GET faults %v", f)
	}
}

func TestSupportRateLimitCounter(t *testing.T) {
	t.Parallel()
	// The counter resets each wall-clock minute; keep the requests inside one.
	if now := time.Now(); now.Second() >= 58 {
		time.Sleep(now.Truncate(time.Minute).Add(time.Minute).Sub(now))
	}
	e := start(t, sim.Config{RateLimitPerMinute: 3})
	var remaining []string
	for range 3 {
		r := e.do(http.MethodGet, "/zendesk/globex/api/v2/users/me", nil, supportAuth("owner@globex.test")...).expect(t, http.StatusOK)
		remaining = append(remaining, r.header.Get("X-Rate-Limit-Remaining"))
	}
	if remaining[0] != "2" || remaining[2] != "0" {
		t.Fatalf("X-Rate-Limit-Remaining %v, want 2,1,0", remaining)
	}
	r := e.do(http.MethodGet, "/zendesk/globex/api/v2/users/me", nil, supportAuth("owner@globex.test")...).
		expect(t, http.StatusTooManyRequests)
	if r.header.Get("Retry-After") == "" || r.header.Get("X-Rate-Limit") != "3" {
		t.Fatalf("over-limit headers %v", r.header)
	}
	// The counter is per account.
	e.do(http.MethodGet, "/zendesk/initech/api/v2/users/me", nil, supportAuth("owner@initech.test")...).expect(t, http.StatusOK)
}
