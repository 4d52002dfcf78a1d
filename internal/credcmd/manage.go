package credcmd

import (
	"context"
	"fmt"
	"text/tabwriter"
	"time"

	"github.com/spf13/cobra"

	"github.com/sellmigrate/sellmigrate/credstore"
)

func (d Deps) listCmd() *cobra.Command {
	var sub string
	cmd := &cobra.Command{
		Use:   "list [--subdomain S]",
		Short: "List credentials, newest first, without their secrets",
		Args:  noArgs("sellmigrate credentials list --subdomain acme"),
		RunE: func(cmd *cobra.Command, _ []string) error {
			return d.withStore(cmd, func(ctx context.Context, s *credstore.Store) error {
				infos, err := s.List(ctx, sub)
				if err != nil {
					return err
				}
				if len(infos) == 0 {
					fmt.Fprintf(d.Stdout, "no credentials%s\n", forSubdomain(sub))
					return nil
				}
				tw := tabwriter.NewWriter(d.Stdout, 0, 4, 2, ' ', 0)
				fmt.Fprintln(tw, "ID\tKIND\tSUBDOMAIN\tEMAIL\tCREATED\tEXPIRES\tREVOKED\tKEY")
				for _, i := range infos {
					fmt.Fprintf(tw, "%s\t%s\t%s\t%s\t%s\t%s\t%s\t%s\n", i.ID, i.Kind, i.Subdomain, dash(i.Email),
						when(i.CreatedAt), when(i.ExpiresAt), when(i.RevokedAt), i.KeyID)
				}
				_ = tw.Flush()
				fmt.Fprintf(d.Stdout, "%d credential(s)%s\n", len(infos), forSubdomain(sub))
				return nil
			})
		},
	}
	cmd.Flags().StringVar(&sub, "subdomain", "", "only this Zendesk subdomain's credentials")
	return cmd
}

func (d Deps) revokeCmd() *cobra.Command {
	return &cobra.Command{
		Use:   "revoke ID",
		Short: "Revoke a credential: no migration uses it again (the row stays, for the record)",
		Long: `revoke marks the credential revoked now; migrations stop using it at their next
Zendesk call. Revoking it again keeps the first time. Revoke the token in Zendesk
too (Admin Center > Apps and integrations > Zendesk API): this stops only sellmigrate.`,
		Args: func(c *cobra.Command, args []string) error {
			if len(args) != 1 {
				return fmt.Errorf("%s takes one credential ID, e.g. sellmigrate credentials revoke cred_...; \"sellmigrate credentials list\" shows them", c.CommandPath())
			}
			return nil
		},
		RunE: func(cmd *cobra.Command, args []string) error {
			return d.withStore(cmd, func(ctx context.Context, s *credstore.Store) error {
				now := d.Now()
				info, err := s.Revoke(ctx, args[0], now)
				if err != nil {
					return err
				}
				what := fmt.Sprintf("%s (%s for %s as %s)", info.ID, info.Kind, info.Subdomain, dash(info.Email))
				if info.RevokedAt.UnixNano() != now.UnixNano() {
					fmt.Fprintf(d.Stdout, "%s was already revoked at %s\n", what, when(info.RevokedAt))
					return nil
				}
				fmt.Fprintf(d.Stdout, "revoked %s at %s\n", what, when(info.RevokedAt))
				return nil
			})
		},
	}
}

func (d Deps) rekeyCmd() *cobra.Command {
	return &cobra.Command{
		Use:   "rekey",
		Short: "Re-encrypt every secret not under credentials.active_key",
		Long: `rekey re-encrypts every credential sealed under another key than the active one.
To rotate keys: add the new key to credentials.keys, name it in
credentials.active_key, run rekey, and once it reports 0 remove the old key.`,
		Args: noArgs("sellmigrate credentials rekey"),
		RunE: func(cmd *cobra.Command, _ []string) error {
			return d.withStore(cmd, func(ctx context.Context, s *credstore.Store) error {
				n, err := s.Rekey(ctx)
				if err != nil {
					return err
				}
				fmt.Fprintf(d.Stdout, "re-encrypted %d credential(s); every secret is now under the active key\n", n)
				return nil
			})
		},
	}
}

func (d Deps) newKeyCmd() *cobra.Command {
	return &cobra.Command{
		Use:   "new-key",
		Short: "Print a new random key for credentials.keys (ID:BASE64); needs no store",
		Args:  noArgs("sellmigrate credentials new-key"),
		RunE: func(*cobra.Command, []string) error {
			k, err := credstore.NewKey()
			if err != nil {
				return err
			}
			fmt.Fprintln(d.Stdout, k)
			return nil
		},
	}
}

func forSubdomain(sub string) string {
	if sub == "" {
		return ""
	}
	return " for " + sub
}

func dash(s string) string {
	if s == "" {
		return "-"
	}
	return s
}

// when prints a time in UTC to the second, "-" for none.
func when(t time.Time) string {
	if t.IsZero() {
		return "-"
	}
	return t.UTC().Format("2006-01-02 15:04:05Z")
}
