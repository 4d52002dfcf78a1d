package api

import (
	"context"
	"crypto/sha256"
	"encoding/json"
	"sync"
	"testing"
	"time"

	commonpb "go.temporal.io/api/common/v1"
	enumspb "go.temporal.io/api/enums/v1"
	"go.temporal.io/api/serviceerror"
	workflowpb "go.temporal.io/api/workflow/v1"
	"go.temporal.io/api/workflowservice/v1"
	"go.temporal.io/sdk/client"
	"go.temporal.io/sdk/converter"
	"go.temporal.io/sdk/temporal"
	"go.uber.org/zap"
	"go.uber.org/zap/zaptest/observer"
	"google.golang.org/protobuf/types/known/timestamppb"

	"github.com/sellmigrate/sellmigrate/contract"
	"github.com/sellmigrate/sellmigrate/starter"
)

// campaignClient is a Temporal client holding campaigns as the starter sees them: a
// workflow ID with its execution status. It records what reaches it and answers as
// Temporal and the campaign workflow would; every other call panics (nil embedded
// interface).
type campaignClient struct {
	client.Client
	mu sync.Mutex
	// status of each workflow that exists, absent for none; ids in creation order.
	status map[string]enumspb.WorkflowExecutionStatus
	ids    []string
	// refuse, when set, is the reason the campaign refuses every control.
	refuse    string
	progress  contract.CampaignProgress
	final     contract.CampaignReport
	preflight contract.PreflightReport

	started   []contract.CampaignInput
	preflists []contract.PreflightInput
	updates   []client.UpdateWorkflowOptions
	queries   []string
	nextLine  int
}

func newCampaignClient() *campaignClient {
	return &campaignClient{status: map[string]enumspb.WorkflowExecutionStatus{}, nextLine: 1}
}

func (c *campaignClient) ExecuteWorkflow(_ context.Context, o client.StartWorkflowOptions, wf any, args ...any) (client.WorkflowRun, error) {
	c.mu.Lock()
	defer c.mu.Unlock()
	switch wf {
	case contract.PreflightWorkflowName:
		c.preflists = append(c.preflists, args[0].(contract.PreflightInput))
		return valueRun{id: o.ID, v: c.preflight}, nil
	case contract.CampaignWorkflowName:
		if _, ok := c.status[o.ID]; ok {
			return nil, serviceerror.NewWorkflowExecutionAlreadyStarted("workflow execution already started", "", "run-1")
		}
		in := args[0].(contract.CampaignInput)
		c.started = append(c.started, in)
		c.put(o.ID, enumspb.WORKFLOW_EXECUTION_STATUS_RUNNING)
		c.nextLine = len(in.Rows) + 1
		return valueRun{id: o.ID}, nil
	}
	panic("unexpected workflow type " + wf.(string))
}

// put makes the workflow exist with that status (callers hold mu, or own c alone).
func (c *campaignClient) put(id string, st enumspb.WorkflowExecutionStatus) {
	if _, ok := c.status[id]; !ok {
		c.ids = append(c.ids, id)
	}
	c.status[id] = st
}

func (c *campaignClient) UpdateWorkflow(_ context.Context, o client.UpdateWorkflowOptions) (client.WorkflowUpdateHandle, error) {
	c.mu.Lock()
	defer c.mu.Unlock()
	c.updates = append(c.updates, o)
	if c.status[o.WorkflowID] != enumspb.WORKFLOW_EXECUTION_STATUS_RUNNING {
		return nil, serviceerror.NewNotFound("workflow execution not found")
	}
	h := campaignUpdate{workflowID: o.WorkflowID}
	if c.refuse != "" {
		h.err = temporal.NewApplicationError(c.refuse, "CampaignControlRefused")
		return h, nil
	}
	if add, ok := o.Args[0].(contract.CampaignAddInput); ok {
		h.added = contract.CampaignAddResult{FirstLine: c.nextLine, LastLine: c.nextLine + len(add.Rows) - 1}
		c.nextLine += len(add.Rows)
	}
	return h, nil
}

func (c *campaignClient) DescribeWorkflowExecution(_ context.Context, id, _ string) (*workflowservice.DescribeWorkflowExecutionResponse, error) {
	c.mu.Lock()
	defer c.mu.Unlock()
	st, ok := c.status[id]
	if !ok {
		return nil, serviceerror.NewNotFound("workflow execution not found")
	}
	return &workflowservice.DescribeWorkflowExecutionResponse{WorkflowExecutionInfo: &workflowpb.WorkflowExecutionInfo{
		Execution: &commonpb.WorkflowExecution{WorkflowId: id, RunId: "run-1"}, Status: st}}, nil
}

func (c *campaignClient) QueryWorkflow(_ context.Context, id, _ string, query string, _ ...any) (converter.EncodedValue, error) {
	c.mu.Lock()
	defer c.mu.Unlock()
	if _, ok := c.status[id]; !ok || query != contract.CampaignProgressQuery {
		return nil, serviceerror.NewNotFound("workflow execution not found")
	}
	return encoded{c.progress}, nil
}

func (c *campaignClient) GetWorkflow(_ context.Context, id, _ string) client.WorkflowRun {
	c.mu.Lock()
	defer c.mu.Unlock()
	return valueRun{id: id, v: c.final}
}

// ListWorkflow answers a campaign list with the campaigns held, newest first, and any
// other list with nothing; it records every query.
func (c *campaignClient) ListWorkflow(_ context.Context, req *workflowservice.ListWorkflowExecutionsRequest) (*workflowservice.ListWorkflowExecutionsResponse, error) {
	c.mu.Lock()
	defer c.mu.Unlock()
	c.queries = append(c.queries, req.GetQuery())
	resp := &workflowservice.ListWorkflowExecutionsResponse{}
	if req.GetQuery() == `WorkflowType = "`+contract.CampaignWorkflowName+`"` {
		start := time.Date(2026, 12, 1, 9, 0, 0, 0, time.UTC)
		for i := len(c.ids) - 1; i >= 0; i-- {
			id, st := c.ids[i], c.status[c.ids[i]]
			info := &workflowpb.WorkflowExecutionInfo{Execution: &commonpb.WorkflowExecution{WorkflowId: id, RunId: "run-1"},
				Status: st, StartTime: timestamppb.New(start.Add(time.Duration(i) * time.Minute))}
			if st != enumspb.WORKFLOW_EXECUTION_STATUS_RUNNING {
				info.CloseTime = timestamppb.New(start.Add(time.Hour))
			}
			resp.Executions = append(resp.Executions, info)
		}
	}
	return resp, nil
}

func (c *campaignClient) seen() (started []contract.CampaignInput, preflights []contract.PreflightInput, updates []client.UpdateWorkflowOptions, queries []string) {
	c.mu.Lock()
	defer c.mu.Unlock()
	return append(started[:0:0], c.started...), append(preflights[:0:0], c.preflists...),
		append(updates[:0:0], c.updates...), append(queries[:0:0], c.queries...)
}

// valueRun is a run whose result is v (by a JSON round trip, as a payload would be).
type valueRun struct {
	client.WorkflowRun
	id string
	v  any
}

func (r valueRun) GetID() string    { return r.id }
func (r valueRun) GetRunID() string { return "run-1" }
func (r valueRun) Get(_ context.Context, ptr any) error {
	return encoded{r.v}.Get(ptr)
}

type encoded struct{ v any }

func (e encoded) HasValue() bool { return e.v != nil }
func (e encoded) Get(ptr any) error {
	b, err := json.Marshal(e.v)
	if err != nil {
		return err
	}
	return json.Unmarshal(b, ptr)
}

type campaignUpdate struct {
	workflowID string
	added      contract.CampaignAddResult
	err        error
}

func (u campaignUpdate) WorkflowID() string { return u.workflowID }
func (u campaignUpdate) RunID() string      { return "run-1" }
func (u campaignUpdate) UpdateID() string   { return "update" }
func (u campaignUpdate) Get(_ context.Context, ptr any) error {
	if u.err != nil {
		return u.err
	}
	if res, ok := ptr.(*contract.CampaignAddResult); ok {
		*res = u.added
	}
	return nil
}

// campaignServer is testServer on a campaignClient, with the named ops token ci-bot
// (ci@example.test) beside the role-list tokens, logging into an observer.
func campaignServer(t *testing.T) (*Server, *campaignClient, *observer.ObservedLogs) {
	t.Helper()
	c := newCampaignClient()
	core, logs := observer.New(zap.InfoLevel)
	s := testServerWith(t, func(o *Options) {
		o.Starter = starter.New(c, starter.Options{})
		o.Logger = zap.New(core)
		o.Tokens.Named = []NamedToken{{Name: "ci-bot", Email: "ci@example.test", Role: RoleOps, SHA256: sha256.Sum256([]byte("ci-secret-token"))}}
	})
	return s, c, logs
}
