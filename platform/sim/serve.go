package sim

import (
	"context"
	"errors"
	"fmt"
	"net"
	"net/http"
	"time"

	"go.uber.org/zap"
)

// shutdownGrace is how long in-flight requests get to finish once ctx is done.
const shutdownGrace = 10 * time.Second

// Serve listens on addr and serves h until ctx is done, then shuts down gracefully:
// it stops accepting, lets in-flight requests finish (up to 10s) and returns nil. It
// returns an error if addr cannot be listened on or the server fails.
func Serve(ctx context.Context, addr string, h http.Handler, logger *zap.Logger) error {
	if logger == nil {
		logger = zap.NewNop()
	}
	ln, err := net.Listen("tcp", addr)
	if err != nil {
		return fmt.Errorf("sim: listen on %s (is another process using the port? pick another address): %w", addr, err)
	}
	srv := &http.Server{
		Handler:           h,
		ReadHeaderTimeout: 10 * time.Second,
		ErrorLog:          zap.NewStdLog(logger.Named("sim.http")),
		BaseContext:       func(net.Listener) context.Context { return context.WithoutCancel(ctx) },
	}
	logger.Info("simulator listening", zap.String("addr", ln.Addr().String()))
	errc := make(chan error, 1)
	go func() { errc <- srv.Serve(ln) }()
	select {
	case err := <-errc:
		return fmt.Errorf("sim: serve on %s: %w", addr, err)
	case <-ctx.Done():
	}
	shutCtx, cancel := context.WithTimeout(context.WithoutCancel(ctx), shutdownGrace)
	defer cancel()
	if err := srv.Shutdown(shutCtx); err != nil {
		_ = srv.Close()
		return fmt.Errorf("sim: graceful shutdown of %s: %w", addr, err)
	}
	if err := <-errc; err != nil && !errors.Is(err, http.ErrServerClosed) {
		return fmt.Errorf("sim: serve on %s: %w", addr, err)
	}
	logger.Info("simulator stopped", zap.String("addr", ln.Addr().String()))
	return nil
}
