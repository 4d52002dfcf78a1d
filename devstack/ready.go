package devstack

import (
	"context"
	"fmt"
	"time"

	"go.temporal.io/sdk/client"
	"go.uber.org/zap"

	"github.com/sellmigrate/sellmigrate/workflows/searchattr"
)

// startupTimeout bounds the readiness steps when the caller's context has no deadline.
const startupTimeout = 2 * time.Minute

// prepareNamespace dials the fresh frontend and makes sure the migration search
// attributes are registered and visible on the namespace before Start returns.
func prepareNamespace(ctx context.Context, frontendAddr string, o Options, logger *zap.Logger) error {
	namespace := o.Namespace
	var conn client.Options
	if o.TLS != nil {
		var err error
		if conn, err = o.TLS.ClientOptions(); err != nil {
			return fmt.Errorf("devstack: %w", err)
		}
	}
	c, err := dialFrontend(ctx, frontendAddr, namespace, conn, logger)
	if err != nil {
		return err
	}
	defer c.Close()
	if err := searchattr.EnsureSearchAttributes(ctx, c, namespace); err != nil {
		return fmt.Errorf("devstack: %w", err)
	}
	return nil
}

// dialFrontend retries until the frontend answers: its listener is up when the server's
// Start returns, but it may refuse calls until its services finish joining.
func dialFrontend(ctx context.Context, addr, namespace string, conn client.Options, logger *zap.Logger) (client.Client, error) {
	var last error
	for {
		opts := conn
		opts.HostPort, opts.Namespace, opts.Logger = addr, namespace, sdkLogger(logger)
		c, err := client.DialContext(ctx, opts)
		if err == nil {
			return c, nil
		}
		last = err
		select {
		case <-ctx.Done():
			return nil, fmt.Errorf("devstack: Temporal frontend at %s did not answer: %w (last: %v)", addr, ctx.Err(), last)
		case <-time.After(100 * time.Millisecond):
		}
	}
}
