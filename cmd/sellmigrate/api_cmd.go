package main

import (
	"context"
	"crypto/sha256"
	"encoding/hex"
	"fmt"
	"net"
	"strings"

	"github.com/spf13/cobra"
	"go.temporal.io/sdk/client"
	"go.uber.org/zap"

	"github.com/sellmigrate/sellmigrate/api"
	"github.com/sellmigrate/sellmigrate/codec"
	"github.com/sellmigrate/sellmigrate/config"
	"github.com/sellmigrate/sellmigrate/credstore"
	"github.com/sellmigrate/sellmigrate/worker"
)

func (a *app) apiCmd() *cobra.Command {
	cmd := &cobra.Command{
		Use:   "api",
		Short: "Serve the HTTP API and the dashboard against the configured Temporal",
		Long: `api serves the HTTP API (/api/v1, described at /openapi.json), the dashboard (/) and
the Zendesk account owner's OAuth login on api.listen (HTTPS with api.tls_cert_file and
api.tls_key_file), and /metrics and /readyz on api.admin_listen. It needs at least one token in
api.tokens (named: "sellmigrate token new" makes one), api.viewer_tokens,
api.ops_tokens or api.admin_tokens, and api.oauth_client_secret
(SELLMIGRATE_API_TOKENS, SELLMIGRATE_API_OAUTH_CLIENT_SECRET). Ctrl-C stops it
gracefully.`,
		Args: exactArgs(0, "", "sellmigrate api --api-listen 127.0.0.1:8080"),
		RunE: func(cmd *cobra.Command, _ []string) error {
			ctx := cmd.Context()
			cfg, logger, err := a.loadConfig(cmd, config.RoleAPI, map[string]string{"api-listen": "api.listen"})
			if err != nil {
				return err
			}
			defer func() { _ = logger.Sync() }()
			ln, err := listenAPI(cfg)
			if err != nil {
				return err
			}
			defer ln.Close()
			admin, err := listenAdmin(cfg)
			if err != nil {
				return err
			}
			if admin != nil {
				defer admin.Close()
			}
			pc, err := payloadCodec(cfg, logger, true)
			if err != nil {
				return err
			}
			c, err := worker.Dial(ctx, dialOptions(cfg, cfg.Temporal.Address, pc, logger))
			if err != nil {
				return err
			}
			defer c.Close()
			// Listing filters on the custom search attributes; without them every list
			// call would fail, so say so now.
			if err := worker.CheckSearchAttributes(ctx, c, cfg.Temporal.Namespace); err != nil {
				return err
			}
			creds, err := openCredentials(ctx, cfg)
			if err != nil {
				return err
			}
			defer func() { _ = creds.Close() }()
			srv, err := newAPIServer(cfg, c, creds, pc, cfg.API.TemporalUIURL, logger)
			if err != nil {
				return err
			}
			return serveAPI(ctx, srv, ln, admin)
		},
	}
	addTemporalFlags(cmd)
	cmd.Flags().String("api-listen", "", "API and dashboard host:port (config api.listen, default 127.0.0.1:8080)")
	return cmd
}

// newAPIServer wires the HTTP API from config; uiURL is the Temporal Web UI to link
// workflows to (empty for none).
func newAPIServer(cfg config.Config, c client.Client, creds *credstore.Store, pc *codec.Codec, uiURL string, logger *zap.Logger) (*api.Server, error) {
	zendesk, err := zendeskClient(cfg, logger)
	if err != nil {
		return nil, err
	}
	links, err := ownerLinkSigner(cfg, logger.Named("api"), "the owner-login page says it is not configured")
	if err != nil {
		return nil, err
	}
	named, err := namedTokens(cfg.API.Tokens)
	if err != nil {
		return nil, err
	}
	return api.NewServer(api.Options{
		Starter: newStarter(cfg, c, pc, logger.Named("starter")),
		Logger:  logger.Named("api"),
		Tokens: api.Tokens{
			Viewer: cfg.API.ViewerTokens,
			Ops:    cfg.API.OpsTokens,
			Admin:  cfg.API.AdminTokens,
			Named:  named,
		},
		PublicURL:     cfg.APIPublicURL(),
		TemporalUIURL: uiURL,
		Namespace:     cfg.Temporal.Namespace,
		OAuth: api.OAuthOptions{
			ClientID:     cfg.API.OAuthClientID,
			ClientSecret: cfg.API.OAuthClientSecret,
			SupportURL:   cfg.Zendesk.SupportURL,
			AuthorizeURL: cfg.API.OAuthAuthorizeURL,
			Zendesk:      zendesk,
			Grants:       creds,
			Links:        links,
		},
		MaxBodyBytes: int64(cfg.API.MaxBodyBytes),

		RateLimitPerSecond:     cfg.API.RateLimitPerSecond,
		RateLimitBurst:         cfg.API.RateLimitBurst,
		MaxStreamsPerPrincipal: cfg.API.MaxStreamsPerPrincipal,
		OwnerLoginPerMinute:    cfg.API.OwnerLoginRatePerMinute,
		Codec:                  api.CodecOptions{Codec: pc, CORSOrigin: cfg.API.CodecCORSOrigin},
		AuditFile:              cfg.Audit.File,
		TLSCertFile:            cfg.API.TLSCertFile,
		TLSKeyFile:             cfg.API.TLSKeyFile,
		OIDC: api.OIDCOptions{Issuer: cfg.API.OIDC.Issuer, ClientID: cfg.API.OIDC.ClientID,
			ClientSecret: cfg.API.OIDC.ClientSecret, RoleClaim: cfg.API.OIDC.RoleClaim},
		Metrics: api.NewMetrics(),
		// Ready while Temporal answers: without it no request can be served.
		Ready: func(ctx context.Context) error {
			if _, err := c.CheckHealth(ctx, &client.CheckHealthRequest{}); err != nil {
				return fmt.Errorf("the Temporal frontend at %s does not answer: %w", cfg.Temporal.Address, err)
			}
			return nil
		},
	})
}

// namedTokens hands api.tokens to the API; config has validated them.
func namedTokens(list []config.APIToken) ([]api.NamedToken, error) {
	out := make([]api.NamedToken, 0, len(list))
	for i, t := range list {
		role, err := api.ParseRole(t.Role)
		if err != nil {
			return nil, fmt.Errorf("api.tokens entry %d (%s): %w", i+1, t.Name, err)
		}
		sum, err := hex.DecodeString(t.SHA256)
		if err != nil || len(sum) != sha256.Size {
			return nil, fmt.Errorf("api.tokens entry %d (%s): sha256 must be 64 hex digits", i+1, t.Name)
		}
		n := api.NamedToken{Name: t.Name, Email: t.Email, Role: role}
		copy(n.SHA256[:], sum)
		out = append(out, n)
	}
	return out, nil
}

// listenAPI opens the API's port first, so a taken port fails at once, naming the
// setting, rather than after Temporal has started.
func listenAPI(cfg config.Config) (net.Listener, error) {
	ln, err := net.Listen("tcp", cfg.API.Listen)
	if err != nil {
		return nil, fmt.Errorf("API address %s is not available (%v); stop what uses it or change --api-listen (config api.listen)", cfg.API.Listen, err)
	}
	return ln, nil
}

// apiBanner says where the API and dashboard are and, in dev, which tokens to use.
func apiBanner(cfg config.Config, admin net.Listener) string {
	tokens := func(list []string, demo string) string {
		if len(list) == 1 && list[0] == demo {
			return demo
		}
		return fmt.Sprintf("%d configured", len(list))
	}
	named := ""
	if n := len(cfg.API.Tokens); n > 0 {
		named = fmt.Sprintf("; %d named (api.tokens)", n)
	}
	return fmt.Sprintf("  API + dashboard     %s/  (OpenAPI: %s/openapi.json)\n%s  API tokens          viewer %s, ops %s, admin %s%s\n",
		strings.TrimRight(cfg.APIPublicURL(), "/"), strings.TrimRight(cfg.APIPublicURL(), "/"), adminBanner(admin),
		tokens(cfg.API.ViewerTokens, config.DemoViewerToken), tokens(cfg.API.OpsTokens, config.DemoOpsToken), tokens(cfg.API.AdminTokens, config.DemoAdminToken), named) +
		staffSignInBanner(cfg)
}
