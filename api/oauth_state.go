package api

import (
	"crypto/aes"
	"crypto/cipher"
	"crypto/rand"
	"crypto/sha256"
	"encoding/base64"
	"encoding/hex"
	"encoding/json"
	"errors"
	"fmt"
	"time"
)

// oauthStateTTL bounds how long the owner may take to sign in at Zendesk.
const oauthStateTTL = 10 * time.Minute

// oauthState is what the OAuth state parameter carries through Zendesk and back: which
// migration the login is for and at which subdomain it was started, a nonce that the
// browser's cookie must match, an expiry, the PKCE code_verifier the code exchange
// must present, and when the owner-login link the login started from expires (so a
// "log in again" link lasts no longer than that one).
type oauthState struct {
	WorkflowID  string `json:"w"`
	Subdomain   string `json:"s"`
	Nonce       string `json:"n"`
	Expires     int64  `json:"e"` // Unix seconds
	Verifier    string `json:"v"`
	LinkExpires int64  `json:"l"` // Unix seconds
}

// stateSigner seals and opens states with AES-256-GCM: the state travels in URLs
// (to Zendesk and back) and holds the PKCE verifier, which must stay secret until the
// code exchange, so it is encrypted as well as authenticated. The key is derived from
// the owner-link key, which every API replica shares, so each opens the others' states.
type stateSigner struct {
	aead cipher.AEAD
	now  func() time.Time
}

func newStateSigner(key []byte, now func() time.Time) (*stateSigner, error) {
	block, err := aes.NewCipher(key)
	if err != nil {
		return nil, fmt.Errorf("the OAuth state key: %w", err)
	}
	aead, err := cipher.NewGCM(block)
	if err != nil {
		return nil, fmt.Errorf("the OAuth state cipher: %w", err)
	}
	return &stateSigner{aead: aead, now: now}, nil
}

// newNonce is 128 random bits in hex (usable in a cookie name).
func newNonce() (string, error) {
	b := make([]byte, 16)
	if _, err := rand.Read(b); err != nil {
		return "", fmt.Errorf("generate OAuth nonce: %w", err)
	}
	return hex.EncodeToString(b), nil
}

// newVerifier is a PKCE code_verifier: 256 random bits, 43 base64url characters
// (RFC 7636 §4.1).
func newVerifier() (string, error) {
	b := make([]byte, 32)
	if _, err := rand.Read(b); err != nil {
		return "", fmt.Errorf("generate the PKCE code verifier: %w", err)
	}
	return base64.RawURLEncoding.EncodeToString(b), nil
}

// codeChallenge is the S256 challenge of a verifier (RFC 7636 §4.2).
func codeChallenge(verifier string) string {
	sum := sha256.Sum256([]byte(verifier))
	return base64.RawURLEncoding.EncodeToString(sum[:])
}

// issue returns a sealed state for a login to the migration's subdomain, started from
// a link that expires at linkExpires.
func (s *stateSigner) issue(workflowID, subdomain string, linkExpires time.Time) (raw string, st oauthState, err error) {
	nonce, err := newNonce()
	if err != nil {
		return "", oauthState{}, err
	}
	verifier, err := newVerifier()
	if err != nil {
		return "", oauthState{}, err
	}
	st = oauthState{WorkflowID: workflowID, Subdomain: subdomain, Nonce: nonce, Expires: s.now().Add(oauthStateTTL).Unix(),
		Verifier: verifier, LinkExpires: linkExpires.Unix()}
	payload, err := json.Marshal(st)
	if err != nil {
		return "", oauthState{}, fmt.Errorf("encode OAuth state: %w", err)
	}
	iv := make([]byte, s.aead.NonceSize())
	if _, err := rand.Read(iv); err != nil {
		return "", oauthState{}, fmt.Errorf("generate OAuth state IV: %w", err)
	}
	return base64.RawURLEncoding.EncodeToString(s.aead.Seal(iv, iv, payload, nil)), st, nil
}

// Errors of verify: a state that was not issued by us (or was altered) and one that
// was but is too old.
var (
	errStateInvalid = errors.New("the login state is missing or was altered")
	errStateExpired = errors.New("the login took too long")
)

// verify opens the state, then checks the expiry. An expired state is still returned,
// so the page can offer to start that migration's login again.
func (s *stateSigner) verify(raw string) (oauthState, error) {
	if len(raw) > 2048 {
		return oauthState{}, errStateInvalid
	}
	sealed, err := base64.RawURLEncoding.DecodeString(raw)
	if err != nil || len(sealed) < s.aead.NonceSize() {
		return oauthState{}, errStateInvalid
	}
	n := s.aead.NonceSize()
	payload, err := s.aead.Open(nil, sealed[:n], sealed[n:], nil)
	if err != nil {
		return oauthState{}, errStateInvalid
	}
	var st oauthState
	if err := json.Unmarshal(payload, &st); err != nil || st.WorkflowID == "" || st.Nonce == "" || st.Subdomain == "" || st.Verifier == "" {
		return oauthState{}, errStateInvalid
	}
	if !s.now().Before(time.Unix(st.Expires, 0)) {
		return st, errStateExpired
	}
	return st, nil
}
