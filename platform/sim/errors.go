package sim

import (
	"encoding/json"
	"fmt"
	"net/http"
	"strings"

	"go.uber.org/zap"
)

// writeJSON writes v with Zendesk's content type. An encoding failure can only be a
// programming error in the simulator; the status line has gone out by then.
func writeJSON(w http.ResponseWriter, status int, v any) {
	w.Header().Set("Content-Type", "application/json; charset=utf-8")
	w.WriteHeader(status)
	_ = json.NewEncoder(w).Encode(v)
}

// jsonResponse marshals v into a response that can be recorded (idempotency) and is
// written only after the transaction that produced it has committed.
func jsonResponse(status int, v any) storedResponse {
	if v == nil {
		return storedResponse{Status: status}
	}
	b, err := json.Marshal(v)
	if err != nil {
		// Bodies are plain maps and structs, so this only guards against a future bug.
		b, _ = json.Marshal(supportErrorBody{Error: "InternalError", Description: "simulator could not encode its response: " + err.Error()})
		return storedResponse{Status: http.StatusInternalServerError, Body: append(b, '\n')}
	}
	return storedResponse{Status: status, Body: append(b, '\n')}
}

// --- Zendesk Support error bodies -------------------------------------------------

type supportErrorBody struct {
	Error       string `json:"error"`
	Description string `json:"description,omitempty"`
}

func supportError(w http.ResponseWriter, status int, code, description string) {
	writeJSON(w, status, supportErrorBody{Error: code, Description: description})
}

func supportNotFound(w http.ResponseWriter) {
	supportError(w, http.StatusNotFound, "RecordNotFound", "Not found")
}

func supportUnauthorized(w http.ResponseWriter) {
	w.Header().Set("WWW-Authenticate", `Basic realm="Web Password"`)
	writeJSON(w, http.StatusUnauthorized, map[string]string{"error": "Couldn't authenticate you"})
}

func supportForbidden(w http.ResponseWriter, description string) {
	supportError(w, http.StatusForbidden, "Forbidden", description)
}

func supportBadRequest(w http.ResponseWriter, code, description string) {
	supportError(w, http.StatusBadRequest, code, description)
}

// fieldError is one entry of a RecordInvalid details list.
type fieldError struct {
	Description string `json:"description"`
	Error       string `json:"error"`
}

// supportInvalidBody is the 422 RecordInvalid body with details for one field.
func supportInvalidBody(field, errCode, description string) any {
	return map[string]any{
		"error":       "RecordInvalid",
		"description": "Record validation errors",
		"details":     map[string][]fieldError{field: {{Description: description, Error: errCode}}},
	}
}

func supportInvalid(w http.ResponseWriter, field, errCode, description string) {
	writeJSON(w, http.StatusUnprocessableEntity, supportInvalidBody(field, errCode, description))
}

// --- Zendesk Sell error bodies ----------------------------------------------------

type sellErrorItem struct {
	Error sellErrorDetail `json:"error"`
}

type sellErrorDetail struct {
	Code    string `json:"code"`
	Message string `json:"message"`
	Field   string `json:"field,omitempty"`
}

func sellErrorBody(status int, code, message, field string) any {
	return map[string]any{
		"errors": []sellErrorItem{{Error: sellErrorDetail{Code: code, Message: message, Field: field}}},
		"meta":   map[string]string{"type": "errors", "http_status": fmt.Sprintf("%d %s", status, http.StatusText(status))},
	}
}

func sellError(w http.ResponseWriter, status int, code, message, field string) {
	writeJSON(w, status, sellErrorBody(status, code, message, field))
}

func sellNotFound(w http.ResponseWriter, what string) {
	sellError(w, http.StatusNotFound, "not_found", what+" not found", "")
}

func sellInvalid(w http.ResponseWriter, code, message, field string) {
	sellError(w, http.StatusUnprocessableEntity, code, message, field)
}

// --- internal failures ------------------------------------------------------------

// internalError logs a simulator failure (a SQLite error, say) and answers 500 in the
// shape of the API that was called, so clients treat it as a retryable server error.
func (s *Sim) internalError(w http.ResponseWriter, r *http.Request, err error) {
	s.log.Error("simulator request failed", zap.String("method", r.Method),
		zap.String("path", r.URL.Path), zap.Error(err))
	switch {
	case strings.HasPrefix(r.URL.Path, sellPrefix):
		sellError(w, http.StatusInternalServerError, "internal_server_error", "simulator error: "+err.Error(), "")
	default:
		supportError(w, http.StatusInternalServerError, "InternalError", "simulator error: "+err.Error())
	}
}

// simError answers a failure of a /_sim endpoint.
func (s *Sim) simError(w http.ResponseWriter, r *http.Request, err error) {
	s.log.Error("simulator control request failed", zap.String("path", r.URL.Path), zap.Error(err))
	writeJSON(w, http.StatusInternalServerError, map[string]string{"error": err.Error()})
}
