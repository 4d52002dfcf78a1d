package credstore

import (
	"encoding/base64"
	"encoding/binary"
	"errors"
	"fmt"
	"strings"

	"github.com/sellmigrate/sellmigrate/keyring"
)

// Keyring holds the AES-256 keys secrets may be sealed under, and which one new
// secrets get. The zero Keyring has no keys and cannot open a Store. Parsing and
// sealing live in package keyring, which the payload codec shares.
type Keyring struct{ ring keyring.Ring }

// settings are the config keys credential keys come from, named in errors.
var settings = keyring.Settings{Keys: "credentials.keys", Active: "credentials.active_key", NewKeyCommand: "sellmigrate credentials new-key"}

const keyForm = `ID:BASE64 (an ID of letters, digits, _ or -, then 32 random bytes in standard base64), e.g. from "sellmigrate credentials new-key"`

// ParseKeyring reads keys given as "ID:BASE64" (32-byte AES-256 keys, std base64), the
// active one named by activeID (empty = the only key when there is exactly one).
// Errors name the config key and never echo key material.
func ParseKeyring(keys []string, activeID string) (Keyring, error) {
	r, err := keyring.Parse(keys, activeID, settings)
	if err != nil {
		return Keyring{}, err
	}
	return Keyring{ring: r}, nil
}

// ActiveID is the key new and rekeyed secrets are sealed under.
func (k Keyring) ActiveID() string { return k.ring.ActiveID() }

// IDs lists the key IDs, sorted.
func (k Keyring) IDs() []string { return k.ring.IDs() }

// NewKey returns a fresh random key spec "ID:BASE64" with a random short ID.
func NewKey() (string, error) {
	key, err := keyring.NewKey()
	if err != nil {
		return "", fmt.Errorf("credentials: %w", err)
	}
	return key, nil
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
	if k.ring.ActiveID() == "" {
		return "", "", errors.New("credentials: no active key; set credentials.keys")
	}
	keyID, out, err := k.ring.Seal([]byte(secret), b.aad())
	if err != nil {
		return "", "", fmt.Errorf("credentials: %w", err)
	}
	return keyID, base64.StdEncoding.EncodeToString(out), nil
}

// open decrypts a row's secret; the error names the key ID, never the secret.
func (k Keyring) open(keyID, sealed string, b rowBinding) (string, error) {
	if !k.ring.Has(keyID) {
		return "", fmt.Errorf("credential %s is encrypted under key %q, which is not in credentials.keys (%s); add that key back, then run \"sellmigrate credentials rekey\"",
			b.ID, keyID, strings.Join(k.IDs(), ", "))
	}
	raw, err := base64.StdEncoding.DecodeString(sealed)
	if err != nil {
		return "", fmt.Errorf("credential %s: the stored secret is malformed (not sealed by sellmigrate?); revoke it and add it again", b.ID)
	}
	plain, err := k.ring.Open(keyID, raw, b.aad())
	if err != nil {
		if errors.Is(err, keyring.ErrMalformed) {
			return "", fmt.Errorf("credential %s: the stored secret is malformed (not sealed by sellmigrate?); revoke it and add it again", b.ID)
		}
		return "", fmt.Errorf("credential %s does not decrypt under key %s: the row was altered or the key %s in credentials.keys is not the one it was sealed with; revoke it and add it again", b.ID, keyID, keyID)
	}
	return string(plain), nil
}
