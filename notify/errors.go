package notify

import (
	"errors"
	"fmt"
	"time"
)

// Error is a delivery that failed, classified so a caller (a Temporal activity) knows
// whether to retry. Every error Send and Post return is an *Error.
type Error struct {
	// Channel is "email" or "webhook".
	Channel string
	// Permanent is true when retrying cannot help: an SMTP 5xx reply, an address or
	// message refused, credentials refused, a certificate that does not verify, an HTTP
	// 4xx other than 408 and 429. A person must change something first.
	Permanent bool
	// Code is the SMTP reply code or HTTP status that decided, 0 when there was none
	// (a network failure, a message refused before sending).
	Code int
	// RetryAfter is the delay the receiver asked for (HTTP Retry-After on a 429 or
	// 503), 0 when it asked for none.
	RetryAfter time.Duration
	// Err is the cause.
	Err error
}

func (e *Error) Error() string {
	kind := "transient"
	if e.Permanent {
		kind = "permanent"
	}
	msg := fmt.Sprintf("notify: %s %s failure", kind, e.Channel)
	if e.Code != 0 {
		msg += fmt.Sprintf(" (%d)", e.Code)
	}
	if e.RetryAfter > 0 {
		msg += fmt.Sprintf(", retry after %s", e.RetryAfter)
	}
	return msg + ": " + e.Err.Error()
}

func (e *Error) Unwrap() error { return e.Err }

// Permanent reports whether err is a delivery failure that retrying cannot fix. Any
// error that is not a classified *Error (a cancelled context, say) counts as transient.
func Permanent(err error) bool {
	var e *Error
	return errors.As(err, &e) && e.Permanent
}

// RetryAfter returns the delay the receiver asked for before the next attempt, and
// whether it asked for one (a webhook's 429 or 503 with Retry-After).
func RetryAfter(err error) (time.Duration, bool) {
	var e *Error
	if errors.As(err, &e) && e.RetryAfter > 0 {
		return e.RetryAfter, true
	}
	return 0, false
}

// Channel names used in Error.Channel.
const (
	ChannelEmail   = "email"
	ChannelWebhook = "webhook"
)

func permanent(channel string, code int, err error) *Error {
	return &Error{Channel: channel, Permanent: true, Code: code, Err: err}
}

func transient(channel string, code int, err error) *Error {
	return &Error{Channel: channel, Code: code, Err: err}
}
