package api

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"mime"
	"net/http"
)

// mediaType is the request's Content-Type without parameters, lowercased; empty when
// there is none.
func mediaType(r *http.Request) string {
	ct := r.Header.Get("Content-Type")
	if ct == "" {
		return ""
	}
	mt, _, err := mime.ParseMediaType(ct)
	if err != nil {
		return "invalid"
	}
	return mt
}

// readBody reads the whole body, refusing more than the configured maximum with 413.
func (s *Server) readBody(w http.ResponseWriter, r *http.Request) ([]byte, error) {
	max := s.opts.MaxBodyBytes
	if r.ContentLength > max {
		return nil, tooLarge(max)
	}
	body, err := io.ReadAll(http.MaxBytesReader(w, r.Body, max))
	if err != nil {
		var mbe *http.MaxBytesError
		if errors.As(err, &mbe) {
			return nil, tooLarge(max)
		}
		return nil, newError(codeBadRequest, "the request body could not be read ("+err.Error()+"); send it again")
	}
	return body, nil
}

func tooLarge(max int64) error {
	return newError(codePayloadTooLarge, fmt.Sprintf("the request body is larger than %d bytes (api.max_body_bytes); send less, e.g. split a bulk start into several files", max))
}

// decodeJSON reads a JSON body into dst strictly: the Content-Type must be JSON, the
// body at most the configured size, fields unknown to dst are refused, and exactly one
// value is allowed, so a typo in a field name never silently means "not given".
func (s *Server) decodeJSON(w http.ResponseWriter, r *http.Request, dst any) error {
	if mt := mediaType(r); mt != "application/json" {
		return newError(codeUnsupportedMedia, fmt.Sprintf("the body must be JSON sent with Content-Type: application/json (got %q)", r.Header.Get("Content-Type")))
	}
	body, err := s.readBody(w, r)
	if err != nil {
		return err
	}
	return decodeStrict(body, dst)
}

// decodeStrict decodes exactly one JSON value with no unknown fields.
func decodeStrict(body []byte, dst any) error {
	if len(bytes.TrimSpace(body)) == 0 {
		return newError(codeBadRequest, "the request body is empty; send a JSON object")
	}
	dec := json.NewDecoder(bytes.NewReader(body))
	dec.DisallowUnknownFields()
	if err := dec.Decode(dst); err != nil {
		return newError(codeBadRequest, "the body is not valid: "+describeJSONError(err))
	}
	if _, err := dec.Token(); !errors.Is(err, io.EOF) {
		return newError(codeBadRequest, "the body must hold exactly one JSON value; remove what follows the first one")
	}
	return nil
}

// describeJSONError says where and how a body is wrong, in the client's terms.
func describeJSONError(err error) string {
	var syntax *json.SyntaxError
	var typ *json.UnmarshalTypeError
	switch {
	case errors.As(err, &syntax):
		return fmt.Sprintf("malformed JSON at byte %d (%v)", syntax.Offset, syntax)
	case errors.As(err, &typ):
		if typ.Field != "" {
			return fmt.Sprintf("field %q must be a %s, not a JSON %s", typ.Field, jsonKind(typ.Type.Kind().String()), typ.Value)
		}
		return fmt.Sprintf("expected a JSON object, not a JSON %s", typ.Value)
	case errors.Is(err, io.ErrUnexpectedEOF):
		return "the JSON ends too early; check for a missing bracket or quote"
	}
	// encoding/json reports an unknown field as `json: unknown field "x"`.
	return err.Error() + "; check the field names against /openapi.json"
}

func jsonKind(goKind string) string {
	switch goKind {
	case "string":
		return "string"
	case "bool":
		return "boolean"
	case "slice", "array":
		return "array"
	case "struct", "map":
		return "object"
	}
	return "number"
}

// decodeOptionalJSON is decodeJSON for a body that may be left out: no body at all, or
// an empty JSON one, leaves dst as it is.
func (s *Server) decodeOptionalJSON(w http.ResponseWriter, r *http.Request, dst any) error {
	mt := mediaType(r)
	if mt != "" && mt != "application/json" {
		return newError(codeUnsupportedMedia, fmt.Sprintf("the body must be JSON sent with Content-Type: application/json, or left out (got %q)", r.Header.Get("Content-Type")))
	}
	body, err := s.readBody(w, r)
	if err != nil {
		return err
	}
	if len(bytes.TrimSpace(body)) == 0 {
		return nil
	}
	if mt == "" {
		return newError(codeUnsupportedMedia, "the body must be JSON sent with Content-Type: application/json, or left out")
	}
	return decodeStrict(body, dst)
}
