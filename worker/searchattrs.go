package worker

import (
	"context"
	"fmt"
	"sort"
	"strings"

	"go.temporal.io/api/operatorservice/v1"
	"go.temporal.io/sdk/client"

	"github.com/sellmigrate/sellmigrate/contract"
)

// CheckSearchAttributes verifies the namespace has every custom search attribute the
// migration upserts; without them each workflow task would fail. It reports all the
// missing ones at once, with the command that registers them.
func CheckSearchAttributes(ctx context.Context, c client.Client, namespace string) error {
	resp, err := c.OperatorService().ListSearchAttributes(ctx, &operatorservice.ListSearchAttributesRequest{Namespace: namespace})
	if err != nil {
		return fmt.Errorf("cannot list the search attributes of namespace %q: %w", namespace, err)
	}
	var problems, fixes []string
	names := make([]string, 0, len(contract.SearchAttributes))
	for name := range contract.SearchAttributes {
		names = append(names, name)
	}
	sort.Strings(names)
	for _, name := range names {
		want := contract.SearchAttributes[name]
		got, ok := resp.GetCustomAttributes()[name]
		switch {
		case !ok:
			problems = append(problems, name+" is missing")
		case got != want:
			problems = append(problems, fmt.Sprintf("%s is %s, not %s", name, got, want))
			continue
		default:
			continue
		}
		fixes = append(fixes, fmt.Sprintf("temporal operator search-attribute create --namespace %s --name %s --type Keyword", namespace, name))
	}
	if len(problems) == 0 {
		return nil
	}
	msg := fmt.Sprintf("namespace %q is not ready for migrations: search attribute %s", namespace, strings.Join(problems, ", "))
	if len(fixes) > 0 {
		msg += "; register with: " + strings.Join(fixes, " && ")
	}
	return fmt.Errorf("%s", msg)
}
