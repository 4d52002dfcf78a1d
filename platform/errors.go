package platform

import (
	"errors"
	"fmt"
	"net/http"
	"sort"
	"strings"
	"time"
)

// APIError is a non-2xx answer from the Support or Sell API, parsed from either error
// shape Zendesk uses.
type APIError struct {
	Service    string // "support" or "sell"
	Method     string
	Path       string // API path, without the base URL and query
	StatusCode int
	// Code is the machine-readable error: Support's "error" (RecordInvalid,
	// RecordNotFound, ...) or the first Sell error's "code" (invalid, not_found, ...).
	// Empty when the server sent only prose, as Support's 401 does.
	Code    string
	Message string
	// Fields maps a field to what is wrong with it (Support "details", Sell "field").
	Fields map[string]string
	// FieldCodes maps a field to its machine-readable error (DuplicateValue,
	// InvalidValue, ...), so callers can tell "taken" from "malformed".
	FieldCodes map[string]string
	// RetryAfter is the server's Retry-After (seconds or HTTP date); zero if absent.
	RetryAfter time.Duration
}

// Error reads like
// "zendesk support POST /api/v2/accounts: 422 RecordInvalid: subdomain: Subdomain has already been taken".
func (e *APIError) Error() string {
	var b strings.Builder
	fmt.Fprintf(&b, "zendesk %s %s %s: %d", e.Service, e.Method, e.Path, e.StatusCode)
	code := e.Code
	if code == "" {
		code = http.StatusText(e.StatusCode)
	}
	if code != "" {
		b.WriteString(" " + code)
	}
	detail := e.fieldText()
	if detail == "" {
		detail = e.Message
	}
	if detail != "" {
		b.WriteString(": " + detail)
	}
	if h := e.hint(); h != "" {
		b.WriteString(" (" + h + ")")
	}
	return b.String()
}

// Retryable reports whether the same call may succeed later: request timeout, rate
// limit, or a server error. Every other 4xx needs a person or a different input.
func (e *APIError) Retryable() bool {
	return e.StatusCode == http.StatusRequestTimeout || e.StatusCode == http.StatusTooManyRequests || e.StatusCode >= 500
}

// FieldCode returns the machine-readable error of one field, or "".
func (e *APIError) FieldCode(field string) string { return e.FieldCodes[field] }

// fieldText lists the field errors in a stable order.
func (e *APIError) fieldText() string {
	if len(e.Fields) == 0 {
		return ""
	}
	names := make([]string, 0, len(e.Fields))
	for k := range e.Fields {
		names = append(names, k)
	}
	sort.Strings(names)
	parts := make([]string, 0, len(names))
	for _, k := range names {
		parts = append(parts, k+": "+e.Fields[k])
	}
	return strings.Join(parts, "; ")
}

// hint says what to do about the statuses whose remedy is always the same.
func (e *APIError) hint() string {
	switch {
	case e.StatusCode == http.StatusUnauthorized:
		return "check the credentials configured for this account"
	case e.StatusCode == http.StatusForbidden:
		return "the authenticated user may not make this call"
	case e.StatusCode == http.StatusTooManyRequests && e.RetryAfter > 0:
		return "rate limited; retry after " + e.RetryAfter.String()
	case e.StatusCode == http.StatusTooManyRequests:
		return "rate limited; retry later"
	case e.Retryable():
		return "temporary; retry with backoff"
	}
	return ""
}

// NetworkError is a call that got no complete HTTP answer: refused or reset connection,
// DNS failure, or the per-request timeout. It is always retryable.
type NetworkError struct {
	Service string
	Method  string
	Path    string
	// Timeout is the per-request timeout the call ran out of; zero for other failures.
	Timeout time.Duration
	Err     error
}

func (e *NetworkError) Error() string {
	if e.Timeout > 0 {
		return fmt.Sprintf("zendesk %s %s %s: no complete response within %s (the per-request timeout); retryable: %v",
			e.Service, e.Method, e.Path, e.Timeout, e.Err)
	}
	return fmt.Sprintf("zendesk %s %s %s: network error, retryable: %v", e.Service, e.Method, e.Path, e.Err)
}

func (e *NetworkError) Unwrap() error { return e.Err }

// Retryable is always true: the request may not even have reached Zendesk.
func (e *NetworkError) Retryable() bool { return true }

// AsAPIError returns the *APIError in err's chain, if any.
func AsAPIError(err error) (*APIError, bool) {
	var ae *APIError
	if errors.As(err, &ae) {
		return ae, true
	}
	return nil, false
}

// IsStatus reports whether err carries an API answer with the given HTTP status.
func IsStatus(err error, code int) bool {
	ae, ok := AsAPIError(err)
	return ok && ae.StatusCode == code
}

// IsRetryable reports whether repeating the call may succeed: a retryable *APIError, a
// *NetworkError, or a job that has not finished yet (ErrJobPending). A cancelled context,
// a failed job and every other error need something other than time.
func IsRetryable(err error) bool {
	if ae, ok := AsAPIError(err); ok {
		return ae.Retryable()
	}
	var ne *NetworkError
	return errors.As(err, &ne) || errors.Is(err, ErrJobPending)
}
