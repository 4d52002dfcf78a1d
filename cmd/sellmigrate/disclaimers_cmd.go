package main

import (
	"fmt"
	"io"

	"github.com/spf13/cobra"

	"github.com/sellmigrate/sellmigrate/config"
	"github.com/sellmigrate/sellmigrate/contract"
)

// disclaimersCmd groups what a person does with the disclaimers short of accepting
// them (accepting is "sellmigrate signal ID accept-disclaimers").
func (a *app) disclaimersCmd() *cobra.Command {
	cmd := &cobra.Command{
		Use:   "disclaimers",
		Short: "Read the disclaimers an admin accepts before the accounts are connected",
		Args:  exactArgs(0, "", "sellmigrate disclaimers show"),
	}
	cmd.AddCommand(a.disclaimersShowCmd())
	return cmd
}

func (a *app) disclaimersShowCmd() *cobra.Command {
	var version string
	cmd := &cobra.Command{
		Use:   "show [--version V]",
		Short: "Print the text of a disclaimer version and its SHA-256; needs no server",
		Long: `Print the text of a disclaimer version and the SHA-256 the migration records when
an admin accepts it. The texts are built into sellmigrate, so no server is asked.
Without --version it prints the version of the configured policy
(migration.disclaimer_version), the one migrations started now ask for.

Accept after reading, naming what was read:
  sellmigrate signal 1002 accept-disclaimers --by admin@globex.test --version V --sha256 HASH

The text starts on the fourth line, so this prints the same hash:
  sellmigrate disclaimers show | tail -n +4 | sha256sum`,
		Args: exactArgs(0, "", "sellmigrate disclaimers show --version "+contract.DefaultPolicy().DisclaimerVersion),
		RunE: func(cmd *cobra.Command, _ []string) error {
			if version == "" {
				cfg, logger, err := a.loadConfig(cmd, config.RoleClient, nil)
				if err != nil {
					return err
				}
				_ = logger.Sync()
				version = cfg.Migration.DisclaimerVersion
			}
			d, err := contract.LookupDisclaimer(version)
			if err != nil {
				return fmt.Errorf("%w; pick one with --version", err)
			}
			return printDisclaimer(a.stdout, d)
		},
	}
	cmd.Flags().StringVar(&version, "version", "", "the disclaimer version (default: migration.disclaimer_version, e.g. "+contract.DefaultPolicy().DisclaimerVersion+")")
	return cmd
}

// printDisclaimer writes the version and hash on the first two lines, a blank line,
// then the text exactly as hashed, so the hash can be checked from the output.
func printDisclaimer(w io.Writer, d contract.Disclaimer) error {
	if _, err := fmt.Fprintf(w, "version %s\nsha256  %s\n\n%s", d.Version, d.SHA256, d.Text); err != nil {
		return fmt.Errorf("write the disclaimers: %w", err)
	}
	return nil
}
