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
	"go.temporal.io/sdk/converter"

	"github.com/sellmigrate/sellmigrate/contract"
)

// Summary is one migration as visibility shows it, read from the search attributes the
// workflow keeps current (no per-workflow query, so listing thousands stays cheap).
type Summary struct {
	WorkflowID string `json:"workflowId"`
	RunID      string `json:"runId"`
	AccountID  string `json:"sellAccountId"`
	Mode       string `json:"mode"`
	Subdomain  string `json:"subdomain"`
	Step       string `json:"step"`
	Status     string `json:"status"`
	// Execution is Temporal's execution status (Running, Completed, Failed, ...).
	Execution string     `json:"executionStatus"`
	StartTime time.Time  `json:"startedAt"`
	CloseTime *time.Time `json:"closedAt"`
}

// Settled says the migration has its outcome and its run has closed. A workflow
// records its outcome (status and search attributes) a moment before it closes: it
// still revokes the owner's grant and lets handlers finish, and until then its result
// can be read only by a query, which needs a worker.
func (s Summary) Settled() bool {
	return contract.Status(s.Status).Final() && s.CloseTime != nil
}

// ListFilter narrows List and ListPage. Every field is optional; the filters combine.
type ListFilter struct {
	// Status is a migration status (contract.Statuses).
	Status string
	// Step is a step of the procedure (contract.Steps).
	Step string
	// Mode is new or existing.
	Mode string
	// Subdomain is the Zendesk subdomain chosen, matched exactly.
	Subdomain string
	// Campaign is a campaign's name: only the migrations it started (CampaignID).
	Campaign string
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
				return s.latestOnly(ctx, out)
			}
		}
		token = resp.GetNextPageToken()
		if len(token) == 0 {
			return s.latestOnly(ctx, out)
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
	if page.Items, err = s.latestOnly(ctx, page.Items); err != nil {
		return Page{}, err
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
		AccountID:  contract.KeywordOf(sa, contract.SearchAttrSellAccountID),
		WorkflowID: info.GetExecution().GetWorkflowId(),
		RunID:      info.GetExecution().GetRunId(),
		Mode:       contract.KeywordOf(sa, contract.SearchAttrMode),
		Subdomain:  contract.KeywordOf(sa, contract.SearchAttrSubdomain),
		Step:       contract.KeywordOf(sa, contract.SearchAttrStep),
		Status:     contract.KeywordOf(sa, contract.SearchAttrStatus),
		Execution:  info.GetStatus().String(),
		StartTime:  migrationStart(info),
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
	// A run that continued as new is part of a migration whose latest run carries on:
	// listing it too would show the migration twice.
	clauses := []string{fmt.Sprintf("WorkflowType = '%s'", contract.WorkflowName), "ExecutionStatus != 'ContinuedAsNew'"}
	add := func(attr, value string) {
		clauses = append(clauses, fmt.Sprintf("%s = '%s'", attr, value))
	}
	if f.Status != "" {
		status, err := contract.ParseStatus(f.Status)
		if err != nil {
			return "", inputErr("status", "%s", err.Error())
		}
		add(contract.SearchAttrStatus.GetName(), string(status))
	}
	if f.Step != "" {
		step, err := contract.ParseStep(f.Step)
		if err != nil {
			return "", inputErr("step", "%s", err.Error())
		}
		add(contract.SearchAttrStep.GetName(), string(step))
	}
	if f.Mode != "" {
		mode, err := contract.ParseMode(f.Mode)
		if err != nil {
			return "", inputErr("mode", "%s", err.Error())
		}
		add(contract.SearchAttrMode.GetName(), string(mode))
	}
	if f.Subdomain != "" {
		if !contract.IsLabel(f.Subdomain) {
			return "", inputErr("subdomain", "subdomain %q cannot be a Zendesk subdomain: use lowercase letters, digits and hyphens, e.g. acme", f.Subdomain)
		}
		add(contract.SearchAttrSubdomain.GetName(), f.Subdomain)
	}
	if f.Campaign != "" {
		if err := contract.ValidateCampaignName(f.Campaign); err != nil {
			return "", inputErr("campaign", "%s", err.Error())
		}
		add(contract.SearchAttrCampaignID.GetName(), contract.CampaignWorkflowID(f.Campaign))
	}
	return strings.Join(clauses, " AND "), nil
}

func pageSize(limit, have int) int32 {
	if limit > 0 && limit-have < MaxPageSize {
		return int32(limit - have)
	}
	return MaxPageSize
}

// migrationStart is when the migration began, which its search attribute keeps across
// runs that continued as new; the run's own start for runs that predate it.
func migrationStart(info *workflowpb.WorkflowExecutionInfo) time.Time {
	if p, ok := info.GetSearchAttributes().GetIndexedFields()[contract.SearchAttrStartedAt.GetName()]; ok {
		var t time.Time
		if err := converter.GetDefaultDataConverter().FromPayload(p, &t); err == nil && !t.IsZero() {
			return t
		}
	}
	return info.GetStartTime().AsTime()
}
