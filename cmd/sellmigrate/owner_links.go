package main

import (
	"errors"

	"go.uber.org/zap"

	"github.com/sellmigrate/sellmigrate/config"
	"github.com/sellmigrate/sellmigrate/internal/ownerlink"
)

// ownerLinkSigner signs owner-login links with api.owner_link_key (dev: its key file).
// With no key at all it returns nil and says what that turns off, so a worker or API
// without owner logins (new-account migrations only) still starts; a key that is set
// but wrong is an error.
func ownerLinkSigner(cfg config.Config, logger *zap.Logger, off string) (*ownerlink.Signer, error) {
	s, from, err := cfg.OwnerLinks()
	if errors.Is(err, config.ErrNoOwnerLinkKey) {
		logger.Warn("owner-login links are off: "+off, zap.Error(err))
		return nil, nil
	}
	if err != nil {
		return nil, err
	}
	logger.Debug("owner-login links are signed", zap.String("keyFrom", from), zap.Duration("ttl", s.TTL()))
	return s, nil
}
