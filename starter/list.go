package starter

import (
	"context"
	"encoding/base64"
	"errors"
	"fmt"
	"strings"
	"time"

	"go.temporal.io/api/serviceerror"
	workflowpb "go.temporal.io/api/workflow/v1"
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

// ListFilter narrows List and ListPage. Every field is optional; the filters combine.
type ListFilter struct {
	// Status is a migration status (workflows.Statuses).
	Status string
	// Step is a step of the procedure (workflows.Steps).
	Step string
	// Mode is new or existing.
	Mode string
	// Subdomain is the Zendesk subdomain chosen, matched exactly.
	Subdomain string
	// Limit caps the number List returns, newest first; 0 means all.
	Limit int
	// PageSize is how many ListPage returns at most; 0 means DefaultPageSize.
	PageSize int
	// PageToken continues a ListPage from where the previous page ended.
	PageToken string
}

// Page is one page of migrations; NextPageToken is empty on the last page.
type Page struct {
	Items         []Summary
	NextPageToken string
}

// Page sizes ListPage accepts.
const (
	DefaultPageSize = 50
	MaxPageSize     = 1000
)

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
			out = append(out, summaryOf(info))
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

// ListPage returns one page of migrations, newest first, for callers that page with
// an opaque token (the HTTP API). A token from another filter or a mangled one is an
// *InputError.
func (s *Starter) ListPage(ctx context.Context, f ListFilter) (Page, error) {
	query, err := f.Query()
	if err != nil {
		return Page{}, err
	}
	size := f.PageSize
	if size == 0 {
		size = DefaultPageSize
	}
	var token []byte
	if f.PageToken != "" {
		if token, err = base64.RawURLEncoding.DecodeString(f.PageToken); err != nil || len(token) == 0 {
			return Page{}, badPageToken()
		}
	}
	resp, err := s.c.ListWorkflow(ctx, &workflowservice.ListWorkflowExecutionsRequest{
		Query:         query,
		NextPageToken: token,
		PageSize:      int32(size),
	})
	if err != nil {
		var invalid *serviceerror.InvalidArgument
		if len(token) > 0 && errors.As(err, &invalid) {
			return Page{}, badPageToken()
		}
		return Page{}, fmt.Errorf("list migrations (%s): %w", query, err)
	}
	page := Page{Items: make([]Summary, 0, len(resp.GetExecutions()))}
	for _, info := range resp.GetExecutions() {
		page.Items = append(page.Items, summaryOf(info))
	}
	if next := resp.GetNextPageToken(); len(next) > 0 {
		page.NextPageToken = base64.RawURLEncoding.EncodeToString(next)
	}
	return page, nil
}

func badPageToken() error {
	return inputErr("page_token", "page_token is not one this server handed out for this filter; drop it to start from the first page")
}

func summaryOf(info *workflowpb.WorkflowExecutionInfo) Summary {
	sa := info.GetSearchAttributes()
	return Summary{
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
	}
}

// Query checks the filter and builds the visibility query on the typed search
// attributes. Status, step and mode must be known values and the subdomain a DNS
// label, which also keeps every value safe to quote. A bad filter is an *InputError.
func (f ListFilter) Query() (string, error) {
	if f.Limit < 0 {
		return "", inputErr("limit", "limit %d must be 0 (all) or more", f.Limit)
	}
	if f.PageSize < 0 || f.PageSize > MaxPageSize {
		return "", inputErr("page_size", "page_size %d must be from 1 to %d (default %d)", f.PageSize, MaxPageSize, DefaultPageSize)
	}
	clauses := []string{fmt.Sprintf("WorkflowType = '%s'", workflows.WorkflowName)}
	add := func(attr, value string) {
		clauses = append(clauses, fmt.Sprintf("%s = '%s'", attr, value))
	}
	if f.Status != "" {
		if !known(f.Status, workflows.Statuses) {
			return "", inputErr("status", "status %q is not known; use one of %s", f.Status, names(workflows.Statuses))
		}
		add(workflows.SearchAttrStatus.GetName(), f.Status)
	}
	if f.Step != "" {
		if !known(f.Step, workflows.Steps) {
			return "", inputErr("step", "step %q is not known; use one of %s", f.Step, names(workflows.Steps))
		}
		add(workflows.SearchAttrStep.GetName(), f.Step)
	}
	if f.Mode != "" {
		if f.Mode != string(workflows.ModeNew) && f.Mode != string(workflows.ModeExisting) {
			return "", inputErr("mode", "mode %q is not known; use %q or %q", f.Mode, workflows.ModeNew, workflows.ModeExisting)
		}
		add(workflows.SearchAttrMode.GetName(), f.Mode)
	}
	if f.Subdomain != "" {
		if !isLabel(f.Subdomain) {
			return "", inputErr("subdomain", "subdomain %q cannot be a Zendesk subdomain: use lowercase letters, digits and hyphens, e.g. acme", f.Subdomain)
		}
		add(workflows.SearchAttrSubdomain.GetName(), f.Subdomain)
	}
	return strings.Join(clauses, " AND "), nil
}

func known[T ~string](v string, values []T) bool {
	for _, x := range values {
		if string(x) == v {
			return true
		}
	}
	return false
}

func names[T ~string](values []T) string {
	out := make([]string, len(values))
	for i, v := range values {
		out[i] = string(v)
	}
	return strings.Join(out, ", ")
}

// isLabel accepts what could be stored as a subdomain: 1-63 lowercase letters, digits
// and hyphens. A filter is not a new name, so reserved names are not refused here.
func isLabel(s string) bool {
	if len(s) > 63 {
		return false
	}
	for _, r := range s {
		if !(r >= 'a' && r <= 'z' || r >= '0' && r <= '9' || r == '-') {
			return false
		}
	}
	return true
}

func pageSize(limit, have int) int32 {
	if limit > 0 && limit-have < MaxPageSize {
		return int32(limit - have)
	}
	return MaxPageSize
}
