package main

import (
	"fmt"
	"os"
	"path/filepath"

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
			if err := os.MkdirAll(cfg.Sim.DataDir, 0o755); err != nil {
				return fmt.Errorf("create data directory %s (--data-dir, config sim.data_dir): %w", cfg.Sim.DataDir, err)
			}
			s, err := sim.New(sim.Config{
				DBPath:  filepath.Join(cfg.Sim.DataDir, "sim.db"),
				Faults:  simFaults(cfg),
				Logger:  logger,
				BaseURL: cfg.SimBaseURL(),
				// The API's OAuth client (api.oauth_client_*), so its owner login works here;
				// empty values leave the simulator's defaults, which match dev's.
				OAuthClientID:     cfg.API.OAuthClientID,
				OAuthClientSecret: cfg.API.OAuthClientSecret,
			})
			if err != nil {
				return fmt.Errorf("start the simulator: %w", err)
			}
			defer func() { _ = s.Close() }()
			return sim.Serve(cmd.Context(), cfg.Sim.Listen, s.Handler(), logger)
		},
	}
	cmd.Flags().String("data-dir", "", "where sim.db lives (config sim.data_dir, default ./.sellmigrate)")
	cmd.Flags().String("sim-listen", "", "host:port to serve on (config sim.listen, default 127.0.0.1:8081)")
	return cmd
}
