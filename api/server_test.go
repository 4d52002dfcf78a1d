package api

import (
	"encoding/json"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"
	"time"
)

// serve sends req through the whole handler, with auth (an Authorization value, or
// none when empty) and cookies.
func serve(s *Server, req *http.Request, auth string, cookies ...*http.Cookie) *httptest.ResponseRecorder {
	if auth != "" {
		req.Header.Set("Authorization", auth)
	}
	for _, c := range cookies {
		req.AddCookie(c)
	}
	rec := httptest.NewRecorder()
	s.Handler().ServeHTTP(rec, req)
	return rec
}

// call sends one request through the whole handler and decodes the JSON answer.
func call(t *testing.T, s *Server, method, path, token, contentType, body string, cookies ...*http.Cookie) (*httptest.ResponseRecorder, map[string]any) {
	t.Helper()
	req := httptest.NewRequest(method, path, strings.NewReader(body))
	if contentType != "" {
		req.Header.Set("Content-Type", contentType)
	}
	rec := serve(s, req, token, cookies...)
	var m map[string]any
	if strings.HasPrefix(rec.Header().Get("Content-Type"), "application/json") {
		if err := json.Unmarshal(rec.Body.Bytes(), &m); err != nil {
			t.Fatalf("%s %s: body is not JSON: %v\n%s", method, path, err, rec.Body)
		}
	}
	return rec, m
}

// wantError checks the status and the error body's code.
func wantError(t *testing.T, rec *httptest.ResponseRecorder, m map[string]any, status int, code string) string {
	t.Helper()
	if rec.Code != status {
		t.Errorf("status %d, want %d (%s)", rec.Code, status, rec.Body)
		return ""
	}
	e, _ := m["error"].(map[string]any)
	if e == nil || e["code"] != code || e["message"] == "" {
		t.Errorf("body %s, want {\"error\":{\"code\":%q,\"message\":...}}", rec.Body, code)
		return ""
	}
	return e["message"].(string)
}

const startBody = `{"accountId":"1001","mode":"new","subdomain":"acme","requestedBy":"admin@acme.test"}`

func TestAuthentication(t *testing.T) {
	s := testServer(t)
	for _, tc := range []struct{ name, header, want string }{
		{"no token", "", "no credentials"},
		{"wrong token", "Bearer nope", "not valid"},
		{"basic scheme", "Basic dG9rLWFkbWlu", "malformed"},
		{"bearer without token", "Bearer", "malformed"},
		{"token with a space", "Bearer tok-admin extra", "malformed"},
	} {
		rec, m := call(t, s, "GET", "/api/v1/me", tc.header, "", "")
		msg := wantError(t, rec, m, 401, "unauthorized")
		if !strings.Contains(msg, tc.want) {
			t.Errorf("%s: message %q lacks %q", tc.name, msg, tc.want)
		}
		if rec.Header().Get("WWW-Authenticate") == "" {
			t.Errorf("%s: 401 without WWW-Authenticate", tc.name)
		}
	}
	for token, role := range map[string]string{"tok-viewer": "viewer", "tok-ops": "ops", "tok-admin": "admin"} {
		rec, m := call(t, s, "GET", "/api/v1/me", "bearer "+token, "", "")
		if rec.Code != 200 || m["role"] != role {
			t.Errorf("%s: %d %v, want role %s", token, rec.Code, m, role)
		}
	}
}

func TestRoles(t *testing.T) {
	s := testServer(t)
	rec, m := call(t, s, "POST", "/api/v1/migrations", "Bearer tok-viewer", "application/json", startBody)
	if msg := wantError(t, rec, m, 403, "forbidden"); !strings.Contains(msg, "ops role") {
		t.Errorf("viewer start: %q should name the role needed", msg)
	}
	rec, m = call(t, s, "POST", "/api/v1/migrations/1001/cancel", "Bearer tok-viewer", "", "")
	wantError(t, rec, m, 403, "forbidden")
	rec, m = call(t, s, "POST", "/api/v1/migrations/1001/actions/back", "Bearer tok-ops", "application/json", `{"by":"a@b.test"}`)
	wantError(t, rec, m, 403, "forbidden")
}

func TestSessionCookie(t *testing.T) {
	s := testServer(t)
	rec, m := call(t, s, "POST", "/api/v1/session", "", "application/json", `{"token":"tok-ops"}`)
	if rec.Code != 200 || m["role"] != "ops" {
		t.Fatalf("sign in: %d %s", rec.Code, rec.Body)
	}
	cookies := rec.Result().Cookies()
	if len(cookies) != 1 || cookies[0].Name != SessionCookie || !cookies[0].HttpOnly || cookies[0].SameSite != http.SameSiteStrictMode || cookies[0].Path != "/" {
		t.Fatalf("session cookie = %+v", cookies)
	}
	session := cookies[0]
	if strings.Contains(session.Value, "tok-ops") {
		t.Error("the cookie carries the token itself")
	}
	if rec, m = call(t, s, "GET", "/api/v1/me", "", "", "", session); rec.Code != 200 || m["role"] != "ops" {
		t.Errorf("me with the cookie: %d %s", rec.Code, rec.Body)
	}
	// A cookie-authenticated change from another site is refused.
	req := httptest.NewRequest("POST", "/api/v1/migrations/1001/cancel", nil)
	req.AddCookie(session)
	req.Header.Set("Origin", "https://evil.example")
	rr := httptest.NewRecorder()
	s.Handler().ServeHTTP(rr, req)
	if rr.Code != 403 {
		t.Errorf("cross-site cancel with a cookie: %d, want 403", rr.Code)
	}
	// Tampered and expired sessions are refused.
	tampered := *session
	tampered.Value = strings.Replace(session.Value, session.Value[:1], "A", 1) + "x"
	rec, m = call(t, s, "GET", "/api/v1/me", "", "", "", &tampered)
	wantError(t, rec, m, 401, "unauthorized")
	s.auth.now = func() time.Time { return time.Now().Add(sessionTTL + time.Minute) }
	rec, m = call(t, s, "GET", "/api/v1/me", "", "", "", session)
	wantError(t, rec, m, 401, "unauthorized")
	s.auth.now = time.Now

	rec, m = call(t, s, "POST", "/api/v1/session", "", "application/json", `{"token":"nope"}`)
	wantError(t, rec, m, 401, "unauthorized")
	rec, _ = call(t, s, "DELETE", "/api/v1/session", "", "", "")
	if c := rec.Result().Cookies(); rec.Code != 204 || len(c) != 1 || c[0].MaxAge >= 0 {
		t.Errorf("sign out: %d %+v, want 204 clearing the cookie", rec.Code, c)
	}
}

func TestTokensConfig(t *testing.T) {
	if _, err := newAuthenticator(Tokens{}, false); err == nil {
		t.Error("no tokens accepted")
	}
	_, err := newAuthenticator(Tokens{Viewer: []string{"same-secret"}, Admin: []string{"same-secret"}}, false)
	if err == nil || strings.Contains(err.Error(), "same-secret") {
		t.Errorf("a token in two roles: %v (must be refused without echoing the token)", err)
	}
	if _, err := newAuthenticator(Tokens{Ops: []string{"has space"}}, false); err == nil {
		t.Error("a token with a space accepted")
	}
}

func TestRequestBodies(t *testing.T) {
	s := testServer(t)
	const ops = "Bearer tok-ops"
	for _, tc := range []struct {
		name, contentType, body string
		status                  int
		code, want              string
	}{
		{"malformed JSON", "application/json", `{"accountId":`, 400, "bad_request", "ends too early"},
		{"syntax error", "application/json", `{"accountId" 1}`, 400, "bad_request", "malformed JSON"},
		{"unknown field", "application/json", `{"accountId":"1001","mode":"new","requestedBy":"a@b.test","color":"red"}`, 400, "bad_request", `unknown field "color"`},
		{"two values", "application/json", startBody + startBody, 400, "bad_request", "exactly one JSON value"},
		{"wrong type", "application/json", `{"accountId":1001}`, 400, "bad_request", `"accountId" must be a string`},
		{"empty", "application/json", ``, 400, "bad_request", "empty"},
		{"not JSON", "text/plain", startBody, 415, "unsupported_media_type", "application/json"},
		{"too large", "application/json", `{"accountId":"` + strings.Repeat("1", 5000) + `"}`, 413, "payload_too_large", "4096 bytes"},
		{"invalid subdomain", "application/json", `{"accountId":"1001","mode":"new","subdomain":"Bad_Name","requestedBy":"a@b.test"}`, 422, "invalid_input", "underscores"},
		{"invalid email", "application/json", `{"accountId":"1001","mode":"new","requestedBy":"not-an-email"}`, 422, "invalid_input", "not an email"},
		{"invalid mode", "application/json", `{"accountId":"1001","mode":"merge","requestedBy":"a@b.test"}`, 422, "invalid_input", "mode"},
	} {
		rec, m := call(t, s, "POST", "/api/v1/migrations", ops, tc.contentType, tc.body)
		if msg := wantError(t, rec, m, tc.status, tc.code); !strings.Contains(msg, tc.want) {
			t.Errorf("%s: message %q lacks %q", tc.name, msg, tc.want)
		}
	}
}

func TestListFiltersValidated(t *testing.T) {
	s := testServer(t)
	for query, field := range map[string]string{
		"status=stuck":                 "status",
		"step=lunch":                   "step",
		"mode=merge":                   "mode",
		"subdomain=Bad_Name":           "subdomain",
		"page_size=0":                  "page_size",
		"page_size=5000":               "page_size",
		"colour=red":                   "colour",
		"status=running&status=failed": "status",
		"page_token=!!":                "page_token",
	} {
		rec, m := call(t, s, "GET", "/api/v1/migrations?"+query, "Bearer tok-viewer", "", "")
		wantError(t, rec, m, 422, "invalid_input")
		if e, _ := m["error"].(map[string]any); e != nil && e["field"] != field {
			t.Errorf("%s: field %v, want %s", query, e["field"], field)
		}
	}
}

func TestUnknownRoutesAndMethods(t *testing.T) {
	s := testServer(t)
	rec, m := call(t, s, "GET", "/api/v1/nope", "Bearer tok-admin", "", "")
	wantError(t, rec, m, 404, "not_found")
	rec, m = call(t, s, "PUT", "/api/v1/migrations", "Bearer tok-admin", "", "")
	wantError(t, rec, m, 405, "method_not_allowed")
	if allow := rec.Header().Get("Allow"); allow != "GET, POST" {
		t.Errorf("Allow = %q, want GET, POST", allow)
	}
	rec, m = call(t, s, "POST", "/api/v1/migrations/1001/actions/dance", "Bearer tok-admin", "application/json", `{}`)
	wantError(t, rec, m, 404, "not_found")
	rec, m = call(t, s, "GET", "/api/v1/migrations/not-a-ref", "Bearer tok-viewer", "", "")
	wantError(t, rec, m, 404, "not_found")
	rec, m = call(t, s, "GET", "/api/v1/migrations?status=%zz", "Bearer tok-viewer", "", "")
	wantError(t, rec, m, 400, "bad_request")
	rec, m = call(t, s, "GET", "/healthz", "", "", "")
	if rec.Code != 200 || m["ok"] != true {
		t.Errorf("healthz: %d %s", rec.Code, rec.Body)
	}
}

func TestLiveStreamsAreBounded(t *testing.T) {
	s := testServer(t)
	for i := 0; i < cap(s.streams); i++ {
		s.streams <- struct{}{}
	}
	rec, m := call(t, s, "GET", "/api/v1/events", "Bearer tok-viewer", "", "")
	if msg := wantError(t, rec, m, 503, "unavailable"); !strings.Contains(msg, "live streams") {
		t.Errorf("message %q does not say why", msg)
	}
}
