package api

import (
	"crypto/hkdf"
	"crypto/hmac"
	"crypto/rand"
	"crypto/sha256"
	"encoding/base64"
	"encoding/hex"
	"encoding/json"
	"errors"
	"fmt"
	"strings"
	"time"
)

// oauthStateTTL bounds how long the owner may take to sign in at Zendesk.
const oauthStateTTL = 10 * time.Minute

// oauthState is what the OAuth state parameter carries through Zendesk and back: which
// migration the login is for and at which subdomain it was started, a nonce that the
// browser's cookie must match, and an expiry.
type oauthState struct {
	WorkflowID string `json:"w"`
	Subdomain  string `json:"s"`
	Nonce      string `json:"n"`
	Expires    int64  `json:"e"` // Unix seconds
}

// stateSigner signs and verifies states with a key derived from the OAuth client
// secret, so every API replica sharing the secret accepts the others' states and no
// separate key has to be configured.
type stateSigner struct {
	key []byte
	now func() time.Time
}

func newStateSigner(clientSecret string, now func() time.Time) (*stateSigner, error) {
	if clientSecret == "" {
		return nil, errors.New("api.oauth_client_secret is empty")
	}
	key, err := hkdf.Key(sha256.New, []byte(clientSecret), nil, "sellmigrate oauth state v1", 32)
	if err != nil {
		return nil, fmt.Errorf("derive the OAuth state key: %w", err)
	}
	return &stateSigner{key: key, now: now}, nil
}

// newNonce is 128 random bits in hex (usable in a cookie name).
func newNonce() (string, error) {
	b := make([]byte, 16)
	if _, err := rand.Read(b); err != nil {
		return "", fmt.Errorf("generate OAuth nonce: %w", err)
	}
	return hex.EncodeToString(b), nil
}

// issue returns a signed state for a login to the migration's subdomain.
func (s *stateSigner) issue(workflowID, subdomain string) (raw string, st oauthState, err error) {
	nonce, err := newNonce()
	if err != nil {
		return "", oauthState{}, err
	}
	st = oauthState{WorkflowID: workflowID, Subdomain: subdomain, Nonce: nonce, Expires: s.now().Add(oauthStateTTL).Unix()}
	payload, err := json.Marshal(st)
	if err != nil {
		return "", oauthState{}, fmt.Errorf("encode OAuth state: %w", err)
	}
	enc := base64.RawURLEncoding
	return enc.EncodeToString(payload) + "." + enc.EncodeToString(s.mac(payload)), st, nil
}

func (s *stateSigner) mac(payload []byte) []byte {
	m := hmac.New(sha256.New, s.key)
	m.Write(payload)
	return m.Sum(nil)
}

// Errors of verify: a state that was not issued by us (or was altered) and one that
// was but is too old.
var (
	errStateInvalid = errors.New("the login state is missing or was altered")
	errStateExpired = errors.New("the login took too long")
)

// verify checks the signature, then the expiry. An expired state is still returned,
// so the page can offer to start that migration's login again.
func (s *stateSigner) verify(raw string) (oauthState, error) {
	enc := base64.RawURLEncoding
	p, sig, ok := strings.Cut(raw, ".")
	if !ok || len(raw) > 2048 {
		return oauthState{}, errStateInvalid
	}
	payload, err1 := enc.DecodeString(p)
	mac, err2 := enc.DecodeString(sig)
	if err1 != nil || err2 != nil || !hmac.Equal(mac, s.mac(payload)) {
		return oauthState{}, errStateInvalid
	}
	var st oauthState
	if err := json.Unmarshal(payload, &st); err != nil || st.WorkflowID == "" || st.Nonce == "" || st.Subdomain == "" {
		return oauthState{}, errStateInvalid
	}
	if !s.now().Before(time.Unix(st.Expires, 0)) {
		return st, errStateExpired
	}
	return st, nil
}
