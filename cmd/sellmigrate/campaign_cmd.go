package main

import (
	"context"
	"fmt"
	"io"
	"os"
	"sort"
	"strconv"
	"strings"
	"text/tabwriter"

	"github.com/spf13/cobra"

	"github.com/sellmigrate/sellmigrate/contract"
	"github.com/sellmigrate/sellmigrate/internal/report"
	"github.com/sellmigrate/sellmigrate/starter"
)

func (a *app) campaignCmd() *cobra.Command {
	cmd := &cobra.Command{
		Use:   "campaign",
		Short: "Run a wave of migrations from a list: paced, in time windows, pausable",
		Long: `A campaign is the workflow campaign-NAME. It starts the migrations of a list at most
--rate a minute, with at most --max-active migrations in active steps at once (those
waiting for a person do not count), and only inside its --window(s). Invalid, repeated
or already running rows are reported on their row; the rest go on.`,
	}
	cmd.AddCommand(a.campaignStartCmd(), a.campaignStatusCmd(), a.campaignControlCmd("pause"),
		a.campaignControlCmd("resume"), a.campaignCancelCmd(), a.campaignAddCmd(),
		a.campaignReportCmd(), a.campaignListCmd())
	return cmd
}

type campaignStartFlags struct {
	name, csv, json, rate, by string
	maxActive                 int
	windows                   []string
	dryRun                    bool
}

func (a *app) campaignStartCmd() *cobra.Command {
	var f campaignStartFlags
	cmd := &cobra.Command{
		Use:   "start --name N --csv F [--max-active K] [--rate R/m] [--window SPEC ...] [--dry-run] --by EMAIL",
		Short: "Start a campaign from a list (or, with --dry-run, preflight the list)",
		Long: `start checks the list and the flags, then starts the campaign. The list has the
header ` + strings.Join(starter.CSVColumns, ",") + ` and optionally ` + starter.CampaignTimeZoneColumn + `
(the tenant's IANA zone, in which the windows then apply to that row); --json takes
the same rows as a JSON array. Rows beyond ` + strconv.Itoa(contract.MaxCampaignAddRows) + ` are sent as adds.
With --dry-run nothing starts: the preflight checks the same rows and prints its report.`,
		Example: `  sellmigrate campaign start --name wave-1 --csv wave-1.csv --dry-run
  sellmigrate campaign start --name wave-1 --csv wave-1.csv --max-active 20 --rate 30/m \
      --window "Mon-Fri 09:00-17:00 Europe/Paris" --by ops@example.com`,
		Args: exactArgs(0, "", "sellmigrate campaign start --name wave-1 --csv wave-1.csv --by ops@example.com"),
		RunE: func(cmd *cobra.Command, _ []string) error { return a.campaignStart(cmd, f) },
	}
	fl := cmd.Flags()
	fl.StringVar(&f.name, "name", "", "the campaign's name: lowercase letters, digits and hyphens, e.g. wave-1")
	fl.StringVar(&f.csv, "csv", "", "the list as CSV")
	fl.StringVar(&f.json, "json", "", "the list as a JSON array of rows (instead of --csv)")
	fl.IntVar(&f.maxActive, "max-active", contract.DefaultCampaignMaxActive, "at most this many migrations in active steps at once")
	fl.StringVar(&f.rate, "rate", strconv.Itoa(contract.DefaultCampaignRate)+"/m", "at most this many starts a minute, e.g. 30/m")
	fl.StringArrayVar(&f.windows, "window", nil, "start only inside this window (repeatable): "+contract.WindowForm)
	fl.BoolVar(&f.dryRun, "dry-run", false, "preflight the rows and print the report; start nothing")
	fl.StringVar(&f.by, "by", "", "your email, recorded with the campaign")
	addTemporalFlags(cmd)
	return cmd
}

// parseRate reads --rate: "30/m", "30/min" or "30".
func parseRate(s string) (int, error) {
	r, err := contract.ParseCampaignRate(s)
	if err != nil {
		// The message begins "rate ...": name the flag.
		return 0, fmt.Errorf("--%w", err)
	}
	return r, nil
}

// readCampaignList reads --csv or --json; exactly one must be given.
func readCampaignList(csvPath, jsonPath string) ([]starter.CampaignCSVRow, error) {
	switch {
	case csvPath != "" && jsonPath != "":
		return nil, fmt.Errorf("give the list with --csv or --json, not both")
	case csvPath == "" && jsonPath == "":
		return nil, fmt.Errorf("give the list with --csv FILE (header %s[,%s]) or --json FILE", strings.Join(starter.CSVColumns, ","), starter.CampaignTimeZoneColumn)
	}
	path, parse := csvPath, starter.ParseCampaignCSV
	if jsonPath != "" {
		path, parse = jsonPath, starter.ParseCampaignJSON
	}
	file, err := os.Open(path)
	if err != nil {
		return nil, fmt.Errorf("open the list: %w", err)
	}
	defer func() { _ = file.Close() }()
	rows, err := parse(file)
	if err != nil {
		return nil, fmt.Errorf("%s: %w", path, err)
	}
	return rows, nil
}

func (a *app) campaignStart(cmd *cobra.Command, f campaignStartFlags) error {
	// Everything is checked before connecting, so bad input changes nothing.
	if err := contract.ValidateCampaignName(f.name); err != nil {
		return fmt.Errorf("--name: %w", err)
	}
	rate, err := parseRate(f.rate)
	if err != nil {
		return err
	}
	if f.maxActive < 1 {
		return fmt.Errorf("--max-active %d is not valid: give at least 1, e.g. --max-active 20", f.maxActive)
	}
	if len(f.windows) > contract.MaxCampaignWindows {
		return fmt.Errorf("--window given %d times; a campaign takes at most %d windows", len(f.windows), contract.MaxCampaignWindows)
	}
	if _, err := contract.ParseWindows(f.windows); err != nil {
		return fmt.Errorf("--window: %w", err)
	}
	if !f.dryRun {
		if err := (contract.CampaignControlInput{By: f.by}).Check(); err != nil {
			return fmt.Errorf("--by: give your email, e.g. --by ops@example.com (%w)", err)
		}
	}
	rows, err := readCampaignList(f.csv, f.json)
	if err != nil {
		return err
	}
	return a.withSession(cmd, func(ctx context.Context, s *session) error {
		if f.dryRun {
			rep, id, err := s.starter.Preflight(ctx, f.name, starter.CampaignPreflightRows(rows))
			if err != nil {
				return err
			}
			a.printPreflight(rep)
			a.out("dry run: nothing started; preflight %s: %d ready, %d warning, %d blocked of %d rows\n", id, rep.Ready, rep.Warning, rep.Blocked, len(rep.Rows))
			if rep.Blocked > 0 {
				return fmt.Errorf("%d of %d rows are blocked; fix what their problems say, then run the dry run again", rep.Blocked, len(rep.Rows))
			}
			return nil
		}
		started, err := s.starter.StartCampaign(ctx, starter.CampaignRequest{Name: f.name, Rows: starter.CampaignRows(rows),
			MaxActive: f.maxActive, RatePerMinute: rate, Windows: f.windows, By: f.by})
		if err != nil {
			return err
		}
		a.out("campaign %s started (workflow %s) with %d rows; follow it with: sellmigrate campaign status %s\n", f.name, started.WorkflowID, started.Sent, f.name)
		if started.AddErr != nil {
			return fmt.Errorf("rows %d to %d were not added (%w); the campaign runs with the first %d; send the rest with \"sellmigrate campaign add %s\" once more have started",
				started.Sent+1, len(rows), started.AddErr, started.Sent, f.name)
		}
		return nil
	})
}

func (a *app) campaignStatusCmd() *cobra.Command {
	var asJSON bool
	cmd := &cobra.Command{
		Use:   "status NAME",
		Short: "Show a running campaign's progress: counts, rate, window, paused",
		Args:  exactArgs(1, "the campaign's name", "sellmigrate campaign status wave-1"),
		RunE: func(cmd *cobra.Command, args []string) error {
			if err := contract.ValidateCampaignName(args[0]); err != nil {
				return err
			}
			return a.withSession(cmd, func(ctx context.Context, s *session) error {
				rep, err := s.starter.CampaignReport(ctx, args[0])
				if err != nil {
					return err
				}
				if asJSON {
					if rep.Progress != nil {
						return printJSON(a.stdout, rep.Progress)
					}
					return printJSON(a.stdout, rep.Report)
				}
				if rep.Progress == nil {
					a.printCampaignCounts(rep.Report.Counts)
					a.out("campaign %s has ended; see every row with: sellmigrate campaign report %s\n", args[0], args[0])
					return nil
				}
				a.printCampaignProgress(*rep.Progress)
				return nil
			})
		},
	}
	cmd.Flags().BoolVar(&asJSON, "json", false, "print the progress as JSON")
	addTemporalFlags(cmd)
	return cmd
}

func (a *app) printCampaignCounts(c contract.CampaignCounts) {
	a.out("rows: %d total, %d queued, %d started, %d refused, %d not started\n", c.Total, c.Queued, c.Started, c.Refused, c.NotStarted)
}

func (a *app) printCampaignProgress(p contract.CampaignProgress) {
	a.out("campaign %s (%s): %s, paused: %t\n", p.Name, p.WorkflowID, p.State, p.Paused)
	a.printCampaignCounts(p.Counts)
	statuses := make([]string, 0, len(p.ByStatus))
	for st := range p.ByStatus {
		statuses = append(statuses, string(st))
	}
	sort.Strings(statuses)
	var parts []string
	for _, st := range statuses {
		parts = append(parts, fmt.Sprintf("%s %d", st, p.ByStatus[contract.Status(st)]))
	}
	if len(parts) == 0 {
		parts = []string{"none yet"}
	}
	a.out("migrations by status (counted every 30 s): %s\n", strings.Join(parts, ", "))
	a.out("active: %d of at most %d\n", p.Active, p.MaxActive)
	a.out("rate: %.1f starts/min achieved, target %d/min\n", p.AchievedPerMinute, p.RatePerMinute)
	switch {
	case len(p.Windows) == 0:
		a.out("windows: none (starts at any time)\n")
	case p.NextWindow != nil:
		a.out("windows: %s; outside them now, next opens %s\n", strings.Join(p.Windows, "; "), report.When(*p.NextWindow))
	default:
		a.out("windows: %s; inside one now\n", strings.Join(p.Windows, "; "))
	}
	if p.Counts.Refused > 0 {
		a.out("%d row(s) refused; see them with: sellmigrate campaign report %s\n", p.Counts.Refused, p.Name)
	}
}

func (a *app) campaignControlCmd(control string) *cobra.Command {
	var by string
	what := map[string]string{
		"pause":  "Stop a campaign's new starts; running migrations go on",
		"resume": "Resume a paused campaign where it stopped",
	}[control]
	cmd := &cobra.Command{
		Use:   control + " NAME --by EMAIL",
		Short: what,
		Args:  exactArgs(1, "the campaign's name", "sellmigrate campaign "+control+" wave-1 --by ops@example.com"),
		RunE: func(cmd *cobra.Command, args []string) error {
			if err := checkCampaignControl(args[0], by); err != nil {
				return err
			}
			return a.withSession(cmd, func(ctx context.Context, s *session) error {
				var err error
				if control == "pause" {
					err = s.starter.PauseCampaign(ctx, args[0], by)
				} else {
					err = s.starter.ResumeCampaign(ctx, args[0], by)
				}
				if err != nil {
					return err
				}
				a.out("campaign %s: %s accepted; see it with: sellmigrate campaign status %s\n", args[0], control, args[0])
				return nil
			})
		},
	}
	cmd.Flags().StringVar(&by, "by", "", "your email, recorded with the control")
	addTemporalFlags(cmd)
	return cmd
}

// checkCampaignControl refuses a bad name or --by before connecting.
func checkCampaignControl(name, by string) error {
	if err := contract.ValidateCampaignName(name); err != nil {
		return err
	}
	if err := (contract.CampaignControlInput{By: by}).Check(); err != nil {
		return fmt.Errorf("--by: give your email, e.g. --by ops@example.com (%w)", err)
	}
	return nil
}

func (a *app) campaignCancelCmd() *cobra.Command {
	var by string
	var cancelStarted bool
	cmd := &cobra.Command{
		Use:   "cancel NAME --by EMAIL [--cancel-started]",
		Short: "Stop a campaign's starts; with --cancel-started also cancel its unlinked migrations",
		Args:  exactArgs(1, "the campaign's name", "sellmigrate campaign cancel wave-1 --by ops@example.com"),
		RunE: func(cmd *cobra.Command, args []string) error {
			if err := checkCampaignControl(args[0], by); err != nil {
				return err
			}
			return a.withSession(cmd, func(ctx context.Context, s *session) error {
				if err := s.starter.CancelCampaign(ctx, args[0], by, cancelStarted); err != nil {
					return err
				}
				a.out("campaign %s: cancel accepted; its report comes with: sellmigrate campaign report %s\n", args[0], args[0])
				return nil
			})
		},
	}
	cmd.Flags().StringVar(&by, "by", "", "your email, recorded with the control")
	cmd.Flags().BoolVar(&cancelStarted, "cancel-started", false, "also cancel the started migrations not yet linked")
	addTemporalFlags(cmd)
	return cmd
}

func (a *app) campaignAddCmd() *cobra.Command {
	var by, csvPath, jsonPath string
	cmd := &cobra.Command{
		Use:   "add NAME --csv F --by EMAIL",
		Short: "Append rows to a running campaign",
		Args:  exactArgs(1, "the campaign's name", "sellmigrate campaign add wave-1 --csv more.csv --by ops@example.com"),
		RunE: func(cmd *cobra.Command, args []string) error {
			if err := checkCampaignControl(args[0], by); err != nil {
				return err
			}
			rows, err := readCampaignList(csvPath, jsonPath)
			if err != nil {
				return err
			}
			return a.withSession(cmd, func(ctx context.Context, s *session) error {
				res, err := s.starter.AddCampaignRows(ctx, args[0], by, starter.CampaignRows(rows))
				if res.LastLine > 0 {
					a.out("campaign %s: rows added as lines %d to %d\n", args[0], res.FirstLine, res.LastLine)
				}
				return err
			})
		},
	}
	cmd.Flags().StringVar(&by, "by", "", "your email, recorded with the rows")
	cmd.Flags().StringVar(&csvPath, "csv", "", "the rows as CSV, as for campaign start")
	cmd.Flags().StringVar(&jsonPath, "json", "", "the rows as a JSON array (instead of --csv)")
	addTemporalFlags(cmd)
	return cmd
}

func (a *app) campaignReportCmd() *cobra.Command {
	var format, out string
	cmd := &cobra.Command{
		Use:   "report NAME [--format csv|json] [--out FILE]",
		Short: "Print a campaign's report: per row, the outcome, subdomain, users converted, users needing reactivation, error",
		Long: `report prints the campaign's final report once it has ended. While it runs, it
prints what is known so far: the counts and the refused rows. A campaign keeps the
lines of its first 2,000 rows; for a longer one, report reads the other started rows
from Temporal's visibility (their migrations carry the campaign's ID and their line).`,
		Args: exactArgs(1, "the campaign's name", "sellmigrate campaign report wave-1 --format csv --out wave-1.csv"),
		RunE: func(cmd *cobra.Command, args []string) error {
			if err := contract.ValidateCampaignName(args[0]); err != nil {
				return err
			}
			if format != "csv" && format != "json" {
				return fmt.Errorf("--format %q is not valid: give csv or json", format)
			}
			return a.withSession(cmd, func(ctx context.Context, s *session) error {
				rep, err := s.starter.CampaignReport(ctx, args[0])
				if err != nil {
					return err
				}
				write := func(w io.Writer) error {
					if format == "json" {
						if rep.Report.Rows == nil {
							rep.Report.Rows = []contract.CampaignRowReport{}
						}
						return printJSON(w, rep.Report)
					}
					return starter.WriteCampaignReportCSV(w, rep.Report.Rows)
				}
				if out == "" {
					if err := write(a.stdout); err != nil {
						return err
					}
				} else if err := writeFileAtomic(out, write); err != nil {
					return err
				}
				note := "final"
				if !rep.Final {
					note = "so far (the campaign is running; started rows get their outcome at the end)"
				}
				if rep.Report.Omitted > 0 {
					note += fmt.Sprintf("; %d more rows counted only (refused rows past the %d, or the size, the campaign keeps, or migrations visibility no longer shows)", rep.Report.Omitted, contract.MaxCampaignReportRows)
				}
				if out != "" {
					a.out("report of campaign %s written to %s: %d rows, %s\n", args[0], out, len(rep.Report.Rows), note)
				} else {
					_, _ = fmt.Fprintf(a.stderr, "report of campaign %s: %d rows, %s\n", args[0], len(rep.Report.Rows), note)
				}
				return nil
			})
		},
	}
	cmd.Flags().StringVar(&format, "format", "csv", "csv or json")
	cmd.Flags().StringVar(&out, "out", "", "write the report to this file instead of the standard output")
	addTemporalFlags(cmd)
	return cmd
}

// writeFileAtomic writes through write; a failure removes the file, so no half report
// passes for a whole one.
func writeFileAtomic(path string, write func(io.Writer) error) error {
	f, err := os.Create(path)
	if err != nil {
		return fmt.Errorf("create --out file: %w", err)
	}
	if err := write(f); err != nil {
		_ = f.Close()
		_ = os.Remove(path)
		return fmt.Errorf("%s: %w", path, err)
	}
	if err := f.Close(); err != nil {
		_ = os.Remove(path)
		return fmt.Errorf("close %s: %w", path, err)
	}
	return nil
}

func (a *app) campaignListCmd() *cobra.Command {
	var asJSON bool
	cmd := &cobra.Command{
		Use:   "list",
		Short: "List the campaigns, newest first",
		Args:  exactArgs(0, "", "sellmigrate campaign list"),
		RunE: func(cmd *cobra.Command, _ []string) error {
			return a.withSession(cmd, func(ctx context.Context, s *session) error {
				list, err := s.starter.ListCampaigns(ctx)
				if err != nil {
					return err
				}
				if asJSON {
					if list == nil {
						list = []starter.CampaignSummary{}
					}
					return printJSON(a.stdout, list)
				}
				if len(list) == 0 {
					a.out("no campaigns; start one with: sellmigrate campaign start --name N --csv F --by EMAIL\n")
					return nil
				}
				tw := tabwriter.NewWriter(a.stdout, 0, 4, 2, ' ', 0)
				fmt.Fprintln(tw, "NAME\tEXECUTION\tSTARTED\tCLOSED")
				for _, c := range list {
					fmt.Fprintf(tw, "%s\t%s\t%s\t%s\n", c.Name, c.Execution, c.StartTime, report.Dash(c.CloseTime))
				}
				_ = tw.Flush()
				a.out("%d campaign(s)\n", len(list))
				return nil
			})
		},
	}
	cmd.Flags().BoolVar(&asJSON, "json", false, "print the list as JSON")
	addTemporalFlags(cmd)
	return cmd
}
