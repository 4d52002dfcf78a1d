//go:build !lean

package main

import "github.com/spf13/cobra"

// The dev stack (the embedded Temporal server and its Web UI) is chosen at build time.
// A build tag rather than a second command: one binary and one command tree, the same
// flags, help and config everywhere; `go build -tags lean ./cmd/sellmigrate` leaves out
// the files marked !lean (dev.go, bench_cmd.go, bench_chart_cmd.go, this one), and with
// them go.temporal.io/server and github.com/temporalio/ui-server: the production
// roles (worker, api, sim) and the client commands in a binary about a third the size.
// The Dockerfile builds that one; .ci/run fails if the lean build links the server.

// stackCommands are the commands that run the embedded stack: dev and bench.
func (a *app) stackCommands() []*cobra.Command {
	return []*cobra.Command{a.devCmd(), a.benchCmd()}
}
