package main

import (
	"fmt"

	"github.com/spf13/cobra"
	"golang.org/x/sync/errgroup"

	"github.com/sellmigrate/sellmigrate/bench"
	"github.com/sellmigrate/sellmigrate/config"
	"github.com/sellmigrate/sellmigrate/worker"
	"github.com/sellmigrate/sellmigrate/workflows/searchattr"
)

// benchFloorFlag is the hidden worker flag that registers the floor workflow; bench
// starts its worker process with it.
const benchFloorFlag = "bench-floor"

func (a *app) workerCmd() *cobra.Command {
	cmd := &cobra.Command{
		Use:   "worker",
		Short: "Run a migration worker against the configured Temporal and Zendesk",
		Long: `worker polls the sell-migrations task queue and runs migrations. It acts in each
Zendesk account with the credentials stored for it (credentials.dsn, credentials.keys:
the owner's sign-in, the new account's own token, or a token added with
"sellmigrate credentials add"), and needs zendesk.partner_token to create accounts and
zendesk.sell_token_template for Sell. Ctrl-C stops it gracefully.`,
		Args: exactArgs(0, "", "sellmigrate worker --temporal-address 127.0.0.1:7233"),
		RunE: func(cmd *cobra.Command, _ []string) error {
			ctx := cmd.Context()
			cfg, logger, err := a.loadConfig(cmd, config.RoleWorker, nil)
			if err != nil {
				return err
			}
			defer func() { _ = logger.Sync() }()
			metrics := worker.NewMetrics(logger)
			defer func() { _ = metrics.Close() }()
			pc, err := payloadCodec(cfg, logger, true)
			if err != nil {
				return err
			}
			dial := dialOptions(cfg, cfg.Temporal.Address, pc, logger)
			dial.MetricsHandler = metrics.Handler
			c, err := worker.Dial(ctx, dial)
			if err != nil {
				return err
			}
			defer c.Close()
			// Register the search attributes the workflow upserts if the namespace lacks
			// them; where the operator API is not allowed, say which ones to create.
			if err := searchattr.EnsureSearchAttributes(ctx, c, cfg.Temporal.Namespace); err != nil {
				if checkErr := worker.CheckSearchAttributes(ctx, c, cfg.Temporal.Namespace); checkErr != nil {
					return fmt.Errorf("%w (registering them failed: %v)", checkErr, err)
				}
			}
			var tune []func(*worker.Options)
			if floor, _ := cmd.Flags().GetBool(benchFloorFlag); floor {
				tune = append(tune, func(o *worker.Options) { o.Register = bench.RegisterFloor })
			}
			creds, err := openCredentials(ctx, cfg)
			if err != nil {
				return err
			}
			defer func() { _ = creds.Close() }()
			w, err := newWorker(cfg, c, pc, creds, logger, tune...)
			if err != nil {
				return err
			}
			g, gctx := errgroup.WithContext(ctx)
			g.Go(func() error { return serveWorkerTelemetry(gctx, cfg, c, metrics, w.Ready(c), logger) })
			g.Go(func() error { return w.Run(gctx) })
			return g.Wait()
		},
	}
	addTemporalFlags(cmd)
	cmd.Flags().Bool(benchFloorFlag, false, "also register the benchmark's floor workflow (used by sellmigrate bench)")
	_ = cmd.Flags().MarkHidden(benchFloorFlag)
	return cmd
}
