// Package codec encrypts Temporal payloads with AES-256-GCM, so workflow histories hold
// no personal data in clear (requester, owner and `by` emails, account names): only the
// processes holding temporal.codec_keys, and the API's codec endpoint for signed-in
// operators, read them. Each payload names the key it is sealed under, so keys rotate:
// new payloads take the active key, old ones open under theirs. Payloads without this
// encoding pass through on decode, so histories recorded before encryption was turned on
// stay readable and replayable.
package codec

import (
	"errors"
	"fmt"
	"strings"

	commonpb "go.temporal.io/api/common/v1"
	"go.temporal.io/sdk/converter"
	"go.temporal.io/sdk/temporal"
	"google.golang.org/protobuf/proto"

	"github.com/sellmigrate/sellmigrate/keyring"
)

const (
	// Encoding marks an encrypted payload in its metadata (the name Temporal's samples
	// use, so the Web UI and the CLI show it as encrypted).
	Encoding = "binary/encrypted"
	// MetadataKeyID names the key a payload is sealed under.
	MetadataKeyID = "encryption-key-id"
	// KeysSetting and ActiveKeySetting are the config keys the codec's keys come from;
	// KeysEnv is the environment variable of KeysSetting (config holds them equal).
	KeysSetting      = "temporal.codec_keys"
	ActiveKeySetting = "temporal.codec_active_key"
	KeysEnv          = "SELLMIGRATE_TEMPORAL_CODEC_KEYS"
)

// settings name the codec's keys in errors.
var settings = keyring.Settings{Keys: KeysSetting, Active: ActiveKeySetting, NewKeyCommand: "sellmigrate credentials new-key"}

// aadPrefix binds a sealed payload to this codec and its key ID: a payload relabelled
// with another key ID, or sealed by another use of the same key, does not open.
const aadPrefix = "sellmigrate/payload-codec/v1\x00"

// Codec is a converter.PayloadCodec. One without keys (see Keyless) encodes nothing and
// refuses to decode an encrypted payload, saying which setting is missing.
type Codec struct {
	ring keyring.Ring
}

var _ converter.PayloadCodec = (*Codec)(nil)

// Parse builds a codec from "ID:BASE64" keys, the active one named by activeID (empty:
// the only key). Errors name temporal.codec_keys and never echo key material.
func Parse(keys []string, activeID string) (*Codec, error) {
	r, err := keyring.Parse(keys, activeID, settings)
	if err != nil {
		return nil, fmt.Errorf("codec: %w", err)
	}
	return &Codec{ring: r}, nil
}

// Keyless is the codec of a process given no keys: payloads go out in clear, and an
// encrypted one coming back is an error naming temporal.codec_keys rather than an
// obscure "unknown encoding" from deep inside the SDK.
func Keyless() *Codec { return &Codec{} }

// Encrypts says whether new payloads are encrypted.
func (c *Codec) Encrypts() bool { return c.ring.ActiveID() != "" }

// ActiveKeyID is the key new payloads are sealed under, empty when keyless.
func (c *Codec) ActiveKeyID() string { return c.ring.ActiveID() }

func aad(keyID string) []byte { return []byte(aadPrefix + keyID) }

// Encode seals each payload, metadata and data alike, under the active key.
func (c *Codec) Encode(payloads []*commonpb.Payload) ([]*commonpb.Payload, error) {
	if !c.Encrypts() {
		return payloads, nil
	}
	out := make([]*commonpb.Payload, len(payloads))
	for i, p := range payloads {
		plain, err := proto.Marshal(p)
		if err != nil {
			return payloads, fmt.Errorf("codec: marshal a payload to encrypt it: %w", err)
		}
		keyID, sealed, err := c.ring.Seal(plain, aad(c.ring.ActiveID()))
		if err != nil {
			return payloads, fmt.Errorf("codec: encrypt a payload: %w", err)
		}
		out[i] = &commonpb.Payload{
			Metadata: map[string][]byte{converter.MetadataEncoding: []byte(Encoding), MetadataKeyID: []byte(keyID)},
			Data:     sealed,
		}
	}
	return out, nil
}

// Decode opens each encrypted payload under the key it names; others pass through.
func (c *Codec) Decode(payloads []*commonpb.Payload) ([]*commonpb.Payload, error) {
	out := make([]*commonpb.Payload, len(payloads))
	for i, p := range payloads {
		if string(p.GetMetadata()[converter.MetadataEncoding]) != Encoding {
			out[i] = p
			continue
		}
		d, err := c.decodeOne(p)
		if err != nil {
			return payloads, err
		}
		out[i] = d
	}
	return out, nil
}

func (c *Codec) decodeOne(p *commonpb.Payload) (*commonpb.Payload, error) {
	keyID := string(p.GetMetadata()[MetadataKeyID])
	if keyID == "" {
		return nil, fmt.Errorf("codec: an encrypted payload names no key (metadata %s is missing); it was not written by sellmigrate", MetadataKeyID)
	}
	if !c.Encrypts() {
		return nil, fmt.Errorf("codec: a payload is encrypted under key %q, but %s is not set; set it (env %s) to the workers' keys, or against \"sellmigrate dev\" point at its data dir (SELLMIGRATE_DEV_DATA_DIR, where dev keeps codec.key)",
			keyID, KeysSetting, KeysEnv)
	}
	plain, err := c.ring.Open(keyID, p.GetData(), aad(keyID))
	switch {
	case errors.Is(err, keyring.ErrNoKey):
		return nil, fmt.Errorf("codec: a payload is encrypted under key %q, which is not in %s (%s); add that key back (keep retired keys until no open history uses them)",
			keyID, KeysSetting, strings.Join(c.ring.IDs(), ", "))
	case err != nil:
		return nil, fmt.Errorf("codec: a payload does not decrypt under key %q: it was altered, or %s holds a different key under that ID", keyID, KeysSetting)
	}
	var d commonpb.Payload
	if err := proto.Unmarshal(plain, &d); err != nil {
		return nil, fmt.Errorf("codec: a payload decrypted under key %q is not a Temporal payload: %w", keyID, err)
	}
	return &d, nil
}

// DataConverter is the SDK's default converter with this codec over it, for every
// client: the worker's, the API's, the CLI's and the benchmark's.
func (c *Codec) DataConverter() converter.DataConverter {
	return converter.NewCodecDataConverter(converter.GetDefaultDataConverter(), c)
}

// FailureConverter moves each failure's message and stack trace into its encoded
// attributes, which go through DataConverter: error texts name people ("lee@… is not
// the account owner") and would otherwise be stored in clear. Clients decode them back.
func (c *Codec) FailureConverter() converter.FailureConverter {
	return temporal.NewDefaultFailureConverter(temporal.DefaultFailureConverterOptions{
		DataConverter:          c.DataConverter(),
		EncodeCommonAttributes: c.Encrypts(),
	})
}
