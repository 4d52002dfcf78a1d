// Package ownerlink signs and checks the owner-login links: the unauthenticated page
// /oauth/owner-login?migration=ID&exp=UNIX&sig=MAC that sends a Zendesk account owner
// to sign in. Only a link this service issued, for that migration and not yet expired,
// gets past the page, so guessing migration IDs reveals nothing and costs no Temporal
// call. Every process that builds links (API, worker's reminders, CLI) and the API
// that checks them share one key (api.owner_link_key).
package ownerlink

import (
	"crypto/hkdf"
	"crypto/hmac"
	"crypto/sha256"
	"encoding/base64"
	"errors"
	"fmt"
	"net/url"
	"strconv"
	"strings"
	"time"
)

// Path is the owner-login page.
const Path = "/oauth/owner-login"

// KeySize is the key's length in bytes: HMAC-SHA256 with a key of its block output.
const KeySize = 32

// Query parameters of a link.
const (
	ParamMigration = "migration"
	ParamExpires   = "exp"
	ParamSig       = "sig"
)

// Why a link is refused; the page shows one answer for all of them, the log tells
// them apart.
var (
	ErrMissing = errors.New("the owner-login link carries no expiry or signature")
	ErrInvalid = errors.New("the owner-login link's signature does not match (altered, for another migration, or signed with another key)")
	ErrExpired = errors.New("the owner-login link has expired")
)

// Signer issues and checks links for one key and lifetime.
type Signer struct {
	key []byte
	ttl time.Duration
}

// New returns a signer for a 32-byte key whose links last ttl.
func New(key []byte, ttl time.Duration) (*Signer, error) {
	if len(key) != KeySize {
		return nil, fmt.Errorf("ownerlink: the key is %d bytes; it must be %d random bytes", len(key), KeySize)
	}
	if ttl <= 0 {
		return nil, fmt.Errorf("ownerlink: the link lifetime %v must be positive", ttl)
	}
	return &Signer{key: append([]byte(nil), key...), ttl: ttl}, nil
}

// ParseKey decodes a key given in standard base64 (as `openssl rand -base64 32` prints).
func ParseKey(b64 string) ([]byte, error) {
	key, err := base64.StdEncoding.DecodeString(strings.TrimSpace(b64))
	if err != nil {
		return nil, fmt.Errorf("it is not standard base64 (%v); make one with: openssl rand -base64 32", err)
	}
	if len(key) != KeySize {
		return nil, fmt.Errorf("it decodes to %d bytes, want %d; make one with: openssl rand -base64 32", len(key), KeySize)
	}
	return key, nil
}

// TTL is how long the signer's links last.
func (s *Signer) TTL() time.Duration { return s.ttl }

// Query is the signed query of a link for the migration's workflow ID issued at now,
// and when it expires.
func (s *Signer) Query(workflowID string, now time.Time) (url.Values, time.Time) {
	exp := now.Add(s.ttl).Truncate(time.Second)
	return s.queryUntil(workflowID, exp), exp
}

func (s *Signer) queryUntil(workflowID string, exp time.Time) url.Values {
	e := strconv.FormatInt(exp.Unix(), 10)
	return url.Values{
		ParamMigration: {workflowID},
		ParamExpires:   {e},
		ParamSig:       {base64.RawURLEncoding.EncodeToString(s.mac(workflowID, e))},
	}
}

// Link is base (the API's public URL; empty gives a path on the same origin) +
// Path + the signed query, and when it expires.
func (s *Signer) Link(base, workflowID string, now time.Time) (string, time.Time) {
	exp := now.Add(s.ttl).Truncate(time.Second)
	return s.LinkUntil(base, workflowID, exp), exp
}

// LinkUntil is Link for a link that expires at exp: a page offering to retry a login
// re-issues the link it started from, no longer-lived than that one.
func (s *Signer) LinkUntil(base, workflowID string, exp time.Time) string {
	return strings.TrimRight(base, "/") + Path + "?" + s.queryUntil(workflowID, exp).Encode()
}

// Verify checks that q's expiry and signature were issued for workflowID (the
// migration the link names, in its workflow ID form) and that the link has not expired
// at now. It returns when the link expires.
func (s *Signer) Verify(workflowID string, q url.Values, now time.Time) (time.Time, error) {
	e, sig := q.Get(ParamExpires), q.Get(ParamSig)
	if e == "" || sig == "" {
		return time.Time{}, ErrMissing
	}
	exp, err := strconv.ParseInt(e, 10, 64)
	mac, err2 := base64.RawURLEncoding.DecodeString(sig)
	if err != nil || err2 != nil || !hmac.Equal(mac, s.mac(workflowID, e)) {
		return time.Time{}, ErrInvalid
	}
	if now.Unix() >= exp {
		return time.Unix(exp, 0), ErrExpired
	}
	return time.Unix(exp, 0), nil
}

// mac covers the migration and the expiry as the link spells it, with a label so a
// MAC made with this key for anything else is never a valid link.
func (s *Signer) mac(workflowID, exp string) []byte {
	m := hmac.New(sha256.New, s.key)
	m.Write([]byte("sellmigrate owner-login link v1\x00" + workflowID + "\x00" + exp))
	return m.Sum(nil)
}

// DeriveKey is a 32-byte key for another use (label names it) derived from the link
// key, so the owner login's other secrets (its sealed OAuth state) need no setting of
// their own and are as secret as the link key.
func (s *Signer) DeriveKey(label string) ([]byte, error) {
	k, err := hkdf.Key(sha256.New, s.key, nil, "sellmigrate owner-login "+label, KeySize)
	if err != nil {
		return nil, fmt.Errorf("ownerlink: derive the %s key: %w", label, err)
	}
	return k, nil
}
