package platform

import (
	"encoding/json"
	"errors"
	"fmt"
	"net/http"
	"strings"
	"testing"
	"time"
)

func TestParseAPIErrorShapes(t *testing.T) {
	t.Parallel()
	now := time.Date(2025, 3, 1, 12, 0, 0, 0, time.UTC)
	cases := []struct {
		name       string
		service    string
		method     string
		path       string
		status     int
		header     http.Header
		body       string
		wantCode   string
		wantMsg    string
		wantFields map[string]string
		wantCodes  map[string]string
		wantError  string
		wantRetry  time.Duration
	}{
		{
			name: "support 401 is prose, not a code", service: "support", method: "GET", path: "/api/v2/users/me",
			status: 401, body: `{"error":"Couldn't authenticate you"}`,
			wantMsg:   "Couldn't authenticate you",
			wantError: "zendesk support GET /api/v2/users/me: 401 Unauthorized: Couldn't authenticate you (check the credentials configured for this account)",
		},
		{
			name: "support 404", service: "support", method: "GET", path: "/api/v2/account",
			status: 404, body: `{"error":"RecordNotFound","description":"Not found"}`,
			wantCode: "RecordNotFound", wantMsg: "Not found",
			wantError: "zendesk support GET /api/v2/account: 404 RecordNotFound: Not found",
		},
		{
			name: "support 422 with details", service: "support", method: "POST", path: "/api/v2/accounts",
			status:   422,
			body:     `{"error":"RecordInvalid","description":"Record validation errors","details":{"subdomain":[{"description":"Subdomain has already been taken","error":"DuplicateValue"}]}}`,
			wantCode: "RecordInvalid", wantMsg: "Record validation errors",
			wantFields: map[string]string{"subdomain": "Subdomain has already been taken"},
			wantCodes:  map[string]string{"subdomain": "DuplicateValue"},
			wantError:  "zendesk support POST /api/v2/accounts: 422 RecordInvalid: subdomain: Subdomain has already been taken",
		},
		{
			name: "support 422 with two fields and two errors on one", service: "support", method: "POST", path: "/api/v2/accounts",
			status: 422,
			body: `{"error":"RecordInvalid","description":"Record validation errors","details":{
				"subdomain":[{"description":"Subdomain is too short","error":"InvalidValue"},{"description":"Subdomain must start with a letter","error":"InvalidValue"}],
				"name":{"description":"Name is blank","error":"BlankValue"}}}`,
			wantCode: "RecordInvalid", wantMsg: "Record validation errors",
			wantFields: map[string]string{"subdomain": "Subdomain is too short; Subdomain must start with a letter", "name": "Name is blank"},
			wantCodes:  map[string]string{"subdomain": "InvalidValue", "name": "BlankValue"},
			wantError:  "zendesk support POST /api/v2/accounts: 422 RecordInvalid: name: Name is blank; subdomain: Subdomain is too short; Subdomain must start with a letter",
		},
		{
			name: "support 403 object error", service: "support", method: "GET", path: "/api/v2/users",
			status: 403, body: `{"error":{"title":"Forbidden","message":"You do not have access to this page."}}`,
			wantCode: "Forbidden", wantMsg: "You do not have access to this page.",
			wantError: "zendesk support GET /api/v2/users: 403 Forbidden: You do not have access to this page. (the authenticated user may not make this call)",
		},
		{
			name: "support 409 release of a linked account", service: "support", method: "DELETE", path: "/api/v2/accounts/umbrella",
			status: 409, body: `{"error":"AccountLinked","description":"The account is linked to Sell account 1004"}`,
			wantCode: "AccountLinked", wantMsg: "The account is linked to Sell account 1004",
			wantError: "zendesk support DELETE /api/v2/accounts/umbrella: 409 AccountLinked: The account is linked to Sell account 1004",
		},
		{
			name: "support 429 with seconds", service: "support", method: "GET", path: "/api/v2/users",
			status: 429, header: http.Header{"Retry-After": {"7"}}, body: `{"error":"TooManyRequests","description":"Rate limit exceeded"}`,
			wantCode: "TooManyRequests", wantMsg: "Rate limit exceeded", wantRetry: 7 * time.Second,
			wantError: "zendesk support GET /api/v2/users: 429 TooManyRequests: Rate limit exceeded (rate limited; retry after 7s)",
		},
		{
			name: "sell 422 with field", service: "sell", method: "POST", path: "/v2/accounts/self/zendesk_link",
			status: 422, body: mustJSON(sellError(422, "already_linked", "The account is already linked to umbrella", "subdomain")),
			wantCode: "already_linked", wantMsg: "The account is already linked to umbrella",
			wantFields: map[string]string{"subdomain": "The account is already linked to umbrella"},
			wantCodes:  map[string]string{"subdomain": "already_linked"},
			wantError:  "zendesk sell POST /v2/accounts/self/zendesk_link: 422 already_linked: subdomain: The account is already linked to umbrella",
		},
		{
			name: "sell 401", service: "sell", method: "GET", path: "/v2/accounts/self",
			status: 401, body: mustJSON(sellError(401, "unauthorized", "Invalid token", "")),
			wantCode: "unauthorized", wantMsg: "Invalid token",
			wantError: "zendesk sell GET /v2/accounts/self: 401 unauthorized: Invalid token (check the credentials configured for this account)",
		},
		{
			name: "sell 429 with HTTP date", service: "sell", method: "GET", path: "/v2/users",
			status: 429, header: http.Header{"Retry-After": {now.Add(90 * time.Second).Format(http.TimeFormat)}},
			body:     mustJSON(sellError(429, "rate_limited", "Too many requests", "")),
			wantCode: "rate_limited", wantMsg: "Too many requests", wantRetry: 90 * time.Second,
			wantError: "zendesk sell GET /v2/users: 429 rate_limited: Too many requests (rate limited; retry after 1m30s)",
		},
		{
			name: "HTML error page from a proxy", service: "support", method: "GET", path: "/api/v2/users/me",
			status: 502, body: "<html><head><title>502 Bad Gateway</title></head><body><h1>Bad Gateway</h1></body></html>",
			wantMsg:   "502 Bad Gateway",
			wantError: "zendesk support GET /api/v2/users/me: 502 Bad Gateway: 502 Bad Gateway (temporary; retry with backoff)",
		},
		{
			name: "plain text 500", service: "sell", method: "GET", path: "/v2/users",
			status: 500, body: "upstream   exploded\n\ttry later",
			wantMsg:   "upstream exploded try later",
			wantError: "zendesk sell GET /v2/users: 500 Internal Server Error: upstream exploded try later (temporary; retry with backoff)",
		},
		{
			name: "empty 503", service: "support", method: "GET", path: "/api/v2/custom_roles",
			status: 503, header: http.Header{"Retry-After": {"2"}},
			wantRetry: 2 * time.Second,
			wantError: "zendesk support GET /api/v2/custom_roles: 503 Service Unavailable (temporary; retry with backoff)",
		},
		{
			name: "JSON of neither shape", service: "support", method: "GET", path: "/api/v2/users",
			status: 400, body: `{"oops":true}`,
			wantMsg:   `{"oops":true}`,
			wantError: `zendesk support GET /api/v2/users: 400 Bad Request: {"oops":true}`,
		},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			e := parseAPIError(tc.service, tc.method, tc.path, tc.status, tc.header, []byte(tc.body), nil, now)
			if e.Code != tc.wantCode || e.Message != tc.wantMsg || e.RetryAfter != tc.wantRetry {
				t.Errorf("code %q msg %q retry %s; want %q %q %s", e.Code, e.Message, e.RetryAfter, tc.wantCode, tc.wantMsg, tc.wantRetry)
			}
			if !equalMaps(e.Fields, tc.wantFields) || !equalMaps(e.FieldCodes, tc.wantCodes) {
				t.Errorf("fields %v codes %v; want %v %v", e.Fields, e.FieldCodes, tc.wantFields, tc.wantCodes)
			}
			if got := e.Error(); got != tc.wantError {
				t.Errorf("Error()\n got %s\nwant %s", got, tc.wantError)
			}
		})
	}
}

func TestParseAPIErrorLongBodyIsShortened(t *testing.T) {
	t.Parallel()
	e := parseAPIError("support", "GET", "/x", 500, nil, []byte(strings.Repeat("a", 5000)), nil, time.Now())
	if n := len([]rune(e.Message)); n != 201 || !strings.HasSuffix(e.Message, "…") {
		t.Errorf("message of %d runes: %q", n, e.Message)
	}
}

func TestParseAPIErrorRedactsSecrets(t *testing.T) {
	t.Parallel()
	body := "<pre>Authorization: Bearer " + testSellToken + " rejected</pre>"
	e := parseAPIError("sell", "GET", "/v2/users", 400, nil, []byte(body), []string{testSellToken}, time.Now())
	if strings.Contains(e.Error(), testSellToken) || !strings.Contains(e.Error(), "[redacted]") {
		t.Errorf("token not redacted: %s", e.Error())
	}
	js := `{"error":"RecordInvalid","description":"bad token ` + testToken + `","details":{"x":[{"description":"` + testToken + `","error":"E"}]}}`
	e = parseAPIError("support", "GET", "/x", 422, nil, []byte(js), []string{testToken}, time.Now())
	if strings.Contains(e.Error(), testToken) || strings.Contains(e.Message, testToken) {
		t.Errorf("token not redacted: %s / %s", e.Error(), e.Message)
	}
}

func TestParseRetryAfter(t *testing.T) {
	t.Parallel()
	now := time.Date(2025, 3, 1, 12, 0, 0, 0, time.UTC)
	cases := map[string]time.Duration{
		"":     0,
		"0":    0,
		"-3":   0,
		"1":    time.Second,
		" 30 ": 30 * time.Second,
		"1.5":  1500 * time.Millisecond,
		"1e12": maxRetryAfter,
		"soon": 0,
		now.Add(45 * time.Second).Format(http.TimeFormat):      45 * time.Second,
		now.Add(-time.Minute).Format(http.TimeFormat):          0,
		now.Add(30 * time.Second).Format(time.RFC850):          30 * time.Second,
		now.Add(72 * time.Hour).Format(http.TimeFormat):        maxRetryAfter,
		now.Add(2 * time.Second).UTC().Format(time.ANSIC):      2 * time.Second,
		"Sat, 01 Mar 2025 12:00:10 GMT":                        10 * time.Second,
		"Sat, 01 Mar 2025 12:00:10 GMT; junk that is not date": 0,
	}
	for in, want := range cases {
		if got := parseRetryAfter(in, now); got != want {
			t.Errorf("parseRetryAfter(%q) = %s, want %s", in, got, want)
		}
	}
}

func TestRetryable(t *testing.T) {
	t.Parallel()
	for status, want := range map[int]bool{
		400: false, 401: false, 403: false, 404: false, 409: false, 422: false,
		408: true, 429: true, 500: true, 502: true, 503: true, 504: true,
	} {
		e := &APIError{StatusCode: status}
		if e.Retryable() != want || IsRetryable(fmt.Errorf("wrapped: %w", e)) != want {
			t.Errorf("status %d: Retryable = %v, want %v", status, e.Retryable(), want)
		}
	}
	if !IsRetryable(&NetworkError{Err: errors.New("connection refused")}) {
		t.Error("a network error must be retryable")
	}
	if !IsRetryable(fmt.Errorf("x: %w", ErrJobPending)) || IsRetryable(fmt.Errorf("x: %w", ErrJobFailed)) {
		t.Error("pending jobs are retryable, failed ones are not")
	}
	if IsRetryable(errors.New("plain")) || IsRetryable(nil) {
		t.Error("plain errors and nil are not retryable")
	}
}

func TestAsAPIErrorAndIsStatus(t *testing.T) {
	t.Parallel()
	err := fmt.Errorf("creating account: %w", &APIError{StatusCode: 422, Code: "RecordInvalid"})
	ae, ok := AsAPIError(err)
	if !ok || ae.Code != "RecordInvalid" {
		t.Fatalf("AsAPIError = %v, %v", ae, ok)
	}
	if !IsStatus(err, 422) || IsStatus(err, 404) || IsStatus(errors.New("x"), 422) {
		t.Error("IsStatus wrong")
	}
	if _, ok := AsAPIError(nil); ok {
		t.Error("nil is not an APIError")
	}
}

func mustJSON(v any) string {
	b, err := json.Marshal(v)
	if err != nil {
		panic(err)
	}
	return string(b)
}

func equalMaps(a, b map[string]string) bool {
	if len(a) != len(b) {
		return false
	}
	for k, v := range a {
		if bv, ok := b[k]; !ok || bv != v {
			return false
		}
	}
	return true
}
