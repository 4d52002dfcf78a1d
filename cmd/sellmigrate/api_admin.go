package main

import (
	"context"
	"net"

	"golang.org/x/sync/errgroup"

	"github.com/sellmigrate/sellmigrate/api"
	"github.com/sellmigrate/sellmigrate/config"
)

// listenAdmin opens api.admin_listen with the public port, so a taken address fails
// the start at once, naming the setting; nil when the setting is empty.
func listenAdmin(cfg config.Config) (net.Listener, error) {
	if cfg.API.AdminListen == "" {
		return nil, nil
	}
	return api.ListenAdmin(cfg.API.AdminListen)
}

// serveAPI serves the public listener and, when open, the admin one (/metrics,
// /readyz) until ctx ends; either failing stops both.
func serveAPI(ctx context.Context, srv *api.Server, public, admin net.Listener) error {
	if admin == nil {
		return srv.ServeListener(ctx, public)
	}
	g, gctx := errgroup.WithContext(ctx)
	g.Go(func() error { return srv.ServeListener(gctx, public) })
	g.Go(func() error { return srv.ServeAdmin(gctx, admin) })
	return g.Wait()
}

// adminBanner is the banner's line for the admin listener.
func adminBanner(admin net.Listener) string {
	if admin == nil {
		return "  API metrics         off (api.admin_listen is empty)\n"
	}
	base := "http://" + admin.Addr().String()
	return "  API metrics         " + base + "/metrics  (readiness: " + base + "/readyz)\n"
}
