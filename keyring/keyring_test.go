package keyring

import (
	"bytes"
	"errors"
	"strings"
	"testing"
)

var testSettings = Settings{Keys: "x.keys", Active: "x.active_key", NewKeyCommand: "make-key"}

func TestSealOpenRotation(t *testing.T) {
	oldKey, _ := NewKey()
	newKey, _ := NewKey()
	oldRing, err := Parse([]string{oldKey}, "", testSettings)
	if err != nil {
		t.Fatal(err)
	}
	id, sealed, err := oldRing.Seal([]byte("hello"), []byte("aad"))
	if err != nil || id != oldRing.ActiveID() {
		t.Fatalf("Seal = %q, %v", id, err)
	}
	newID, _, _ := strings.Cut(newKey, ":")
	both, err := Parse([]string{oldKey, newKey}, newID, testSettings)
	if err != nil {
		t.Fatal(err)
	}
	if plain, err := both.Open(id, sealed, []byte("aad")); err != nil || string(plain) != "hello" {
		t.Fatalf("the old key no longer opens after rotation: %q, %v", plain, err)
	}
	if got, _, _ := both.Seal([]byte("x"), nil); got != newID {
		t.Errorf("sealed under %s, want the active key %s", got, newID)
	}
	if _, err := both.Open(id, sealed, []byte("other")); !errors.Is(err, ErrOpen) {
		t.Errorf("Open with another AAD = %v, want ErrOpen", err)
	}
	tampered := bytes.Clone(sealed)
	tampered[len(tampered)-1] ^= 1
	if _, err := both.Open(id, tampered, []byte("aad")); !errors.Is(err, ErrOpen) {
		t.Errorf("Open of altered data = %v, want ErrOpen", err)
	}
	if _, err := both.Open(id, sealed[:5], []byte("aad")); !errors.Is(err, ErrMalformed) {
		t.Errorf("Open of short data = %v, want ErrMalformed", err)
	}
	newOnly, _ := Parse([]string{newKey}, "", testSettings)
	if _, err := newOnly.Open(id, sealed, []byte("aad")); !errors.Is(err, ErrNoKey) || !strings.Contains(err.Error(), "x.keys") {
		t.Errorf("Open under a dropped key = %v, want ErrNoKey naming x.keys", err)
	}
	if _, _, err := (Ring{}).Seal([]byte("x"), nil); err == nil {
		t.Error("the zero Ring sealed data")
	}
}

func TestParseNamesSettings(t *testing.T) {
	k1, _ := NewKey()
	k2, _ := NewKey()
	for name, tc := range map[string]struct {
		keys   []string
		active string
		want   string
	}{
		"none":      {nil, "", "x.keys is empty"},
		"ambiguous": {[]string{k1, k2}, "", "x.active_key is empty but x.keys has 2 keys"},
		"unknown":   {[]string{k1}, "nope", `x.active_key "nope" is not among x.keys`},
		"bad":       {[]string{"k:abc"}, "", `x.keys key k must be 32 bytes`},
	} {
		if _, err := Parse(tc.keys, tc.active, testSettings); err == nil || !strings.Contains(err.Error(), tc.want) {
			t.Errorf("%s: Parse = %v, want %q", name, err, tc.want)
		}
	}
}
