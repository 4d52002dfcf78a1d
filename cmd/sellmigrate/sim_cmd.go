package main

import (
	"github.com/spf13/cobra"

	"github.com/sellmigrate/sellmigrate/config"
	"github.com/sellmigrate/sellmigrate/platform/sim"
)

func (a *app) simCmd() *cobra.Command {
	cmd := &cobra.Command{
		Use:   "sim",
		Short: "Serve the Zendesk Support/Sell simulator with the demo data",
		Long: `sim serves the Support API under /zendesk/{subdomain}, the Sell API under /sell
and its ledger under /_sim/ledger, keeping state in DIR/sim.db. Fault injection comes
from sim.error_rate, sim.rate_limit_rate, sim.retry_after and sim.latency.`,
		Args: exactArgs(0, "", "sellmigrate sim --data-dir ./.sellmigrate"),
		RunE: func(cmd *cobra.Command, _ []string) error {
			cfg, logger, err := a.loadConfig(cmd, config.RoleSim, map[string]string{"data-dir": "sim.data_dir"})
			if err != nil {
				return err
			}
			defer func() { _ = logger.Sync() }()
			s, err := openSimulator(cfg, cfg.Sim.DataDir, "--data-dir, config sim.data_dir", logger)
			if err != nil {
				return err
			}
			defer func() { _ = s.Close() }()
			return sim.Serve(cmd.Context(), cfg.Sim.Listen, s.Handler(), logger)
		},
	}
	cmd.Flags().String("data-dir", "", "where sim.db lives (config sim.data_dir, default ./.sellmigrate)")
	cmd.Flags().String("sim-listen", "", "host:port to serve on (config sim.listen, default 127.0.0.1:8081)")
	return cmd
}
