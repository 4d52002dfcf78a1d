// Package tokencmd is `sellmigrate token`: make a named API token and print its
// api.tokens entry. It needs no server and no config, and lives outside
// cmd/sellmigrate so its tests link no Temporal server; the binary only wires it in.
package tokencmd

import (
	"crypto/rand"
	"encoding/base64"
	"fmt"
	"io"
	"strings"

	"github.com/spf13/cobra"

	"github.com/sellmigrate/sellmigrate/config"
	"github.com/sellmigrate/sellmigrate/contract"
)

// TokenBytes is how much randomness a token holds: 32 bytes, 43 characters of
// base64url.
const TokenBytes = 32

// Command is `sellmigrate token` and its subcommand new. random is where tokens come
// from (nil: crypto/rand).
func Command(stdout io.Writer, random io.Reader) *cobra.Command {
	if random == nil {
		random = rand.Reader
	}
	cmd := &cobra.Command{
		Use:   "token",
		Short: "Make named API tokens (api.tokens); needs no server",
		Args:  noArgs("sellmigrate token new --name ci-bot --email ci@example.test --role ops"),
	}
	cmd.AddCommand(newCmd(stdout, random))
	return cmd
}

func newCmd(stdout io.Writer, random io.Reader) *cobra.Command {
	var name, email, role string
	cmd := &cobra.Command{
		Use:   "new --name N --email E --role R",
		Short: "Print a new random API token and its api.tokens entry",
		Long: `new makes a random API token (32 bytes, base64url) for a named principal and
prints three lines and nothing else:

  1. the token: give it to its owner, once; it is not stored anywhere
  2. its api.tokens entry as YAML, to put under api.tokens in the config file
  3. the same entry in the environment's form, SELLMIGRATE_API_TOKENS=NAME:EMAIL:ROLE:SHA256
     (several entries are separated by commas)

The config holds only the token's SHA-256, never the token. The API stamps the
principal (name and email) into every input and start sent with the token, and
refuses an input whose "by" is not the email. Needs no server and no config.

  sellmigrate token new --name ci-bot --email ci@example.test --role ops`,
		Args: noArgs("sellmigrate token new --name ci-bot --email ci@example.test --role ops"),
		RunE: func(cmd *cobra.Command, _ []string) error {
			entry := config.APIToken{Name: strings.TrimSpace(name), Email: strings.TrimSpace(email), Role: strings.TrimSpace(role)}
			if err := checkFlags(entry); err != nil {
				return fmt.Errorf("%s: %w", cmd.CommandPath(), err)
			}
			token, err := NewToken(random)
			if err != nil {
				return err
			}
			entry.SHA256 = config.HashToken(token)
			if err := config.ValidateAPIToken(1, entry); err != nil {
				return err
			}
			_, err = fmt.Fprintf(stdout, "%s\n%s\n%s=%s\n", token, entry.YAML(), config.EnvVar("api.tokens"), shellWord(entry.EnvForm()))
			return err
		},
	}
	f := cmd.Flags()
	f.StringVar(&name, "name", "", "who or what uses the token, unique among api.tokens, e.g. ci-bot (required)")
	f.StringVar(&email, "email", "", "the email of the person answerable for it; stamped as by on what it sends (required)")
	f.StringVar(&role, "role", "", "viewer (reads), ops (also starts, cancels, retries) or admin (also sends approvals) (required)")
	return cmd
}

// NewToken is TokenBytes random bytes as unpadded base64url: 43 characters, one word
// without commas, as a bearer token must be.
func NewToken(random io.Reader) (string, error) {
	b := make([]byte, TokenBytes)
	if _, err := io.ReadFull(random, b); err != nil {
		return "", fmt.Errorf("read random bytes for the token: %w", err)
	}
	return base64.RawURLEncoding.EncodeToString(b), nil
}

// checkFlags says which flag is wrong and what it takes.
func checkFlags(e config.APIToken) error {
	switch {
	case e.Name == "":
		return fmt.Errorf("--name is missing: who or what uses the token, e.g. --name ci-bot")
	case len(e.Name) > 64 || strings.ContainsAny(e.Name, ":,\r\n\t"):
		return fmt.Errorf("--name %q must be at most 64 characters without colons, commas, tabs or line breaks, e.g. --name ci-bot", e.Name)
	case e.Email == "":
		return fmt.Errorf("--email is missing: the email of the person answerable for the token, e.g. --email ci@example.test")
	case !contract.IsEmail(e.Email):
		return fmt.Errorf("--email %q is not an email address, e.g. --email ci@example.test", e.Email)
	case e.Role == "":
		return fmt.Errorf("--role is missing: one of %s", strings.Join(config.APITokenRoles, ", "))
	}
	for _, r := range config.APITokenRoles {
		if e.Role == r {
			return nil
		}
	}
	return fmt.Errorf("--role %q is not one of %s", e.Role, strings.Join(config.APITokenRoles, ", "))
}

// shellWord quotes a value for a POSIX shell when it holds anything but safe
// characters (a name with spaces, say).
func shellWord(s string) string {
	if strings.Trim(s, "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789@._-:+") == "" {
		return s
	}
	return "'" + strings.ReplaceAll(s, "'", `'\''`) + "'"
}

func noArgs(example string) cobra.PositionalArgs {
	return func(c *cobra.Command, args []string) error {
		if len(args) > 0 {
			return fmt.Errorf("%s takes no arguments besides flags, got %q; e.g. %s", c.CommandPath(), args, example)
		}
		return nil
	}
}
