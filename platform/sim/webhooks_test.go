package sim_test

import (
	"bytes"
	"encoding/json"
	"io"
	"net/http"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/sellmigrate/sellmigrate/notify"
	"github.com/sellmigrate/sellmigrate/platform/sim"
)

// postHook posts a webhook body signed now with secret, under Idempotency-Key key
// (none when key is empty).
func postHook(t *testing.T, e *env, secret, key string) response {
	t.Helper()
	return postSigned(t, e, secret, key, time.Now(), `{"text":"*Acme waits*","migration_id":"sell-migration-1001","key":"`+key+`","link":"http://127.0.0.1:8080/m/1001"}`)
}

func postSigned(t *testing.T, e *env, secret, key string, at time.Time, body string) response {
	t.Helper()
	req, err := http.NewRequest(http.MethodPost, e.srv.URL+"/_sim/webhooks", bytes.NewReader([]byte(body)))
	if err != nil {
		t.Fatal(err)
	}
	req.Header.Set("Content-Type", "application/json")
	req.Header.Set(notify.HeaderTimestamp, strconv.FormatInt(at.Unix(), 10))
	req.Header.Set(notify.HeaderSignature, notify.Sign(secret, at.Unix(), []byte(body)))
	if key != "" {
		req.Header.Set(notify.HeaderIdempotencyKey, key)
	}
	resp, err := e.srv.Client().Do(req)
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	b, _ := io.ReadAll(resp.Body)
	return response{status: resp.StatusCode, header: resp.Header, body: b}
}

func TestWebhookReceiverRefusesBadRequests(t *testing.T) {
	t.Parallel()
	e := start(t, sim.Config{WebhookSecret: "sim-secret"})
	cases := []struct {
		name   string
		resp   response
		status int
		want   string
	}{
		{"wrong secret", postHook(t, e, sim.DefaultWebhookSecret, "k"), http.StatusUnauthorized, "signature does not match"},
		{"stale", postSigned(t, e, "sim-secret", "k", time.Now().Add(-10*time.Minute), `{"text":"x","key":"k"}`), http.StatusUnauthorized, "too far"},
		{"unsigned", e.do(http.MethodPost, "/_sim/webhooks", map[string]string{"text": "x"}), http.StatusUnauthorized, "not signed"},
		{"no idempotency key", postHook(t, e, "sim-secret", ""), http.StatusBadRequest, "Idempotency-Key"},
		{"not JSON", postSigned(t, e, "sim-secret", "k", time.Now(), `text=x`), http.StatusBadRequest, "not the JSON"},
	}
	for _, tc := range cases {
		if tc.resp.status != tc.status {
			t.Errorf("%s: status %d, want %d; body %s", tc.name, tc.resp.status, tc.status, tc.resp.body)
			continue
		}
		var body struct {
			Error string `json:"error"`
		}
		if err := json.Unmarshal(tc.resp.body, &body); err != nil || !strings.Contains(body.Error, tc.want) {
			t.Errorf("%s: body %s, want a JSON error containing %q", tc.name, tc.resp.body, tc.want)
		}
	}
	if hooks := decode[hookList](t, e.do(http.MethodGet, "/_sim/webhooks", nil).expect(t, http.StatusOK)).Webhooks; len(hooks) != 0 {
		t.Errorf("refused posts were stored: %+v", hooks)
	}
}

// TestWebhookReceiverDeduplicates: a repeated key counts a delivery; another key adds a
// row; ?migration filters; DELETE clears; the answer reports the count.
func TestWebhookReceiverDeduplicates(t *testing.T) {
	t.Parallel()
	e := start(t, sim.Config{})
	for i, key := range []string{"k1", "k1", "k1", "k2"} {
		r := decode[struct {
			OK         bool   `json:"ok"`
			Key        string `json:"key"`
			Deliveries int    `json:"deliveries"`
		}](t, postHook(t, e, sim.DefaultWebhookSecret, key).expect(t, http.StatusOK))
		want := map[int]int{0: 1, 1: 2, 2: 3, 3: 1}[i]
		if !r.OK || r.Key != key || r.Deliveries != want {
			t.Errorf("post %d answered %+v, want deliveries %d", i+1, r, want)
		}
	}
	other := `{"text":"Globex","migration_id":"sell-migration-1002","key":"g1"}`
	postSigned(t, e, sim.DefaultWebhookSecret, "g1", time.Now(), other).expect(t, http.StatusOK)

	all := decode[hookList](t, e.do(http.MethodGet, "/_sim/webhooks", nil).expect(t, http.StatusOK)).Webhooks
	if len(all) != 3 || all[0].Key != "k1" || all[0].Deliveries != 3 || all[1].Key != "k2" || all[2].MigrationID != "sell-migration-1002" {
		t.Fatalf("webhooks %+v", all)
	}
	if all[0].Text != "*Acme waits*" || all[0].Link != "http://127.0.0.1:8080/m/1001" || all[0].MigrationID != "sell-migration-1001" {
		t.Errorf("stored fields %+v", all[0])
	}
	acme := decode[hookList](t, e.do(http.MethodGet, "/_sim/webhooks?migration=sell-migration-1001", nil).expect(t, http.StatusOK)).Webhooks
	if len(acme) != 2 {
		t.Errorf("?migration=sell-migration-1001 gave %d rows, want 2", len(acme))
	}
	del := decode[map[string]int](t, e.do(http.MethodDelete, "/_sim/webhooks", nil).expect(t, http.StatusOK))
	left := decode[hookList](t, e.do(http.MethodGet, "/_sim/webhooks", nil).expect(t, http.StatusOK)).Webhooks
	if del["deleted"] != 3 || len(left) != 0 {
		t.Errorf("DELETE answered %v and left %+v", del, left)
	}
}

// TestSimRoutesAreNeverFaulted: with every Support and Sell request failing, the
// notification routes still work.
func TestSimNotifyRoutesAreNeverFaulted(t *testing.T) {
	t.Parallel()
	e := start(t, sim.Config{Faults: sim.Faults{ErrorRate: 1}})
	postHook(t, e, sim.DefaultWebhookSecret, "k").expect(t, http.StatusOK)
	e.do(http.MethodGet, "/_sim/webhooks", nil).expect(t, http.StatusOK)
	e.do(http.MethodGet, "/_sim/mail", nil).expect(t, http.StatusOK)
}
