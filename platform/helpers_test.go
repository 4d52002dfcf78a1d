package platform

import (
	"encoding/json"
	"net/http"
	"net/http/httptest"
	"testing"
	"time"

	"go.uber.org/zap/zaptest"
)

// Test credentials; no test may find them in an error or a log line.
const (
	testEmail     = "admin@acme.test"
	testToken     = "demo-token-s3cret"
	testSellToken = "sell-demo-1001"
	// testPartnerToken is the partner credential of stand-in servers.
	testPartnerToken = "partner-s3cret"
)

// newTestServer serves h on a loopback port for the test's lifetime.
func newTestServer(t *testing.T, h http.Handler) *httptest.Server {
	t.Helper()
	srv := httptest.NewServer(h)
	t.Cleanup(srv.Close)
	return srv
}

// newTestClient returns a client whose Support and Sell bases point at h, laid out as
// the simulator lays them out (/zendesk/{subdomain}, /sell).
func newTestClient(t *testing.T, h http.Handler, mod ...func(*Config)) *Client {
	t.Helper()
	srv := newTestServer(t, h)
	cfg := Config{
		SupportURL: srv.URL + "/zendesk/{subdomain}",
		SellURL:    srv.URL + "/sell",
		Timeout:    5 * time.Second,
		Logger:     zaptest.NewLogger(t),
		// Job polls start after 5ms and back off to 20ms: the test simulator's jobs
		// take 1ms (newSimClient), so most waits need one poll.
		JobPollInitial: 5 * time.Millisecond,
		JobPollMax:     20 * time.Millisecond,
	}
	for _, m := range mod {
		m(&cfg)
	}
	c, err := New(cfg)
	if err != nil {
		t.Fatalf("New: %v", err)
	}
	return c
}

// writeJSON answers with a JSON body and the rate-limit headers Zendesk always sends.
func writeJSON(w http.ResponseWriter, status int, v any) {
	w.Header().Set("Content-Type", "application/json; charset=utf-8")
	w.Header().Set("X-Rate-Limit", "700")
	w.Header().Set("X-Rate-Limit-Remaining", "699")
	w.WriteHeader(status)
	_ = json.NewEncoder(w).Encode(v)
}

// supportError is Support's error body.
func supportError(code, description string, details map[string][]map[string]string) map[string]any {
	m := map[string]any{"error": code}
	if description != "" {
		m["description"] = description
	}
	if details != nil {
		m["details"] = details
	}
	return m
}

// sellError is Sell's error body.
func sellError(status int, code, message, field string) map[string]any {
	e := map[string]any{"code": code, "message": message}
	if field != "" {
		e["field"] = field
	}
	return map[string]any{
		"errors": []any{map[string]any{"error": e, "meta": map[string]any{"type": "error"}}},
		"meta":   map[string]any{"type": "errors", "http_status": http.StatusText(status)},
	}
}

func supportCreds() Credentials { return Credentials{Email: testEmail, APIToken: testToken} }

// mustAPIError fails the test unless err is an *APIError with the given status.
func mustAPIError(t *testing.T, err error, status int) *APIError {
	t.Helper()
	ae, ok := AsAPIError(err)
	if !ok {
		t.Fatalf("want *APIError %d, got %T: %v", status, err, err)
	}
	if ae.StatusCode != status {
		t.Fatalf("want status %d, got %d: %v", status, ae.StatusCode, err)
	}
	return ae
}
