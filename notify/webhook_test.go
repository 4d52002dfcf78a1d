package notify_test

import (
	"encoding/json"
	"errors"
	"io"
	"net/http"
	"net/http/httptest"
	"strconv"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/sellmigrate/sellmigrate/notify"
)

const secret = "test-webhook-secret"

// hookReceiver is an httptest server that verifies each POST with notify.Verify and
// answers what the test says.
type hookReceiver struct {
	srv    *httptest.Server
	mu     sync.Mutex
	bodies []notify.WebhookPayload
	keys   []string
}

func startReceiver(t *testing.T, answer func(w http.ResponseWriter)) *hookReceiver {
	t.Helper()
	h := &hookReceiver{}
	h.srv = httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		body, _ := io.ReadAll(r.Body)
		if err := notify.Verify(secret, r.Header, body, time.Now(), 0); err != nil {
			http.Error(w, err.Error(), http.StatusUnauthorized)
			return
		}
		if r.Header.Get("Content-Type") != "application/json" {
			http.Error(w, "not JSON", http.StatusUnsupportedMediaType)
			return
		}
		var p notify.WebhookPayload
		if err := json.Unmarshal(body, &p); err != nil {
			http.Error(w, err.Error(), http.StatusBadRequest)
			return
		}
		h.mu.Lock()
		h.bodies = append(h.bodies, p)
		h.keys = append(h.keys, r.Header.Get("Idempotency-Key"))
		h.mu.Unlock()
		answer(w)
	}))
	t.Cleanup(h.srv.Close)
	return h
}

func webhook(t *testing.T, url, secret string) *notify.Webhook {
	t.Helper()
	w, err := notify.NewWebhook(url, secret, nil)
	if err != nil {
		t.Fatalf("NewWebhook: %v", err)
	}
	return w
}

func TestPostSignedSlackBody(t *testing.T) {
	t.Parallel()
	h := startReceiver(t, func(w http.ResponseWriter) { _, _ = io.WriteString(w, "ok") })
	msg := reminder("admin@acme.test")
	msg.Key = "sell-migration-1001/reminder/3/webhook"
	msg.Body = "Waiting for <admin> & co."
	if err := webhook(t, h.srv.URL+"/hook", secret).Post(t.Context(), msg); err != nil {
		t.Fatalf("Post: %v", err)
	}
	if len(h.bodies) != 1 {
		t.Fatalf("receiver got %d posts, want 1", len(h.bodies))
	}
	p := h.bodies[0]
	if h.keys[0] != msg.Key || p.Key != msg.Key || p.MigrationID != msg.MigrationID || p.Link != msg.Link || p.Subject != msg.Subject {
		t.Errorf("payload %+v, Idempotency-Key %q", p, h.keys[0])
	}
	if !strings.Contains(p.Text, "Waiting for &lt;admin&gt; &amp; co.") || !strings.Contains(p.Text, "<"+msg.Link+"|") {
		t.Errorf("text is not escaped mrkdwn with the link: %q", p.Text)
	}
	if len(p.Blocks) != 2 || p.Blocks[0]["type"] != "section" || p.Blocks[1]["type"] != "actions" {
		t.Errorf("blocks %v, want a section and an actions block", p.Blocks)
	}
	button := p.Blocks[1]["elements"].([]any)[0].(map[string]any)
	if button["type"] != "button" || button["url"] != msg.Link {
		t.Errorf("button %v", button)
	}
}

func TestPostWithoutLinkHasNoButton(t *testing.T) {
	t.Parallel()
	h := startReceiver(t, func(w http.ResponseWriter) {})
	msg := reminder()
	msg.Link = ""
	if err := webhook(t, h.srv.URL, secret).Post(t.Context(), msg); err != nil {
		t.Fatalf("Post: %v", err)
	}
	if len(h.bodies[0].Blocks) != 1 {
		t.Errorf("blocks %v, want only the section", h.bodies[0].Blocks)
	}
}

func TestPostFailuresAreClassified(t *testing.T) {
	t.Parallel()
	status := func(code int, header ...string) func(http.ResponseWriter) {
		return func(w http.ResponseWriter) {
			for i := 0; i+1 < len(header); i += 2 {
				w.Header().Set(header[i], header[i+1])
			}
			w.WriteHeader(code)
			_, _ = io.WriteString(w, "receiver says no")
		}
	}
	cases := []struct {
		name       string
		answer     func(http.ResponseWriter)
		permanent  bool
		retryAfter time.Duration
	}{
		{"500", status(500), false, 0},
		{"502", status(502), false, 0},
		{"503 with Retry-After date", status(503, "Retry-After", time.Now().Add(30*time.Second).UTC().Format(http.TimeFormat)), false, 30 * time.Second},
		{"400", status(400), true, 0},
		{"404", status(404), true, 0},
		{"410 channel gone", status(410), true, 0},
		{"408", status(408), false, 0},
		{"429 with Retry-After", status(429, "Retry-After", "7"), false, 7 * time.Second},
		{"429 without Retry-After", status(429), false, 0},
		{"302", status(302, "Location", "https://elsewhere.test/hook"), true, 0},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			h := startReceiver(t, tc.answer)
			err := webhook(t, h.srv.URL+"/services/T000/B000/SECRETPATH", secret).Post(t.Context(), reminder())
			var ne *notify.Error
			if !errors.As(err, &ne) {
				t.Fatalf("Post: %T %v, want a *notify.Error", err, err)
			}
			if notify.Permanent(err) != tc.permanent || ne.Channel != notify.ChannelWebhook {
				t.Errorf("permanent %v, want %v: %v", notify.Permanent(err), tc.permanent, err)
			}
			d, ok := notify.RetryAfter(err)
			if ok != (tc.retryAfter > 0) || d < tc.retryAfter-2*time.Second || d > tc.retryAfter {
				t.Errorf("RetryAfter %s %v, want %s: %v", d, ok, tc.retryAfter, err)
			}
			if !strings.Contains(err.Error(), "receiver says no") {
				t.Errorf("error lacks the receiver's answer: %v", err)
			}
			if strings.Contains(err.Error(), "SECRETPATH") {
				t.Errorf("error leaks the webhook URL's path: %v", err)
			}
		})
	}
}

func TestPostWrongSecretIsPermanent(t *testing.T) {
	t.Parallel()
	h := startReceiver(t, func(w http.ResponseWriter) {})
	err := webhook(t, h.srv.URL, "another-secret").Post(t.Context(), reminder())
	if !notify.Permanent(err) || !strings.Contains(err.Error(), "401") {
		t.Fatalf("post signed with the wrong secret: %v, want a permanent 401", err)
	}
	if len(h.bodies) != 0 {
		t.Fatal("receiver accepted a post with a bad signature")
	}
}

func TestPostNetworkFailureIsTransient(t *testing.T) {
	t.Parallel()
	srv := httptest.NewServer(http.NotFoundHandler())
	url := srv.URL + "/services/SECRETPATH"
	srv.Close()
	err := webhook(t, url, secret).Post(t.Context(), reminder())
	if err == nil || notify.Permanent(err) {
		t.Fatalf("post to a closed port: %v, want a transient error", err)
	}
	if strings.Contains(err.Error(), "SECRETPATH") {
		t.Errorf("error leaks the webhook URL's path: %v", err)
	}
}

func TestPostRefusesMessageWithoutKey(t *testing.T) {
	t.Parallel()
	h := startReceiver(t, func(w http.ResponseWriter) {})
	m := reminder()
	m.Key = ""
	if err := webhook(t, h.srv.URL, secret).Post(t.Context(), m); !notify.Permanent(err) {
		t.Fatalf("post without a key: %v, want permanent", err)
	}
}

func TestNewWebhookRefusesBadConfig(t *testing.T) {
	t.Parallel()
	cases := []struct{ url, secret, want string }{
		{"hooks.slack.com/services/x", secret, "notify.webhook_url"},
		{"ftp://example.com/hook", secret, "absolute http(s) URL"},
		{"https://example.com/hook", "", "notify.webhook_secret is empty"},
	}
	for _, tc := range cases {
		_, err := notify.NewWebhook(tc.url, tc.secret, nil)
		if err == nil || !strings.Contains(err.Error(), tc.want) {
			t.Errorf("NewWebhook(%q): %v, want an error containing %q", tc.url, err, tc.want)
		}
	}
}

func TestVerify(t *testing.T) {
	t.Parallel()
	now := time.Unix(1_750_000_000, 0)
	body := []byte(`{"text":"hi","key":"k"}`)
	signed := func(ts int64, sig string) http.Header {
		h := http.Header{}
		h.Set(notify.HeaderTimestamp, strconv.FormatInt(ts, 10))
		h.Set(notify.HeaderSignature, sig)
		return h
	}
	good := notify.Sign(secret, now.Unix(), body)
	if !strings.HasPrefix(good, "v1=") || len(good) != 3+64 {
		t.Fatalf("Sign = %q, want v1= and 64 hex digits", good)
	}
	if err := notify.Verify(secret, signed(now.Unix(), good), body, now, time.Minute); err != nil {
		t.Fatalf("a good signature: %v", err)
	}
	// Rotation: any listed signature may match.
	if err := notify.Verify(secret, signed(now.Unix(), notify.Sign("old", now.Unix(), body)+", "+good), body, now, time.Minute); err != nil {
		t.Fatalf("a list holding the good signature: %v", err)
	}
	cases := []struct {
		name string
		h    http.Header
		body []byte
		now  time.Time
		want error
	}{
		{"wrong secret", signed(now.Unix(), notify.Sign("other", now.Unix(), body)), body, now, notify.ErrBadSignature},
		{"body changed", signed(now.Unix(), good), []byte(`{"text":"hi!","key":"k"}`), now, notify.ErrBadSignature},
		{"timestamp changed", signed(now.Unix()+1, good), body, now, notify.ErrBadSignature},
		{"stale", signed(now.Unix(), good), body, now.Add(2 * time.Minute), notify.ErrStaleTimestamp},
		{"from the future", signed(now.Unix(), good), body, now.Add(-2 * time.Minute), notify.ErrStaleTimestamp},
		{"no headers", http.Header{}, body, now, notify.ErrMissingSignature},
		{"timestamp not a number", func() http.Header {
			h := signed(now.Unix(), good)
			h.Set(notify.HeaderTimestamp, "yesterday")
			return h
		}(), body, now, notify.ErrMissingSignature},
	}
	for _, tc := range cases {
		if err := notify.Verify(secret, tc.h, tc.body, tc.now, time.Minute); !errors.Is(err, tc.want) {
			t.Errorf("%s: Verify = %v, want %v", tc.name, err, tc.want)
		}
	}
	if err := notify.Verify("", signed(now.Unix(), good), body, now, 0); err == nil {
		t.Error("Verify with an empty secret succeeded")
	}
	// Tolerance 0 means the default five minutes.
	if err := notify.Verify(secret, signed(now.Unix(), good), body, now.Add(4*time.Minute), 0); err != nil {
		t.Errorf("4 minutes late with the default tolerance: %v", err)
	}
	if err := notify.Verify(secret, signed(now.Unix(), good), body, now.Add(6*time.Minute), 0); !errors.Is(err, notify.ErrStaleTimestamp) {
		t.Errorf("6 minutes late with the default tolerance: %v", err)
	}
}
