package main

import (
	"fmt"
	"strings"

	"github.com/spf13/cobra"

	"github.com/sellmigrate/sellmigrate/starter"
	"github.com/sellmigrate/sellmigrate/workflows"
)

// inputFlags says which flags each human input takes; the first are required.
var inputFlags = map[string]struct{ required, optional []string }{
	workflows.OwnerLoginName:        {required: []string{"user-email"}},
	workflows.LicenseAssignedName:   {required: []string{"by"}},
	workflows.ChooseSubdomainName:   {required: []string{"subdomain", "by"}},
	workflows.BackName:              {required: []string{"by"}},
	workflows.AcceptDisclaimersName: {required: []string{"by"}, optional: []string{"version"}},
}

var inputFlagNames = []string{"user-email", "by", "subdomain", "version"}

func (a *app) signalCmd() *cobra.Command {
	var userEmail, by, subdomain, version string
	cmd := &cobra.Command{
		Use:   "signal ID INPUT [flags]",
		Short: "Send a person's input to a migration and show the answer",
		Long: `signal delivers a human input to the migration of Sell account ID (or workflow ID)
and waits for the workflow's answer: accepted (with where the migration now stands) or
rejected with the reason. Inputs:
  owner-login --user-email EMAIL          the Zendesk user who logged in as the account owner
  license-assigned --by EMAIL             an admin gave the owner a Sell license
  choose-subdomain --subdomain NAME --by EMAIL
  back --by EMAIL                         go back and choose another subdomain
  accept-disclaimers --by EMAIL [--version V]`,
		Example: `  sellmigrate signal 1002 owner-login --user-email owner@globex.test
  sellmigrate signal 1002 accept-disclaimers --by admin@globex.test`,
		Args: exactArgs(2, "the Sell account ID (or workflow ID) and the input name", "sellmigrate signal 1002 accept-disclaimers --by admin@globex.test"),
		RunE: func(cmd *cobra.Command, args []string) error {
			ref, input := args[0], args[1]
			payload, err := inputPayload(cmd, input, userEmail, by, subdomain, version)
			if err != nil {
				return err
			}
			// Checked before connecting, so bad input is reported even with Temporal down.
			if _, _, err := starter.ParseRef(ref); err != nil {
				return err
			}
			if _, err := starter.CheckInput(input, payload); err != nil {
				return err
			}
			ctx := cmd.Context()
			s, err := a.connect(ctx, cmd)
			if err != nil {
				return err
			}
			defer s.close()
			p, err := s.starter.Send(ctx, ref, input, payload)
			if err != nil {
				return err
			}
			accountID, _, _ := starter.ParseRef(ref)
			a.out("%s accepted by the migration of Sell account %s (when it answered it was %s)\nfollow it with: sellmigrate status %s\n",
				input, accountID, standing(p), accountID)
			return nil
		},
	}
	f := cmd.Flags()
	f.StringVar(&userEmail, "user-email", "", "owner-login: email of the Zendesk user who logged in")
	f.StringVar(&by, "by", "", "email of the person sending the input")
	f.StringVar(&subdomain, "subdomain", "", "choose-subdomain: the subdomain chosen")
	f.StringVar(&version, "version", "", "accept-disclaimers: disclaimer version accepted (default: the current one)")
	addTemporalFlags(cmd)
	return cmd
}

// inputPayload checks that the input takes exactly the flags given and builds its payload.
func inputPayload(cmd *cobra.Command, input, userEmail, by, subdomain, version string) (any, error) {
	spec, ok := inputFlags[input]
	if !ok {
		return nil, fmt.Errorf("input %q is not known; use one of %s", input, strings.Join(workflows.InputNames, ", "))
	}
	allowed := map[string]bool{}
	for _, n := range append(append([]string{}, spec.required...), spec.optional...) {
		allowed[n] = true
	}
	for _, n := range inputFlagNames {
		if cmd.Flags().Changed(n) && !allowed[n] {
			return nil, fmt.Errorf("--%s does not apply to %s; it takes %s", n, input, flagList(spec.required, spec.optional))
		}
	}
	for _, n := range spec.required {
		if strings.TrimSpace(cmd.Flags().Lookup(n).Value.String()) == "" {
			return nil, fmt.Errorf("%s needs --%s; it takes %s", input, n, flagList(spec.required, spec.optional))
		}
	}
	switch input {
	case workflows.OwnerLoginName:
		return workflows.OwnerLoginInput{UserEmail: userEmail}, nil
	case workflows.LicenseAssignedName:
		return workflows.LicenseAssignedInput{By: by}, nil
	case workflows.ChooseSubdomainName:
		return workflows.ChooseSubdomainInput{Subdomain: subdomain, By: by}, nil
	case workflows.BackName:
		return workflows.BackInput{By: by}, nil
	}
	return workflows.AcceptDisclaimersInput{By: by, Version: version}, nil
}

func flagList(required, optional []string) string {
	var parts []string
	for _, n := range required {
		parts = append(parts, "--"+n)
	}
	for _, n := range optional {
		parts = append(parts, "[--"+n+"]")
	}
	return strings.Join(parts, " ")
}
