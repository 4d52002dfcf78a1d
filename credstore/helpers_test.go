package credstore_test

import (
	"context"
	"path/filepath"
	"testing"

	"github.com/sellmigrate/sellmigrate/credstore"
)

// Fixed test keys (32 bytes each, base64).
const (
	keyA = "a:" + "AAECAwQFBgcICQoLDA0ODxAREhMUFRYXGBkaGxwdHh8="
	keyB = "b:" + "ICEiIyQlJicoKSorLC0uLzAxMjM0NTY3ODk6Ozw9Pj8="
)

func keyring(t *testing.T, active string, specs ...string) credstore.Keyring {
	t.Helper()
	k, err := credstore.ParseKeyring(specs, active)
	if err != nil {
		t.Fatalf("ParseKeyring: %v", err)
	}
	return k
}

func dbPath(t *testing.T) string { return filepath.Join(t.TempDir(), "credentials.db") }

func open(t *testing.T, path string, k credstore.Keyring) *credstore.Store {
	t.Helper()
	s, err := credstore.Open(context.Background(), "sqlite:"+path, k)
	if err != nil {
		t.Fatalf("Open: %v", err)
	}
	t.Cleanup(func() { _ = s.Close() })
	return s
}

func operatorToken(sub, secret string) credstore.Credential {
	return credstore.Credential{Kind: credstore.KindOperatorToken, Subdomain: sub, Email: "ops@" + sub + ".test", Secret: secret}
}

func put(t *testing.T, s *credstore.Store, c credstore.Credential) credstore.Credential {
	t.Helper()
	got, err := s.Put(context.Background(), c)
	if err != nil {
		t.Fatalf("Put: %v", err)
	}
	return got
}
