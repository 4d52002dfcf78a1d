package config

import (
	"errors"
	"net/url"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"
)

// TestOwnerLinkDevKeyFoundByClients: dev makes its key on first use, and a client
// pointed at dev's data dir signs links dev's API accepts; before that it has none.
func TestOwnerLinkDevKeyFoundByClients(t *testing.T) {
	isolate(t)
	dir := filepath.Join(t.TempDir(), "data")
	t.Setenv(EnvVar("dev.data_dir"), dir)

	client, err := Load(Options{Role: RoleClient})
	if err != nil {
		t.Fatal(err)
	}
	if _, _, err := client.OwnerLinks(); !errors.Is(err, ErrNoOwnerLinkKey) || !strings.Contains(err.Error(), "SELLMIGRATE_API_OWNER_LINK_KEY") {
		t.Fatalf("client before dev made a key: %v; want ErrNoOwnerLinkKey naming the env var", err)
	}
	if _, err := os.Stat(filepath.Join(dir, DevOwnerLinkKey)); err == nil {
		t.Fatal("a client role made dev's key; only dev may")
	}

	dev, err := Load(Options{Role: RoleDev})
	if err != nil {
		t.Fatal(err)
	}
	devLinks, from, err := dev.OwnerLinks()
	if err != nil || from != filepath.Join(dir, DevOwnerLinkKey) {
		t.Fatalf("dev: from %q, %v; want dev's key file", from, err)
	}
	if fi, err := os.Stat(from); err != nil || fi.Mode().Perm() != 0o600 {
		t.Fatalf("dev's owner-link key: %v, %v; want it made with mode 0600", fi, err)
	}
	if devLinks.TTL() != 72*time.Hour {
		t.Errorf("default TTL %v, want 72h", devLinks.TTL())
	}
	clientLinks, _, err := client.OwnerLinks()
	if err != nil {
		t.Fatal(err)
	}
	now := time.Now()
	link, _ := clientLinks.Link("", "sell-migration-1002", now)
	u, _ := url.Parse(link)
	if _, err := devLinks.Verify("sell-migration-1002", u.Query(), now); err != nil {
		t.Errorf("dev refuses the client's link %s: %v", link, err)
	}
	again, _, err := dev.OwnerLinks()
	if err != nil || func() error { _, err := again.Verify("sell-migration-1002", u.Query(), now); return err }() != nil {
		t.Errorf("dev's second load did not keep its key: %v", err)
	}
}

func TestOwnerLinkKeyFromEnv(t *testing.T) {
	isolate(t)
	t.Setenv(EnvVar("dev.data_dir"), t.TempDir())
	t.Setenv(EnvVar("api.owner_link_key"), "AAECAwQFBgcICQoLDA0ODxAREhMUFRYXGBkaGxwdHh8=")
	t.Setenv(EnvVar("api.owner_link_ttl"), "24h")
	c, err := Load(Options{Role: RoleClient})
	if err != nil {
		t.Fatal(err)
	}
	s, from, err := c.OwnerLinks()
	if err != nil || from != "api.owner_link_key" || s.TTL() != 24*time.Hour {
		t.Fatalf("from %q, %v", from, err)
	}
}

func TestOwnerLinkValidationNamesKey(t *testing.T) {
	for _, c := range []struct{ key, value, want string }{
		{"api.owner_link_key", "c2hvcnQ=", "api.owner_link_key"},
		{"api.owner_link_key", "not base64!", "api.owner_link_key"},
		{"api.owner_link_ttl", "10s", "api.owner_link_ttl"},
	} {
		t.Run(c.key+"="+c.value, func(t *testing.T) {
			isolate(t)
			t.Setenv(EnvVar("dev.data_dir"), t.TempDir())
			t.Setenv(EnvVar(c.key), c.value)
			_, err := Load(Options{Role: RoleClient})
			if err == nil || !strings.Contains(err.Error(), c.want) {
				t.Fatalf("%v; want an error naming %s", err, c.want)
			}
			if c.key == "api.owner_link_key" && strings.Contains(err.Error(), c.value) {
				t.Errorf("the error echoes the secret: %v", err)
			}
		})
	}
}
