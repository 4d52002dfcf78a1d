package starter

import (
	"context"
	"testing"

	"github.com/stretchr/testify/mock"
	"github.com/stretchr/testify/require"
	"go.temporal.io/api/serviceerror"
	"go.temporal.io/sdk/client"
	"go.temporal.io/sdk/mocks"

	"github.com/sellmigrate/sellmigrate/contract"
)

// TestUpdateIsSentAgainWhenItsWorkflowTaskFailed: Temporal aborts an update whose
// workflow task failed before the workflow took it (WorkflowNotReady); the starter
// sends it again, under the same update ID, and returns the answer; a workflow task
// that keeps failing is said so after a bounded number of resends. Any other error is
// returned as it came, after one send.
func TestUpdateIsSentAgainWhenItsWorkflowTaskFailed(t *testing.T) {
	c := &mocks.Client{}
	var ids []string
	sent := func(args mock.Arguments) { ids = append(ids, args.Get(1).(client.UpdateWorkflowOptions).UpdateID) }
	notReady := serviceerror.NewWorkflowNotReady("Unable to perform workflow execution update due to unexpected workflow task failure.")
	c.On("UpdateWorkflow", mock.Anything, mock.Anything).Run(sent).Return(nil, notReady).Twice()
	handle := &mocks.WorkflowUpdateHandle{}
	handle.On("Get", mock.Anything, mock.Anything).Return(func(_ context.Context, v any) error {
		v.(*contract.Progress).Status = contract.StatusAwaitingDisclaimers
		return nil
	}).Once()
	c.On("UpdateWorkflow", mock.Anything, mock.Anything).Run(sent).Return(handle, nil).Once()

	progress, err := New(c, Options{}).Send(context.Background(), "1002", contract.OwnerLoginName, contract.OwnerLoginInput{GrantID: "cred_1"})
	require.NoError(t, err)
	require.Equal(t, contract.StatusAwaitingDisclaimers, progress.Status)
	require.Len(t, ids, 3)
	require.NotEmpty(t, ids[0])
	require.Equal(t, []string{ids[0], ids[0], ids[0]}, ids, "every send carries the first one's update ID")
	c.AssertExpectations(t)

	failing := &mocks.Client{}
	failing.On("UpdateWorkflow", mock.Anything, mock.Anything).
		Return(nil, serviceerror.NewWorkflowNotReady("Unable to perform workflow execution update due to Workflow Task in failed state.")).
		Times(notReadyResends + 1)
	_, err = New(failing, Options{}).Send(context.Background(), "1002", contract.OwnerLoginName, contract.OwnerLoginInput{GrantID: "cred_1"})
	var stuck *WorkflowTaskFailingError
	require.ErrorAs(t, err, &stuck, "a workflow task that keeps failing is said so after the resends: %v", err)
	require.ErrorContains(t, err, "kept failing")
	failing.AssertExpectations(t)

	other := &mocks.Client{}
	other.On("UpdateWorkflow", mock.Anything, mock.Anything).Return(nil, serviceerror.NewUnavailable("frontend down")).Once()
	_, err = New(other, Options{}).Send(context.Background(), "1002", contract.OwnerLoginName, contract.OwnerLoginInput{GrantID: "cred_1"})
	require.ErrorContains(t, err, "frontend down")
	other.AssertExpectations(t)
}
