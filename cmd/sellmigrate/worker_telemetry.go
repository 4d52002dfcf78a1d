package main

import (
	"context"

	"go.temporal.io/sdk/client"
	"go.uber.org/zap"
	"golang.org/x/sync/errgroup"

	"github.com/sellmigrate/sellmigrate/config"
	"github.com/sellmigrate/sellmigrate/worker"
)

// serveWorkerTelemetry serves /metrics, /healthz and /readyz on worker.metrics_listen
// and keeps the migration gauges current from visibility, until ctx ends. An empty
// worker.metrics_listen turns both off. A taken address is logged, not fatal: a second
// worker on the same host must not stop migrating because it cannot be scraped.
func serveWorkerTelemetry(ctx context.Context, cfg config.Config, c client.Client, m *worker.Metrics, ready worker.ReadyFunc, logger *zap.Logger) error {
	if cfg.Worker.MetricsListen == "" {
		return nil
	}
	ln, err := worker.ListenHealth(cfg.Worker.MetricsListen)
	if err != nil {
		logger.Warn("serving no metrics or health endpoints", zap.Error(err))
		return nil
	}
	g, gctx := errgroup.WithContext(ctx)
	g.Go(func() error {
		return worker.ServeHealth(gctx, ln, worker.HealthHandler(m, ready), logger)
	})
	g.Go(func() error {
		worker.RunStatusGauges(gctx, c, m.Handler, worker.DefaultGaugeInterval, logger)
		return nil
	})
	return g.Wait()
}

// temporalReady is /readyz where no worker runs in this process: Temporal answers.
func temporalReady(c client.Client) worker.ReadyFunc {
	return func(ctx context.Context) error {
		_, err := c.CheckHealth(ctx, &client.CheckHealthRequest{})
		return err
	}
}
