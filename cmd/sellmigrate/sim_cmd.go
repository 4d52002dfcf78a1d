package main

import (
	"github.com/spf13/cobra"
	"golang.org/x/sync/errgroup"

	"github.com/sellmigrate/sellmigrate/config"
	"github.com/sellmigrate/sellmigrate/platform/sim"
)

func (a *app) simCmd() *cobra.Command {
	cmd := &cobra.Command{
		Use:   "sim",
		Short: "Serve the Zendesk Support/Sell simulator with the demo data",
		Long: `sim serves the Support API under /zendesk/{subdomain}, the Sell API under /sell
and its ledger under /_sim/ledger, keeping state in DIR/sim.db. Fault injection comes
from sim.error_rate, sim.rate_limit_rate, sim.retry_after and sim.latency.
Its SMTP sink listens on --sim-smtp-listen (what it got: /_sim/mail) and its webhook
receiver takes signed POSTs at /_sim/webhooks (secret sim.webhook_secret).`,
		Args: exactArgs(0, "", "sellmigrate sim --data-dir ./.sellmigrate"),
		RunE: func(cmd *cobra.Command, _ []string) error {
			cfg, logger, err := a.loadConfig(cmd, config.RoleSim, map[string]string{
				"data-dir": "sim.data_dir", "sim-smtp-listen": "sim.smtp_listen"})
			if err != nil {
				return err
			}
			defer func() { _ = logger.Sync() }()
			s, err := openSimulator(cfg, cfg.Sim.DataDir, "--data-dir, config sim.data_dir", logger)
			if err != nil {
				return err
			}
			defer func() { _ = s.Close() }()
			// Either server failing stops the other; both stop cleanly on Ctrl-C.
			g, ctx := errgroup.WithContext(cmd.Context())
			h, err := withStaffIdP(cfg, s.Handler(), logger)
			if err != nil {
				return err
			}
			g.Go(func() error { return sim.Serve(ctx, cfg.Sim.Listen, h, logger) })
			g.Go(func() error { return s.ServeSMTP(ctx, cfg.Sim.SMTPListen) })
			return g.Wait()
		},
	}
	cmd.Flags().String("data-dir", "", "where sim.db lives (config sim.data_dir, default ./.sellmigrate)")
	cmd.Flags().String("sim-listen", "", "host:port to serve on (config sim.listen, default 127.0.0.1:8081)")
	cmd.Flags().String("sim-smtp-listen", "", "host:port of the SMTP sink (config sim.smtp_listen, default 127.0.0.1:2525)")
	return cmd
}
