package config

import (
	"context"
	"errors"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
	"strings"

	"github.com/sellmigrate/sellmigrate/credstore"
)

// Credentials says where Zendesk credentials are kept (credentials.dsn) and the
// AES-256 keys their secrets are sealed under (credentials.keys, credentials.active_key).
type Credentials struct {
	// DSN is sqlite:/path/file.db or postgres://...; empty is an error where the store
	// is opened, except in dev (sqlite:<dev.data_dir>/credentials.db).
	DSN string
	// Keys are "ID:BASE64" specs; ActiveKey names the one new secrets get (empty: the
	// only key).
	Keys      []string
	ActiveKey string
	// DevKeyFile is where dev keeps a key it made itself when credentials.keys is
	// empty; set by UseDevDefaults, never by a setting.
	DevKeyFile string
}

// Dev's credential files, under its data dir.
const (
	DevCredentialsDB  = "credentials.db"
	DevCredentialsKey = "credentials.key"
)

// UseDevDefaults fills an empty DSN and empty keys with dev's store under dataDir: a
// SQLite file and a key dev makes on first use. `sellmigrate dev` gets them from
// dev.data_dir; the credentials commands when given --data-dir.
func (c *Credentials) UseDevDefaults(dataDir string) {
	if c.DSN == "" {
		c.DSN = "sqlite:" + filepath.Join(dataDir, DevCredentialsDB)
	}
	if len(c.Keys) == 0 {
		c.DevKeyFile = filepath.Join(dataDir, DevCredentialsKey)
	}
}

// validate checks what is set; what is missing is reported where the store is opened,
// since most commands never open it.
func (c Credentials) validate() error {
	if c.DSN != "" {
		if err := credstore.CheckDSN(c.DSN); err != nil {
			return fmt.Errorf("config: %w", err)
		}
	}
	if len(c.Keys) > 0 {
		if _, err := credstore.ParseKeyring(c.Keys, c.ActiveKey); err != nil {
			return fmt.Errorf("config: %w", err)
		}
	} else if c.ActiveKey != "" && c.DevKeyFile == "" {
		return fmt.Errorf("config: credentials.active_key %q is set but credentials.keys is empty; give the keys too (env %s)", c.ActiveKey, EnvVar("credentials.keys"))
	}
	return nil
}

// OpenCredentials opens the credential store the credentials.* settings name. Outside
// dev both the DSN and the keys must be set; the error says which is missing and how
// to set it.
func (c Config) OpenCredentials(ctx context.Context) (*credstore.Store, error) {
	cr := c.Credentials
	if cr.DSN == "" {
		return nil, fmt.Errorf("config: credentials.dsn is not set: set it (env %s) to sqlite:/path/to/credentials.db or postgres://user:password@host:5432/dbname",
			EnvVar("credentials.dsn"))
	}
	keys := cr.Keys
	if len(keys) == 0 && cr.DevKeyFile != "" {
		k, err := devKey(cr.DevKeyFile, true)
		if err != nil {
			return nil, err
		}
		keys = []string{k}
	}
	if len(keys) == 0 {
		return nil, fmt.Errorf("config: credentials.keys is not set: give at least one key as ID:BASE64 (env %s; make one with \"sellmigrate credentials new-key\")",
			EnvVar("credentials.keys"))
	}
	ring, err := credstore.ParseKeyring(keys, cr.ActiveKey)
	if err != nil {
		return nil, fmt.Errorf("config: %w", err)
	}
	return credstore.Open(ctx, cr.DSN, ring)
}

// devKey reads a key dev keeps in its data dir (credentials.key, codec.key), making it
// (0600) on first use when create is set; without create a missing file is
// fs.ErrNotExist. A file others may read is refused: anyone who reads it can open every
// secret the key seals.
func devKey(path string, create bool) (string, error) {
	return devKeyMadeBy(path, create, credstore.NewKey)
}

// devKeyMadeBy is devKey for a key of another form, which newKey makes.
func devKeyMadeBy(path string, create bool, newKey func() (string, error)) (string, error) {
	raw, err := os.ReadFile(path)
	if errors.Is(err, fs.ErrNotExist) && create {
		return createDevKey(path, newKey)
	}
	if err != nil {
		return "", fmt.Errorf("config: read dev's key %s: %w", path, err)
	}
	if fi, err := os.Stat(path); err == nil && fi.Mode().Perm()&0o077 != 0 {
		return "", fmt.Errorf("config: dev's key %s may be read by others (mode %v); run chmod 600 %s", path, fi.Mode().Perm(), path)
	}
	return strings.TrimSpace(string(raw)), nil
}

func createDevKey(path string, newKey func() (string, error)) (string, error) {
	dir, name := filepath.Dir(path), filepath.Base(path)
	if err := os.MkdirAll(dir, 0o700); err != nil {
		return "", fmt.Errorf("config: create the directory of dev's key %s: %w", path, err)
	}
	key, err := newKey()
	if err != nil {
		return "", err
	}
	// Written whole to a temporary file, then linked into place: a process starting
	// alongside never reads a half-written key, and the first link wins.
	tmp, err := os.CreateTemp(dir, name+".*")
	if err != nil {
		return "", fmt.Errorf("config: create dev's key in %s: %w", dir, err)
	}
	defer os.Remove(tmp.Name())
	if _, err := tmp.WriteString(key + "\n"); err != nil {
		tmp.Close()
		return "", fmt.Errorf("config: write dev's key %s: %w", tmp.Name(), err)
	}
	if err := tmp.Close(); err != nil {
		return "", fmt.Errorf("config: write dev's key %s: %w", tmp.Name(), err)
	}
	if err := os.Link(tmp.Name(), path); errors.Is(err, fs.ErrExist) {
		return devKeyMadeBy(path, true, newKey)
	} else if err != nil {
		return "", fmt.Errorf("config: create dev's key %s: %w", path, err)
	}
	return key, nil
}
