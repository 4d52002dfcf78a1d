// Command sellmigrate moves legacy Zendesk Sell accounts onto the Zendesk platform, one
// durable Temporal workflow per account. See `sellmigrate --help`.
package main

import (
	"context"
	"fmt"
	"io"
	"os"
	"os/signal"
	"syscall"

	"github.com/sellmigrate/sellmigrate/internal/report"
)

func main() {
	os.Exit(execute(os.Args[1:], os.Stdout, os.Stderr))
}

// execute runs one command line and returns the exit code. A failure prints exactly one
// line, "error: <reason>", on stderr.
func execute(args []string, stdout, stderr io.Writer) int {
	ctx, stop := signal.NotifyContext(context.Background(), syscall.SIGINT, syscall.SIGTERM)
	defer stop()
	// After the first Ctrl-C starts a clean stop, a second one kills at once.
	go func() {
		<-ctx.Done()
		stop()
	}()
	return executeContext(ctx, args, stdout, stderr)
}

// executeContext runs one command line until it ends or ctx is done (a clean stop).
func executeContext(ctx context.Context, args []string, stdout, stderr io.Writer) int {
	root := newRoot(stdout, stderr)
	root.SetArgs(args)
	if err := root.ExecuteContext(ctx); err != nil {
		fmt.Fprintln(stderr, "error: "+report.OneLine(err.Error()))
		return 1
	}
	return 0
}
