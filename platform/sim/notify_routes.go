package sim

import (
	"encoding/json"
	"errors"
	"io"
	"net/http"
	"strings"

	"go.uber.org/zap"

	"github.com/sellmigrate/sellmigrate/notify"
)

// maxWebhookBody bounds a webhook body; a reminder's is a few KB.
const maxWebhookBody = 1 << 20

// handleListMail serves GET /_sim/mail[?to=EMAIL][&migration=ID].
func (s *Sim) handleListMail(w http.ResponseWriter, r *http.Request) {
	q := r.URL.Query()
	msgs, err := s.Mail(r.Context(), MailFilter{To: strings.TrimSpace(q.Get("to")), MigrationID: q.Get("migration")})
	if err != nil {
		s.simError(w, r, err)
		return
	}
	writeJSON(w, http.StatusOK, map[string]any{"messages": msgs})
}

// handleClearMail serves DELETE /_sim/mail.
func (s *Sim) handleClearMail(w http.ResponseWriter, r *http.Request) {
	n, err := s.ClearMail(r.Context())
	if err != nil {
		s.simError(w, r, err)
		return
	}
	writeJSON(w, http.StatusOK, map[string]int64{"deleted": n})
}

// handlePostWebhook serves POST /_sim/webhooks: verify, then store or count a repeat.
func (s *Sim) handlePostWebhook(w http.ResponseWriter, r *http.Request) {
	body, err := io.ReadAll(http.MaxBytesReader(w, r.Body, maxWebhookBody))
	if err != nil {
		var tooBig *http.MaxBytesError
		if errors.As(err, &tooBig) {
			writeJSON(w, http.StatusRequestEntityTooLarge, map[string]string{"error": "webhook body over 1 MiB"})
			return
		}
		writeJSON(w, http.StatusBadRequest, map[string]string{"error": "read webhook body: " + err.Error()})
		return
	}
	if err := notify.Verify(s.cfg.WebhookSecret, r.Header, body, s.now(), notify.DefaultTolerance); err != nil {
		s.log.Info("webhook refused", zap.Error(err))
		writeJSON(w, http.StatusUnauthorized, map[string]string{"error": err.Error()})
		return
	}
	key := strings.TrimSpace(r.Header.Get(notify.HeaderIdempotencyKey))
	if key == "" {
		writeJSON(w, http.StatusBadRequest, map[string]string{"error": "Idempotency-Key header missing: the receiver de-duplicates reminders by it"})
		return
	}
	var p notify.WebhookPayload
	if err := json.Unmarshal(body, &p); err != nil {
		writeJSON(w, http.StatusBadRequest, map[string]string{"error": "webhook body is not the JSON notify.Webhook sends: " + err.Error()})
		return
	}
	n, err := s.recordWebhook(r.Context(), WebhookReceived{
		Key: key, Text: p.Text, MigrationID: p.MigrationID, Link: p.Link, ReceivedAt: s.nowString(),
	})
	if err != nil {
		s.simError(w, r, err)
		return
	}
	writeJSON(w, http.StatusOK, map[string]any{"ok": true, "key": key, "deliveries": n})
}

// handleListWebhooks serves GET /_sim/webhooks[?migration=ID].
func (s *Sim) handleListWebhooks(w http.ResponseWriter, r *http.Request) {
	hooks, err := s.Webhooks(r.Context(), r.URL.Query().Get("migration"))
	if err != nil {
		s.simError(w, r, err)
		return
	}
	writeJSON(w, http.StatusOK, map[string]any{"webhooks": hooks})
}

// handleClearWebhooks serves DELETE /_sim/webhooks.
func (s *Sim) handleClearWebhooks(w http.ResponseWriter, r *http.Request) {
	n, err := s.ClearWebhooks(r.Context())
	if err != nil {
		s.simError(w, r, err)
		return
	}
	writeJSON(w, http.StatusOK, map[string]int64{"deleted": n})
}
