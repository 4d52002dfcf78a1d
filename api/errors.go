package api

import (
	"context"
	"encoding/json"
	"errors"
	"net/http"

	"go.temporal.io/api/serviceerror"
	"go.uber.org/zap"

	"github.com/sellmigrate/sellmigrate/starter"
)

// Error codes of the error body, each with one HTTP status.
const (
	codeUnauthorized     = "unauthorized"
	codeForbidden        = "forbidden"
	codeNotFound         = "not_found"
	codeConflict         = "conflict"
	codeInvalidInput     = "invalid_input"
	codeRejected         = "rejected"
	codeBadRequest       = "bad_request"
	codePayloadTooLarge  = "payload_too_large"
	codeUnsupportedMedia = "unsupported_media_type"
	codeMethodNotAllowed = "method_not_allowed"
	codeUnavailable      = "unavailable"
	codeInternal         = "internal"
)

// errorCodes maps every code to its status; the OpenAPI document lists the same.
var errorCodes = map[string]int{
	codeUnauthorized:     http.StatusUnauthorized,
	codeForbidden:        http.StatusForbidden,
	codeNotFound:         http.StatusNotFound,
	codeConflict:         http.StatusConflict,
	codeInvalidInput:     http.StatusUnprocessableEntity,
	codeRejected:         http.StatusUnprocessableEntity,
	codeBadRequest:       http.StatusBadRequest,
	codePayloadTooLarge:  http.StatusRequestEntityTooLarge,
	codeUnsupportedMedia: http.StatusUnsupportedMediaType,
	codeMethodNotAllowed: http.StatusMethodNotAllowed,
	codeUnavailable:      http.StatusServiceUnavailable,
	codeInternal:         http.StatusInternalServerError,
}

// apiError is an error with the code and message the client sees.
type apiError struct {
	Code    string `json:"code"`
	Message string `json:"message"`
	// Field names the input at fault, for invalid_input, when one is.
	Field string `json:"field,omitempty"`
}

func (e *apiError) Error() string { return e.Code + ": " + e.Message }

func (e *apiError) status() int {
	if st, ok := errorCodes[e.Code]; ok {
		return st
	}
	return http.StatusInternalServerError
}

func newError(code, message string) *apiError { return &apiError{Code: code, Message: message} }

// toAPIError classifies an error from starter (or from this package) for the client.
// Unexpected errors keep their message, which says what failed, and are logged.
func toAPIError(err error) *apiError {
	var (
		ae       *apiError
		input    *starter.InputError
		notFound *starter.NotFoundError
		started  *starter.AlreadyStartedError
		closed   *starter.ClosedError
		rejected *starter.RejectedError
		dup      *starter.DuplicateRowError
		unavail  *serviceerror.Unavailable
		deadline *serviceerror.DeadlineExceeded
	)
	switch {
	case errors.As(err, &ae):
		return ae
	case errors.As(err, &input):
		return &apiError{Code: codeInvalidInput, Message: input.Msg, Field: input.Field}
	case errors.As(err, &notFound):
		return newError(codeNotFound, notFound.Error())
	case errors.As(err, &started):
		return newError(codeConflict, started.Error())
	case errors.As(err, &closed):
		return newError(codeConflict, closed.Error())
	case errors.As(err, &dup):
		return newError(codeConflict, dup.Error())
	case errors.As(err, &rejected):
		return newError(codeRejected, rejected.Error())
	case errors.As(err, &unavail), errors.As(err, &deadline), errors.Is(err, context.DeadlineExceeded):
		return newError(codeUnavailable, "Temporal did not answer in time ("+err.Error()+"); check that the Temporal server and a worker are running, then retry")
	}
	return newError(codeInternal, err.Error())
}

// writeError sends the error body. Server-side failures are logged; client mistakes
// are not, as they are the client's to read.
func (s *Server) writeError(w http.ResponseWriter, r *http.Request, err error) {
	if r.Context().Err() != nil && errors.Is(err, context.Canceled) {
		// The client went away; there is no one to answer.
		s.log.Debug("client gone", zap.String("path", r.URL.Path), zap.Error(err))
		return
	}
	ae := toAPIError(err)
	st := ae.status()
	if st >= 500 {
		s.log.Error("request failed", zap.String("method", r.Method), zap.String("path", r.URL.Path),
			zap.String("code", ae.Code), zap.Error(err))
	}
	if st == http.StatusUnauthorized {
		w.Header().Set("WWW-Authenticate", `Bearer realm="sellmigrate"`)
	}
	writeJSON(w, st, struct {
		Error *apiError `json:"error"`
	}{ae})
}

// writeJSON sends a JSON body. The API's answers are small, so a failed write means
// the client has gone and there is no one left to tell.
func writeJSON(w http.ResponseWriter, status int, v any) {
	body, err := json.Marshal(v)
	if err != nil {
		status = http.StatusInternalServerError
		body = []byte(`{"error":{"code":"internal","message":"the answer could not be encoded as JSON"}}`)
	}
	h := w.Header()
	h.Set("Content-Type", "application/json; charset=utf-8")
	h.Set("Cache-Control", "no-store")
	h.Set("X-Content-Type-Options", "nosniff")
	w.WriteHeader(status)
	_, _ = w.Write(append(body, '\n'))
}
