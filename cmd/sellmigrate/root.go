package main

import (
	"fmt"
	"io"

	"github.com/spf13/cobra"
)

// app carries what every command shares.
type app struct {
	stdout, stderr io.Writer
	configFile     string
}

func newRoot(stdout, stderr io.Writer) *cobra.Command {
	a := &app{stdout: stdout, stderr: stderr}
	root := &cobra.Command{
		Use:   "sellmigrate",
		Short: "Move legacy Zendesk Sell accounts onto the Zendesk platform, durably",
		Long: `sellmigrate runs one durable Temporal workflow per Sell account to connect it to
Zendesk: choose a subdomain, verify the owner, accept the disclaimers, link, and add
every Sell user as a contributor.

Settings come from defaults < a YAML file (--config or SELLMIGRATE_CONFIG) <
SELLMIGRATE_* environment variables < flags; see config.example.yaml.

Try it on this machine:
  sellmigrate dev
  sellmigrate start --account 1001 --mode new --subdomain acme --requested-by admin@acme.test
  sellmigrate status 1001`,
		SilenceUsage:  true,
		SilenceErrors: true,
	}
	root.SetOut(stdout)
	root.SetErr(stderr)
	root.SetFlagErrorFunc(func(c *cobra.Command, err error) error {
		return fmt.Errorf("%s: %w (see %s --help)", c.CommandPath(), err, c.CommandPath())
	})
	pf := root.PersistentFlags()
	pf.StringVar(&a.configFile, "config", "", "YAML config file (default $SELLMIGRATE_CONFIG)")
	pf.String("log-level", "", "log level: debug, info, warn or error (config log.level)")
	pf.String("log-format", "", "log format: console or json (config log.format)")
	root.AddCommand(a.stackCommands()...)
	root.AddCommand(
		a.workerCmd(),
		a.apiCmd(),
		a.simCmd(),
		a.startCmd(),
		a.preflightCmd(),
		a.campaignCmd(),
		a.signalCmd(),
		a.statusCmd(),
		a.listCmd(),
		a.cancelCmd(),
		a.disclaimersCmd(),
		a.credentialsCmd(),
		a.tokenCmd(),
		a.probeCmd(),
	)
	root.AddCommand(a.inputCommands()...)
	return root
}

// exactArgs wants n positional arguments and says what they are when they are missing.
func exactArgs(n int, what, example string) cobra.PositionalArgs {
	return func(c *cobra.Command, args []string) error {
		if len(args) == n {
			return nil
		}
		if n == 0 {
			return fmt.Errorf("%s takes no arguments besides flags, got %q; e.g. %s", c.CommandPath(), args, example)
		}
		if len(args) < n {
			return fmt.Errorf("%s needs %s, e.g. %s", c.CommandPath(), what, example)
		}
		return fmt.Errorf("%s takes %s only, got %d arguments (%q); e.g. %s", c.CommandPath(), what, len(args), args, example)
	}
}
