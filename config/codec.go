package config

import (
	"errors"
	"fmt"
	"io/fs"
	"net/url"
	"path/filepath"

	"github.com/sellmigrate/sellmigrate/codec"
)

// DevCodecKey is the file under dev's data dir holding the key dev encrypts payloads
// with when temporal.codec_keys is empty.
const DevCodecKey = "codec.key"

// The rule, the same for every role, so a client always reads what the workers wrote:
// payloads are encrypted iff there is a key. Keys come from temporal.codec_keys; when it
// is empty, from dev's key file <dev.data_dir>/codec.key, which `sellmigrate dev` makes
// on first use and every other role reads if it is there (so the CLI run beside dev,
// or given SELLMIGRATE_DEV_DATA_DIR, reads dev's migrations). With neither, payloads go
// out in clear and an encrypted one read back is an error naming temporal.codec_keys.

// useDevCodecKey points an empty temporal.codec_keys at dev's key file; only dev may
// create it.
func (t *Temporal) useDevCodecKey(dataDir string, create bool) {
	if len(t.CodecKeys) == 0 {
		t.DevCodecKeyFile = filepath.Join(dataDir, DevCodecKey)
		t.createDevCodecKey = create
	}
}

// validateCodec checks the keys when given; what is missing is no error (see the rule).
func (t Temporal) validateCodec() error {
	if len(t.CodecKeys) > 0 {
		if _, err := codec.Parse(t.CodecKeys, t.CodecActiveKey); err != nil {
			return fmt.Errorf("config: %w", err)
		}
		return nil
	}
	if t.CodecActiveKey != "" {
		return fmt.Errorf("config: temporal.codec_active_key %q is set but temporal.codec_keys is empty; give the keys too (env %s)", t.CodecActiveKey, EnvVar("temporal.codec_keys"))
	}
	return nil
}

// PayloadCodec is the codec every Temporal client of this process uses, and where its
// key came from (for the log line that says whether payloads are encrypted).
func (c Config) PayloadCodec() (*codec.Codec, string, error) {
	t := c.Temporal
	if len(t.CodecKeys) > 0 {
		p, err := codec.Parse(t.CodecKeys, t.CodecActiveKey)
		if err != nil {
			return nil, "", fmt.Errorf("config: %w", err)
		}
		return p, "temporal.codec_keys", nil
	}
	if t.DevCodecKeyFile == "" {
		return codec.Keyless(), "", nil
	}
	key, err := devKey(t.DevCodecKeyFile, t.createDevCodecKey)
	if errors.Is(err, fs.ErrNotExist) {
		return codec.Keyless(), "", nil
	}
	if err != nil {
		return nil, "", err
	}
	p, err := codec.Parse([]string{key}, "")
	if err != nil {
		return nil, "", fmt.Errorf("config: dev's payload key %s: %w; move it away and run \"sellmigrate dev\" to make a new one (its encrypted histories become unreadable)", t.DevCodecKeyFile, err)
	}
	return p, t.DevCodecKeyFile, nil
}

// codecOrigin checks api.codec_cors_origin: a browser origin, scheme://host[:port].
func codecOrigin(v string) error {
	if v == "" {
		return nil
	}
	u, err := url.Parse(v)
	if err != nil || (u.Scheme != "http" && u.Scheme != "https") || u.Host == "" || (u.Path != "" && u.Path != "/") || u.RawQuery != "" || u.Fragment != "" || u.User != nil {
		return fmt.Errorf("config: api.codec_cors_origin %q must be a browser origin, scheme://host[:port] without a path, e.g. http://127.0.0.1:8233", v)
	}
	return nil
}

// originOf is the origin (scheme://host[:port]) of a base URL, or "" if it has none.
func originOf(base string) string {
	u, err := url.Parse(base)
	if err != nil || u.Scheme == "" || u.Host == "" {
		return ""
	}
	return u.Scheme + "://" + u.Host
}
