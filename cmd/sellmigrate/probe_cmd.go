package main

import (
	"github.com/spf13/cobra"

	"github.com/sellmigrate/sellmigrate/internal/probe"
)

// probeCmd is `sellmigrate probe URL`: the container healthcheck. The image is
// distroless, with no shell, curl or wget, so the binary checks its own endpoints. It
// reads no config: only the URL matters, and a healthcheck must not fail on settings.
func (a *app) probeCmd() *cobra.Command {
	return &cobra.Command{
		Use:   "probe URL",
		Short: "Exit 0 if an http:// URL on this machine answers 2xx (a container healthcheck)",
		Example: `  sellmigrate probe http://127.0.0.1:8080/healthz
  sellmigrate probe http://127.0.0.1:9090/readyz`,
		Args: exactArgs(1, "the URL to check", "sellmigrate probe http://127.0.0.1:8080/healthz"),
		RunE: func(cmd *cobra.Command, args []string) error {
			return probe.Check(cmd.Context(), args[0])
		},
	}
}
