// Package keyring holds AES-256-GCM keys given as "ID:BASE64", several at once so keys
// can rotate: data is sealed under the active key and opened under whichever key its
// ID names. The credential store and the Temporal payload codec both use it, each
// naming its own settings in errors. It imports nothing of ours.
package keyring

import (
	"crypto/aes"
	"crypto/cipher"
	"crypto/rand"
	"encoding/base32"
	"encoding/base64"
	"errors"
	"fmt"
	"regexp"
	"sort"
	"strings"
)

// Ring holds the keys data may be sealed under, and which one new data gets. The zero
// Ring has no keys: Seal and Open fail on it.
type Ring struct {
	active string
	aeads  map[string]cipher.AEAD
	// keysSetting names the setting the keys come from, for errors (e.g. credentials.keys).
	keysSetting string
}

// Settings name where the keys and the active key's ID are configured; errors name them
// so a person knows what to change.
type Settings struct {
	Keys, Active string
	// NewKeyCommand is the command that prints a fresh key, quoted in errors.
	NewKeyCommand string
}

// idPattern keeps key IDs short and safe to print, log and store.
var idPattern = regexp.MustCompile(`^[A-Za-z0-9_-]{1,32}$`)

func (s Settings) form() string {
	return fmt.Sprintf(`ID:BASE64 (an ID of letters, digits, _ or -, then 32 random bytes in standard base64), e.g. from %q`, s.NewKeyCommand)
}

// Parse reads keys given as "ID:BASE64" (32-byte AES-256 keys, std base64), the active
// one named by activeID (empty = the only key when there is exactly one). Errors name
// the settings and never echo key material.
func Parse(keys []string, activeID string, s Settings) (Ring, error) {
	if len(keys) == 0 {
		return Ring{}, fmt.Errorf("%s is empty; give at least one key as %s", s.Keys, s.form())
	}
	r := Ring{aeads: map[string]cipher.AEAD{}, keysSetting: s.Keys}
	for i, spec := range keys {
		id, b64, ok := strings.Cut(strings.TrimSpace(spec), ":")
		if !ok || !idPattern.MatchString(id) {
			return Ring{}, fmt.Errorf("%s item %d must be %s", s.Keys, i+1, s.form())
		}
		raw, err := base64.StdEncoding.DecodeString(b64)
		if err != nil || len(raw) != 32 {
			return Ring{}, fmt.Errorf("%s key %s must be 32 bytes in standard base64 (44 characters ending in =), as in %s", s.Keys, id, s.form())
		}
		if _, dup := r.aeads[id]; dup {
			return Ring{}, fmt.Errorf("%s names key %s twice; give each key its own ID", s.Keys, id)
		}
		block, err := aes.NewCipher(raw)
		if err != nil {
			return Ring{}, fmt.Errorf("%s key %s: %w", s.Keys, id, err)
		}
		aead, err := cipher.NewGCM(block)
		if err != nil {
			return Ring{}, fmt.Errorf("%s key %s: %w", s.Keys, id, err)
		}
		r.aeads[id] = aead
	}
	switch {
	case activeID != "":
		if _, ok := r.aeads[activeID]; !ok {
			return Ring{}, fmt.Errorf("%s %q is not among %s (%s); name one of them", s.Active, activeID, s.Keys, strings.Join(r.IDs(), ", "))
		}
		r.active = activeID
	case len(r.aeads) == 1:
		r.active = r.IDs()[0]
	default:
		return Ring{}, fmt.Errorf("%s is empty but %s has %d keys (%s); name the one new data is sealed under", s.Active, s.Keys, len(r.aeads), strings.Join(r.IDs(), ", "))
	}
	return r, nil
}

// ActiveID is the key new data is sealed under.
func (r Ring) ActiveID() string { return r.active }

// Has says whether the ring holds the key id.
func (r Ring) Has(id string) bool { return r.aeads[id] != nil }

// IDs lists the key IDs, sorted.
func (r Ring) IDs() []string {
	ids := make([]string, 0, len(r.aeads))
	for id := range r.aeads {
		ids = append(ids, id)
	}
	sort.Strings(ids)
	return ids
}

// NewKey returns a fresh random key spec "ID:BASE64" with a random short ID.
func NewKey() (string, error) {
	var id [5]byte
	key := make([]byte, 32)
	if _, err := rand.Read(id[:]); err != nil {
		return "", fmt.Errorf("keyring: read random bytes for a key ID: %w", err)
	}
	if _, err := rand.Read(key); err != nil {
		return "", fmt.Errorf("keyring: read random bytes for a key: %w", err)
	}
	return "k" + strings.ToLower(base32.StdEncoding.EncodeToString(id[:])) + ":" + base64.StdEncoding.EncodeToString(key), nil
}

// ErrNoKey is returned by Open for a key ID the ring lacks (wrapped with the ID).
var ErrNoKey = errors.New("key not in the ring")

// ErrOpen is returned by Open when the data does not authenticate under its key: it was
// altered, or sealed under another key of the same ID.
var ErrOpen = errors.New("data does not decrypt")

// ErrMalformed is returned by Open for data too short to have been sealed by Seal.
var ErrMalformed = errors.New("data is not sealed")

// Seal encrypts plain under the active key, bound to aad: nonce || ciphertext+tag.
func (r Ring) Seal(plain, aad []byte) (keyID string, sealed []byte, err error) {
	aead := r.aeads[r.active]
	if aead == nil {
		return "", nil, errors.New("keyring: no active key")
	}
	nonce := make([]byte, aead.NonceSize(), aead.NonceSize()+len(plain)+aead.Overhead())
	if _, err := rand.Read(nonce); err != nil {
		return "", nil, fmt.Errorf("keyring: read a random nonce: %w", err)
	}
	return r.active, aead.Seal(nonce, nonce, plain, aad), nil
}

// Open decrypts what Seal made under keyID with the same aad. Its errors wrap ErrNoKey,
// ErrMalformed or ErrOpen; callers say what to do in their own words.
func (r Ring) Open(keyID string, sealed, aad []byte) ([]byte, error) {
	aead := r.aeads[keyID]
	if aead == nil {
		return nil, fmt.Errorf("%w: %q is not in %s (%s)", ErrNoKey, keyID, r.keysSetting, strings.Join(r.IDs(), ", "))
	}
	n := aead.NonceSize()
	if len(sealed) < n+aead.Overhead() {
		return nil, fmt.Errorf("%w under key %s: too short", ErrMalformed, keyID)
	}
	plain, err := aead.Open(nil, sealed[:n], sealed[n:], aad)
	if err != nil {
		return nil, fmt.Errorf("%w under key %s: altered, or sealed with another key of that ID", ErrOpen, keyID)
	}
	return plain, nil
}
