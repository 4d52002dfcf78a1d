package main

import (
	"github.com/spf13/cobra"

	"github.com/sellmigrate/sellmigrate/internal/tokencmd"
)

// tokenCmd is `sellmigrate token`; its logic and tests live in internal/tokencmd,
// which links no Temporal server. It needs no server and no config, and is part of
// the lean build.
func (a *app) tokenCmd() *cobra.Command { return tokencmd.Command(a.stdout, nil) }
