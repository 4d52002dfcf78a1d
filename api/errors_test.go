package api

import (
	"encoding/json"
	"errors"
	"fmt"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"

	"go.temporal.io/api/serviceerror"
	"go.uber.org/zap"
	"go.uber.org/zap/zapcore"
	"go.uber.org/zap/zaptest/observer"

	"github.com/sellmigrate/sellmigrate/starter"
)

// TestServerFailuresHideInternals: a 5xx body carries a generic (or this package's
// own) message and the request ID, never the error's text; the log line has the text
// under the same ID. A 4xx keeps its helpful message.
func TestServerFailuresHideInternals(t *testing.T) {
	const secret = "dial tcp 10.1.2.3:7233: connection refused by frontend-7"
	cases := []struct {
		name       string
		err        error
		status     int
		wantInBody string
		logged     bool
	}{
		{"unexpected error", errors.New(secret), 500, "internal error; quote request ID", true},
		{"wrapped unexpected error", fmt.Errorf("read migration: %w", errors.New(secret)), 500, "internal error; quote request ID", true},
		{"Temporal unavailable", fmt.Errorf("describe: %w", serviceerror.NewUnavailable(secret)), 503, "Temporal did not answer in time", true},
		{"client mistake", &starter.InputError{Field: "subdomain", Msg: "subdomain must be lowercase"}, 422, "subdomain must be lowercase", false},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			core, logs := observer.New(zapcore.DebugLevel)
			s := testServer(t)
			s.log = zap.New(core)
			h := withRequestID(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) { s.writeError(w, r, tc.err) }))
			rec := httptest.NewRecorder()
			h.ServeHTTP(rec, httptest.NewRequest("GET", "/api/v1/migrations/1001", nil))

			id := rec.Header().Get(RequestIDHeader)
			if rec.Code != tc.status || id == "" {
				t.Fatalf("status %d, request ID %q; want %d and an ID", rec.Code, id, tc.status)
			}
			var body errorBody
			if err := json.Unmarshal(rec.Body.Bytes(), &body); err != nil || body.Error == nil {
				t.Fatalf("body %s is not the error shape: %v", rec.Body, err)
			}
			if !strings.Contains(body.Error.Message, tc.wantInBody) {
				t.Errorf("message %q, want it to say %q", body.Error.Message, tc.wantInBody)
			}
			if tc.status < 500 {
				if len(logs.All()) != 0 || body.Error.RequestID != "" {
					t.Errorf("a client mistake was logged (%d lines) or given a request ID %q", len(logs.All()), body.Error.RequestID)
				}
				return
			}
			if strings.Contains(rec.Body.String(), "10.1.2.3") || strings.Contains(rec.Body.String(), "frontend-7") {
				t.Errorf("the body leaks the internal error: %s", rec.Body)
			}
			if body.Error.RequestID != id || !strings.Contains(body.Error.Message, id) {
				t.Errorf("body %s, want requestId %s in the body and its message", rec.Body, id)
			}
			entries := logs.FilterField(zap.String("requestId", id)).All()
			if len(entries) != 1 || !strings.Contains(fmt.Sprint(entries[0].ContextMap()["error"]), "10.1.2.3") {
				t.Errorf("want one log line with request ID %s and the error's text, got %+v", id, logs.All())
			}
		})
	}
}

// TestRequestIDHeader: every response names its request; a well-formed incoming ID is
// kept, anything else is replaced by a fresh one.
func TestRequestIDHeader(t *testing.T) {
	s := testServer(t)
	cases := []struct {
		name, incoming string
		kept           bool
	}{
		{"none", "", false},
		{"well formed", "req-42.abc_DEF", true},
		{"with a newline", "a\nforged log line", false},
		{"with markup", "<script>", false},
		{"too long", strings.Repeat("a", maxRequestIDLen+1), false},
	}
	for _, tc := range cases {
		for _, path := range []string{"/healthz", "/api/v1/me", "/api/v1/nope"} {
			req := httptest.NewRequest("GET", path, nil)
			if tc.incoming != "" {
				req.Header.Set(RequestIDHeader, tc.incoming)
			}
			rec := httptest.NewRecorder()
			s.Handler().ServeHTTP(rec, req)
			got := rec.Header().Get(RequestIDHeader)
			if !wellFormedRequestID(got) || (got == tc.incoming) != tc.kept {
				t.Errorf("%s, %s: response X-Request-Id %q (incoming %q, kept %v)", tc.name, path, got, tc.incoming, tc.kept)
			}
		}
	}
}
