package credcmd

import (
	"context"
	"errors"
	"fmt"
	"io"
	"os"
	"strings"

	"github.com/spf13/cobra"

	"github.com/sellmigrate/sellmigrate/contract"
	"github.com/sellmigrate/sellmigrate/credstore"
)

func (d Deps) addCmd() *cobra.Command {
	var sub, email, tokenFile, id string
	cmd := &cobra.Command{
		Use:   "add --subdomain S --email E --token-file F [--id ID]",
		Short: "Store a Zendesk API token for a subdomain; prints its ID, never the token",
		Long: `add stores the Zendesk Support API token of the user --email for the account
--subdomain, as an operator_token presented as {email}/token:{token}. The token is
read from --token-file (whitespace around it trimmed; "-" reads stdin), never from the
command line, where it would land in shell history and ps. A file others may read is
refused. It prints the new credential's ID; workflows use only that ID.

--id names the credential yourself; adding the same ID again with the same token is
a no-op, with another token an error.`,
		Args: noArgs("sellmigrate credentials add --subdomain acme --email ops@acme.test --token-file token.txt"),
		RunE: func(cmd *cobra.Command, _ []string) error {
			if err := contract.ValidateSubdomain(sub); err != nil {
				return fmt.Errorf("--subdomain: %w", err)
			}
			if err := contract.ValidateEmail(email); err != nil {
				return fmt.Errorf("--email: %w", err)
			}
			token, err := d.readToken(tokenFile)
			if err != nil {
				return err
			}
			return d.withStore(cmd, func(ctx context.Context, s *credstore.Store) error {
				c, err := s.Put(ctx, credstore.Credential{
					ID: id, Kind: credstore.KindOperatorToken, Scheme: credstore.SchemeAPIToken,
					Subdomain: sub, Email: email, Secret: token,
				})
				if err != nil {
					return err
				}
				fmt.Fprintln(d.Stdout, c.ID)
				fmt.Fprintf(d.Stderr, "stored %s: %s for %s as %s, sealed under key %s\n", c.ID, c.Kind, c.Subdomain, c.Email, c.KeyID)
				return nil
			})
		},
	}
	f := cmd.Flags()
	f.StringVar(&sub, "subdomain", "", "the Zendesk account's subdomain, e.g. acme (required)")
	f.StringVar(&email, "email", "", "the Zendesk user the token acts as, e.g. ops@acme.test (required)")
	f.StringVar(&tokenFile, "token-file", "", `file holding the API token, "-" for stdin (required)`)
	f.StringVar(&id, "id", "", "the credential's ID (default: a new random cred_... ID)")
	for _, name := range []string{"subdomain", "email", "token-file"} {
		_ = cmd.MarkFlagRequired(name)
	}
	return cmd
}

// readToken reads the token from path ("-": stdin) and checks it is one token.
func (d Deps) readToken(path string) (string, error) {
	var raw []byte
	var err error
	where := path
	if path == "-" {
		where = "stdin"
		raw, err = io.ReadAll(io.LimitReader(d.Stdin, 64<<10))
	} else {
		raw, err = readPrivateFile(path)
	}
	if err != nil {
		return "", err
	}
	token := strings.TrimSpace(string(raw))
	switch {
	case token == "":
		return "", fmt.Errorf("--token-file %s is empty; put the Zendesk API token in it", where)
	case strings.ContainsAny(token, " \t\r\n"):
		return "", fmt.Errorf("--token-file %s holds more than one word; it must hold the API token alone", where)
	}
	return token, nil
}

// readPrivateFile refuses a token file anyone on the machine may read: the token would
// already have leaked.
func readPrivateFile(path string) ([]byte, error) {
	fi, err := os.Stat(path)
	if errors.Is(err, os.ErrNotExist) {
		return nil, fmt.Errorf("--token-file %s does not exist; give the file holding the API token, or - for stdin", path)
	}
	if err != nil {
		return nil, fmt.Errorf("--token-file %s: %w", path, err)
	}
	if fi.IsDir() {
		return nil, fmt.Errorf("--token-file %s is a directory; give the file holding the API token", path)
	}
	if fi.Mode().Perm()&0o004 != 0 {
		return nil, fmt.Errorf("--token-file %s may be read by anyone (mode %v); run chmod 600 %s (and consider the token exposed if others use this machine)", path, fi.Mode().Perm(), path)
	}
	raw, err := os.ReadFile(path)
	if err != nil {
		return nil, fmt.Errorf("--token-file %s: %w", path, err)
	}
	return raw, nil
}
