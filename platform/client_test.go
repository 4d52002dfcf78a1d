package platform

import (
	"bytes"
	"context"
	"encoding/base64"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net/http"
	"strings"
	"sync"
	"testing"
	"time"

	"go.uber.org/zap"
	"go.uber.org/zap/zapcore"
	"go.uber.org/zap/zaptest/observer"
)

// seenRequest is what a test server saw of one request.
type seenRequest struct {
	Method, Path, Query string
	Header              http.Header
	Body                string
}

// recorder records every request and answers with fn.
type recorder struct {
	mu   sync.Mutex
	seen []seenRequest
	fn   http.HandlerFunc
}

func (rc *recorder) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	b, _ := io.ReadAll(r.Body)
	r.Body = io.NopCloser(bytes.NewReader(b))
	rc.mu.Lock()
	rc.seen = append(rc.seen, seenRequest{r.Method, r.URL.Path, r.URL.RawQuery, r.Header.Clone(), string(b)})
	rc.mu.Unlock()
	rc.fn(w, r)
}

func (rc *recorder) last(t *testing.T) seenRequest {
	t.Helper()
	rc.mu.Lock()
	defer rc.mu.Unlock()
	if len(rc.seen) == 0 {
		t.Fatal("the server saw no request")
	}
	return rc.seen[len(rc.seen)-1]
}

func TestHeadersAndAuth(t *testing.T) {
	t.Parallel()
	rec := &recorder{fn: func(w http.ResponseWriter, r *http.Request) {
		switch {
		case strings.HasSuffix(r.URL.Path, "/users/me"):
			writeJSON(w, 200, map[string]any{"user": map[string]any{"id": 7, "email": testEmail, "role": "admin"}})
		case strings.HasSuffix(r.URL.Path, "/accounts/self"):
			writeJSON(w, 200, map[string]any{"data": map[string]any{"id": 1001, "name": "Acme", "subdomain": nil}, "meta": map[string]any{"type": "account"}})
		case strings.HasSuffix(r.URL.Path, "/api/v2/accounts"):
			writeJSON(w, 201, map[string]any{"account": map[string]any{"name": "Acme", "subdomain": "acme"}})
		}
	}}
	c := newTestClient(t, rec, func(cfg *Config) { cfg.UserAgent = "sellmigrate-test/9"; cfg.PartnerToken = testPartnerToken })
	ctx := context.Background()

	if _, err := c.Support("acme", supportCreds()).Me(ctx); err != nil {
		t.Fatal(err)
	}
	got := rec.last(t)
	wantBasic := "Basic " + base64.StdEncoding.EncodeToString([]byte(testEmail+"/token:"+testToken))
	if got.Path != "/zendesk/acme/api/v2/users/me" || got.Method != "GET" {
		t.Errorf("request %s %s", got.Method, got.Path)
	}
	if got.Header.Get("Authorization") != wantBasic {
		t.Errorf("Authorization = %q, want %q", got.Header.Get("Authorization"), wantBasic)
	}
	if got.Header.Get("Accept") != "application/json" || got.Header.Get("User-Agent") != "sellmigrate-test/9" {
		t.Errorf("Accept %q, User-Agent %q", got.Header.Get("Accept"), got.Header.Get("User-Agent"))
	}
	if got.Header.Get("Content-Type") != "" {
		t.Errorf("a GET has no body, yet Content-Type = %q", got.Header.Get("Content-Type"))
	}

	if _, err := c.Support("acme", Credentials{Email: testEmail, APIToken: "ignored", BearerToken: "oauth-xyz"}).Me(ctx); err != nil {
		t.Fatal(err)
	}
	if a := rec.last(t).Header.Get("Authorization"); a != "Bearer oauth-xyz" {
		t.Errorf("OAuth Authorization = %q", a)
	}

	if _, err := c.Support("acme", Credentials{}).Me(ctx); err != nil {
		t.Fatal(err)
	}
	if a := rec.last(t).Header.Get("Authorization"); a != "" {
		t.Errorf("no credentials, yet Authorization = %q", a)
	}

	if _, err := c.Sell(testSellToken).Account(ctx); err != nil {
		t.Fatal(err)
	}
	got = rec.last(t)
	if got.Path != "/sell/v2/accounts/self" || got.Header.Get("Authorization") != "Bearer "+testSellToken {
		t.Errorf("sell request %s with Authorization %q", got.Path, got.Header.Get("Authorization"))
	}

	if _, err := c.Accounts().Create(ctx, NewAccount{Name: "Acme", Subdomain: "acme", OwnerName: "Ada", OwnerEmail: testEmail}, ""); err != nil {
		t.Fatal(err)
	}
	got = rec.last(t)
	if got.Header.Get("Authorization") != "Bearer "+testPartnerToken || got.Header.Get("Idempotency-Key") != "" {
		t.Errorf("partner call sent Authorization %q, Idempotency-Key %q; want the partner token and no key",
			got.Header.Get("Authorization"), got.Header.Get("Idempotency-Key"))
	}
	if got.Header.Get("Content-Type") != "application/json" || got.Path != "/zendesk/www/api/v2/accounts" {
		t.Errorf("POST %s with Content-Type %q", got.Path, got.Header.Get("Content-Type"))
	}
}

func TestTimeoutIsARetryableNetworkError(t *testing.T) {
	t.Parallel()
	release := make(chan struct{})
	t.Cleanup(func() { close(release) })
	h := http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		select {
		case <-release:
		case <-r.Context().Done():
		}
	})
	c := newTestClient(t, h, func(cfg *Config) { cfg.Timeout = 100 * time.Millisecond })
	start := time.Now()
	_, err := c.Support("acme", supportCreds()).Me(context.Background())
	if d := time.Since(start); d > 2*time.Second {
		t.Errorf("timeout took %s", d)
	}
	var ne *NetworkError
	if !errors.As(err, &ne) || ne.Timeout != 100*time.Millisecond {
		t.Fatalf("want *NetworkError with Timeout, got %T: %v", err, err)
	}
	if !IsRetryable(err) {
		t.Error("a timeout must be retryable")
	}
	msg := err.Error()
	if !strings.Contains(msg, "zendesk support GET /api/v2/users/me: no complete response within 100ms") {
		t.Errorf("message %q", msg)
	}
	if strings.Contains(msg, testToken) || strings.Contains(msg, "127.0.0.1") {
		t.Errorf("message leaks the token or repeats the URL: %q", msg)
	}
}

func TestTimeoutCoversReadingTheBody(t *testing.T) {
	t.Parallel()
	release := make(chan struct{})
	t.Cleanup(func() { close(release) })
	h := http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Content-Type", "application/json")
		w.WriteHeader(200)
		_, _ = io.WriteString(w, `{"items":[`)
		w.(http.Flusher).Flush()
		select {
		case <-release:
		case <-r.Context().Done():
		}
	})
	c := newTestClient(t, h, func(cfg *Config) { cfg.Timeout = 150 * time.Millisecond })
	_, err := c.Sell(testSellToken).Users(context.Background(), 1, 100)
	var ne *NetworkError
	if !errors.As(err, &ne) || ne.Timeout == 0 {
		t.Fatalf("want a timeout *NetworkError, got %T: %v", err, err)
	}
	if !strings.Contains(err.Error(), "zendesk sell GET /v2/users") {
		t.Errorf("message %q", err)
	}
}

func TestConnectionRefusedIsARetryableNetworkError(t *testing.T) {
	t.Parallel()
	srv := newTestServer(t, http.NotFoundHandler())
	c, err := New(Config{SupportURL: srv.URL + "/zendesk/{subdomain}", SellURL: srv.URL + "/sell", Timeout: 2 * time.Second})
	if err != nil {
		t.Fatal(err)
	}
	srv.Close()
	_, err = c.Sell(testSellToken).Account(context.Background())
	var ne *NetworkError
	if !errors.As(err, &ne) || ne.Timeout != 0 || !IsRetryable(err) {
		t.Fatalf("want a non-timeout *NetworkError, got %T: %v", err, err)
	}
	if !strings.HasPrefix(err.Error(), "zendesk sell GET /v2/accounts/self: network error, retryable: ") {
		t.Errorf("message %q", err)
	}
}

func TestCallerCancellationIsNotRetryable(t *testing.T) {
	t.Parallel()
	started := make(chan struct{})
	h := http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		close(started)
		<-r.Context().Done()
	})
	c := newTestClient(t, h)
	ctx, cancel := context.WithCancel(context.Background())
	go func() { <-started; cancel() }()
	_, err := c.Support("acme", supportCreds()).CustomRoles(ctx)
	if !errors.Is(err, context.Canceled) || IsRetryable(err) {
		t.Fatalf("want a non-retryable context.Canceled, got %T: %v", err, err)
	}
	if !strings.Contains(err.Error(), "zendesk support GET /api/v2/custom_roles") {
		t.Errorf("message %q", err)
	}
}

func TestErrorStatusesOverHTTP(t *testing.T) {
	t.Parallel()
	retryAt := time.Now().Add(3 * time.Second).UTC().Format(http.TimeFormat)
	h := http.NewServeMux()
	h.HandleFunc("GET /zendesk/{sub}/api/v2/users/me", func(w http.ResponseWriter, r *http.Request) {
		switch r.PathValue("sub") {
		case "nosuch":
			writeJSON(w, 404, supportError("RecordNotFound", "Not found", nil))
		case "limited":
			w.Header().Set("Retry-After", "2")
			writeJSON(w, 429, supportError("TooManyRequests", "Rate limit exceeded", nil))
		case "limiteddate":
			w.Header().Set("Retry-After", retryAt)
			writeJSON(w, 429, supportError("TooManyRequests", "Rate limit exceeded", nil))
		case "broken":
			writeJSON(w, 500, supportError("InternalError", "Something went wrong", nil))
		case "down":
			w.Header().Set("Content-Type", "text/html")
			w.WriteHeader(503)
			_, _ = io.WriteString(w, "<html><title>Service Unavailable</title><body>maintenance</body></html>")
		default:
			writeJSON(w, 401, map[string]string{"error": "Couldn't authenticate you"})
		}
	})
	c := newTestClient(t, h)
	ctx := context.Background()
	me := func(sub string) error {
		_, err := c.Support(sub, supportCreds()).Me(ctx)
		return err
	}

	ae := mustAPIError(t, me("acme"), 401)
	if ae.Retryable() || ae.Message != "Couldn't authenticate you" || ae.Service != "support" || ae.Method != "GET" || ae.Path != "/api/v2/users/me" {
		t.Errorf("401: %+v", ae)
	}
	ae = mustAPIError(t, me("nosuch"), 404)
	if ae.Code != "RecordNotFound" || ae.Retryable() {
		t.Errorf("404: %+v", ae)
	}
	ae = mustAPIError(t, me("limited"), 429)
	if ae.RetryAfter != 2*time.Second || !ae.Retryable() {
		t.Errorf("429 seconds: %+v", ae)
	}
	ae = mustAPIError(t, me("limiteddate"), 429)
	if ae.RetryAfter <= 0 || ae.RetryAfter > 3*time.Second {
		t.Errorf("429 date: RetryAfter %s", ae.RetryAfter)
	}
	ae = mustAPIError(t, me("broken"), 500)
	if !ae.Retryable() || ae.Code != "InternalError" {
		t.Errorf("500: %+v", ae)
	}
	ae = mustAPIError(t, me("down"), 503)
	if !ae.Retryable() || ae.Message != "Service Unavailable" {
		t.Errorf("503: %+v", ae)
	}
}

func TestSuccessWithUnexpectedBody(t *testing.T) {
	t.Parallel()
	h := http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if strings.HasSuffix(r.URL.Path, "/custom_roles") {
			w.WriteHeader(200)
			return
		}
		w.Header().Set("Content-Type", "text/html")
		_, _ = io.WriteString(w, "<html><title>Welcome to nginx</title></html>")
	})
	c := newTestClient(t, h)
	_, err := c.Support("acme", supportCreds()).Me(context.Background())
	if err == nil || !strings.Contains(err.Error(), "200 response is not the documented JSON (Welcome to nginx)") {
		t.Errorf("got %v", err)
	}
	_, err = c.Support("acme", supportCreds()).CustomRoles(context.Background())
	if err == nil || !strings.Contains(err.Error(), "empty body") {
		t.Errorf("got %v", err)
	}
}

// TestNoSecretsInErrorsOrLogs makes calls that fail every way while the server echoes
// our Authorization header back, and checks no credential surfaces anywhere.
func TestNoSecretsInErrorsOrLogs(t *testing.T) {
	t.Parallel()
	core, logs := observer.New(zapcore.DebugLevel)
	h := http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("X-Rate-Limit-Remaining", "42")
		w.WriteHeader(400)
		_, _ = fmt.Fprintf(w, "bad request; you sent Authorization: %s", r.Header.Get("Authorization"))
	})
	c := newTestClient(t, h, func(cfg *Config) { cfg.Logger = zap.New(core) })
	ctx := context.Background()
	basic := base64.StdEncoding.EncodeToString([]byte(testEmail + "/token:" + testToken))

	var errs []error
	_, err := c.Support("acme", supportCreds()).Me(ctx)
	errs = append(errs, err)
	_, err = c.Support("acme", Credentials{BearerToken: "oauth-secret-1"}).Account(ctx)
	errs = append(errs, err)
	_, err = c.Sell(testSellToken).Users(ctx, 1, 10)
	errs = append(errs, err)

	secrets := []string{testToken, basic, "oauth-secret-1", testSellToken}
	for _, err := range errs {
		if err == nil {
			t.Fatal("want errors")
		}
		for _, s := range secrets {
			if strings.Contains(err.Error(), s) {
				t.Errorf("error leaks %q: %s", s, err)
			}
		}
		if !strings.Contains(err.Error(), "[redacted]") {
			t.Errorf("error should show where the secret was: %s", err)
		}
	}

	entries := logs.All()
	if len(entries) != 3 {
		t.Fatalf("want one log entry per call, got %d", len(entries))
	}
	for _, e := range entries {
		if e.Level != zapcore.DebugLevel {
			t.Errorf("call logged at %s", e.Level)
		}
		line, _ := json.Marshal(e.ContextMap())
		for _, s := range secrets {
			if strings.Contains(string(line), s) || strings.Contains(e.Message, s) {
				t.Errorf("log leaks %q: %s", s, line)
			}
		}
		m := e.ContextMap()
		for _, k := range []string{"service", "method", "path", "status", "duration"} {
			if _, ok := m[k]; !ok {
				t.Errorf("log entry lacks %q: %s", k, line)
			}
		}
		if m["rateLimitRemaining"] != "42" {
			t.Errorf("rateLimitRemaining = %v", m["rateLimitRemaining"])
		}
	}
	if p := entries[2].ContextMap()["path"]; p != "/v2/users" {
		t.Errorf("logged path %v should have no query string", p)
	}
}
