// Package searchattr registers custom search attributes on a Temporal namespace through
// the operator service. It imports only the SDK and API modules, never the server, so
// production workers call it against any cluster at start, and devstack calls it
// against its embedded server.
package searchattr

import (
	"context"
	"errors"
	"fmt"
	"sort"
	"strings"
	"time"

	enumspb "go.temporal.io/api/enums/v1"
	"go.temporal.io/api/operatorservice/v1"
	"go.temporal.io/api/serviceerror"
	"go.temporal.io/api/workflowservice/v1"
	"go.temporal.io/sdk/client"

	"github.com/sellmigrate/sellmigrate/contract"
)

// pollInterval paces the checks that wait for freshly added attributes to become visible.
const pollInterval = 100 * time.Millisecond

// defaultWait bounds the wait when the caller's context has no deadline, so a cluster
// that never shows the attributes produces an error instead of a hang.
const defaultWait = time.Minute

// EnsureSearchAttributes registers contract.SearchAttributes on namespace if absent and
// returns once they are visible, so a worker may upsert them right away.
func EnsureSearchAttributes(ctx context.Context, c client.Client, namespace string) error {
	return Ensure(ctx, c, namespace, contract.SearchAttributes)
}

// Ensure registers attrs on namespace, skipping those already present with the same
// type, and waits until every one of them is visible both in ListSearchAttributes and to
// the frontend's query validation. It is idempotent: a second call changes nothing.
// An attribute that exists with a different type is an error, since re-typing one is a
// destructive operator decision this code must not take.
func Ensure(ctx context.Context, c client.Client, namespace string, attrs map[string]enumspb.IndexedValueType) error {
	if len(attrs) == 0 {
		return nil
	}
	if _, ok := ctx.Deadline(); !ok {
		var cancel context.CancelFunc
		ctx, cancel = context.WithTimeout(ctx, defaultWait)
		defer cancel()
	}
	existing, err := list(ctx, c, namespace)
	if err != nil {
		return err
	}
	missing, err := diff(namespace, existing, attrs)
	if err != nil {
		return err
	}
	if len(missing) == 0 {
		return nil
	}
	_, err = c.OperatorService().AddSearchAttributes(ctx, &operatorservice.AddSearchAttributesRequest{
		Namespace:        namespace,
		SearchAttributes: missing,
	})
	var exists *serviceerror.AlreadyExists
	if err != nil && !errors.As(err, &exists) {
		return fmt.Errorf("register search attributes %s on namespace %q: %w (the namespace needs free custom search attribute slots; check with `temporal operator search-attribute list`)",
			names(missing), namespace, err)
	}
	return waitVisible(ctx, c, namespace, attrs)
}

// list returns the custom search attributes currently registered on namespace.
func list(ctx context.Context, c client.Client, namespace string) (map[string]enumspb.IndexedValueType, error) {
	resp, err := c.OperatorService().ListSearchAttributes(ctx, &operatorservice.ListSearchAttributesRequest{Namespace: namespace})
	if err != nil {
		return nil, fmt.Errorf("list search attributes of namespace %q: %w (is the Temporal frontend reachable and the namespace registered?)", namespace, err)
	}
	return resp.GetCustomAttributes(), nil
}

// diff returns the attributes of want absent from have, or an error naming every
// attribute registered with a conflicting type.
func diff(namespace string, have, want map[string]enumspb.IndexedValueType) (map[string]enumspb.IndexedValueType, error) {
	missing := map[string]enumspb.IndexedValueType{}
	var conflicts []string
	for name, typ := range want {
		got, ok := have[name]
		switch {
		case !ok:
			missing[name] = typ
		case got != typ:
			conflicts = append(conflicts, fmt.Sprintf("%s is %s, want %s", name, got, typ))
		}
	}
	if len(conflicts) > 0 {
		sort.Strings(conflicts)
		return nil, fmt.Errorf("namespace %q has search attributes with the wrong type: %s; remove them with `temporal operator search-attribute remove` and retry",
			namespace, strings.Join(conflicts, "; "))
	}
	return missing, nil
}

// waitVisible polls until attrs are listed and a visibility query naming all of them is
// accepted. The second check matters because the list is read from the database while
// queries and upserts are validated against each service's namespace cache, which
// refreshes on its own schedule.
func waitVisible(ctx context.Context, c client.Client, namespace string, attrs map[string]enumspb.IndexedValueType) error {
	query := probeQuery(attrs)
	var last error
	for {
		last = visibleOnce(ctx, c, namespace, attrs, query)
		if last == nil {
			return nil
		}
		select {
		case <-ctx.Done():
			return fmt.Errorf("search attributes %s on namespace %q did not become visible: %w (last check: %v)",
				names(attrs), namespace, ctx.Err(), last)
		case <-time.After(pollInterval):
		}
	}
}

// visibleOnce performs one round of both visibility checks.
func visibleOnce(ctx context.Context, c client.Client, namespace string, attrs map[string]enumspb.IndexedValueType, query string) error {
	existing, err := list(ctx, c, namespace)
	if err != nil {
		return err
	}
	missing, err := diff(namespace, existing, attrs)
	if err != nil {
		return err
	}
	if len(missing) > 0 {
		return fmt.Errorf("not yet listed: %s", names(missing))
	}
	_, err = c.WorkflowService().CountWorkflowExecutions(ctx, &workflowservice.CountWorkflowExecutionsRequest{
		Namespace: namespace,
		Query:     query,
	})
	if err != nil {
		return fmt.Errorf("query naming them not yet accepted: %w", err)
	}
	return nil
}

// probeQuery builds a visibility query that references every attribute, valid for any type.
func probeQuery(attrs map[string]enumspb.IndexedValueType) string {
	parts := make([]string, 0, len(attrs))
	for _, name := range sortedNames(attrs) {
		parts = append(parts, fmt.Sprintf("`%s` IS NULL", name))
	}
	return strings.Join(parts, " AND ")
}

func names(attrs map[string]enumspb.IndexedValueType) string {
	return strings.Join(sortedNames(attrs), ", ")
}

func sortedNames(attrs map[string]enumspb.IndexedValueType) []string {
	out := make([]string, 0, len(attrs))
	for name := range attrs {
		out = append(out, name)
	}
	sort.Strings(out)
	return out
}
