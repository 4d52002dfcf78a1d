package worker

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"net"
	"net/http"
	"time"

	"go.uber.org/zap"
)

// ReadyFunc reports why the role cannot do its work yet, or nil when it can.
type ReadyFunc func(ctx context.Context) error

// HealthHandler serves /metrics (when m is set), /healthz (the process is up) and
// /readyz (ready reports nil: for the worker, it polls and Temporal answers).
func HealthHandler(m *Metrics, ready ReadyFunc) http.Handler {
	mux := http.NewServeMux()
	if m != nil {
		mux.Handle("GET /metrics", m.HTTP)
	}
	mux.HandleFunc("GET /healthz", func(w http.ResponseWriter, _ *http.Request) {
		writeHealth(w, http.StatusOK, map[string]any{"ok": true})
	})
	mux.HandleFunc("GET /readyz", func(w http.ResponseWriter, r *http.Request) {
		ctx, cancel := context.WithTimeout(r.Context(), 3*time.Second)
		defer cancel()
		if err := ready(ctx); err != nil {
			writeHealth(w, http.StatusServiceUnavailable, map[string]any{"ok": false, "reason": err.Error()})
			return
		}
		writeHealth(w, http.StatusOK, map[string]any{"ok": true})
	})
	return mux
}

func writeHealth(w http.ResponseWriter, status int, body any) {
	w.Header().Set("Content-Type", "application/json")
	w.Header().Set("Cache-Control", "no-store")
	w.WriteHeader(status)
	_ = json.NewEncoder(w).Encode(body)
}

// ListenHealth opens the metrics address (worker.metrics_listen); the error names the
// setting to change.
func ListenHealth(addr string) (net.Listener, error) {
	ln, err := net.Listen("tcp", addr)
	if err != nil {
		return nil, fmt.Errorf("metrics address %s is not available (%v); stop what uses it or change worker.metrics_listen", addr, err)
	}
	return ln, nil
}

// ServeHealth serves h on ln until ctx ends, then shuts down gracefully.
func ServeHealth(ctx context.Context, ln net.Listener, h http.Handler, logger *zap.Logger) error {
	addr := ln.Addr().String()
	srv := &http.Server{Handler: h, ReadHeaderTimeout: 5 * time.Second}
	logger.Info("metrics and health endpoints listening", zap.String("addr", addr))
	done := make(chan error, 1)
	go func() { done <- srv.Serve(ln) }()
	select {
	case err := <-done:
		return fmt.Errorf("metrics server on %s stopped: %w", addr, err)
	case <-ctx.Done():
	}
	shutdownCtx, cancel := context.WithTimeout(context.WithoutCancel(ctx), 5*time.Second)
	defer cancel()
	if err := srv.Shutdown(shutdownCtx); err != nil {
		return fmt.Errorf("stop metrics server on %s: %w", addr, err)
	}
	if err := <-done; !errors.Is(err, http.ErrServerClosed) {
		return err
	}
	return nil
}
