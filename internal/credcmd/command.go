// Package credcmd is `sellmigrate credentials`: add, list, revoke and rekey the Zendesk
// credentials in the store config names, and make keys for it. It lives outside
// cmd/sellmigrate so its tests link no Temporal server; the binary only wires it in.
package credcmd

import (
	"context"
	"fmt"
	"io"
	"os"
	"time"

	"github.com/spf13/cobra"

	"github.com/sellmigrate/sellmigrate/config"
	"github.com/sellmigrate/sellmigrate/credstore"
)

// Deps is what the binary hands the commands.
type Deps struct {
	Stdin          io.Reader
	Stdout, Stderr io.Writer
	// LoadConfig loads the client settings with cmd's flags bound over them, the
	// persistent --data-dir flag to dev.data_dir.
	LoadConfig func(cmd *cobra.Command) (config.Config, error)
	// Now is the time revocations are dated; nil means time.Now.
	Now func() time.Time
}

// DataDirFlag is the flag that points the commands at dev's store; bind it to
// dev.data_dir.
const DataDirFlag = "data-dir"

// Command is `sellmigrate credentials` and its subcommands.
func Command(d Deps) *cobra.Command {
	if d.Now == nil {
		d.Now = time.Now
	}
	cmd := &cobra.Command{
		Use:   "credentials",
		Short: "Add, list, revoke and rekey the Zendesk credentials migrations use; never shows a secret",
		Long: `Zendesk credentials are kept per account in the store credentials.dsn names, each
secret sealed with AES-256-GCM under a key from credentials.keys; workflows carry only
their IDs. No command here prints a secret.

Against the store of "sellmigrate dev", pass its data directory:
  sellmigrate credentials list --data-dir ./.sellmigrate
Elsewhere set credentials.dsn and credentials.keys (config file or
SELLMIGRATE_CREDENTIALS_DSN, SELLMIGRATE_CREDENTIALS_KEYS).`,
		Args: noArgs("sellmigrate credentials list"),
	}
	cmd.PersistentFlags().String(DataDirFlag, "", "use the store of \"sellmigrate dev\" under this directory when credentials.dsn / credentials.keys are empty (config dev.data_dir, e.g. ./.sellmigrate)")
	cmd.AddCommand(d.addCmd(), d.listCmd(), d.revokeCmd(), d.rekeyCmd(), d.newKeyCmd())
	return cmd
}

// open loads the settings and opens the store. Dev's defaults (a SQLite file and a key
// under dev.data_dir) apply only when the person names dev's data dir, by --data-dir
// or SELLMIGRATE_DEV_DATA_DIR: an operator who forgot credentials.dsn is told so rather
// than given an empty store in the current directory.
func (d Deps) open(cmd *cobra.Command) (*credstore.Store, error) {
	cfg, err := d.LoadConfig(cmd)
	if err != nil {
		return nil, err
	}
	if cmd.Flags().Changed(DataDirFlag) || os.Getenv(config.EnvVar("dev.data_dir")) != "" {
		cfg.Credentials.UseDevDefaults(cfg.Dev.DataDir)
	}
	if cfg.Credentials.DSN == "" {
		return nil, fmt.Errorf("credentials.dsn is not set: set it (env %s) to sqlite:/path/to/credentials.db or postgres://user:password@host:5432/dbname, or pass --%s DIR to use the store of \"sellmigrate dev\" under DIR",
			config.EnvVar("credentials.dsn"), DataDirFlag)
	}
	return cfg.OpenCredentials(cmd.Context())
}

// withStore runs fn on the opened store and closes it.
func (d Deps) withStore(cmd *cobra.Command, fn func(context.Context, *credstore.Store) error) error {
	s, err := d.open(cmd)
	if err != nil {
		return err
	}
	defer s.Close()
	return fn(cmd.Context(), s)
}

func noArgs(example string) cobra.PositionalArgs {
	return func(c *cobra.Command, args []string) error {
		if len(args) > 0 {
			return fmt.Errorf("%s takes no arguments besides flags, got %q; e.g. %s", c.CommandPath(), args, example)
		}
		return nil
	}
}
