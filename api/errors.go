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
	codeTooManyRequests  = "too_many_requests"
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
	codeTooManyRequests:  http.StatusTooManyRequests,
	codeUnavailable:      http.StatusServiceUnavailable,
	codeInternal:         http.StatusInternalServerError,
}

// apiError is an error with the code and message the client sees.
type apiError struct {
	Code    string `json:"code"`
	Message string `json:"message"`
	// Field names the input at fault, for invalid_input, when one is.
	Field string `json:"field,omitempty"`
	// RequestID is the request's X-Request-Id, on server-side failures (5xx), so the
	// person who saw the error can point an operator at its log line.
	RequestID string `json:"requestId,omitempty"`
	// public marks a 5xx message this package wrote itself, naming no internals (a
	// capacity limit, advice to retry); any other 5xx message is replaced by a
	// generic one before it leaves the server.
	public bool
}

func (e *apiError) Error() string { return e.Code + ": " + e.Message }

func (e *apiError) status() int {
	if st, ok := errorCodes[e.Code]; ok {
		return st
	}
	return http.StatusInternalServerError
}

func newError(code, message string) *apiError { return &apiError{Code: code, Message: message} }

// newPublicError is a 5xx error whose message is safe to show as it is.
func newPublicError(code, message string) *apiError {
	return &apiError{Code: code, Message: message, public: true}
}

// toAPIError classifies an error from starter (or from this package) for the client.
// Unexpected errors keep their message here, for the log; writeError hides it from
// the client.
func toAPIError(err error) *apiError {
	var (
		ae       *apiError
		input    *starter.InputError
		notFound *starter.NotFoundError
		started  *starter.AlreadyStartedError
		closed   *starter.ClosedError
		rejected *starter.RejectedError
		dup      *starter.DuplicateRowError
		cExists  *starter.CampaignExistsError
		cMissing *starter.CampaignNotFoundError
		cRefused *starter.CampaignRejectedError
		cEnded   *starter.CampaignEndedError
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
	case errors.As(err, &cMissing):
		return newError(codeNotFound, cMissing.Error())
	// A campaign's refusals are about its state (already paused, not paused, ended,
	// the name taken), not the input: conflicts.
	case errors.As(err, &cExists):
		return newError(codeConflict, cExists.Error())
	case errors.As(err, &cRefused):
		return newError(codeConflict, cRefused.Error())
	case errors.As(err, &cEnded):
		return newError(codeConflict, cEnded.Error())
	case errors.As(err, &unavail), errors.As(err, &deadline), errors.Is(err, context.DeadlineExceeded):
		// The cause (addresses, RPC text) goes to the log only; the advice is ours.
		return newPublicError(codeUnavailable, "Temporal did not answer in time; check that the Temporal server and a worker are running, then retry")
	}
	return newError(codeInternal, err.Error())
}

// writeError sends the error body. Server-side failures (5xx) are logged with the
// request ID, and the client gets only a generic message and that ID: error texts
// from Temporal or the store can name hosts, queries and internals. Client mistakes
// (4xx) are not logged and keep their message, as they are the client's to read.
func (s *Server) writeError(w http.ResponseWriter, r *http.Request, err error) {
	if r.Context().Err() != nil && errors.Is(err, context.Canceled) {
		// The client went away; there is no one to answer.
		s.log.Debug("client gone", zap.String("path", r.URL.Path), zap.Error(err))
		return
	}
	ae := toAPIError(err)
	st := ae.status()
	if st >= 500 {
		id := responseRequestID(w, r)
		s.log.Error("request failed", zap.String("requestId", id), zap.String("method", r.Method), zap.String("path", r.URL.Path),
			zap.String("code", ae.Code), zap.Error(err))
		ae = serverFailure(ae, id)
	}
	if st == http.StatusUnauthorized {
		w.Header().Set("WWW-Authenticate", `Bearer realm="sellmigrate"`)
	}
	writeJSON(w, st, errorBody{ae})
}

// errorBody is the JSON shape of every error.
type errorBody struct {
	Error *apiError `json:"error"`
}

// serverFailure is what a client sees of a 5xx: the code, the request ID, and either
// this package's own public message or a generic one.
func serverFailure(ae *apiError, id string) *apiError {
	out := &apiError{Code: ae.Code, Message: ae.Message, RequestID: id}
	if !ae.public {
		out.Message = genericServerMessage(id)
	} else {
		out.Message += " (request ID " + id + ")"
	}
	return out
}

func genericServerMessage(id string) string {
	return "internal error; quote request ID " + id + " to an operator"
}

// responseRequestID is the request's ID, set on the response when the middleware did
// not already (a handler called directly).
func responseRequestID(w http.ResponseWriter, r *http.Request) string {
	if id := w.Header().Get(RequestIDHeader); id != "" {
		return id
	}
	id := requestID(r)
	w.Header().Set(RequestIDHeader, id)
	return id
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
