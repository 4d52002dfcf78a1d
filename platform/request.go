package platform

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net/http"
	"net/url"
	"time"

	"go.uber.org/zap"
)

// Service names, as they appear in errors and logs.
const (
	ServiceSupport = "support"
	ServiceSell    = "sell"
)

// Response bodies are read whole, so they are capped: a success body far larger than any
// documented page means something is wrong, and an error body only feeds a message.
const (
	maxBodyBytes      = 16 << 20
	maxErrorBodyBytes = 64 << 10
)

// endpoint is one API base with the credentials its calls carry.
type endpoint struct {
	c       *Client
	service string
	base    string
	auth    string   // Authorization header value; empty for unauthenticated calls
	partner bool     // a partner call: the partner token, made as no account (limitKey)
	secrets []string // substrings scrubbed from anything we echo back from the server
}

// request is one API call. path is relative to the endpoint base and is what errors and
// logs show; query is kept out of both because it may carry an email address.
type request struct {
	method         string
	path           string
	query          url.Values
	body           any
	idempotencyKey string
	out            any // decoded from a 2xx body when non-nil
}

// do performs r, and repeats a read that failed for a reason time may cure up to
// Config.ReadRetries times (readRetryWait). Each try goes through the rate limits again.
func (e endpoint) do(ctx context.Context, r request) error {
	err := e.doOnce(ctx, r)
	if r.method != http.MethodGet {
		return err
	}
	for try := 0; err != nil && try < e.c.readRetries; try++ {
		wait, ok := readRetryWait(err, try)
		// A try that could not finish before the caller's deadline is not made: the
		// caller gets this failure, with its cause, rather than its own timeout.
		if dl, has := ctx.Deadline(); !ok || (has && time.Until(dl) < wait+e.c.timeout) {
			return err
		}
		if ce := e.c.log.Check(zap.DebugLevel, "zendesk read failed; trying again in the call"); ce != nil {
			ce.Write(zap.String("service", e.service), zap.String("path", r.path), zap.Duration("wait", wait), zap.Error(err))
		}
		t := time.NewTimer(wait)
		select {
		case <-ctx.Done():
			t.Stop()
			// The caller gave up: that, not the failure before, is the answer.
			return fmt.Errorf("zendesk %s %s %s: %w (while waiting to try again after: %v)", e.service, r.method, r.path, ctx.Err(), err)
		case <-t.C:
		}
		err = e.doOnce(ctx, r)
	}
	return err
}

// Bounds of the in-call retry of reads (Config.ReadRetries).
const (
	// MaxReadRetries bounds Config.ReadRetries: past a few tries the outage is not a
	// blip, and the caller's own retry (with its longer backoff) should take over.
	MaxReadRetries = 5
	// MaxReadRetryWait is the longest wait before a read is tried again in the call; a
	// longer Retry-After goes back to the caller, whose retry honours it.
	MaxReadRetryWait = 2 * time.Second
	// readRetryBackoff is the first wait after a failure that names none (a 5xx without
	// Retry-After, no complete answer); it doubles with each try.
	readRetryBackoff = 100 * time.Millisecond
)

// readRetryWait is how long to wait before trying a failed read again (its Retry-After,
// else readRetryBackoff doubled per earlier try), and whether to: only for a failure
// time may cure, and only if the wait is at most MaxReadRetryWait.
func readRetryWait(err error, try int) (time.Duration, bool) {
	if !IsRetryable(err) {
		return 0, false
	}
	wait := readRetryBackoff << try
	if ae, ok := AsAPIError(err); ok && ae.RetryAfter > 0 {
		wait = ae.RetryAfter
	}
	return wait, wait <= MaxReadRetryWait
}

// doOnce performs r with the per-request timeout. A non-2xx answer becomes *APIError, a
// failure to get an answer *NetworkError, a cancelled caller context the context error.
func (e endpoint) doOnce(ctx context.Context, r request) error {
	budgetKey := e.budgetKey()
	if err := e.c.budgets.wait(ctx, budgetKey); err != nil {
		return err
	}
	if err := e.c.limits.wait(ctx, e.service, e.limitKey()); err != nil {
		return err
	}
	callCtx, cancel := context.WithTimeout(ctx, e.c.timeout)
	defer cancel()
	req, err := e.newRequest(callCtx, r)
	if err != nil {
		return err
	}

	start := time.Now()
	resp, body, err := e.send(req)
	elapsed := time.Since(start)
	if err != nil {
		err = e.transportError(ctx, r, err)
		if ce := e.c.log.Check(zap.DebugLevel, "zendesk call failed"); ce != nil {
			ce.Write(e.logFields(r, 0, nil, elapsed, zap.Error(err))...)
		}
		return err
	}
	if ce := e.c.log.Check(zap.DebugLevel, "zendesk call"); ce != nil {
		ce.Write(e.logFields(r, resp.StatusCode, resp.Header, elapsed)...)
	}
	e.c.budgets.observe(budgetKey, resp.Header, start)

	if resp.StatusCode < 200 || resp.StatusCode > 299 {
		apiErr := parseAPIError(e.service, r.method, r.path, resp.StatusCode, resp.Header, body, e.secrets, time.Now())
		if resp.StatusCode == http.StatusTooManyRequests {
			e.c.budgets.observeRetryAfter(budgetKey, apiErr.RetryAfter)
		}
		return apiErr
	}
	if r.out == nil {
		return nil
	}
	if len(bytes.TrimSpace(body)) == 0 {
		return fmt.Errorf("zendesk %s %s %s: %d response has an empty body where JSON was expected; check that the base URL points at the Zendesk API",
			e.service, r.method, r.path, resp.StatusCode)
	}
	if err := json.Unmarshal(body, r.out); err != nil {
		return fmt.Errorf("zendesk %s %s %s: %d response is not the documented JSON (%s); check that the base URL points at the Zendesk API: %w",
			e.service, r.method, r.path, resp.StatusCode, snippet(redact(string(body), e.secrets)), err)
	}
	return nil
}

// newRequest builds the HTTP request with the headers every call carries.
func (e endpoint) newRequest(ctx context.Context, r request) (*http.Request, error) {
	target := e.base + r.path
	if len(r.query) > 0 {
		target += "?" + r.query.Encode()
	}
	var body io.Reader
	if r.body != nil {
		b, err := json.Marshal(r.body)
		if err != nil {
			return nil, fmt.Errorf("zendesk %s %s %s: encoding the request body: %w", e.service, r.method, r.path, err)
		}
		body = bytes.NewReader(b)
	}
	req, err := http.NewRequestWithContext(ctx, r.method, target, body)
	if err != nil {
		// Only a subdomain that cannot form a URL gets here; the message names the path,
		// never the Authorization header.
		return nil, fmt.Errorf("zendesk %s %s %s: building the request for base %q: %w", e.service, r.method, r.path, e.base, err)
	}
	req.Header.Set("Accept", "application/json")
	req.Header.Set("User-Agent", e.c.userAgent)
	if r.body != nil {
		req.Header.Set("Content-Type", "application/json")
	}
	if e.auth != "" {
		req.Header.Set("Authorization", e.auth)
	}
	if r.idempotencyKey != "" {
		req.Header.Set("Idempotency-Key", r.idempotencyKey)
	}
	return req, nil
}

// send runs the request and reads the (capped) body while the timeout still applies.
func (e endpoint) send(req *http.Request) (*http.Response, []byte, error) {
	resp, err := e.c.http.Do(req)
	if err != nil {
		return nil, nil, err
	}
	defer func() { _ = resp.Body.Close() }()
	limit := int64(maxBodyBytes)
	if resp.StatusCode < 200 || resp.StatusCode > 299 {
		limit = maxErrorBodyBytes
	}
	body, err := io.ReadAll(io.LimitReader(resp.Body, limit))
	if err != nil {
		return nil, nil, fmt.Errorf("reading the %d response body: %w", resp.StatusCode, err)
	}
	return resp, body, nil
}

// transportError classifies a failure to get a response. The caller's own cancellation
// is returned as such (not retryable: the caller gave up); anything else, including our
// per-request timeout, is a retryable *NetworkError.
func (e endpoint) transportError(ctx context.Context, r request, err error) error {
	// *url.Error repeats the full URL; we name method and path ourselves.
	var ue *url.Error
	if errors.As(err, &ue) {
		err = ue.Err
	}
	if ctxErr := ctx.Err(); ctxErr != nil {
		return fmt.Errorf("zendesk %s %s %s: %w", e.service, r.method, r.path, ctxErr)
	}
	ne := &NetworkError{Service: e.service, Method: r.method, Path: r.path, Err: err}
	if errors.Is(err, context.DeadlineExceeded) || isTimeout(err) {
		ne.Timeout = e.c.timeout
	}
	return ne
}

// isTimeout reports whether err is a net.Error timeout.
func isTimeout(err error) bool {
	var t interface{ Timeout() bool }
	return errors.As(err, &t) && t.Timeout()
}

// logFields describes a call without credentials, bodies or query strings.
func (e endpoint) logFields(r request, status int, h http.Header, d time.Duration, extra ...zap.Field) []zap.Field {
	f := []zap.Field{
		zap.String("service", e.service),
		zap.String("method", r.method),
		zap.String("path", r.path),
		zap.Duration("duration", d),
	}
	if status != 0 {
		f = append(f, zap.Int("status", status))
	}
	if v := h.Get("X-Rate-Limit-Remaining"); v != "" {
		f = append(f, zap.String("rateLimitRemaining", v))
	}
	return append(f, extra...)
}
