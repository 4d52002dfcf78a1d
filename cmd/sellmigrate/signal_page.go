package main

import (
	"errors"
	"fmt"
	"time"

	"github.com/spf13/cobra"

	"github.com/sellmigrate/sellmigrate/config"
	"github.com/sellmigrate/sellmigrate/contract"
	"github.com/sellmigrate/sellmigrate/internal/simsignin"
	"github.com/sellmigrate/sellmigrate/starter"
)

// addPageFlags adds the flags of an input given on a page (the owner login): the
// simulator's sign-in, driven over HTTP for demos.
func addPageFlags(cmd *cobra.Command) {
	cmd.Flags().String("as", "", "owner-login against the Zendesk simulator only: sign in as this email through the owner login page")
	cmd.Flags().String("password", "", "with --as: the simulator user's password (the demo accounts' is in the README)")
	cmd.Flags().String("api-url", "", "the API's base URL the owner login page is on (config api.public_url, default http://{api.listen})")
}

// openInputPage handles an input a person gives on a page rather than by flags: it
// prints the page's link, or with --as signs in through it on the simulator.
func (a *app) openInputPage(cmd *cobra.Command, ref string, in contract.Input) error {
	accountID, workflowID, err := starter.ParseRef(ref)
	if err != nil {
		return err
	}
	as, _ := cmd.Flags().GetString("as")
	password, _ := cmd.Flags().GetString("password")
	apiURL, _ := cmd.Flags().GetString("api-url")
	if as == "" && password != "" {
		return fmt.Errorf("--password needs --as: give the email to sign in as, e.g. --as owner@globex.test --password demo")
	}
	if as != "" {
		if err := contract.ValidateEmail(as); err != nil {
			return fmt.Errorf("--as: %w", err)
		}
		if password == "" {
			return fmt.Errorf("--as needs --password: the simulator user's password (the README lists the demo one)")
		}
	}
	cfg, _, err := a.loadConfig(cmd, config.RoleClient, nil)
	if err != nil {
		return err
	}
	if apiURL == "" {
		apiURL = cfg.APIBaseURL()
	}
	// The owner login, the one input given on a page, takes only a link signed with
	// the key the API checks it with (api.owner_link_key; dev: its key file).
	links, _, err := cfg.OwnerLinks()
	if err != nil {
		return fmt.Errorf("%s: cannot sign the link: %w", in.Name, err)
	}
	link, expires := links.Link(apiURL, workflowID, time.Now())
	if as == "" {
		a.out("%s is given on a page: the Zendesk account owner opens\n  %s\n(good until %s) signs in to Zendesk there, and the migration of Sell account %s verifies the sign-in.\n"+
			"Against the simulator: sellmigrate signal %s %s --as OWNER_EMAIL --password PASSWORD\n",
			in.Name, link, expires.UTC().Format(time.RFC1123), accountID, ref, in.Name)
		return nil
	}
	res, err := simsignin.OwnerLogin(cmd.Context(), nil, link, as, password)
	if errors.Is(err, simsignin.ErrNotSimulator) {
		return fmt.Errorf("--as works only against the Zendesk simulator, and %w", err)
	}
	if err != nil {
		return err
	}
	a.out("%s signed in to Zendesk through %s; %s accepted by the migration of Sell account %s\nfollow it with: sellmigrate status %s\n(dashboard: %s)\n",
		as, link, in.Name, accountID, accountID, res.Dashboard)
	return nil
}
