package main

import (
	"fmt"

	"github.com/spf13/cobra"

	"github.com/sellmigrate/sellmigrate/internal/report"
	"github.com/sellmigrate/sellmigrate/starter"
)

func (a *app) statusCmd() *cobra.Command {
	var asJSON bool
	cmd := &cobra.Command{
		Use:   "status ID [--json]",
		Short: "Show where a migration stands: step, status, what it waits for, attempts, errors, result",
		Args:  exactArgs(1, "the Sell account ID or workflow ID", "sellmigrate status 1001"),
		RunE: func(cmd *cobra.Command, args []string) error {
			if _, _, err := starter.ParseRef(args[0]); err != nil {
				return err
			}
			ctx := cmd.Context()
			s, err := a.connect(ctx, cmd)
			if err != nil {
				return err
			}
			defer s.close()
			r, err := s.starter.Status(ctx, args[0])
			if err != nil {
				return err
			}
			if asJSON {
				if err := printJSON(a.stdout, r); err != nil {
					return fmt.Errorf("write status as JSON: %w", err)
				}
				return nil
			}
			report.Print(a.stdout, r)
			return nil
		},
	}
	cmd.Flags().BoolVar(&asJSON, "json", false, "print the progress and execution details as JSON")
	addTemporalFlags(cmd)
	return cmd
}
