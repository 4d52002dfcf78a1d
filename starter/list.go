package starter

import (
	"context"
	"fmt"
	"strings"
	"time"

	"go.temporal.io/api/workflowservice/v1"

	"github.com/sellmigrate/sellmigrate/workflows"
)

// Summary is one migration as visibility shows it, read from the search attributes the
// workflow keeps current (no per-workflow query, so listing thousands stays cheap).
type Summary struct {
	AccountID  string `json:"accountId"`
	WorkflowID string `json:"workflowId"`
	RunID      string `json:"runId"`
	Mode       string `json:"mode"`
	Subdomain  string `json:"subdomain,omitempty"`
	Step       string `json:"step"`
	Status     string `json:"status"`
	// Execution is Temporal's execution status (Running, Completed, Failed, ...).
	Execution string     `json:"execution"`
	StartTime time.Time  `json:"startTime"`
	CloseTime *time.Time `json:"closeTime,omitempty"`
}

// ListFilter narrows List.
type ListFilter struct {
	// Status is a migration status (workflows.Statuses); empty lists every migration.
	Status string
	// Limit caps the number returned, newest first; 0 means all.
	Limit int
}

// List returns migrations from Temporal visibility, newest first.
func (s *Starter) List(ctx context.Context, f ListFilter) ([]Summary, error) {
	query, err := f.Query()
	if err != nil {
		return nil, err
	}
	var out []Summary
	var token []byte
	for {
		resp, err := s.c.ListWorkflow(ctx, &workflowservice.ListWorkflowExecutionsRequest{
			Query:         query,
			NextPageToken: token,
			PageSize:      pageSize(f.Limit, len(out)),
		})
		if err != nil {
			return nil, fmt.Errorf("list migrations (%s): %w", query, err)
		}
		for _, info := range resp.GetExecutions() {
			sa := info.GetSearchAttributes()
			out = append(out, Summary{
				AccountID:  keyword(sa, workflows.SearchAttrSellAccountID.GetName()),
				WorkflowID: info.GetExecution().GetWorkflowId(),
				RunID:      info.GetExecution().GetRunId(),
				Mode:       keyword(sa, workflows.SearchAttrMode.GetName()),
				Subdomain:  keyword(sa, workflows.SearchAttrSubdomain.GetName()),
				Step:       keyword(sa, workflows.SearchAttrStep.GetName()),
				Status:     keyword(sa, workflows.SearchAttrStatus.GetName()),
				Execution:  info.GetStatus().String(),
				StartTime:  info.GetStartTime().AsTime(),
				CloseTime:  timeOf(info.GetCloseTime()),
			})
			if f.Limit > 0 && len(out) >= f.Limit {
				return out, nil
			}
		}
		token = resp.GetNextPageToken()
		if len(token) == 0 {
			return out, nil
		}
	}
}

// Query checks the filter and builds the visibility query; the status must be one of
// workflows.Statuses, which also keeps it safe to quote. A bad filter is an *InputError.
func (f ListFilter) Query() (string, error) {
	if f.Limit < 0 {
		return "", inputErr("limit", "limit %d must be 0 (all) or more", f.Limit)
	}
	q := fmt.Sprintf("WorkflowType = '%s'", workflows.WorkflowName)
	if f.Status == "" {
		return q, nil
	}
	for _, st := range workflows.Statuses {
		if string(st) == f.Status {
			return fmt.Sprintf("%s AND %s = '%s'", q, workflows.SearchAttrStatus.GetName(), st), nil
		}
	}
	names := make([]string, len(workflows.Statuses))
	for i, st := range workflows.Statuses {
		names[i] = string(st)
	}
	return "", inputErr("status", "status %q is not known; use one of %s", f.Status, strings.Join(names, ", "))
}

func pageSize(limit, have int) int32 {
	const max = 1000
	if limit > 0 && limit-have < max {
		return int32(limit - have)
	}
	return max
}
