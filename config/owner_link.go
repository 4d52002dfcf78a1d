package config

import (
	"crypto/rand"
	"encoding/base64"
	"errors"
	"fmt"
	"io/fs"
	"path/filepath"
	"time"

	"github.com/sellmigrate/sellmigrate/internal/ownerlink"
)

// OwnerLink configures the owner-login links (api.owner_link_*): the HMAC-SHA256 key
// that signs them and how long one lasts. The API checks links with the key, and the
// API, the worker (reminder emails) and the CLI sign them, so every one of those
// processes needs the same key.
type OwnerLink struct {
	// Key is 32 random bytes in standard base64.
	Key string
	// TTL is how long a link lasts; a reminder re-issues it, so a few days suit an
	// owner who reads their mail late.
	TTL time.Duration
	// DevKeyFile is dev's key file when Key is empty; set by useDevKey, never by a
	// setting. createDevKey lets this process make it (dev only).
	DevKeyFile   string
	createDevKey bool
}

// DevOwnerLinkKey is the file under dev's data dir holding the key dev signs
// owner-login links with when api.owner_link_key is empty.
const DevOwnerLinkKey = "owner-link.key"

// The rule, like the payload codec's: the key comes from api.owner_link_key; when that
// is empty, from <dev.data_dir>/owner-link.key, which `sellmigrate dev` makes on first
// use and every other role reads if it is there (so the CLI beside dev prints links
// dev's API accepts). With neither, no link can be signed: the API's owner login says
// it is not configured, and reminders link to the dashboard instead.

// useDevKey points an empty api.owner_link_key at dev's key file; only dev may create it.
func (o *OwnerLink) useDevKey(dataDir string, create bool) {
	if o.Key == "" {
		o.DevKeyFile = filepath.Join(dataDir, DevOwnerLinkKey)
		o.createDevKey = create
	}
}

func (o OwnerLink) validate() error {
	if o.Key != "" {
		if _, err := ownerlink.ParseKey(o.Key); err != nil {
			return fmt.Errorf("config: api.owner_link_key (env %s): %w", EnvVar("api.owner_link_key"), err)
		}
	}
	if o.TTL < time.Minute {
		return fmt.Errorf("config: api.owner_link_ttl %v must be at least 1m, e.g. 72h (how long an owner-login link lasts)", o.TTL)
	}
	return nil
}

// ErrNoOwnerLinkKey says no owner-login link can be signed here.
var ErrNoOwnerLinkKey = errors.New("api.owner_link_key is not set")

// OwnerLinks is the signer of owner-login links and where its key came from. With no
// key at all the error wraps ErrNoOwnerLinkKey and says how to set one.
func (c Config) OwnerLinks() (*ownerlink.Signer, string, error) {
	o := c.API.OwnerLink
	raw, source := o.Key, "api.owner_link_key"
	if raw == "" && o.DevKeyFile != "" {
		k, err := devKeyMadeBy(o.DevKeyFile, o.createDevKey, newOwnerLinkKey)
		if err != nil && !errors.Is(err, fs.ErrNotExist) {
			return nil, "", err
		}
		raw, source = k, o.DevKeyFile
	}
	if raw == "" {
		return nil, "", fmt.Errorf("config: %w: give every API, worker and CLI the same 32 random bytes in base64 (env %s; make one with: openssl rand -base64 32)",
			ErrNoOwnerLinkKey, EnvVar("api.owner_link_key"))
	}
	key, err := ownerlink.ParseKey(raw)
	if err != nil {
		return nil, "", fmt.Errorf("config: the owner-login link key from %s: %w", source, err)
	}
	s, err := ownerlink.New(key, o.TTL)
	if err != nil {
		return nil, "", fmt.Errorf("config: api.owner_link_ttl: %w", err)
	}
	return s, source, nil
}

func newOwnerLinkKey() (string, error) {
	b := make([]byte, ownerlink.KeySize)
	if _, err := rand.Read(b); err != nil {
		return "", fmt.Errorf("config: generate the owner-login link key: %w", err)
	}
	return base64.StdEncoding.EncodeToString(b), nil
}
