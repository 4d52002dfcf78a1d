package main

import (
	"fmt"
	"net/http"

	"go.uber.org/zap"

	"github.com/sellmigrate/sellmigrate/config"
	"github.com/sellmigrate/sellmigrate/platform/sim/staffidp"
)

// withStaffIdP serves the simulator's demo staff OIDC provider under /_oidc beside
// the simulator itself, so dev's dashboard signs staff in with nothing to configure.
// Only the sim and dev roles carry it; the API reaches it as any OIDC provider.
func withStaffIdP(cfg config.Config, simHandler http.Handler, logger *zap.Logger) (http.Handler, error) {
	idp, err := staffidp.New(staffidp.Options{
		Issuer:       cfg.DevOIDCIssuer(),
		ClientID:     cfg.API.OIDC.ClientID,
		RedirectURIs: []string{cfg.OIDCRedirectURL()},
		RoleClaim:    cfg.API.OIDC.RoleClaim,
		Logger:       logger.Named("staffidp"),
	})
	if err != nil {
		return nil, fmt.Errorf("the simulator's demo staff sign-in provider: %w", err)
	}
	mux := http.NewServeMux()
	mux.Handle(config.DevOIDCPath+"/", http.StripPrefix(config.DevOIDCPath, idp))
	mux.Handle("/", simHandler)
	return mux, nil
}

// staffSignInBanner says how staff sign in to the dashboard: through the configured
// OIDC provider, and in dev which demo users the simulator's provider knows.
func staffSignInBanner(cfg config.Config) string {
	switch {
	case cfg.API.OIDC.Issuer == "":
		return ""
	case cfg.API.OIDC.Issuer == cfg.DevOIDCIssuer():
		return fmt.Sprintf("  Staff sign-in       %s  (viewer@, ops@, admin@example.test; password %s)\n", cfg.API.OIDC.Issuer, staffidp.DemoPassword)
	default:
		return fmt.Sprintf("  Staff sign-in       %s\n", cfg.API.OIDC.Issuer)
	}
}
