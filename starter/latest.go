package starter

import (
	"context"
	"fmt"
	"sort"
	"strings"

	"go.temporal.io/api/workflowservice/v1"

	"github.com/sellmigrate/sellmigrate/contract"
)

// A migration started again after it failed or was cancelled is a new run of the same
// workflow ID; visibility lists every run. Lists show one row per migration, its latest
// run; the report of a migration lists all its runs.

// latestOnly drops from items every run that is not the latest of its migration:
// repeats within items, and closed runs a newer run of the same workflow ID supersedes
// (which may sit on an earlier page), found with one visibility query.
func (s *Starter) latestOnly(ctx context.Context, items []Summary) ([]Summary, error) {
	var closedIDs []string
	seen := map[string]bool{}
	for _, it := range items {
		if it.CloseTime != nil && !seen[it.WorkflowID] {
			closedIDs = append(closedIDs, it.WorkflowID)
		}
		seen[it.WorkflowID] = true
	}
	latest := map[string]string{} // workflow ID → run ID of its newest run
	if len(closedIDs) > 0 {
		runs, err := s.runs(ctx, closedIDs)
		if err != nil {
			return nil, err
		}
		for _, r := range runs {
			if _, ok := latest[r.WorkflowID]; !ok {
				latest[r.WorkflowID] = r.RunID // runs come newest first
			}
		}
	}
	out := items[:0:0]
	kept := map[string]bool{}
	for _, it := range items {
		if kept[it.WorkflowID] {
			continue
		}
		if run, ok := latest[it.WorkflowID]; ok && run != it.RunID {
			continue
		}
		kept[it.WorkflowID] = true
		out = append(out, it)
	}
	return out, nil
}

// runs lists every run (continued-as-new ones excepted) of the given migrations, newest
// first per workflow ID.
func (s *Starter) runs(ctx context.Context, workflowIDs []string) ([]Summary, error) {
	quoted := make([]string, len(workflowIDs))
	for i, id := range workflowIDs {
		if _, _, err := ParseRef(id); err != nil {
			return nil, err
		}
		quoted[i] = "'" + id + "'"
	}
	query := fmt.Sprintf("WorkflowType = '%s' AND ExecutionStatus != 'ContinuedAsNew' AND WorkflowId IN (%s)",
		contract.WorkflowName, strings.Join(quoted, ", "))
	var out []Summary
	var token []byte
	for {
		resp, err := s.c.ListWorkflow(ctx, &workflowservice.ListWorkflowExecutionsRequest{Query: query, NextPageToken: token, PageSize: MaxPageSize})
		if err != nil {
			return nil, fmt.Errorf("list the runs of %d migrations: %w", len(workflowIDs), err)
		}
		for _, info := range resp.GetExecutions() {
			out = append(out, summaryOf(info))
		}
		if token = resp.GetNextPageToken(); len(token) == 0 {
			// Newest first, whatever order visibility keeps (SQL visibility sorts by
			// close time and cannot be told otherwise).
			sort.SliceStable(out, func(i, j int) bool { return out[i].StartTime.After(out[j].StartTime) })
			return out, nil
		}
	}
}
