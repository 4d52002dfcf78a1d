package main

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"time"

	"go.temporal.io/api/serviceerror"
	"go.temporal.io/api/workflowservice/v1"
	"go.temporal.io/sdk/client"
	"google.golang.org/protobuf/types/known/durationpb"

	"github.com/sellmigrate/sellmigrate/workflows/searchattr"
)

// namespaceCmd registers the namespace unless it exists, then our search attributes, and
// returns once the frontend serves both. Cluster health says SERVING before the history
// shards are owned, so readiness is measured by what our roles do first: describe the
// namespace and list its workflows.
func namespaceCmd(args []string) error {
	fs := flag.NewFlagSet("namespace", flag.ContinueOnError)
	address := fs.String("address", "127.0.0.1:7233", "the Temporal frontend")
	namespace := fs.String("namespace", "default", "the namespace")
	retention := fs.Duration("retention", 720*time.Hour, "how long closed workflows are kept")
	wait := fs.Duration("wait", 3*time.Minute, "how long to wait for the frontend")
	if err := fs.Parse(args); err != nil {
		return err
	}
	ctx, cancel := context.WithTimeout(context.Background(), *wait)
	defer cancel()

	nc, err := client.NewNamespaceClient(client.Options{HostPort: *address, Logger: quiet{}})
	if err != nil {
		return fmt.Errorf("cannot reach the Temporal frontend at %s: %w", *address, err)
	}
	defer nc.Close()
	err = retry(ctx, "register namespace "+*namespace, func(ctx context.Context) error {
		_, err := nc.Describe(ctx, *namespace)
		var notFound *serviceerror.NamespaceNotFound
		if !errors.As(err, &notFound) {
			return err
		}
		err = nc.Register(ctx, &workflowservice.RegisterNamespaceRequest{
			Namespace:                        *namespace,
			WorkflowExecutionRetentionPeriod: durationpb.New(*retention),
		})
		var exists *serviceerror.NamespaceAlreadyExists
		if errors.As(err, &exists) {
			return nil
		}
		return err
	})
	if err != nil {
		return err
	}

	c, err := client.DialContext(ctx, client.Options{HostPort: *address, Namespace: *namespace, Logger: quiet{}})
	if err != nil {
		return fmt.Errorf("cannot dial namespace %s at %s: %w", *namespace, *address, err)
	}
	defer c.Close()
	// A new namespace reaches the frontend's cache a moment after it is registered.
	err = retry(ctx, "list workflows in "+*namespace, func(ctx context.Context) error {
		_, err := c.ListWorkflow(ctx, &workflowservice.ListWorkflowExecutionsRequest{Namespace: *namespace, PageSize: 1})
		return err
	})
	if err != nil {
		return err
	}
	if err := searchattr.EnsureSearchAttributes(ctx, c, *namespace); err != nil {
		return fmt.Errorf("register the search attributes in %s: %w", *namespace, err)
	}
	fmt.Printf("namespace %s is served at %s with the search attributes\n", *namespace, *address)
	return nil
}

// retry calls f every second until it succeeds or ctx ends, and then reports f's last
// error, which says more than the deadline.
func retry(ctx context.Context, what string, f func(context.Context) error) error {
	for {
		attempt, cancel := context.WithTimeout(ctx, 10*time.Second)
		err := f(attempt)
		cancel()
		if err == nil {
			return nil
		}
		select {
		case <-ctx.Done():
			return fmt.Errorf("%s: gave up when the wait ended (-wait); last error: %w; see the Temporal services' logs", what, err)
		case <-time.After(time.Second):
		}
	}
}

// quiet drops the SDK's log lines: the retries above report what matters.
type quiet struct{}

func (quiet) Debug(string, ...any) {}
func (quiet) Info(string, ...any)  {}
func (quiet) Warn(string, ...any)  {}
func (quiet) Error(string, ...any) {}
