package main

import (
	"fmt"
	"os"
	"strings"
	"text/tabwriter"

	"github.com/spf13/cobra"

	"github.com/sellmigrate/sellmigrate/contract"
	"github.com/sellmigrate/sellmigrate/internal/report"
	"github.com/sellmigrate/sellmigrate/starter"
)

type startFlags struct {
	account, mode, subdomain, requestedBy, ownerEmail, csv string
	wait                                                   bool
}

func (a *app) startCmd() *cobra.Command {
	var f startFlags
	cmd := &cobra.Command{
		Use:   "start --account ID --mode new|existing --subdomain NAME --requested-by EMAIL [--owner-email EMAIL] [--wait] | --csv FILE",
		Short: "Start the migration of one Sell account, or of every account in a CSV file",
		Long: `start begins a migration. With --csv FILE it starts one per row; the file's header
is ` + strings.Join(starter.CSVColumns, ",") + ` and a bad row does not stop the others.
A running or completed migration is never started twice; a failed or cancelled one may be.`,
		Example: `  sellmigrate start --account 1001 --mode new --subdomain acme --requested-by admin@acme.test --wait
  sellmigrate start --account 1002 --mode existing --subdomain globex --requested-by admin@globex.test --owner-email owner@globex.test
  sellmigrate start --csv accounts.csv`,
		Args: exactArgs(0, "", "sellmigrate start --account 1001 --mode new --subdomain acme --requested-by admin@acme.test"),
		RunE: func(cmd *cobra.Command, _ []string) error {
			if f.csv != "" {
				return a.startBulk(cmd, f)
			}
			return a.startOne(cmd, f)
		},
	}
	fl := cmd.Flags()
	fl.StringVar(&f.account, "account", "", "Sell account ID, e.g. 1001")
	fl.StringVar(&f.mode, "mode", "", "new (create a Zendesk account) or existing (join one)")
	fl.StringVar(&f.subdomain, "subdomain", "", "Zendesk subdomain; empty makes the migration wait for choose-subdomain")
	fl.StringVar(&f.requestedBy, "requested-by", "", "email of the Sell admin asking for the migration")
	fl.StringVar(&f.ownerEmail, "owner-email", "", "expected Zendesk account owner (mode existing)")
	fl.BoolVar(&f.wait, "wait", false, "wait until the migration ends and print its result")
	fl.StringVar(&f.csv, "csv", "", "CSV file to start many migrations from")
	addTemporalFlags(cmd)
	return cmd
}

// checkStartFlags refuses missing or conflicting flags before anything else happens.
func checkStartFlags(cmd *cobra.Command, f startFlags) error {
	if f.csv != "" {
		for _, name := range []string{"account", "mode", "subdomain", "requested-by", "owner-email", "wait"} {
			if cmd.Flags().Changed(name) {
				return fmt.Errorf("--csv cannot be combined with --%s: the file gives every row's fields", name)
			}
		}
		return nil
	}
	missing := map[string]string{
		"account":      "--account (the Sell account ID, e.g. --account 1001)",
		"mode":         "--mode (new or existing)",
		"requested-by": "--requested-by (the Sell admin's email, e.g. admin@acme.test)",
	}
	for _, name := range []string{"account", "mode", "requested-by"} {
		if strings.TrimSpace(cmd.Flags().Lookup(name).Value.String()) == "" {
			return fmt.Errorf("start needs %s, or --csv FILE", missing[name])
		}
	}
	return nil
}

func (a *app) startOne(cmd *cobra.Command, f startFlags) error {
	if err := checkStartFlags(cmd, f); err != nil {
		return err
	}
	req := starter.StartRequest{AccountID: f.account, Mode: f.mode, Subdomain: f.subdomain, RequestedBy: f.requestedBy, OwnerEmail: f.ownerEmail}
	// Checked before connecting, so bad input is reported even with Temporal down.
	if _, err := req.Input(contract.DefaultPolicy()); err != nil {
		return err
	}
	ctx := cmd.Context()
	s, err := a.connect(ctx, cmd)
	if err != nil {
		return err
	}
	defer s.close()
	started, err := s.starter.Start(ctx, req)
	if err != nil {
		return err
	}
	a.out("started migration for Sell account %s (workflow %s, run %s)\n", started.AccountID, started.WorkflowID, started.RunID)
	if !f.wait {
		a.out("follow it with: sellmigrate status %s\n", started.AccountID)
		return nil
	}
	a.out("waiting for it to end; it may wait for people (see \"sellmigrate status %s\" in another terminal)\n", started.AccountID)
	res, err := s.starter.Wait(ctx, started.AccountID)
	if err != nil {
		return err
	}
	a.out("%s\n", report.ResultLine(res))
	return nil
}

func (a *app) startBulk(cmd *cobra.Command, f startFlags) error {
	if err := checkStartFlags(cmd, f); err != nil {
		return err
	}
	file, err := os.Open(f.csv)
	if err != nil {
		return fmt.Errorf("open --csv file: %w", err)
	}
	defer func() { _ = file.Close() }()
	rows, err := starter.ParseCSV(file)
	if err != nil {
		return fmt.Errorf("%s: %w", f.csv, err)
	}
	var results []starter.BulkResult
	if ready(rows) == 0 {
		// Nothing to start, so Temporal is not needed to report the bad rows.
		for _, r := range rows {
			results = append(results, starter.BulkResult{Line: r.Line, AccountID: r.Request.AccountID, Err: r.Err})
		}
	} else {
		ctx := cmd.Context()
		s, err := a.connect(ctx, cmd)
		if err != nil {
			return err
		}
		defer s.close()
		results = s.starter.StartRows(ctx, rows)
	}
	return a.printBulk(f.csv, results)
}

func ready(rows []starter.CSVRow) int {
	n := 0
	for _, r := range rows {
		if r.Err == nil {
			n++
		}
	}
	return n
}

func (a *app) printBulk(file string, results []starter.BulkResult) error {
	tw := tabwriter.NewWriter(a.stdout, 0, 4, 2, ' ', 0)
	fmt.Fprintln(tw, "LINE\tACCOUNT\tRESULT\tDETAIL")
	var failed []string
	for _, r := range results {
		if r.OK() {
			fmt.Fprintf(tw, "%d\t%s\tstarted\t%s\n", r.Line, r.AccountID, r.WorkflowID)
			continue
		}
		failed = append(failed, fmt.Sprint(r.Line))
		fmt.Fprintf(tw, "%d\t%s\terror\t%s\n", r.Line, r.AccountID, report.OneLine(r.Err.Error()))
	}
	_ = tw.Flush()
	a.out("started %d of %d rows from %s\n", len(results)-len(failed), len(results), file)
	if len(failed) > 0 {
		return fmt.Errorf("%d of %d rows were not started (%s %s); fix those rows and start them again", len(failed), len(results), plural(len(failed), "line", "lines"), strings.Join(failed, ", "))
	}
	return nil
}

func plural(n int, one, many string) string {
	if n == 1 {
		return one
	}
	return many
}
