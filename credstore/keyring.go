package credstore

import (
	"crypto/aes"
	"crypto/cipher"
	"crypto/rand"
	"encoding/base32"
	"encoding/base64"
	"encoding/binary"
	"errors"
	"fmt"
	"regexp"
	"sort"
	"strings"
)

// Keyring holds the AES-256 keys secrets may be sealed under, and which one new
// secrets get. The zero Keyring has no keys and cannot open a Store.
type Keyring struct {
	active string
	aeads  map[string]cipher.AEAD
}

// keyIDPattern keeps key IDs short and safe to print, log and store.
var keyIDPattern = regexp.MustCompile(`^[A-Za-z0-9_-]{1,32}$`)

const keyForm = `ID:BASE64 (an ID of letters, digits, _ or -, then 32 random bytes in standard base64), e.g. from "sellmigrate credentials new-key"`

// ParseKeyring reads keys given as "ID:BASE64" (32-byte AES-256 keys, std base64), the
// active one named by activeID (empty = the only key when there is exactly one).
// Errors name the config key and never echo key material.
func ParseKeyring(keys []string, activeID string) (Keyring, error) {
	if len(keys) == 0 {
		return Keyring{}, fmt.Errorf("credentials.keys is empty; give at least one key as %s", keyForm)
	}
	k := Keyring{aeads: map[string]cipher.AEAD{}}
	for i, spec := range keys {
		id, b64, ok := strings.Cut(strings.TrimSpace(spec), ":")
		if !ok || !keyIDPattern.MatchString(id) {
			return Keyring{}, fmt.Errorf("credentials.keys item %d must be %s", i+1, keyForm)
		}
		raw, err := base64.StdEncoding.DecodeString(b64)
		if err != nil || len(raw) != 32 {
			return Keyring{}, fmt.Errorf("credentials.keys key %s must be 32 bytes in standard base64 (44 characters ending in =), as in %s", id, keyForm)
		}
		if _, dup := k.aeads[id]; dup {
			return Keyring{}, fmt.Errorf("credentials.keys names key %s twice; give each key its own ID", id)
		}
		block, err := aes.NewCipher(raw)
		if err != nil {
			return Keyring{}, fmt.Errorf("credentials.keys key %s: %w", id, err)
		}
		aead, err := cipher.NewGCM(block)
		if err != nil {
			return Keyring{}, fmt.Errorf("credentials.keys key %s: %w", id, err)
		}
		k.aeads[id] = aead
	}
	switch {
	case activeID != "":
		if _, ok := k.aeads[activeID]; !ok {
			return Keyring{}, fmt.Errorf("credentials.active_key %q is not among credentials.keys (%s); name one of them", activeID, strings.Join(k.IDs(), ", "))
		}
		k.active = activeID
	case len(k.aeads) == 1:
		k.active = k.IDs()[0]
	default:
		return Keyring{}, fmt.Errorf("credentials.active_key is empty but credentials.keys has %d keys (%s); name the one new secrets are sealed under", len(k.aeads), strings.Join(k.IDs(), ", "))
	}
	return k, nil
}

// ActiveID is the key new and rekeyed secrets are sealed under.
func (k Keyring) ActiveID() string { return k.active }

// IDs lists the key IDs, sorted.
func (k Keyring) IDs() []string {
	ids := make([]string, 0, len(k.aeads))
	for id := range k.aeads {
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
		return "", fmt.Errorf("credentials: read random bytes for a key ID: %w", err)
	}
	if _, err := rand.Read(key); err != nil {
		return "", fmt.Errorf("credentials: read random bytes for a key: %w", err)
	}
	return "k" + strings.ToLower(base32.StdEncoding.EncodeToString(id[:])) + ":" + base64.StdEncoding.EncodeToString(key), nil
}

// rowBinding is what a sealed secret is bound to (the AAD): copying its ciphertext into
// another row, or changing who a row is for, makes it fail to open.
type rowBinding struct {
	ID, Kind, Subdomain, Email, WorkflowID string
}

func bindingOf(c Credential) rowBinding {
	return rowBinding{ID: c.ID, Kind: string(c.Kind), Subdomain: c.Subdomain, Email: c.Email, WorkflowID: c.WorkflowID}
}

// aad length-prefixes each field so no two bindings encode alike.
func (b rowBinding) aad() []byte {
	out := []byte("sellmigrate/credstore/v1")
	for _, f := range []string{b.ID, b.Kind, b.Subdomain, b.Email, b.WorkflowID} {
		out = binary.BigEndian.AppendUint32(out, uint32(len(f)))
		out = append(out, f...)
	}
	return out
}

// seal encrypts secret under the active key: base64(nonce || ciphertext+tag).
func (k Keyring) seal(secret string, b rowBinding) (keyID, sealed string, err error) {
	aead := k.aeads[k.active]
	if aead == nil {
		return "", "", errors.New("credentials: no active key; set credentials.keys")
	}
	nonce := make([]byte, aead.NonceSize())
	if _, err := rand.Read(nonce); err != nil {
		return "", "", fmt.Errorf("credentials: read a random nonce: %w", err)
	}
	out := aead.Seal(nonce, nonce, []byte(secret), b.aad())
	return k.active, base64.StdEncoding.EncodeToString(out), nil
}

// open decrypts a row's secret; the error names the key ID, never the secret.
func (k Keyring) open(keyID, sealed string, b rowBinding) (string, error) {
	aead := k.aeads[keyID]
	if aead == nil {
		return "", fmt.Errorf("credential %s is encrypted under key %q, which is not in credentials.keys (%s); add that key back, then run \"sellmigrate credentials rekey\"",
			b.ID, keyID, strings.Join(k.IDs(), ", "))
	}
	raw, err := base64.StdEncoding.DecodeString(sealed)
	if err != nil || len(raw) < aead.NonceSize()+aead.Overhead() {
		return "", fmt.Errorf("credential %s: the stored secret is malformed (not sealed by sellmigrate?); revoke it and add it again", b.ID)
	}
	n := aead.NonceSize()
	plain, err := aead.Open(nil, raw[:n], raw[n:], b.aad())
	if err != nil {
		return "", fmt.Errorf("credential %s does not decrypt under key %s: the row was altered or the key %s in credentials.keys is not the one it was sealed with; revoke it and add it again", b.ID, keyID, keyID)
	}
	return string(plain), nil
}
