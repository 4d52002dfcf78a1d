package starter

import (
	"context"
	"errors"
	"fmt"
	"time"

	enumspb "go.temporal.io/api/enums/v1"
	failurepb "go.temporal.io/api/failure/v1"
	"go.temporal.io/api/serviceerror"
	workflowpb "go.temporal.io/api/workflow/v1"
	"go.temporal.io/api/workflowservice/v1"
	"go.temporal.io/sdk/converter"
	"google.golang.org/protobuf/proto"
	"google.golang.org/protobuf/types/known/timestamppb"

	"github.com/sellmigrate/sellmigrate/contract"
)

// Execution is what Temporal knows about a migration's workflow run.
type Execution struct {
	WorkflowID string `json:"workflowId"`
	RunID      string `json:"runId"`
	// Status is Temporal's execution status: Running, Completed, Failed, Canceled,
	// Terminated, TimedOut or ContinuedAsNew.
	Status        string     `json:"status"`
	StartTime     time.Time  `json:"startTime"`
	CloseTime     *time.Time `json:"closeTime,omitempty"`
	HistoryLength int64      `json:"historyLength"`
	TaskQueue     string     `json:"taskQueue"`
}

// PendingActivity is a Zendesk step in flight, with its retries.
type PendingActivity struct {
	Type  string `json:"type"`
	State string `json:"state"`
	// Attempt counts from 1; MaximumAttempts 0 means unlimited.
	Attempt           int32      `json:"attempt"`
	MaximumAttempts   int32      `json:"maximumAttempts"`
	LastFailure       string     `json:"lastFailure,omitempty"`
	LastStartedTime   *time.Time `json:"lastStartedTime,omitempty"`
	LastHeartbeatTime *time.Time `json:"lastHeartbeatTime,omitempty"`
	NextAttemptTime   *time.Time `json:"nextAttemptTime,omitempty"`
}

// describeRef fetches the latest run of the migration ref names (see ParseRef).
func (s *Starter) describeRef(ctx context.Context, ref string) (*workflowservice.DescribeWorkflowExecutionResponse, error) {
	accountID, workflowID, err := ParseRef(ref)
	if err != nil {
		return nil, err
	}
	return s.describe(ctx, accountID, workflowID)
}

// describe fetches the latest run of a migration; a missing one is *NotFoundError.
func (s *Starter) describe(ctx context.Context, accountID, workflowID string) (*workflowservice.DescribeWorkflowExecutionResponse, error) {
	desc, err := s.c.DescribeWorkflowExecution(ctx, workflowID, "")
	if err != nil {
		var nf *serviceerror.NotFound
		if errors.As(err, &nf) {
			return nil, &NotFoundError{AccountID: accountID, WorkflowID: workflowID}
		}
		return nil, fmt.Errorf("describe the migration of Sell account %s: %w", accountID, err)
	}
	return desc, nil
}

// missingOrClosed explains a NotFound from an operation on a workflow: it never existed,
// or it has finished and takes no more requests.
func (s *Starter) missingOrClosed(ctx context.Context, accountID, workflowID string) error {
	desc, err := s.describe(ctx, accountID, workflowID)
	if err != nil {
		return err
	}
	st := desc.GetWorkflowExecutionInfo().GetStatus()
	if st != enumspb.WORKFLOW_EXECUTION_STATUS_RUNNING {
		return &ClosedError{AccountID: accountID, WorkflowID: workflowID, Execution: st.String()}
	}
	return fmt.Errorf("the migration of Sell account %s is running but its run was not found; retry in a moment", accountID)
}

func executionOf(info *workflowpb.WorkflowExecutionInfo) Execution {
	return Execution{
		WorkflowID:    info.GetExecution().GetWorkflowId(),
		RunID:         info.GetExecution().GetRunId(),
		Status:        info.GetStatus().String(),
		StartTime:     info.GetStartTime().AsTime(),
		CloseTime:     timeOf(info.GetCloseTime()),
		HistoryLength: info.GetHistoryLength(),
		TaskQueue:     info.GetTaskQueue(),
	}
}

// pendingOf lists the pending activities; dc decodes their last failure's message,
// which the payload codec moves into the failure's encoded attributes.
func pendingOf(desc *workflowservice.DescribeWorkflowExecutionResponse, dc converter.DataConverter) []PendingActivity {
	out := make([]PendingActivity, 0, len(desc.GetPendingActivities()))
	for _, a := range desc.GetPendingActivities() {
		out = append(out, PendingActivity{
			Type:              a.GetActivityType().GetName(),
			State:             a.GetState().String(),
			Attempt:           a.GetAttempt(),
			MaximumAttempts:   a.GetMaximumAttempts(),
			LastFailure:       failureMessage(a.GetLastFailure(), dc),
			LastStartedTime:   timeOf(a.GetLastStartedTime()),
			LastHeartbeatTime: timeOf(a.GetLastHeartbeatTime()),
			NextAttemptTime:   timeOf(a.GetNextAttemptScheduleTime()),
		})
	}
	return out
}

func timeOf(ts *timestamppb.Timestamp) *time.Time {
	if ts == nil || (ts.GetSeconds() == 0 && ts.GetNanos() == 0) {
		return nil
	}
	t := ts.AsTime()
	return &t
}

// progressFromVisibility rebuilds the headline of the progress from the search
// attributes the workflow keeps current, for when no worker can answer the query.
func progressFromVisibility(info *workflowpb.WorkflowExecutionInfo) contract.Progress {
	sa := info.GetSearchAttributes()
	return contract.Progress{
		WorkflowID:    info.GetExecution().GetWorkflowId(),
		SellAccountID: contract.KeywordOf(sa, contract.SearchAttrSellAccountID),
		Mode:          contract.Mode(contract.KeywordOf(sa, contract.SearchAttrMode)),
		Subdomain:     contract.KeywordOf(sa, contract.SearchAttrSubdomain),
		Step:          contract.Step(contract.KeywordOf(sa, contract.SearchAttrStep)),
		Status:        contract.Status(contract.KeywordOf(sa, contract.SearchAttrStatus)),
		StartedAt:     info.GetStartTime().AsTime(),
		Inputs:        []contract.InputRecord{},
		Timeline:      []contract.StepRecord{},
	}
}

// closedStatus is the migration status a closed execution implies when the workflow
// could not record its own outcome (terminated, timed out).
func closedStatus(st enumspb.WorkflowExecutionStatus) contract.Status {
	switch st {
	case enumspb.WORKFLOW_EXECUTION_STATUS_COMPLETED:
		return contract.StatusCompleted
	case enumspb.WORKFLOW_EXECUTION_STATUS_CANCELED:
		return contract.StatusCancelled
	case enumspb.WORKFLOW_EXECUTION_STATUS_RUNNING, enumspb.WORKFLOW_EXECUTION_STATUS_CONTINUED_AS_NEW:
		return ""
	}
	return contract.StatusFailed
}

// liveContributors shows the conversion's progress while it runs: the workflow learns
// the counts when the activity ends, but its heartbeat carries the cursor all along,
// and Temporal keeps the last one with the pending activity.
func liveContributors(p *contract.Progress, desc *workflowservice.DescribeWorkflowExecutionResponse, dc converter.DataConverter) {
	for _, a := range desc.GetPendingActivities() {
		if a.GetActivityType().GetName() != "ConvertContributors" || a.GetHeartbeatDetails() == nil {
			continue
		}
		var cursor contract.ContributorCursor
		if err := dc.FromPayloads(a.GetHeartbeatDetails(), &cursor); err != nil {
			continue
		}
		if p.Contributors == nil || cursor.SellUsers > p.Contributors.Done {
			counts := cursor.Counts()
			p.Contributors = &counts
		}
	}
}

// failureMessage is a failure's message, decoded from its encoded attributes when the
// payload codec put it there.
func failureMessage(f *failurepb.Failure, dc converter.DataConverter) string {
	if f.GetEncodedAttributes() == nil {
		return f.GetMessage()
	}
	f = proto.Clone(f).(*failurepb.Failure)
	converter.DecodeCommonFailureAttributes(dc, f)
	return f.GetMessage()
}
