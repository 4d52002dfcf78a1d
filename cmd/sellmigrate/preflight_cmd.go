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

type preflightFlags struct {
	csv, out, name string
	asJSON         bool
}

func (a *app) preflightCmd() *cobra.Command {
	var f preflightFlags
	cmd := &cobra.Command{
		Use:   "preflight --csv FILE [--out REPORT.csv] [--name NAME] [--json]",
		Short: "Check a bulk-start list without changing anything: a verdict per row",
		Long: `preflight checks every row of a list in the format of start --csv, reading only:
the requester is an active Sell admin, the account is not already connected (or is
connected but unfinished), the subdomain is free (new) or exists (existing), the owner
holds a Sell license and owns the Zendesk account, the Contributor role exists, bulk
imports are on, and how long the users' conversion takes at the worker's rate limit.
Checks that need a Zendesk credential say which command adds one when none is stored.

Each row gets a verdict: ready, warning (it can start; read the problems) or blocked
(fix the problems first). The checks run on the worker in the workflow
preflight-NAME (or preflight-<hash of the rows>). The command exits non-zero when a
row is blocked.`,
		Example: `  sellmigrate preflight --csv accounts.csv --out report.csv
  sellmigrate preflight --csv wave-1.csv --name wave-1 --json`,
		Args: exactArgs(0, "", "sellmigrate preflight --csv accounts.csv --out report.csv"),
		RunE: func(cmd *cobra.Command, _ []string) error { return a.preflight(cmd, f) },
	}
	fl := cmd.Flags()
	fl.StringVar(&f.csv, "csv", "", "the list, with the header "+strings.Join(starter.CSVColumns, ","))
	fl.StringVar(&f.out, "out", "", "write the report as CSV to this file")
	fl.StringVar(&f.name, "name", "", "name the preflight (workflow preflight-NAME); default: a hash of the rows")
	fl.BoolVar(&f.asJSON, "json", false, "print the report as JSON instead of a table")
	addTemporalFlags(cmd)
	return cmd
}

func (a *app) preflight(cmd *cobra.Command, f preflightFlags) error {
	if f.csv == "" {
		return fmt.Errorf("preflight needs --csv FILE, a list with the header %s", strings.Join(starter.CSVColumns, ","))
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
	ctx := cmd.Context()
	s, err := a.connect(ctx, cmd)
	if err != nil {
		return err
	}
	defer s.close()
	rep, id, err := s.starter.Preflight(ctx, f.name, rows)
	if err != nil {
		return err
	}
	if f.out != "" {
		if err := writeReport(f.out, rep); err != nil {
			return err
		}
	}
	if f.asJSON {
		if err := printJSON(a.stdout, rep); err != nil {
			return fmt.Errorf("print the report: %w", err)
		}
	} else {
		a.printPreflight(rep)
	}
	a.out("preflight %s: %d ready, %d warning, %d blocked of %d rows\n", id, rep.Ready, rep.Warning, rep.Blocked, len(rep.Rows))
	if f.out != "" {
		a.out("report written to %s\n", f.out)
	}
	if rep.Blocked > 0 {
		return fmt.Errorf("%d of %d rows are blocked; fix what their problems say, then run the preflight again", rep.Blocked, len(rep.Rows))
	}
	return nil
}

// writeReport writes the CSV report; a failed write removes the file, so no half
// report passes for a whole one.
func writeReport(path string, rep contract.PreflightReport) error {
	out, err := os.Create(path)
	if err != nil {
		return fmt.Errorf("create --out file: %w", err)
	}
	if err := starter.WritePreflightCSV(out, rep); err != nil {
		_ = out.Close()
		_ = os.Remove(path)
		return fmt.Errorf("%s: %w", path, err)
	}
	if err := out.Close(); err != nil {
		_ = os.Remove(path)
		return fmt.Errorf("close %s: %w", path, err)
	}
	return nil
}

func (a *app) printPreflight(rep contract.PreflightReport) {
	tw := tabwriter.NewWriter(a.stdout, 0, 4, 2, ' ', 0)
	fmt.Fprintln(tw, "LINE\tACCOUNT\tVERDICT\tUSERS\tESTIMATE\tPROBLEMS")
	for _, r := range rep.Rows {
		users, est := "-", "-"
		if r.Users >= 0 {
			users, est = fmt.Sprint(r.Users), r.Estimate().String()
		}
		problems := "-"
		if len(r.Problems) > 0 {
			problems = report.OneLine(strings.Join(r.Problems, "; "))
		}
		fmt.Fprintf(tw, "%d\t%s\t%s\t%s\t%s\t%s\n", r.Line, r.AccountID, r.Verdict, users, est, problems)
	}
	_ = tw.Flush()
}
