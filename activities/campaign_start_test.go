package activities

import (
	"context"
	"fmt"
	"testing"

	"github.com/stretchr/testify/mock"
	"github.com/stretchr/testify/require"
	commonpb "go.temporal.io/api/common/v1"
	enumspb "go.temporal.io/api/enums/v1"
	"go.temporal.io/api/serviceerror"
	workflowpb "go.temporal.io/api/workflow/v1"
	"go.temporal.io/api/workflowservice/v1"
	"go.temporal.io/sdk/client"
	"go.temporal.io/sdk/converter"
	"go.temporal.io/sdk/mocks"
	"go.temporal.io/sdk/testsuite"

	"github.com/sellmigrate/sellmigrate/codec"
	"github.com/sellmigrate/sellmigrate/contract"
	"github.com/sellmigrate/sellmigrate/keyring"
)

const startCampaignID = "campaign-wave"

func startRows(lines map[string]int) CampaignStarts {
	b := CampaignStarts{CampaignID: startCampaignID, CampaignName: "wave"}
	for _, id := range []string{"1001", "1002", "1003"} {
		if line, ok := lines[id]; ok {
			b.Rows = append(b.Rows, CampaignStart{Line: line, Input: contract.StartInput{SellAccountID: id, Mode: contract.ModeNew,
				RequestedBy: "admin@acme.test", CampaignID: startCampaignID}})
		}
	}
	return b
}

// describedRun is what a describe of a migration shows: its run, its campaign and line.
func describedRun(t *testing.T, runID, campaignID string, line int) *workflowservice.DescribeWorkflowExecutionResponse {
	t.Helper()
	info := &workflowpb.WorkflowExecutionInfo{Execution: &commonpb.WorkflowExecution{RunId: runID},
		Status: enumspb.WORKFLOW_EXECUTION_STATUS_RUNNING, SearchAttributes: attrs(t, map[string]string{"CampaignID": campaignID})}
	if line > 0 {
		p, err := converter.GetDefaultDataConverter().ToPayload(line)
		require.NoError(t, err)
		info.Memo = &commonpb.Memo{Fields: map[string]*commonpb.Payload{contract.CampaignLineMemo: p}}
	}
	return &workflowservice.DescribeWorkflowExecutionResponse{WorkflowExecutionInfo: info}
}

// startBatch runs the start activity on rows and returns its answer.
func startBatch(t *testing.T, env *testsuite.TestActivityEnvironment, ca *CampaignActivities, rows CampaignStarts) ([]CampaignStartResult, error) {
	t.Helper()
	v, err := env.ExecuteActivity(ca.StartCampaignMigrations, rows)
	if err != nil {
		return nil, err
	}
	var got []CampaignStartResult
	require.NoError(t, v.Get(&got))
	return got, nil
}

func startedRun(runID string) *mocks.WorkflowRun {
	run := &mocks.WorkflowRun{}
	run.On("GetRunID").Return(runID)
	return run
}

func onStart(c *mocks.Client, accountID string, run client.WorkflowRun, err error, seen *[]client.StartWorkflowOptions) {
	c.On("ExecuteWorkflow", mock.Anything, mock.MatchedBy(func(o client.StartWorkflowOptions) bool { return o.ID == contract.WorkflowID(accountID) }),
		contract.WorkflowName, mock.Anything).
		Return(func(_ context.Context, o client.StartWorkflowOptions, _ any, _ ...any) (client.WorkflowRun, error) {
			*seen = append(*seen, o)
			return run, err
		}).Once()
}

// TestStartCampaignMigrationsSettlesEachRow: a first attempt starts each row under its
// account's workflow ID with the reuse rule, the campaign's ID and the row's line; a
// migration that exists elsewhere is reported as such (and one this campaign started
// for the same row, by an attempt still running, as started); a start Temporal refuses
// for good is reported on its row.
func TestStartCampaignMigrationsSettlesEachRow(t *testing.T) {
	t.Parallel()
	c := &mocks.Client{}
	var seen []client.StartWorkflowOptions
	onStart(c, "1001", startedRun("run-1001"), nil, &seen)
	onStart(c, "1002", nil, serviceerror.NewWorkflowExecutionAlreadyStarted("running", "", "other-1002"), &seen)
	onStart(c, "1003", nil, serviceerror.NewInvalidArgument("memo is too large"), &seen)
	// 1002's run was started by another campaign's row 2.
	c.On("DescribeWorkflowExecution", mock.Anything, contract.WorkflowID("1002"), "other-1002").Return(describedRun(t, "other-1002", "campaign-other", 2), nil).Once()
	env, ca := campaignEnv(t, c)
	got, err := startBatch(t, env, ca, startRows(map[string]int{"1001": 1, "1002": 2, "1003": 3}))
	require.NoError(t, err)
	require.Equal(t, []CampaignStartResult{
		{Line: 1, RunID: "run-1001"},
		{Line: 2, Exists: true},
		{Line: 3, Refused: "memo is too large"},
	}, got)
	require.Len(t, seen, 3)
	o := seen[0]
	require.Equal(t, contract.TaskQueue, o.TaskQueue)
	require.Equal(t, enumspb.WORKFLOW_ID_REUSE_POLICY_ALLOW_DUPLICATE_FAILED_ONLY, o.WorkflowIDReusePolicy)
	require.Equal(t, map[string]any{contract.CampaignLineMemo: 1}, o.Memo)
	campaign, _ := o.TypedSearchAttributes.GetKeyword(contract.SearchAttrCampaignID)
	account, _ := o.TypedSearchAttributes.GetKeyword(contract.SearchAttrSellAccountID)
	require.Equal(t, []string{startCampaignID, "1001"}, []string{campaign, account})
	require.Equal(t, "Sell account 1001, campaign wave", o.StaticSummary)
	c.AssertExpectations(t)

	// The same row meeting its own start (an earlier attempt still running) is started.
	c = &mocks.Client{}
	onStart(c, "1001", nil, serviceerror.NewWorkflowExecutionAlreadyStarted("running", "", "run-1001"), &seen)
	c.On("DescribeWorkflowExecution", mock.Anything, contract.WorkflowID("1001"), "run-1001").Return(describedRun(t, "run-1001", startCampaignID, 1), nil).Once()
	env, ca = campaignEnv(t, c)
	got, err = startBatch(t, env, ca, startRows(map[string]int{"1001": 1}))
	require.NoError(t, err)
	require.Equal(t, []CampaignStartResult{{Line: 1, RunID: "run-1001"}}, got)
	c.AssertExpectations(t)
}

// TestStartCampaignMigrationsRetryStartsNothingTwice: a retry (an attempt after one
// that beat) first looks for each row's own migration: one an earlier attempt started
// is reported with its run and not started again, even if it has failed since (the
// reuse rule would allow it); a run of the same account for another row of the
// campaign is not this row's.
func TestStartCampaignMigrationsRetryStartsNothingTwice(t *testing.T) {
	t.Parallel()
	c := &mocks.Client{}
	var seen []client.StartWorkflowOptions
	// Row 1's migration continued as new, then failed: the row names its first run.
	failed := describedRun(t, "run-1001-latest", startCampaignID, 1)
	failed.WorkflowExecutionInfo.Status = enumspb.WORKFLOW_EXECUTION_STATUS_FAILED
	failed.WorkflowExecutionInfo.FirstRunId = "run-1001"
	c.On("DescribeWorkflowExecution", mock.Anything, contract.WorkflowID("1001"), "").Return(failed, nil).Once()
	c.On("DescribeWorkflowExecution", mock.Anything, contract.WorkflowID("1002"), "").Return(nil, serviceerror.NewNotFound("no such workflow")).Once()
	c.On("DescribeWorkflowExecution", mock.Anything, contract.WorkflowID("1003"), "").Return(describedRun(t, "run-1003-line1", startCampaignID, 1), nil).Once()
	onStart(c, "1002", startedRun("run-1002"), nil, &seen)
	onStart(c, "1003", nil, serviceerror.NewWorkflowExecutionAlreadyStarted("running", "", "run-1003-line1"), &seen)
	c.On("DescribeWorkflowExecution", mock.Anything, contract.WorkflowID("1003"), "run-1003-line1").Return(describedRun(t, "run-1003-line1", startCampaignID, 1), nil).Once()
	env, ca := campaignEnv(t, c)
	env.SetHeartbeatDetails(1)
	got, err := startBatch(t, env, ca, startRows(map[string]int{"1001": 1, "1002": 2, "1003": 7}))
	require.NoError(t, err)
	require.Equal(t, []CampaignStartResult{
		{Line: 1, RunID: "run-1001"},
		{Line: 2, RunID: "run-1002"},
		{Line: 7, Exists: true},
	}, got)
	require.Len(t, seen, 2, "row 1 was started by the earlier attempt")
	c.AssertExpectations(t)
}

// TestStartCampaignMigrationsRetriesWhatTemporalCannotTakeNow: a start that fails for
// a passing reason fails the activity, so Temporal retries the batch.
func TestStartCampaignMigrationsRetriesWhatTemporalCannotTakeNow(t *testing.T) {
	t.Parallel()
	c := &mocks.Client{}
	var seen []client.StartWorkflowOptions
	onStart(c, "1001", nil, serviceerror.NewUnavailable("frontend restarting"), &seen)
	env, ca := campaignEnv(t, c)
	_, err := startBatch(t, env, ca, startRows(map[string]int{"1001": 1, "1002": 2}))
	require.ErrorContains(t, err, "frontend restarting")
	require.ErrorContains(t, err, fmt.Sprintf("line 1 of %s", startCampaignID))
	require.Len(t, seen, 1, "the batch stops at the first start that must be retried")
}

// TestStartCampaignMigrationsReadsTheLineThroughTheCodec: the line in a migration's
// memo is read with the data converter the worker's client encrypts with; a memo the
// activity cannot read fails the attempt (to be retried) rather than passing for
// someone else's migration, which could start the row again; so does a describe that
// fails for any reason but "not found".
func TestStartCampaignMigrationsReadsTheLineThroughTheCodec(t *testing.T) {
	t.Parallel()
	key, err := keyring.NewKey()
	require.NoError(t, err)
	pc, err := codec.Parse([]string{key}, "")
	require.NoError(t, err)
	sealed, err := pc.DataConverter().ToPayload(1)
	require.NoError(t, err)
	ours := describedRun(t, "run-1001", startCampaignID, 0)
	ours.WorkflowExecutionInfo.Memo = &commonpb.Memo{Fields: map[string]*commonpb.Payload{contract.CampaignLineMemo: sealed}}

	run := func(dc converter.DataConverter, describe func(c *mocks.Client)) ([]CampaignStartResult, error) {
		c := &mocks.Client{}
		describe(c)
		env, ca := campaignEnvWith(t, c, dc)
		env.SetHeartbeatDetails(1) // a retry
		got, err := startBatch(t, env, ca, startRows(map[string]int{"1001": 1}))
		if err == nil {
			c.AssertExpectations(t)
		}
		return got, err
	}
	describeOurs := func(c *mocks.Client) {
		c.On("DescribeWorkflowExecution", mock.Anything, contract.WorkflowID("1001"), "").Return(ours, nil).Once()
	}
	got, err := run(pc.DataConverter(), describeOurs)
	require.NoError(t, err)
	require.Equal(t, []CampaignStartResult{{Line: 1, RunID: "run-1001"}}, got)

	_, err = run(nil, describeOurs)
	require.ErrorContains(t, err, "read the campaign line of "+contract.WorkflowID("1001"))

	_, err = run(pc.DataConverter(), func(c *mocks.Client) {
		c.On("DescribeWorkflowExecution", mock.Anything, contract.WorkflowID("1001"), "").Return(nil, serviceerror.NewUnavailable("frontend restarting")).Once()
	})
	require.ErrorContains(t, err, "frontend restarting")
}
