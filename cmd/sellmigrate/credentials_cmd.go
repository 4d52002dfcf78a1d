package main

import (
	"os"

	"github.com/spf13/cobra"

	"github.com/sellmigrate/sellmigrate/config"
	"github.com/sellmigrate/sellmigrate/internal/credcmd"
)

// credentialsCmd is `sellmigrate credentials`; its logic and tests live in
// internal/credcmd, which links no Temporal server.
func (a *app) credentialsCmd() *cobra.Command {
	return credcmd.Command(credcmd.Deps{
		Stdin:  os.Stdin,
		Stdout: a.stdout,
		Stderr: a.stderr,
		LoadConfig: func(cmd *cobra.Command) (config.Config, error) {
			cfg, logger, err := a.loadConfig(cmd, config.RoleClient, map[string]string{credcmd.DataDirFlag: "dev.data_dir"})
			if err != nil {
				return config.Config{}, err
			}
			_ = logger.Sync()
			return cfg, nil
		},
	})
}
