package config

import (
	"os"
	"path/filepath"
	"strings"
	"testing"

	commonpb "go.temporal.io/api/common/v1"
	"go.temporal.io/sdk/converter"

	"github.com/sellmigrate/sellmigrate/codec"
	"github.com/sellmigrate/sellmigrate/credstore"
)

// TestCodecDevKeyFoundByClients: dev makes its key on first use; a client pointed at
// dev's data dir encrypts with the same key, and one elsewhere has no key.
func TestCodecDevKeyFoundByClients(t *testing.T) {
	isolate(t)
	dir := filepath.Join(t.TempDir(), "data")
	t.Setenv(EnvVar("dev.data_dir"), dir)

	client, err := Load(Options{Role: RoleClient})
	if err != nil {
		t.Fatal(err)
	}
	if c, _, err := client.PayloadCodec(); err != nil || c.Encrypts() {
		t.Fatalf("client before dev made a key: encrypts=%v, %v; want a keyless codec", c != nil && c.Encrypts(), err)
	}
	if _, err := os.Stat(filepath.Join(dir, DevCodecKey)); err == nil {
		t.Fatal("a client role made dev's key; only dev may")
	}

	dev, err := Load(Options{Role: RoleDev})
	if err != nil {
		t.Fatal(err)
	}
	devCodec, from, err := dev.PayloadCodec()
	if err != nil || !devCodec.Encrypts() || from != filepath.Join(dir, DevCodecKey) {
		t.Fatalf("dev codec: encrypts=%v from %q, %v; want dev's key file", devCodec != nil && devCodec.Encrypts(), from, err)
	}
	if fi, err := os.Stat(filepath.Join(dir, DevCodecKey)); err != nil || fi.Mode().Perm() != 0o600 {
		t.Fatalf("dev's codec key: %v, %v; want it made with mode 0600", fi, err)
	}

	clientCodec, _, err := client.PayloadCodec()
	if err != nil || clientCodec.ActiveKeyID() != devCodec.ActiveKeyID() {
		t.Fatalf("client codec key %q, %v; want dev's %q", clientCodec.ActiveKeyID(), err, devCodec.ActiveKeyID())
	}
	p, _ := converter.GetDefaultDataConverter().ToPayload("owner@globex.test")
	enc, _ := devCodec.Encode([]*commonpb.Payload{p})
	if dec, err := clientCodec.Decode(enc); err != nil || string(dec[0].Data) != string(p.Data) {
		t.Errorf("the client does not read what dev wrote: %v", err)
	}
}

func TestCodecKeysFromEnv(t *testing.T) {
	isolate(t)
	t.Setenv(EnvVar("dev.data_dir"), t.TempDir())
	k1, _ := credstore.NewKey()
	k2, _ := credstore.NewKey()
	id2, _, _ := strings.Cut(k2, ":")
	t.Setenv(EnvVar("temporal.codec_keys"), k1+","+k2)
	t.Setenv(EnvVar("temporal.codec_active_key"), id2)
	c, err := Load(Options{Role: RoleClient})
	if err != nil {
		t.Fatal(err)
	}
	pc, from, err := c.PayloadCodec()
	if err != nil || pc.ActiveKeyID() != id2 || from != codec.KeysSetting {
		t.Errorf("codec = %q from %q, %v; want key %s from %s", pc.ActiveKeyID(), from, err, id2, codec.KeysSetting)
	}
	if codec.KeysEnv != EnvVar(codec.KeysSetting) {
		t.Errorf("codec.KeysEnv %s, config says %s", codec.KeysEnv, EnvVar(codec.KeysSetting))
	}
}

func TestCodecValidationNamesKey(t *testing.T) {
	k1, _ := credstore.NewKey()
	for _, tc := range []struct {
		env  map[string]string
		want string
	}{
		{map[string]string{"temporal.codec_keys": "nope"}, "temporal.codec_keys item 1 must be ID:BASE64"},
		{map[string]string{"temporal.codec_keys": k1, "temporal.codec_active_key": "other"}, `temporal.codec_active_key "other" is not among temporal.codec_keys`},
		{map[string]string{"temporal.codec_active_key": "k1"}, "temporal.codec_active_key \"k1\" is set but temporal.codec_keys is empty"},
		{map[string]string{"api.codec_cors_origin": "http://127.0.0.1:8233/ui"}, "api.codec_cors_origin"},
		{map[string]string{"api.codec_cors_origin": "*"}, "api.codec_cors_origin"},
	} {
		t.Run(strings.Join(keysOf(tc.env), ","), func(t *testing.T) {
			isolate(t)
			for k, v := range tc.env {
				t.Setenv(EnvVar(k), v)
			}
			_, err := Load(Options{Role: RoleClient})
			if err == nil || !strings.Contains(err.Error(), tc.want) {
				t.Errorf("err = %v, want one containing %q", err, tc.want)
			}
			if err != nil && strings.Contains(err.Error(), strings.SplitN(k1, ":", 2)[1][:8]) {
				t.Errorf("the error shows key material: %v", err)
			}
		})
	}
}

func TestCodecCORSOriginDefaults(t *testing.T) {
	isolate(t)
	t.Setenv(EnvVar("dev.ui_port"), "9233")
	dev, err := Load(Options{Role: RoleDev})
	if err != nil {
		t.Fatal(err)
	}
	if dev.API.CodecCORSOrigin != "http://127.0.0.1:9233" {
		t.Errorf("dev api.codec_cors_origin = %q, want the embedded Web UI's origin", dev.API.CodecCORSOrigin)
	}
	t.Setenv(EnvVar("api.temporal_ui_url"), "https://temporal.example.com/ui")
	c, err := Load(Options{Role: RoleClient})
	if err != nil {
		t.Fatal(err)
	}
	if c.API.CodecCORSOrigin != "https://temporal.example.com" {
		t.Errorf("api.codec_cors_origin = %q, want the origin of api.temporal_ui_url", c.API.CodecCORSOrigin)
	}
}

func keysOf(m map[string]string) []string {
	var out []string
	for k := range m {
		out = append(out, k)
	}
	return out
}
