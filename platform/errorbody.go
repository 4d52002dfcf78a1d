package platform

import (
	"encoding/json"
	"net/http"
	"regexp"
	"strconv"
	"strings"
	"time"
)

// supportErrorBody and sellErrorBody together cover both documented shapes; one decode
// into errorBody reads whichever the server sent.
//
// Support: {"error":"RecordInvalid","description":"...","details":{"f":[{"description","error"}]}}
// where "error" is sometimes prose ({"error":"Couldn't authenticate you"}) and sometimes
// an object ({"error":{"title":"Forbidden","message":"..."}}).
// Sell: {"errors":[{"error":{"code","message","field"}}],"meta":{"type":"errors",...}}.
type errorBody struct {
	Error       json.RawMessage `json:"error"`
	Description string          `json:"description"`
	// ErrorDescription is the OAuth endpoints' prose (RFC 6749 §5.2).
	ErrorDescription string                     `json:"error_description"`
	Details          map[string]json.RawMessage `json:"details"`
	Errors           []struct {
		Error struct {
			Code    string `json:"code"`
			Message string `json:"message"`
			Field   string `json:"field"`
		} `json:"error"`
	} `json:"errors"`
}

type detailEntry struct {
	Description string `json:"description"`
	Error       string `json:"error"`
}

// errorCode is what a machine-readable Support error looks like (RecordInvalid,
// RecordNotFound); prose such as "Couldn't authenticate you" is a message instead.
var errorCode = regexp.MustCompile(`^[A-Za-z][A-Za-z0-9_.]*$`)

// maxRetryAfter caps a server's Retry-After so a garbled header cannot park a caller.
const maxRetryAfter = 24 * time.Hour

// parseAPIError turns a non-2xx answer into *APIError. Whatever the body, the error has
// a message a person can act on: JSON shapes are read field by field, anything else is
// quoted briefly. Secrets are scrubbed from everything quoted.
func parseAPIError(service, method, path string, status int, h http.Header, body []byte, secrets []string, now time.Time) *APIError {
	e := &APIError{
		Service:    service,
		Method:     method,
		Path:       path,
		StatusCode: status,
		RetryAfter: parseRetryAfter(h.Get("Retry-After"), now),
	}
	var eb errorBody
	if json.Unmarshal(body, &eb) != nil || !e.fill(eb) {
		e.Message = snippet(redact(string(body), secrets))
	}
	e.Message = redact(e.Message, secrets)
	for k, v := range e.Fields {
		e.Fields[k] = redact(v, secrets)
	}
	return e
}

// fill copies what eb holds into e and reports whether it held anything.
func (e *APIError) fill(eb errorBody) bool {
	if len(eb.Errors) > 0 {
		var msgs []string
		for _, item := range eb.Errors {
			x := item.Error
			if e.Code == "" {
				e.Code = x.Code
			}
			if x.Message != "" {
				msgs = append(msgs, x.Message)
			}
			if x.Field != "" {
				e.addField(x.Field, x.Message, x.Code)
			}
		}
		e.Message = strings.Join(msgs, "; ")
		return e.Code != "" || e.Message != ""
	}

	var s string
	var obj struct {
		Title   string `json:"title"`
		Message string `json:"message"`
	}
	switch {
	case len(eb.Error) == 0:
	case json.Unmarshal(eb.Error, &s) == nil:
		if errorCode.MatchString(s) {
			e.Code = s
		} else {
			e.Message = s
		}
	case json.Unmarshal(eb.Error, &obj) == nil:
		e.Code = obj.Title
		e.Message = obj.Message
	}
	if eb.Description != "" {
		e.Message = eb.Description
	} else if eb.ErrorDescription != "" {
		e.Message = eb.ErrorDescription
	}
	for field, raw := range eb.Details {
		for _, d := range decodeDetails(raw) {
			e.addField(field, d.Description, d.Error)
		}
	}
	return e.Code != "" || e.Message != "" || len(e.Fields) > 0
}

// decodeDetails reads one "details" entry, which Zendesk sends as a list of
// {description,error} but which may also be a single object or a bare string.
func decodeDetails(raw json.RawMessage) []detailEntry {
	var list []detailEntry
	if json.Unmarshal(raw, &list) == nil {
		return list
	}
	var one detailEntry
	if json.Unmarshal(raw, &one) == nil && (one.Description != "" || one.Error != "") {
		return []detailEntry{one}
	}
	var s string
	if json.Unmarshal(raw, &s) == nil && s != "" {
		return []detailEntry{{Description: s}}
	}
	return nil
}

// addField records one field error; several for one field are joined.
func (e *APIError) addField(field, msg, code string) {
	if e.Fields == nil {
		e.Fields = map[string]string{}
		e.FieldCodes = map[string]string{}
	}
	if msg == "" {
		msg = code
	}
	if prev := e.Fields[field]; prev != "" {
		msg = prev + "; " + msg
	}
	e.Fields[field] = msg
	if e.FieldCodes[field] == "" && code != "" {
		e.FieldCodes[field] = code
	}
}

// parseRetryAfter reads Retry-After as delta-seconds or an HTTP date (RFC 9110 §10.2.3).
func parseRetryAfter(v string, now time.Time) time.Duration {
	v = strings.TrimSpace(v)
	if v == "" {
		return 0
	}
	var d time.Duration
	if secs, err := strconv.ParseFloat(v, 64); err == nil {
		if secs <= 0 {
			return 0
		}
		if secs > maxRetryAfter.Seconds() {
			return maxRetryAfter
		}
		d = time.Duration(secs * float64(time.Second))
	} else if t, err := http.ParseTime(v); err == nil {
		d = t.Sub(now)
	}
	return min(max(d, 0), maxRetryAfter)
}

var (
	htmlTitle  = regexp.MustCompile(`(?is)<title[^>]*>(.*?)</title>`)
	htmlTag    = regexp.MustCompile(`(?s)<[^>]*>`)
	whitespace = regexp.MustCompile(`\s+`)
)

// snippet makes a short, single-line message out of a body that is not a documented
// error: an HTML page from a proxy gives its title, anything else its first characters.
func snippet(body string) string {
	if m := htmlTitle.FindStringSubmatch(body); m != nil && strings.TrimSpace(m[1]) != "" {
		body = m[1]
	} else if strings.Contains(body, "<") {
		body = htmlTag.ReplaceAllString(body, " ")
	}
	body = strings.TrimSpace(whitespace.ReplaceAllString(body, " "))
	const limit = 200
	if r := []rune(body); len(r) > limit {
		body = string(r[:limit]) + "…"
	}
	return body
}

// redact removes credentials from text we echo back, in case a proxy or server quotes
// our request headers in its error page.
func redact(s string, secrets []string) string {
	for _, sec := range secrets {
		if len(sec) >= 4 {
			s = strings.ReplaceAll(s, sec, "[redacted]")
		}
	}
	return s
}
