package api

import (
	"context"
	"crypto/rand"
	"encoding/hex"
	"net/http"
)

// RequestIDHeader carries the request ID both ways: a caller (or a proxy in front)
// may send one, and every response names the one used, so a person reporting an
// error and the operator reading the log speak of the same request.
const RequestIDHeader = "X-Request-Id"

// maxRequestIDLen bounds an incoming ID: it is copied into logs and bodies.
const maxRequestIDLen = 64

type requestIDKey struct{}

// withRequestID takes a well-formed incoming X-Request-Id or makes one, sets it on
// the response before anything else can write, and puts it in the request's context.
func withRequestID(next http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		id := r.Header.Get(RequestIDHeader)
		if !wellFormedRequestID(id) {
			id = newRequestID()
		}
		w.Header().Set(RequestIDHeader, id)
		next.ServeHTTP(w, r.WithContext(context.WithValue(r.Context(), requestIDKey{}, id)))
	})
}

// wellFormedRequestID accepts only short IDs of letters, digits and . _ - : anything
// else could forge log lines or smuggle markup into a body, so it is replaced.
func wellFormedRequestID(id string) bool {
	if id == "" || len(id) > maxRequestIDLen {
		return false
	}
	for _, c := range []byte(id) {
		ok := c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z' || c >= '0' && c <= '9' || c == '.' || c == '_' || c == '-'
		if !ok {
			return false
		}
	}
	return true
}

// newRequestID is 16 random bytes in hex: unique enough to find one request in logs.
func newRequestID() string {
	var b [16]byte
	_, _ = rand.Read(b[:]) // crypto/rand.Read never fails (Go 1.24+)
	return hex.EncodeToString(b[:])
}

// requestID is the request's ID; requests that did not pass through withRequestID
// (handlers called directly in tests) get a fresh one.
func requestID(r *http.Request) string {
	if id, ok := r.Context().Value(requestIDKey{}).(string); ok {
		return id
	}
	return newRequestID()
}
