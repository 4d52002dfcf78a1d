package api

import (
	"context"
	"errors"
	"fmt"
	"net"
	"net/http"
	"time"

	"go.uber.org/zap"
)

// AdminHandler serves what operators' tools read, apart from the public listener
// (api.admin_listen): GET /metrics (when Options.Metrics is set), GET /readyz and
// GET /healthz. Metrics name routes and load, and readiness reasons name internal
// addresses, neither of which the public should see.
func (s *Server) AdminHandler() http.Handler {
	mux := http.NewServeMux()
	if s.opts.Metrics != nil {
		mux.Handle("GET /metrics", s.opts.Metrics.Handler())
	}
	mux.HandleFunc("GET /readyz", func(w http.ResponseWriter, r *http.Request) { serveReadyz(w, r, s.opts.Ready) })
	mux.HandleFunc("GET /healthz", func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Content-Type", "application/json")
		w.Header().Set("Cache-Control", "no-store")
		_, _ = w.Write([]byte("{\"ok\":true}\n"))
	})
	return withRequestID(mux)
}

// ServeAdmin serves AdminHandler on ln, plain HTTP, until ctx is done.
func (s *Server) ServeAdmin(ctx context.Context, ln net.Listener) error {
	srv := &http.Server{
		Handler:           s.AdminHandler(),
		ReadHeaderTimeout: 5 * time.Second,
		ReadTimeout:       10 * time.Second,
		WriteTimeout:      30 * time.Second,
		ErrorLog:          zap.NewStdLog(s.log.Named("admin")),
	}
	errc := make(chan error, 1)
	go func() { errc <- srv.Serve(ln) }()
	s.log.Info("API admin endpoints listening (/metrics, /readyz)", zap.String("address", ln.Addr().String()))
	select {
	case err := <-errc:
		return fmt.Errorf("api: serve /metrics and /readyz on %s (api.admin_listen): %w", ln.Addr(), err)
	case <-ctx.Done():
	}
	shutdownCtx, cancel := context.WithTimeout(context.WithoutCancel(ctx), 5*time.Second)
	defer cancel()
	if err := srv.Shutdown(shutdownCtx); err != nil {
		_ = srv.Close()
	}
	if err := <-errc; !errors.Is(err, http.ErrServerClosed) {
		return fmt.Errorf("api: serve /metrics and /readyz: %w", err)
	}
	return nil
}

// ListenAdmin opens api.admin_listen; the error names the setting to change.
func ListenAdmin(addr string) (net.Listener, error) {
	ln, err := net.Listen("tcp", addr)
	if err != nil {
		return nil, fmt.Errorf("API admin address %s is not available (%v); stop what uses it or change api.admin_listen (port 0 takes any free port, empty serves no /metrics or /readyz)", addr, err)
	}
	return ln, nil
}
