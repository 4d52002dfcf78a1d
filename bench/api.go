package bench

import (
	"context"
	"crypto/rand"
	"fmt"
	"net"
	"time"

	"github.com/sellmigrate/sellmigrate/api"
	"github.com/sellmigrate/sellmigrate/internal/ownerlink"
	"github.com/sellmigrate/sellmigrate/platform"
	"github.com/sellmigrate/sellmigrate/platform/sim"
	"github.com/sellmigrate/sellmigrate/starter"
)

// benchViewerToken is the API token of the benchmark's own, loopback-only API server.
const benchViewerToken = "bench-viewer"

// serveAPI serves the real HTTP API on a loopback port, as `sellmigrate api` would
// against this stack: the responder's owners sign in through its OAuth routes and the
// simulator's sign-in form, and the parked case times its list. It stops in close.
func (e *env) serveAPI(ctx context.Context, st *starter.Starter) error {
	supportURL := e.simURL + "/zendesk/{subdomain}"
	// The worker's Zendesk settings (startWorker), so the code exchange and users/me
	// reach the same simulator the activities use. No client-side limits: each login
	// makes two calls to its own account, far below the simulator's.
	z, err := platform.New(platform.Config{
		SupportURL: supportURL, SellURL: e.simURL + "/sell", PartnerToken: e.zendesk.partnerToken,
		Logger: e.log.Named("platform"),
	})
	if err != nil {
		return fmt.Errorf("bench: the API's Zendesk client: %w", err)
	}
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		return fmt.Errorf("bench: listen for the API on a loopback port: %w", err)
	}
	e.apiURL = "http://" + ln.Addr().String()
	key := make([]byte, ownerlink.KeySize)
	_, _ = rand.Read(key) // crypto/rand.Read never fails
	if e.links, err = ownerlink.New(key, time.Hour); err != nil {
		_ = ln.Close()
		return fmt.Errorf("bench: the owner-login link signer: %w", err)
	}
	srv, err := api.NewServer(api.Options{
		Starter: st, Logger: e.log.Named("api"),
		Tokens:    api.Tokens{Viewer: []string{benchViewerToken}},
		PublicURL: e.apiURL,
		// The simulator the bench builds registers its default OAuth client with every
		// account and, with no redirect URLs configured, accepts this loopback callback.
		OAuth: api.OAuthOptions{
			ClientID: sim.DefaultOAuthClientID, ClientSecret: sim.DefaultOAuthClientSecret,
			SupportURL: supportURL, Zendesk: z, Grants: e.creds, Links: e.links,
		},
		Codec: api.CodecOptions{Codec: e.codec},
		// The bench's responder signs in every owner from this one loopback address, as
		// fast as the migrations ask; the abuse limits would measure themselves, not
		// the migrations.
		RateLimitPerSecond: 1e6, RateLimitBurst: 1_000_000, OwnerLoginPerMinute: 1_000_000,
	})
	if err != nil {
		_ = ln.Close()
		return fmt.Errorf("bench: build the API server: %w", err)
	}
	sctx, stop := context.WithCancel(context.WithoutCancel(ctx))
	e.stopAPI, e.apiDone = stop, make(chan error, 1)
	go func() { e.apiDone <- srv.ServeListener(sctx, ln) }()
	return nil
}
