package starter

import (
	"context"
	"errors"
	"fmt"
	"strings"

	enumspb "go.temporal.io/api/enums/v1"
	"go.temporal.io/api/serviceerror"
	"go.temporal.io/api/workflowservice/v1"
	"go.temporal.io/sdk/client"
	"go.temporal.io/sdk/temporal"
	"go.uber.org/zap"

	"github.com/sellmigrate/sellmigrate/contract"
)

// CampaignRequest starts a campaign. Rows beyond what one start carries
// (contract.MaxCampaignAddRows) are sent as further adds, by By.
type CampaignRequest struct {
	Name          string
	Rows          []contract.CampaignRow
	MaxActive     int
	RatePerMinute int
	Windows       []string
	// By is the email of the operator starting it, recorded on the adds.
	By string
	// StartedBy is the API caller; nil from the CLI.
	StartedBy *contract.Principal
}

// CampaignStarted is what StartCampaign did. When an add of the rows past the first
// batch was refused, Sent says how many rows the campaign holds and AddErr why the
// rest were not sent: the campaign runs, and the rest can be sent with add later.
type CampaignStarted struct {
	WorkflowID string
	RunID      string
	Sent       int
	AddErr     error
}

// CampaignExistsError refuses a second campaign of the same name.
type CampaignExistsError struct {
	Name    string
	Running bool
}

func (e *CampaignExistsError) Error() string {
	if e.Running {
		return fmt.Sprintf("campaign %s already exists and is running; see \"sellmigrate campaign status %s\", add rows with \"sellmigrate campaign add %s\", or choose another --name", e.Name, e.Name, e.Name)
	}
	return fmt.Sprintf("campaign %s already exists and has ended; see \"sellmigrate campaign report %s\", or choose another --name", e.Name, e.Name)
}

// CampaignNotFoundError says no campaign has that name.
type CampaignNotFoundError struct{ Name string }

func (e *CampaignNotFoundError) Error() string {
	return fmt.Sprintf("no campaign named %s; see the campaigns with \"sellmigrate campaign list\"", e.Name)
}

// CampaignRejectedError is a control the campaign refused, with its reason.
type CampaignRejectedError struct {
	Control, Name, Reason string
}

func (e *CampaignRejectedError) Error() string {
	return fmt.Sprintf("%s refused by campaign %s: %s", e.Control, e.Name, e.Reason)
}

func checkCampaignName(name string) error {
	if err := contract.ValidateCampaignName(name); err != nil {
		return inputErr("name", "%v", err)
	}
	return nil
}

func checkBy(by string) error {
	if err := (contract.CampaignControlInput{By: by}).Check(); err != nil {
		return fromFieldError(err)
	}
	return nil
}

// chunkRows splits rows into batches of at most n rows and at most maxBytes of the
// campaign's state (contract.RowBytes); a row larger than maxBytes alone is a batch of
// its own, which the campaign refuses with the reason.
func chunkRows(rows []contract.CampaignRow, n, maxBytes int) [][]contract.CampaignRow {
	var out [][]contract.CampaignRow
	start, size := 0, 0
	for i, r := range rows {
		b := contract.RowBytes(r)
		if i > start && (i-start == n || size+b > maxBytes) {
			out = append(out, rows[start:i])
			start, size = i, 0
		}
		size += b
	}
	if start < len(rows) {
		out = append(out, rows[start:])
	}
	return out
}

// StartCampaign checks the request, starts the campaign workflow campaign-<name> with
// the first batch of rows, and sends the rest as adds. Nothing is started when a
// check fails; a name already used is refused with *CampaignExistsError.
func (s *Starter) StartCampaign(ctx context.Context, req CampaignRequest) (CampaignStarted, error) {
	if len(req.Rows) == 0 {
		return CampaignStarted{}, inputErr("rows", "the list has no rows; give one row per Sell account")
	}
	if err := checkBy(req.By); err != nil {
		return CampaignStarted{}, err
	}
	batches := chunkRows(req.Rows, contract.MaxCampaignAddRows, contract.MaxCampaignAddBytes)
	in := contract.CampaignInput{Name: req.Name, Rows: batches[0], MaxActive: req.MaxActive,
		RatePerMinute: req.RatePerMinute, Windows: req.Windows, Policy: s.opts.Policy, StartedBy: req.StartedBy}
	if err := in.Validate(); err != nil {
		return CampaignStarted{}, fromFieldError(err)
	}
	id := contract.CampaignWorkflowID(req.Name)
	run, err := s.c.ExecuteWorkflow(ctx, client.StartWorkflowOptions{
		ID:        id,
		TaskQueue: contract.TaskQueue,
		// A campaign's name is its history: a second campaign of the same name, even
		// after the first ended, would make its report ambiguous.
		WorkflowIDReusePolicy:                    enumspb.WORKFLOW_ID_REUSE_POLICY_REJECT_DUPLICATE,
		WorkflowIDConflictPolicy:                 enumspb.WORKFLOW_ID_CONFLICT_POLICY_FAIL,
		WorkflowExecutionErrorWhenAlreadyStarted: true,
		StaticSummary:                            fmt.Sprintf("Campaign %s: %d rows, at most %d active, %d/min", req.Name, len(req.Rows), req.MaxActive, req.RatePerMinute),
	}, contract.CampaignWorkflowName, in)
	if err != nil {
		var dup *serviceerror.WorkflowExecutionAlreadyStarted
		if errors.As(err, &dup) {
			e := &CampaignExistsError{Name: req.Name}
			if desc, derr := s.c.DescribeWorkflowExecution(ctx, id, ""); derr == nil {
				e.Running = desc.GetWorkflowExecutionInfo().GetStatus() == enumspb.WORKFLOW_EXECUTION_STATUS_RUNNING
			}
			return CampaignStarted{}, e
		}
		return CampaignStarted{}, fmt.Errorf("start campaign %s: %w", req.Name, err)
	}
	out := CampaignStarted{WorkflowID: id, RunID: run.GetRunID(), Sent: len(batches[0])}
	s.log.Debug("campaign started", zap.String("workflowId", id), zap.Int("rows", out.Sent))
	for _, b := range batches[1:] {
		if _, err := s.campaignAdd(ctx, req.Name, req.By, b); err != nil {
			out.AddErr = err
			break
		}
		out.Sent += len(b)
	}
	return out, nil
}

// PauseCampaign stops new starts; running migrations go on.
func (s *Starter) PauseCampaign(ctx context.Context, name, by string) error {
	if err := checkCampaignName(name); err != nil {
		return err
	}
	if err := checkBy(by); err != nil {
		return err
	}
	return s.campaignUpdate(ctx, name, contract.CampaignPauseName, contract.CampaignControlInput{By: by}, nil)
}

// ResumeCampaign picks up starting where the pause stopped.
func (s *Starter) ResumeCampaign(ctx context.Context, name, by string) error {
	if err := checkCampaignName(name); err != nil {
		return err
	}
	if err := checkBy(by); err != nil {
		return err
	}
	return s.campaignUpdate(ctx, name, contract.CampaignResumeName, contract.CampaignControlInput{By: by}, nil)
}

// CancelCampaign stops starting; with cancelStarted it also cancels the started
// migrations that are not yet linked.
func (s *Starter) CancelCampaign(ctx context.Context, name, by string, cancelStarted bool) error {
	if err := checkCampaignName(name); err != nil {
		return err
	}
	if err := checkBy(by); err != nil {
		return err
	}
	return s.campaignUpdate(ctx, name, contract.CampaignCancelName, contract.CampaignCancel{By: by, CancelStarted: cancelStarted}, nil)
}

// AddCampaignRows appends rows to a running campaign, in batches of at most
// contract.MaxCampaignAddRows and contract.MaxCampaignAddBytes. It returns the lines
// the campaign gave the rows sent;
// on an error, the rows before the failing batch were added (the result says which).
func (s *Starter) AddCampaignRows(ctx context.Context, name, by string, rows []contract.CampaignRow) (contract.CampaignAddResult, error) {
	if err := checkCampaignName(name); err != nil {
		return contract.CampaignAddResult{}, err
	}
	if err := checkBy(by); err != nil {
		return contract.CampaignAddResult{}, err
	}
	if len(rows) == 0 {
		return contract.CampaignAddResult{}, inputErr("rows", "the list has no rows; give one row per Sell account")
	}
	var total contract.CampaignAddResult
	for _, b := range chunkRows(rows, contract.MaxCampaignAddRows, contract.MaxCampaignAddBytes) {
		res, err := s.campaignAdd(ctx, name, by, b)
		if err != nil {
			return total, err
		}
		if total.FirstLine == 0 {
			total.FirstLine = res.FirstLine
		}
		total.LastLine = res.LastLine
	}
	return total, nil
}

func (s *Starter) campaignAdd(ctx context.Context, name, by string, rows []contract.CampaignRow) (contract.CampaignAddResult, error) {
	in := contract.CampaignAddInput{By: by, Rows: rows}
	if err := in.Check(); err != nil {
		return contract.CampaignAddResult{}, fromFieldError(err)
	}
	var res contract.CampaignAddResult
	err := s.campaignUpdate(ctx, name, contract.CampaignAddName, in, &res)
	return res, err
}

// campaignUpdate sends a control and waits for the campaign's answer.
func (s *Starter) campaignUpdate(ctx context.Context, name, control string, arg, result any) error {
	id := contract.CampaignWorkflowID(name)
	ctx, cancel := context.WithTimeout(ctx, s.opts.UpdateTimeout)
	defer cancel()
	err := s.update(ctx, id, control, arg, result)
	if err == nil {
		s.log.Debug("campaign control accepted", zap.String("control", control), zap.String("workflowId", id))
		return nil
	}
	var appErr *temporal.ApplicationError
	var nf *serviceerror.NotFound
	switch {
	case errors.As(err, &appErr):
		return &CampaignRejectedError{Control: control, Name: name, Reason: contract.RootMessage(err)}
	case errors.As(err, &nf):
		return s.campaignMissingOrClosed(context.WithoutCancel(ctx), name)
	case isTimeout(ctx, err):
		return fmt.Errorf("no answer to %s from campaign %s within %s; it may still be applied, check \"sellmigrate campaign status %s\"; if no worker is running, start one (\"sellmigrate worker\" or \"sellmigrate dev\")",
			control, name, s.opts.UpdateTimeout, name)
	}
	return fmt.Errorf("send %s to campaign %s: %w", control, name, err)
}

// CampaignEndedError refuses a control sent to a campaign that has ended.
type CampaignEndedError struct {
	Name string
	// Execution is Temporal's close status, e.g. Completed, Canceled.
	Execution string
}

func (e *CampaignEndedError) Error() string {
	return fmt.Sprintf("campaign %s has ended (%s) and takes no more controls; see \"sellmigrate campaign report %s\"", e.Name, e.Execution, e.Name)
}

// campaignMissingOrClosed tells a campaign that never existed from one that ended.
func (s *Starter) campaignMissingOrClosed(ctx context.Context, name string) error {
	desc, err := s.c.DescribeWorkflowExecution(ctx, contract.CampaignWorkflowID(name), "")
	if err != nil {
		return &CampaignNotFoundError{Name: name}
	}
	return &CampaignEndedError{Name: name, Execution: executionName(desc.GetWorkflowExecutionInfo().GetStatus())}
}

func executionName(st enumspb.WorkflowExecutionStatus) string {
	return strings.TrimPrefix(st.String(), "WORKFLOW_EXECUTION_STATUS_")
}

// CampaignProgress asks the running campaign for its progress (its query, which needs
// a worker to answer, bounded by Options.QueryTimeout).
func (s *Starter) CampaignProgress(ctx context.Context, name string) (contract.CampaignProgress, error) {
	if err := checkCampaignName(name); err != nil {
		return contract.CampaignProgress{}, err
	}
	id := contract.CampaignWorkflowID(name)
	qctx, cancel := context.WithTimeout(ctx, s.opts.QueryTimeout)
	defer cancel()
	v, err := s.c.QueryWorkflow(qctx, id, "", contract.CampaignProgressQuery)
	if err != nil {
		var nf *serviceerror.NotFound
		if errors.As(err, &nf) {
			return contract.CampaignProgress{}, &CampaignNotFoundError{Name: name}
		}
		if isTimeout(qctx, err) {
			return contract.CampaignProgress{}, fmt.Errorf("campaign %s did not answer its progress query within %s (temporal.query_timeout); if no worker is running, start one (\"sellmigrate worker\" or \"sellmigrate dev\"), if the worker is busy, wait or raise the timeout", name, s.opts.QueryTimeout)
		}
		return contract.CampaignProgress{}, fmt.Errorf("query the progress of campaign %s: %w", name, err)
	}
	var p contract.CampaignProgress
	if err := v.Get(&p); err != nil {
		return p, fmt.Errorf("decode the progress of campaign %s: %w", name, err)
	}
	return p, nil
}

// CampaignReport is the campaign's final report once it has closed. While it runs,
// Final is false and the report holds the progress so far (counts and refused rows).
type CampaignReport struct {
	Final  bool                    `json:"final"`
	Report contract.CampaignReport `json:"report"`
	// Progress is set while the campaign runs.
	Progress *contract.CampaignProgress `json:"progress,omitempty"`
}

// CampaignReport reads the campaign's result once it has closed, else its progress. A
// closed campaign's report past contract.MaxCampaignReportRows is completed from
// visibility (completeReport), so every started row has its line.
func (s *Starter) CampaignReport(ctx context.Context, name string) (CampaignReport, error) {
	if err := checkCampaignName(name); err != nil {
		return CampaignReport{}, err
	}
	id := contract.CampaignWorkflowID(name)
	desc, err := s.c.DescribeWorkflowExecution(ctx, id, "")
	if err != nil {
		var nf *serviceerror.NotFound
		if errors.As(err, &nf) {
			return CampaignReport{}, &CampaignNotFoundError{Name: name}
		}
		return CampaignReport{}, fmt.Errorf("describe campaign %s: %w", name, err)
	}
	st := desc.GetWorkflowExecutionInfo().GetStatus()
	if st == enumspb.WORKFLOW_EXECUTION_STATUS_RUNNING {
		p, err := s.CampaignProgress(ctx, name)
		if err != nil {
			return CampaignReport{}, err
		}
		return CampaignReport{Progress: &p, Report: contract.CampaignReport{Name: p.Name, Counts: p.Counts, Rows: p.Reports, Omitted: p.Omitted}}, nil
	}
	var rep contract.CampaignReport
	if err := s.c.GetWorkflow(ctx, id, "").Get(ctx, &rep); err != nil {
		return CampaignReport{}, fmt.Errorf("campaign %s ended without a report (%s): %s", name, executionName(st), contract.RootMessage(err))
	}
	if err := s.completeReport(ctx, name, &rep); err != nil {
		return CampaignReport{}, err
	}
	return CampaignReport{Final: true, Report: rep}, nil
}

// CampaignSummary is one campaign as visibility shows it.
type CampaignSummary struct {
	Name       string `json:"name"`
	WorkflowID string `json:"workflowId"`
	Execution  string `json:"executionStatus"`
	StartTime  string `json:"startedAt"`
	CloseTime  string `json:"closedAt,omitempty"`
}

// ListCampaigns lists the campaigns, newest first, from visibility.
func (s *Starter) ListCampaigns(ctx context.Context) ([]CampaignSummary, error) {
	query := fmt.Sprintf("WorkflowType = %q", contract.CampaignWorkflowName)
	var out []CampaignSummary
	var token []byte
	seen := map[string]bool{}
	for {
		resp, err := s.c.ListWorkflow(ctx, &workflowservice.ListWorkflowExecutionsRequest{Query: query, NextPageToken: token, PageSize: 200})
		if err != nil {
			return nil, fmt.Errorf("list campaigns (%s): %w", query, err)
		}
		for _, info := range resp.GetExecutions() {
			id := info.GetExecution().GetWorkflowId()
			// Continue-as-new leaves one closed run per hop; the newest (listed first) speaks.
			if seen[id] {
				continue
			}
			seen[id] = true
			c := CampaignSummary{Name: strings.TrimPrefix(id, contract.CampaignWorkflowIDPrefix), WorkflowID: id,
				Execution: executionName(info.GetStatus())}
			if t := info.GetStartTime(); t != nil {
				c.StartTime = t.AsTime().UTC().Format("2006-01-02T15:04:05Z")
			}
			if t := info.GetCloseTime(); t != nil {
				c.CloseTime = t.AsTime().UTC().Format("2006-01-02T15:04:05Z")
			}
			out = append(out, c)
		}
		token = resp.GetNextPageToken()
		if len(token) == 0 {
			return out, nil
		}
	}
}
