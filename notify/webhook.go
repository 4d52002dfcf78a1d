package notify

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net/http"
	"net/url"
	"strconv"
	"strings"
	"time"
)

// DefaultWebhookTimeout bounds one webhook request when NewWebhook is given no client.
const DefaultWebhookTimeout = 10 * time.Second

// Webhook posts reminders to one URL, signed with a shared secret. It is safe for
// concurrent use.
type Webhook struct {
	url    string
	secret string
	client *http.Client
	now    func() time.Time
}

// NewWebhook checks the URL and secret. A nil client means one with a 10s timeout that
// does not follow redirects: a redirected POST would arrive as a GET without its body,
// so a redirect is reported (permanently) instead.
func NewWebhook(rawURL, secret string, client *http.Client) (*Webhook, error) {
	if err := ValidateWebhook(rawURL, secret); err != nil {
		return nil, fmt.Errorf("notify: %w", err)
	}
	if client == nil {
		client = &http.Client{
			Timeout:       DefaultWebhookTimeout,
			CheckRedirect: func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse },
		}
	}
	return &Webhook{url: rawURL, secret: secret, client: client, now: time.Now}, nil
}

// ValidateWebhook checks a webhook URL and its secret as NewWebhook does; errors name
// the notify.webhook_* key and the expected form, and never echo the secret.
func ValidateWebhook(rawURL, secret string) error {
	u, err := url.Parse(rawURL)
	if err != nil || (u.Scheme != "http" && u.Scheme != "https") || u.Host == "" || u.Fragment != "" {
		return fmt.Errorf("notify.webhook_url %q must be an absolute http(s) URL, e.g. https://hooks.slack.com/services/T000/B000/XXXX", rawURL)
	}
	if secret == "" {
		return errors.New("notify.webhook_url is set but notify.webhook_secret is empty; give the shared secret that receivers check X-Sellmigrate-Signature with")
	}
	if strings.ContainsAny(secret, "\r\n") {
		return errors.New("notify.webhook_secret must be one line")
	}
	return nil
}

// WebhookPayload is the JSON body Post sends: Slack's incoming-webhook message (text,
// with blocks for a section and a link button) plus our own fields, which Slack ignores.
type WebhookPayload struct {
	Text        string           `json:"text"`
	Blocks      []map[string]any `json:"blocks,omitempty"`
	MigrationID string           `json:"migration_id,omitempty"`
	Key         string           `json:"key"`
	Link        string           `json:"link,omitempty"`
	Subject     string           `json:"subject"`
}

// Post sends m as one signed POST with the Idempotency-Key header set to m.Key. A 2xx
// answer is success. A failure is an *Error: 4xx other than 408 and 429, and any
// redirect, are permanent; 408, 429, 5xx and network failures transient; a Retry-After
// on a 429 or 503 is exposed through RetryAfter(err).
func (w *Webhook) Post(ctx context.Context, m Message) error {
	if err := m.validate(); err != nil {
		return permanent(ChannelWebhook, 0, fmt.Errorf("refused before sending: %w", err))
	}
	body, err := json.Marshal(payload(m))
	if err != nil {
		return permanent(ChannelWebhook, 0, fmt.Errorf("encode the webhook body: %w", err))
	}
	req, err := http.NewRequestWithContext(ctx, http.MethodPost, w.url, bytes.NewReader(body))
	if err != nil {
		return permanent(ChannelWebhook, 0, fmt.Errorf("build the webhook request: %w", err))
	}
	ts := w.now().Unix()
	req.Header.Set("Content-Type", "application/json")
	req.Header.Set("User-Agent", "sellmigrate")
	req.Header.Set(HeaderTimestamp, strconv.FormatInt(ts, 10))
	req.Header.Set(HeaderSignature, Sign(w.secret, ts, body))
	req.Header.Set(HeaderIdempotencyKey, m.Key)
	resp, err := w.client.Do(req)
	if err != nil {
		// The URL is left out: a Slack webhook URL is itself a credential.
		return transient(ChannelWebhook, 0, fmt.Errorf("post to %s: %w", w.host(), redactURL(err)))
	}
	defer resp.Body.Close()
	snippet, _ := io.ReadAll(io.LimitReader(resp.Body, 512))
	_, _ = io.Copy(io.Discard, io.LimitReader(resp.Body, 64<<10)) // lets the connection be reused
	return classifyHTTP(resp, w.host(), snippet, w.now())
}

// classifyHTTP turns a webhook response into nil or a classified *Error.
func classifyHTTP(resp *http.Response, host string, snippet []byte, now time.Time) error {
	code := resp.StatusCode
	if code >= 200 && code < 300 {
		return nil
	}
	err := fmt.Errorf("%s answered %s: %s", host, resp.Status, oneLine(snippet))
	switch {
	case code >= 300 && code < 400:
		return permanent(ChannelWebhook, code, fmt.Errorf("%w (a redirect to %q; configure notify.webhook_url as the final URL)",
			err, resp.Header.Get("Location")))
	case code == http.StatusRequestTimeout || code == http.StatusTooManyRequests || code >= 500:
		e := transient(ChannelWebhook, code, err)
		e.RetryAfter = parseRetryAfter(resp.Header.Get("Retry-After"), now)
		return e
	case code >= 400:
		return permanent(ChannelWebhook, code, err)
	default:
		return transient(ChannelWebhook, code, err)
	}
}

// parseRetryAfter reads Retry-After as seconds or as an HTTP date (RFC 9110 §10.2.3);
// 0 when absent, unreadable or in the past.
func parseRetryAfter(v string, now time.Time) time.Duration {
	if v == "" {
		return 0
	}
	if n, err := strconv.Atoi(strings.TrimSpace(v)); err == nil {
		if n < 0 {
			return 0
		}
		return time.Duration(n) * time.Second
	}
	if t, err := http.ParseTime(v); err == nil && t.After(now) {
		return t.Sub(now).Round(time.Second)
	}
	return 0
}

func (w *Webhook) host() string {
	u, err := url.Parse(w.url)
	if err != nil {
		return "the webhook URL"
	}
	return u.Scheme + "://" + u.Host
}

// redactURL drops the URL a *url.Error carries (the path of a Slack webhook is its
// secret) and keeps the operation and the cause.
func redactURL(err error) error {
	var ue *url.Error
	if errors.As(err, &ue) {
		return fmt.Errorf("%s: %w", ue.Op, ue.Err)
	}
	return err
}

// oneLine makes a response body snippet fit an error message.
func oneLine(b []byte) string {
	s := strings.Join(strings.Fields(string(b)), " ")
	if s == "" {
		return "(empty body)"
	}
	return s
}
