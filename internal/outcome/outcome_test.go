package outcome

import (
	"context"
	"testing"

	"github.com/stretchr/testify/mock"
	"github.com/stretchr/testify/require"
	commonpb "go.temporal.io/api/common/v1"
	enumspb "go.temporal.io/api/enums/v1"
	historypb "go.temporal.io/api/history/v1"
	workflowpb "go.temporal.io/api/workflow/v1"
	"go.temporal.io/api/workflowservice/v1"
	"go.temporal.io/sdk/mocks"

	"github.com/sellmigrate/sellmigrate/contract"
)

const wid = "sell-migration-1001"

func describes(c *mocks.Client, runID string, st enumspb.WorkflowExecutionStatus) {
	c.On("DescribeWorkflowExecution", mock.Anything, wid, runID).Return(&workflowservice.DescribeWorkflowExecutionResponse{
		WorkflowExecutionInfo: &workflowpb.WorkflowExecutionInfo{
			Execution: &commonpb.WorkflowExecution{WorkflowId: wid, RunId: runID}, FirstRunId: runID, Status: st}}, nil).Once()
}

// latestIs makes the migration's latest run runID, first run firstRunID.
func latestIs(c *mocks.Client, runID, firstRunID string, st enumspb.WorkflowExecutionStatus) {
	c.On("DescribeWorkflowExecution", mock.Anything, wid, "").Return(&workflowservice.DescribeWorkflowExecutionResponse{
		WorkflowExecutionInfo: &workflowpb.WorkflowExecutionInfo{
			Execution: &commonpb.WorkflowExecution{WorkflowId: wid, RunId: runID}, FirstRunId: firstRunID, Status: st}}, nil).Once()
}

func completesWith(c *mocks.Client, runID string, res contract.Result) {
	run := &mocks.WorkflowRun{}
	run.On("Get", mock.Anything, mock.Anything).Return(func(_ context.Context, v any) error {
		*(v.(*contract.Result)) = res
		return nil
	})
	c.On("GetWorkflow", mock.Anything, wid, runID).Return(run)
}

// TestReadLatestChainInOneCall: the row's run began the migration's latest chain, so
// the latest run answers at once, and runs before it, gone past retention, are never
// asked for (the mock fails a call it does not expect).
func TestReadLatestChainInOneCall(t *testing.T) {
	c := &mocks.Client{}
	latestIs(c, "r3", "r1", enumspb.WORKFLOW_EXECUTION_STATUS_COMPLETED)
	completesWith(c, "r3", contract.Result{Outcome: contract.StatusCompleted, UsersConverted: 2})
	got := Read(context.Background(), c, "1001", "r1")
	require.Equal(t, Migration{AccountID: "1001", Status: contract.StatusCompleted, UsersConverted: 2}, got)
	c.AssertExpectations(t)
}

// TestReadLeavesAnOpenRunAsItIs: a paused run is open, like a running one: its status
// is read, and its result is not waited for.
func TestReadLeavesAnOpenRunAsItIs(t *testing.T) {
	c := &mocks.Client{}
	latestIs(c, "r1", "r1", enumspb.WORKFLOW_EXECUTION_STATUS_PAUSED)
	got := Read(context.Background(), c, "1001", "r1")
	require.Equal(t, Migration{AccountID: "1001"}, got)
	c.AssertExpectations(t)
}

// continuesAs makes runID's close event a continue-as-new into next.
func continuesAs(c *mocks.Client, runID, next string) {
	events := &mocks.HistoryEventIterator{}
	events.On("HasNext").Return(true).Once()
	events.On("Next").Return(&historypb.HistoryEvent{
		EventType: enumspb.EVENT_TYPE_WORKFLOW_EXECUTION_CONTINUED_AS_NEW,
		Attributes: &historypb.HistoryEvent_WorkflowExecutionContinuedAsNewEventAttributes{
			WorkflowExecutionContinuedAsNewEventAttributes: &historypb.WorkflowExecutionContinuedAsNewEventAttributes{NewExecutionRunId: next}},
	}, nil).Once()
	c.On("GetWorkflowHistory", mock.Anything, wid, runID, false, enumspb.HISTORY_EVENT_FILTER_TYPE_CLOSE_EVENT).Return(events).Once()
}

// TestReadFollowsContinueAsNew: a row names the first run of its migration, which
// continued as new twice, and the account has been started again since; the outcome
// is the chain's last run's result, not the first run's state, and not the later
// migration's.
func TestReadFollowsContinueAsNew(t *testing.T) {
	c := &mocks.Client{}
	latestIs(c, "s1", "s1", enumspb.WORKFLOW_EXECUTION_STATUS_RUNNING) // the account started again
	describes(c, "r1", enumspb.WORKFLOW_EXECUTION_STATUS_CONTINUED_AS_NEW)
	continuesAs(c, "r1", "r2")
	describes(c, "r2", enumspb.WORKFLOW_EXECUTION_STATUS_CONTINUED_AS_NEW)
	continuesAs(c, "r2", "r3")
	describes(c, "r3", enumspb.WORKFLOW_EXECUTION_STATUS_COMPLETED)
	completesWith(c, "r3", contract.Result{Outcome: contract.StatusCompleted, Subdomain: "acme", UsersConverted: 4})

	got := Read(context.Background(), c, "1001", "r1")
	require.Equal(t, Migration{AccountID: "1001", Status: contract.StatusCompleted, Subdomain: "acme", UsersConverted: 4}, got)
	c.AssertExpectations(t)
}

// TestReadSaysWhenAChainCannotBeFollowed: a run that continued as new but whose
// history names no next run gives an error on the row, not a wrong outcome.
func TestReadSaysWhenAChainCannotBeFollowed(t *testing.T) {
	c := &mocks.Client{}
	latestIs(c, "s1", "s1", enumspb.WORKFLOW_EXECUTION_STATUS_RUNNING)
	describes(c, "r1", enumspb.WORKFLOW_EXECUTION_STATUS_CONTINUED_AS_NEW)
	events := &mocks.HistoryEventIterator{}
	events.On("HasNext").Return(false)
	c.On("GetWorkflowHistory", mock.Anything, wid, "r1", false, enumspb.HISTORY_EVENT_FILTER_TYPE_CLOSE_EVENT).Return(events)
	got := Read(context.Background(), c, "1001", "r1")
	require.Empty(t, got.Status)
	require.Contains(t, got.Error, "run r1 continued as new, but its history names no next run")
}
