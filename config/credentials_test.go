package config

import (
	"context"
	"errors"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/sellmigrate/sellmigrate/credstore"
)

func TestDevCredentialsDefaults(t *testing.T) {
	isolate(t)
	dir := filepath.Join(t.TempDir(), "data")
	t.Setenv(EnvVar("dev.data_dir"), dir)
	c, err := Load(Options{Role: RoleDev})
	if err != nil {
		t.Fatal(err)
	}
	if want := "sqlite:" + filepath.Join(dir, DevCredentialsDB); c.Credentials.DSN != want {
		t.Errorf("dev credentials.dsn = %q, want %q", c.Credentials.DSN, want)
	}
	ctx := context.Background()
	s, err := c.OpenCredentials(ctx)
	if err != nil {
		t.Fatal(err)
	}
	stored, err := s.Put(ctx, credstore.Credential{Kind: credstore.KindOperatorToken, Subdomain: "acme", Email: "ops@acme.test", Secret: "tok"})
	if err != nil {
		t.Fatal(err)
	}
	s.Close()
	keyFile := filepath.Join(dir, DevCredentialsKey)
	fi, err := os.Stat(keyFile)
	if err != nil || fi.Mode().Perm() != 0o600 {
		t.Fatalf("dev key file: %v, %v; want it made with mode 0600", fi, err)
	}

	// The next process finds the same key and reads what the first stored.
	s, err = c.OpenCredentials(ctx)
	if err != nil {
		t.Fatal(err)
	}
	defer s.Close()
	if got, err := s.Get(ctx, stored.ID); err != nil || got.Secret != "tok" {
		t.Errorf("second open: Get = %q, %v", got.Secret, err)
	}

	// A key file others may read is refused, saying how to fix it.
	if err := os.Chmod(keyFile, 0o644); err != nil {
		t.Fatal(err)
	}
	if _, err := c.OpenCredentials(ctx); err == nil || !strings.Contains(err.Error(), "chmod 600") {
		t.Errorf("world-readable dev key: %v; want a refusal saying chmod 600", err)
	}
}

// TestDevKeyMadeOnce: processes starting together end up with one key.
func TestDevKeyMadeOnce(t *testing.T) {
	path := filepath.Join(t.TempDir(), DevCredentialsKey)
	keys := make(chan string, 8)
	errs := make(chan error, 8)
	for range 8 {
		go func() {
			k, err := devKey(path, true)
			keys <- k
			errs <- err
		}()
	}
	first := ""
	for range 8 {
		k := <-keys
		if err := <-errs; err != nil {
			t.Fatal(err)
		}
		if first == "" {
			first = k
		}
		if k != first || k == "" {
			t.Errorf("devKey gave %q and %q", first, k)
		}
	}
}

func TestProductionCredentialsRequired(t *testing.T) {
	isolate(t)
	t.Setenv(EnvVar("api.admin_tokens"), testAdminToken)
	t.Setenv(EnvVar("api.oauth_client_secret"), testOAuthSecret)
	c, err := Load(Options{Role: RoleAPI})
	if err != nil {
		t.Fatal(err)
	}
	ctx := context.Background()
	if _, err := c.OpenCredentials(ctx); err == nil || !strings.Contains(err.Error(), "credentials.dsn") || !strings.Contains(err.Error(), "SELLMIGRATE_CREDENTIALS_DSN") {
		t.Errorf("api without credentials.dsn: %v; want an error naming the key and its env var", err)
	}
	db := filepath.Join(t.TempDir(), "c.db")
	t.Setenv(EnvVar("credentials.dsn"), "sqlite:"+db)
	if c, err = Load(Options{Role: RoleAPI}); err != nil {
		t.Fatal(err)
	}
	if _, err := c.OpenCredentials(ctx); err == nil || !strings.Contains(err.Error(), "credentials.keys") {
		t.Errorf("api without credentials.keys: %v; want an error naming it", err)
	}
	if _, err := os.Stat(db); !errors.Is(err, os.ErrNotExist) {
		t.Errorf("the store was created without keys: %v", err)
	}

	k1, _ := credstore.NewKey()
	k2, _ := credstore.NewKey()
	id2, _, _ := strings.Cut(k2, ":")
	t.Setenv(EnvVar("credentials.keys"), k1+","+k2)
	if _, err := Load(Options{Role: RoleAPI}); err == nil || !strings.Contains(err.Error(), "credentials.active_key") {
		t.Errorf("two keys, none active: %v; want an error naming credentials.active_key", err)
	}
	t.Setenv(EnvVar("credentials.active_key"), id2)
	if c, err = Load(Options{Role: RoleAPI}); err != nil {
		t.Fatal(err)
	}
	s, err := c.OpenCredentials(ctx)
	if err != nil {
		t.Fatal(err)
	}
	defer s.Close()
	got, err := s.Put(ctx, credstore.Credential{Kind: credstore.KindCreatedAccount, Subdomain: "acme", Email: "a@acme.test", Secret: "x", CreatedAt: time.Now()})
	if err != nil || got.KeyID != id2 {
		t.Errorf("Put under keys from the environment: key %q, %v; want %q", got.KeyID, err, id2)
	}
}
