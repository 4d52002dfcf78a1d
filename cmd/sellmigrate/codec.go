package main

import (
	"go.uber.org/zap"

	"github.com/sellmigrate/sellmigrate/codec"
	"github.com/sellmigrate/sellmigrate/config"
	"github.com/sellmigrate/sellmigrate/worker"
)

// payloadCodec is the codec of cfg, logged once for the long-running roles (announce),
// so an operator sees whether this process encrypts and under which key; the short
// client commands log it at debug level only.
func payloadCodec(cfg config.Config, logger *zap.Logger, announce bool) (*codec.Codec, error) {
	c, from, err := cfg.PayloadCodec()
	if err != nil {
		return nil, err
	}
	log := logger.Debug
	if announce {
		log = logger.Info
	}
	if c.Encrypts() {
		log("payloads encrypted (AES-256-GCM)", zap.String("activeKey", c.ActiveKeyID()), zap.String("keysFrom", from))
	} else {
		log("payloads in clear: temporal.codec_keys is empty and there is no dev key file", zap.String("devKeyFile", cfg.Temporal.DevCodecKeyFile))
	}
	return c, nil
}

// dialOptions are the client settings of cfg for Temporal at address, with its codec.
func dialOptions(cfg config.Config, address string, c *codec.Codec, logger *zap.Logger) worker.DialOptions {
	return worker.DialOptions{Address: address, Namespace: cfg.Temporal.Namespace, Connection: cfg.Temporal.Connection.Options,
		Logger: logger, DataConverter: c.DataConverter(), FailureConverter: c.FailureConverter()}
}

// codecKeySource says where the payload key comes from, for dev's banner.
func codecKeySource(cfg config.Config) string {
	if len(cfg.Temporal.CodecKeys) > 0 {
		return "keys from temporal.codec_keys"
	}
	return "key in " + cfg.Temporal.DevCodecKeyFile
}
