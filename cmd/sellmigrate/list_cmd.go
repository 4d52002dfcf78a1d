package main

import (
	"fmt"
	"text/tabwriter"

	"github.com/spf13/cobra"

	"github.com/sellmigrate/sellmigrate/internal/report"
	"github.com/sellmigrate/sellmigrate/starter"
)

func (a *app) listCmd() *cobra.Command {
	var f starter.ListFilter
	var asJSON bool
	cmd := &cobra.Command{
		Use:   "list [--status S]",
		Short: "List migrations from Temporal visibility, newest first",
		Long: `list shows every migration (or those with --status S) from the search attributes
each workflow keeps current. S is running, a waiting state (needs_subdomain,
awaiting_owner_login, owner_needs_sell_license, awaiting_disclaimers, needs_attention)
or an outcome (completed, already_connected, failed, cancelled, expired; "canceled"
is read as cancelled). One row per migration: a migration started again shows its
latest run (status ID lists them all).`,
		Args: exactArgs(0, "", "sellmigrate list --status awaiting_disclaimers"),
		RunE: func(cmd *cobra.Command, _ []string) error {
			if _, err := f.Query(); err != nil {
				return err
			}
			ctx := cmd.Context()
			s, err := a.connect(ctx, cmd)
			if err != nil {
				return err
			}
			defer s.close()
			list, err := s.starter.List(ctx, f)
			if err != nil {
				return err
			}
			if asJSON {
				if list == nil {
					list = []starter.Summary{}
				}
				return printJSON(a.stdout, list)
			}
			if len(list) == 0 {
				a.out("no migrations%s\n", filterNote(f))
				return nil
			}
			tw := tabwriter.NewWriter(a.stdout, 0, 4, 2, ' ', 0)
			fmt.Fprintln(tw, "ACCOUNT\tSTATUS\tSTEP\tMODE\tSUBDOMAIN\tSTARTED")
			for _, m := range list {
				fmt.Fprintf(tw, "%s\t%s\t%s\t%s\t%s\t%s\n", m.AccountID, m.Status, m.Step, m.Mode, report.Dash(m.Subdomain), report.When(m.StartTime))
			}
			_ = tw.Flush()
			a.out("%d migration(s)%s\n", len(list), filterNote(f))
			return nil
		},
	}
	cmd.Flags().StringVar(&f.Status, "status", "", "only migrations with this status")
	cmd.Flags().IntVar(&f.Limit, "limit", 0, "show at most this many (0 = all)")
	cmd.Flags().BoolVar(&asJSON, "json", false, "print the list as JSON")
	addTemporalFlags(cmd)
	return cmd
}

func filterNote(f starter.ListFilter) string {
	if f.Status == "" {
		return ""
	}
	return " with status " + f.Status
}
