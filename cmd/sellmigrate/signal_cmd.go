package main

import (
	"fmt"
	"sort"
	"strings"

	"github.com/spf13/cobra"
	"github.com/spf13/pflag"

	"github.com/sellmigrate/sellmigrate/contract"
	"github.com/sellmigrate/sellmigrate/internal/report"
	"github.com/sellmigrate/sellmigrate/starter"
)

// signalCmd sends any human input; its flags and help come from the input registry.
func (a *app) signalCmd() *cobra.Command {
	var help strings.Builder
	for _, in := range contract.Inputs() {
		fmt.Fprintf(&help, "  %s %s\n      %s\n", in.Name, in.Usage(), in.Doc)
	}
	cmd := &cobra.Command{
		Use:   "signal ID INPUT [flags]",
		Short: "Send a person's input to a migration and show the answer",
		Long: `signal delivers a human input to the migration of Sell account ID (or workflow ID)
and waits for the workflow's answer: accepted (with where the migration now stands) or
rejected with the reason. Inputs:
` + help.String(),
		Example: `  sellmigrate signal 1002 owner-login     # prints the link the owner signs in at
  sellmigrate signal 1002 owner-login --as owner@globex.test --password demo-password   # the simulator only
  sellmigrate signal 1002 accept-disclaimers --by admin@globex.test`,
		Args: exactArgs(2, "the Sell account ID (or workflow ID) and the input name", "sellmigrate signal 1002 accept-disclaimers --by admin@globex.test"),
		RunE: func(cmd *cobra.Command, args []string) error {
			in, err := contract.LookupInput(args[1])
			if err != nil {
				return err
			}
			return a.sendInput(cmd, args[0], in)
		},
	}
	addInputFlags(cmd, inputFlags(contract.Inputs()))
	addTemporalFlags(cmd)
	addPageFlags(cmd)
	return cmd
}

// inputCommands offers the inputs the registry marks as commands of their own
// ("sellmigrate retry ID --by EMAIL").
func (a *app) inputCommands() []*cobra.Command {
	var cmds []*cobra.Command
	for _, in := range contract.Inputs() {
		if !in.Command {
			continue
		}
		example := "sellmigrate " + in.Name + " 1002"
		for _, f := range in.Fields {
			if f.Required {
				example += " --" + f.Flag + " " + f.Example
			}
		}
		cmd := &cobra.Command{
			Use:     in.Name + " ID " + in.Usage(),
			Short:   in.Title + ": " + in.Doc,
			Long:    in.Doc + "\nIt is the same as: sellmigrate signal ID " + in.Name + " ...",
			Example: "  " + example,
			Args:    exactArgs(1, "the Sell account ID (or workflow ID)", example),
			RunE: func(cmd *cobra.Command, args []string) error {
				return a.sendInput(cmd, args[0], in)
			},
		}
		addInputFlags(cmd, inputFlags([]contract.Input{in}))
		addTemporalFlags(cmd)
		cmds = append(cmds, cmd)
	}
	return cmds
}

// sendInput checks the input from the flags that were set, then sends it as an update
// and prints the workflow's answer.
func (a *app) sendInput(cmd *cobra.Command, ref string, in contract.Input) error {
	values := map[string]string{}
	cmd.Flags().Visit(func(f *pflag.Flag) {
		if f.Annotations[inputFlagAnnotation] != nil {
			values[f.Name] = f.Value.String()
		}
	})
	if in.Page != "" && len(values) == 0 {
		return a.openInputPage(cmd, ref, in)
	}
	payload, err := in.FromFlags(values)
	if err != nil && in.Page != "" {
		return fmt.Errorf("%w; %s is given on a page: \"sellmigrate signal %s %s\" prints its link (an email alone proves nothing)", err, in.Name, ref, in.Name)
	}
	if err != nil {
		return err
	}
	// Checked before connecting, so bad input is reported even with Temporal down.
	accountID, _, err := starter.ParseRef(ref)
	if err != nil {
		return err
	}
	ctx := cmd.Context()
	s, err := a.connect(ctx, cmd)
	if err != nil {
		return err
	}
	defer s.close()
	p, err := s.starter.Send(ctx, ref, in.Name, payload)
	if err != nil {
		return err
	}
	a.out("%s accepted by the migration of Sell account %s (when it answered it was %s)\nfollow it with: sellmigrate status %s\n",
		in.Name, accountID, report.Standing(p), accountID)
	return nil
}

// inputFlagAnnotation marks the flags that carry an input's fields.
const inputFlagAnnotation = "sellmigrate-input-field"

// inputFlags collects the fields of the inputs by flag name, each once.
func inputFlags(inputs []contract.Input) []contract.Field {
	seen := map[string]contract.Field{}
	for _, in := range inputs {
		for _, f := range in.Fields {
			if _, ok := seen[f.Flag]; !ok {
				seen[f.Flag] = f
			}
		}
	}
	out := make([]contract.Field, 0, len(seen))
	for _, f := range seen {
		out = append(out, f)
	}
	sort.Slice(out, func(i, j int) bool { return out[i].Flag < out[j].Flag })
	return out
}

func addInputFlags(cmd *cobra.Command, fields []contract.Field) {
	for _, f := range fields {
		cmd.Flags().String(f.Flag, "", f.Doc)
		_ = cmd.Flags().SetAnnotation(f.Flag, inputFlagAnnotation, []string{f.JSON})
	}
}
