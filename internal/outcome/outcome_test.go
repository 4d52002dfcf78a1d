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
			Execution: &commonpb.WorkflowExecution{WorkflowId: wid, RunId: runID}, Status: st}}, nil).Once()
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
// continued as new twice; the outcome is the last run's result, not the first run's
// state, and not the run of a later migration of the same account.
func TestReadFollowsContinueAsNew(t *testing.T) {
	c := &mocks.Client{}
	describes(c, "r1", enumspb.WORKFLOW_EXECUTION_STATUS_CONTINUED_AS_NEW)
	continuesAs(c, "r1", "r2")
	describes(c, "r2", enumspb.WORKFLOW_EXECUTION_STATUS_CONTINUED_AS_NEW)
	continuesAs(c, "r2", "r3")
	describes(c, "r3", enumspb.WORKFLOW_EXECUTION_STATUS_COMPLETED)
	run := &mocks.WorkflowRun{}
	run.On("Get", mock.Anything, mock.Anything).Return(func(_ context.Context, v any) error {
		*(v.(*contract.Result)) = contract.Result{Outcome: contract.StatusCompleted, Subdomain: "acme", UsersConverted: 4}
		return nil
	})
	c.On("GetWorkflow", mock.Anything, wid, "r3").Return(run)

	got := Read(context.Background(), c, "1001", "r1")
	require.Equal(t, Migration{AccountID: "1001", Status: contract.StatusCompleted, Subdomain: "acme", UsersConverted: 4}, got)
	c.AssertExpectations(t)
}

// TestReadSaysWhenAChainCannotBeFollowed: a run that continued as new but whose
// history names no next run gives an error on the row, not a wrong outcome.
func TestReadSaysWhenAChainCannotBeFollowed(t *testing.T) {
	c := &mocks.Client{}
	describes(c, "r1", enumspb.WORKFLOW_EXECUTION_STATUS_CONTINUED_AS_NEW)
	events := &mocks.HistoryEventIterator{}
	events.On("HasNext").Return(false)
	c.On("GetWorkflowHistory", mock.Anything, wid, "r1", false, enumspb.HISTORY_EVENT_FILTER_TYPE_CLOSE_EVENT).Return(events)
	got := Read(context.Background(), c, "1001", "r1")
	require.Empty(t, got.Status)
	require.Contains(t, got.Error, "run r1 continued as new, but its history names no next run")
}
