//go:build lean

package main

import (
	"fmt"

	"github.com/spf13/cobra"
)

// stackCommands, in the lean build (see stack_cmds.go), are placeholders for dev and
// bench that say why they are missing, instead of cobra's bare "unknown command".
func (a *app) stackCommands() []*cobra.Command {
	return []*cobra.Command{
		leanPlaceholder("dev", "Run everything on this machine (not in this lean build)"),
		leanPlaceholder("bench", "Measure migrations end to end (not in this lean build)"),
	}
}

func leanPlaceholder(name, short string) *cobra.Command {
	return &cobra.Command{
		Use:   name,
		Short: short,
		// Any flags a person passes get the same explanation, not a flag error.
		DisableFlagParsing: true,
		RunE: func(*cobra.Command, []string) error {
			return fmt.Errorf("sellmigrate %s is not in this build: it was built with -tags lean, which leaves out the embedded Temporal server and Web UI; "+
				"build without the tag (go build ./cmd/sellmigrate) to run %s, or point this binary at a Temporal cluster (temporal.address)", name, name)
		},
	}
}
