package starter

import (
	"context"
	"errors"
	"testing"

	"github.com/stretchr/testify/mock"
	"github.com/stretchr/testify/require"
	enumspb "go.temporal.io/api/enums/v1"
	"go.temporal.io/api/serviceerror"
	"go.temporal.io/api/workflowservice/v1"
	"go.temporal.io/sdk/mocks"

	"github.com/sellmigrate/sellmigrate/contract"
)

// TestHeadlineIsOneDescribe: the headline comes from the latest run's describe alone
// (the mock refuses any other call: no query, no task-queue describe, no list), with
// the status its search attributes give, or how a run that never recorded its
// outcome ended.
func TestHeadlineIsOneDescribe(t *testing.T) {
	cases := []struct {
		account   string
		execution enumspb.WorkflowExecutionStatus
		attribute string
		want      contract.Status
	}{
		{"1002", enumspb.WORKFLOW_EXECUTION_STATUS_RUNNING, string(contract.StatusAwaitingOwnerLogin), contract.StatusAwaitingOwnerLogin},
		{"1003", enumspb.WORKFLOW_EXECUTION_STATUS_TERMINATED, string(contract.StatusAwaitingOwnerLogin), contract.StatusFailed},
		{"1004", enumspb.WORKFLOW_EXECUTION_STATUS_COMPLETED, string(contract.StatusCompleted), contract.StatusCompleted},
	}
	for _, tc := range cases {
		c := &mocks.Client{}
		info := migrationInfo(t, tc.account, "run-"+tc.account, tc.execution, tc.attribute, 0)
		info.SearchAttributes.IndexedFields[contract.SearchAttrMode.GetName()] = payload(t, string(contract.ModeExisting))
		c.On("DescribeWorkflowExecution", mock.Anything, contract.WorkflowID(tc.account), "").
			Return(&workflowservice.DescribeWorkflowExecutionResponse{WorkflowExecutionInfo: info}, nil).Once()
		rep, err := New(c, Options{}).Headline(context.Background(), tc.account)
		require.NoError(t, err)
		require.Equal(t, tc.want, rep.Status, tc.account)
		require.Equal(t, "sub"+tc.account, rep.Subdomain)
		require.Equal(t, tc.account, rep.SellAccountID)
		require.Equal(t, contract.ModeExisting, rep.Mode)
		require.Equal(t, "run-"+tc.account, rep.Execution.RunID)
		c.AssertExpectations(t)
	}

	c := &mocks.Client{}
	c.On("DescribeWorkflowExecution", mock.Anything, contract.WorkflowID("1404"), "").
		Return(nil, serviceerror.NewNotFound("workflow not found")).Once()
	_, err := New(c, Options{}).Headline(context.Background(), "1404")
	var nf *NotFoundError
	require.True(t, errors.As(err, &nf), "a missing migration is *NotFoundError, got %v", err)
}
