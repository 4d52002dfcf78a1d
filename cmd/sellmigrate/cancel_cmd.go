package main

import (
	"github.com/spf13/cobra"

	"github.com/sellmigrate/sellmigrate/starter"
)

func (a *app) cancelCmd() *cobra.Command {
	cmd := &cobra.Command{
		Use:   "cancel ID",
		Short: "Cancel a migration; it releases a subdomain it created and did not link",
		Args:  exactArgs(1, "the Sell account ID or workflow ID", "sellmigrate cancel 1001"),
		RunE: func(cmd *cobra.Command, args []string) error {
			accountID, workflowID, err := starter.ParseRef(args[0])
			if err != nil {
				return err
			}
			ctx := cmd.Context()
			s, err := a.connect(ctx, cmd)
			if err != nil {
				return err
			}
			defer s.close()
			if err := s.starter.Cancel(ctx, args[0]); err != nil {
				return err
			}
			a.out("cancellation requested for Sell account %s (workflow %s); see the outcome with: sellmigrate status %s\n", accountID, workflowID, accountID)
			return nil
		},
	}
	addTemporalFlags(cmd)
	return cmd
}
