package notify

import (
	"crypto/hmac"
	"crypto/sha256"
	"encoding/hex"
	"errors"
	"fmt"
	"net/http"
	"strconv"
	"strings"
	"time"
)

// Webhook headers (see the package documentation for the signature scheme).
const (
	HeaderTimestamp      = "X-Sellmigrate-Timestamp"
	HeaderSignature      = "X-Sellmigrate-Signature"
	HeaderIdempotencyKey = "Idempotency-Key"
)

// signatureVersion prefixes both the signed string and the header value, so the scheme
// can change without a receiver mistaking one version for another.
const signatureVersion = "v1"

// DefaultTolerance is how far a webhook's timestamp may be from the receiver's clock
// when Verify is given no tolerance: Slack's five minutes.
const DefaultTolerance = 5 * time.Minute

// Verify's refusals, for errors.Is.
var (
	ErrMissingSignature = errors.New("webhook is not signed: the " + HeaderTimestamp + " or " + HeaderSignature + " header is missing")
	ErrStaleTimestamp   = errors.New("webhook timestamp is too far from the receiver's clock (a replay, or a clock out of sync)")
	ErrBadSignature     = errors.New("webhook signature does not match (wrong secret, or the body was changed)")
)

// Sign returns the X-Sellmigrate-Signature value of body sent at timestamp (unix
// seconds): "v1=" and the hex HMAC-SHA256, keyed with secret, of "v1:<timestamp>:<body>".
func Sign(secret string, timestamp int64, body []byte) string {
	mac := hmac.New(sha256.New, []byte(secret))
	fmt.Fprintf(mac, "%s:%d:", signatureVersion, timestamp)
	mac.Write(body)
	return signatureVersion + "=" + hex.EncodeToString(mac.Sum(nil))
}

// Verify checks a received webhook: the timestamp header is within tolerance of now
// (0 means DefaultTolerance) and one of the signatures in the signature header
// (comma-separated, so a sender can sign with an old and a new secret while rotating)
// is Sign(secret, timestamp, body). body must be the raw bytes received, before any
// JSON decoding. The error wraps ErrMissingSignature, ErrStaleTimestamp or
// ErrBadSignature.
func Verify(secret string, header http.Header, body []byte, now time.Time, tolerance time.Duration) error {
	if secret == "" {
		return errors.New("notify: Verify needs the shared webhook secret, got an empty one")
	}
	if tolerance <= 0 {
		tolerance = DefaultTolerance
	}
	tsText, sigs := header.Get(HeaderTimestamp), header.Get(HeaderSignature)
	if tsText == "" || sigs == "" {
		return ErrMissingSignature
	}
	ts, err := strconv.ParseInt(tsText, 10, 64)
	if err != nil {
		return fmt.Errorf("%w: %s %q is not unix seconds", ErrMissingSignature, HeaderTimestamp, tsText)
	}
	if skew := now.Sub(time.Unix(ts, 0)); skew > tolerance || skew < -tolerance {
		return fmt.Errorf("%w: sent at %s, received at %s, tolerance %s", ErrStaleTimestamp,
			time.Unix(ts, 0).UTC().Format(time.RFC3339), now.UTC().Format(time.RFC3339), tolerance)
	}
	want := []byte(Sign(secret, ts, body))
	for _, got := range strings.Split(sigs, ",") {
		if hmac.Equal([]byte(strings.TrimSpace(got)), want) {
			return nil
		}
	}
	return ErrBadSignature
}
