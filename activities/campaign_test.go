package activities

import (
	"context"
	"errors"
	"strings"
	"testing"

	"github.com/stretchr/testify/mock"
	"github.com/stretchr/testify/require"
	commonpb "go.temporal.io/api/common/v1"
	enumspb "go.temporal.io/api/enums/v1"
	workflowpb "go.temporal.io/api/workflow/v1"
	"go.temporal.io/api/workflowservice/v1"
	"go.temporal.io/sdk/converter"
	"go.temporal.io/sdk/mocks"
	"go.temporal.io/sdk/testsuite"

	"github.com/sellmigrate/sellmigrate/contract"
)

func campaignEnv(t *testing.T, c *mocks.Client) (*testsuite.TestActivityEnvironment, *CampaignActivities) {
	t.Helper()
	return campaignEnvWith(t, c, nil)
}

// campaignEnvWith is campaignEnv with the data converter the worker's client has.
func campaignEnvWith(t *testing.T, c *mocks.Client, dc converter.DataConverter) (*testsuite.TestActivityEnvironment, *CampaignActivities) {
	t.Helper()
	ca, err := NewCampaignActivities(c, dc)
	require.NoError(t, err)
	var suite testsuite.WorkflowTestSuite
	env := suite.NewTestActivityEnvironment()
	env.RegisterActivity(ca)
	return env, ca
}

func attrs(t *testing.T, kv map[string]string) *commonpb.SearchAttributes {
	t.Helper()
	out := &commonpb.SearchAttributes{IndexedFields: map[string]*commonpb.Payload{}}
	for k, v := range kv {
		p, err := converter.GetDefaultDataConverter().ToPayload(v)
		require.NoError(t, err)
		out.IndexedFields[k] = p
	}
	return out
}

// TestCountCampaignByStatus: one count query per status that is not an outcome, each
// on the campaign's running migrations; Active sums the statuses in active steps only.
func TestCountCampaignByStatus(t *testing.T) {
	t.Parallel()
	c := &mocks.Client{}
	var queries []string
	c.On("CountWorkflow", mock.Anything, mock.Anything).Return(
		func(_ context.Context, r *workflowservice.CountWorkflowExecutionsRequest) *workflowservice.CountWorkflowExecutionsResponse {
			queries = append(queries, r.GetQuery())
			switch {
			case strings.Contains(r.GetQuery(), "MigrationStatus = 'running'"):
				return &workflowservice.CountWorkflowExecutionsResponse{Count: 2}
			case strings.Contains(r.GetQuery(), "MigrationStatus = 'awaiting_disclaimers'"):
				return &workflowservice.CountWorkflowExecutionsResponse{Count: 5}
			case !strings.Contains(r.GetQuery(), "MigrationStatus"):
				return &workflowservice.CountWorkflowExecutionsResponse{Count: 7}
			}
			return &workflowservice.CountWorkflowExecutionsResponse{}
		}, nil)
	env, ca := campaignEnv(t, c)
	v, err := env.ExecuteActivity(ca.CountCampaign, "campaign-wave")
	require.NoError(t, err)
	var got CampaignCount
	require.NoError(t, v.Get(&got))
	require.Equal(t, 2, got.Active)
	require.Equal(t, 7, got.Running)
	require.Equal(t, 5, got.ByStatus[contract.StatusAwaitingDisclaimers])
	require.Len(t, queries, 7) // six statuses that are not outcomes, and all running
	for _, q := range queries {
		require.Contains(t, q, "WorkflowType = 'MigrationWorkflow' AND CampaignID = 'campaign-wave' AND ExecutionStatus = 'Running'")
	}

	_, err = env.ExecuteActivity(ca.CountCampaign, "campaign-x' OR 1=1")
	require.ErrorContains(t, err, "is not campaign-<name>")
	require.Len(t, queries, 7, "a bad ID reaches no query")
}

// TestPaceCampaignCounts: three counts, Seen first (every run of the campaign's
// migrations but those that continued as new), then Active and Running.
func TestPaceCampaignCounts(t *testing.T) {
	t.Parallel()
	c := &mocks.Client{}
	var queries []string
	c.On("CountWorkflow", mock.Anything, mock.Anything).Return(
		func(_ context.Context, r *workflowservice.CountWorkflowExecutionsRequest) *workflowservice.CountWorkflowExecutionsResponse {
			q := r.GetQuery()
			queries = append(queries, q)
			switch {
			case strings.Contains(q, "ContinuedAsNew"):
				return &workflowservice.CountWorkflowExecutionsResponse{Count: 40}
			case strings.Contains(q, "MigrationStatus IN"):
				return &workflowservice.CountWorkflowExecutionsResponse{Count: 3}
			default:
				return &workflowservice.CountWorkflowExecutionsResponse{Count: 9}
			}
		}, nil)
	env, ca := campaignEnv(t, c)
	v, err := env.ExecuteActivity(ca.PaceCampaign, "campaign-wave")
	require.NoError(t, err)
	var got CampaignPace
	require.NoError(t, v.Get(&got))
	require.Equal(t, CampaignPace{Active: 3, Running: 9, Seen: 40}, got)
	require.Len(t, queries, 3)
	require.Equal(t, "WorkflowType = 'MigrationWorkflow' AND CampaignID = 'campaign-wave' AND ExecutionStatus != 'ContinuedAsNew'", queries[0], "Seen is counted first")

	_, err = env.ExecuteActivity(ca.PaceCampaign, "campaign-x' OR 1=1")
	require.ErrorContains(t, err, "is not campaign-<name>")
	require.Len(t, queries, 3, "a bad ID reaches no query")
}

// TestCancelCampaignMigrationsOnlyUnlinked: every page is read; a migration is
// cancelled only if, read again, it still runs before the link.
func TestCancelCampaignMigrationsOnlyUnlinked(t *testing.T) {
	t.Parallel()
	c := &mocks.Client{}
	exec := func(id string) *workflowpb.WorkflowExecutionInfo {
		return &workflowpb.WorkflowExecutionInfo{Execution: &commonpb.WorkflowExecution{WorkflowId: id, RunId: "r-" + id}}
	}
	c.On("ListWorkflow", mock.Anything, mock.MatchedBy(func(r *workflowservice.ListWorkflowExecutionsRequest) bool { return len(r.NextPageToken) == 0 })).
		Return(&workflowservice.ListWorkflowExecutionsResponse{Executions: []*workflowpb.WorkflowExecutionInfo{exec("m1"), exec("m2"), exec("m3")}, NextPageToken: []byte("p2")}, nil).Once()
	c.On("ListWorkflow", mock.Anything, mock.MatchedBy(func(r *workflowservice.ListWorkflowExecutionsRequest) bool { return string(r.NextPageToken) == "p2" })).
		Return(&workflowservice.ListWorkflowExecutionsResponse{Executions: []*workflowpb.WorkflowExecutionInfo{exec("m4")}}, nil).Once()
	describe := func(status enumspb.WorkflowExecutionStatus, step string) *workflowservice.DescribeWorkflowExecutionResponse {
		return &workflowservice.DescribeWorkflowExecutionResponse{WorkflowExecutionInfo: &workflowpb.WorkflowExecutionInfo{
			Status: status, SearchAttributes: attrs(t, map[string]string{"MigrationStep": step})}}
	}
	running := enumspb.WORKFLOW_EXECUTION_STATUS_RUNNING
	c.On("DescribeWorkflowExecution", mock.Anything, "m1", "r-m1").Return(describe(running, "subdomain"), nil)
	c.On("DescribeWorkflowExecution", mock.Anything, "m2", "r-m2").Return(describe(running, "link"), nil)
	c.On("DescribeWorkflowExecution", mock.Anything, "m3", "r-m3").Return(describe(enumspb.WORKFLOW_EXECUTION_STATUS_COMPLETED, "done"), nil)
	c.On("DescribeWorkflowExecution", mock.Anything, "m4", "r-m4").Return(describe(running, "preflight"), nil)
	var cancelled []string
	c.On("CancelWorkflow", mock.Anything, mock.Anything, mock.Anything).Return(func(_ context.Context, id, _ string) error {
		cancelled = append(cancelled, id)
		return nil
	})
	env, ca := campaignEnv(t, c)
	v, err := env.ExecuteActivity(ca.CancelCampaignMigrations, "campaign-wave")
	require.NoError(t, err)
	var n int
	require.NoError(t, v.Get(&n))
	require.Equal(t, 2, n)
	require.Equal(t, []string{"m1", "m4"}, cancelled)
	q := c.Calls[0].Arguments.Get(1).(*workflowservice.ListWorkflowExecutionsRequest).GetQuery()
	require.Contains(t, q, "CampaignID = 'campaign-wave' AND ExecutionStatus = 'Running' AND MigrationStep IN ('preflight', 'subdomain', 'owner_login', 'disclaimers')")
}

// TestReadMigrationOutcomes: a completed migration gives its result's figures, a
// running one its status, one that cannot be read says why on its line.
func TestReadMigrationOutcomes(t *testing.T) {
	t.Parallel()
	c := &mocks.Client{}
	c.On("DescribeWorkflowExecution", mock.Anything, "sell-migration-1001", "").Return(&workflowservice.DescribeWorkflowExecutionResponse{WorkflowExecutionInfo: &workflowpb.WorkflowExecutionInfo{
		Status: enumspb.WORKFLOW_EXECUTION_STATUS_COMPLETED, Execution: &commonpb.WorkflowExecution{WorkflowId: "sell-migration-1001", RunId: "r1"},
		SearchAttributes: attrs(t, map[string]string{"MigrationStatus": "completed", "Subdomain": "acme"})}}, nil)
	c.On("DescribeWorkflowExecution", mock.Anything, "sell-migration-1002", "").Return(&workflowservice.DescribeWorkflowExecutionResponse{WorkflowExecutionInfo: &workflowpb.WorkflowExecutionInfo{
		Status:           enumspb.WORKFLOW_EXECUTION_STATUS_RUNNING,
		SearchAttributes: attrs(t, map[string]string{"MigrationStatus": "awaiting_disclaimers", "Subdomain": "globex"})}}, nil)
	c.On("DescribeWorkflowExecution", mock.Anything, "sell-migration-1003", "").Return(nil, errors.New("frontend unavailable"))
	run := &mocks.WorkflowRun{}
	run.On("Get", mock.Anything, mock.Anything).Return(func(_ context.Context, v any) error {
		*(v.(*contract.Result)) = contract.Result{Outcome: contract.StatusCompleted, Subdomain: "acme", UsersConverted: 12, NeedsReactivationCount: 2}
		return nil
	})
	c.On("GetWorkflow", mock.Anything, "sell-migration-1001", "r1").Return(run)
	env, ca := campaignEnv(t, c)
	v, err := env.ExecuteActivity(ca.ReadMigrationOutcomes, []MigrationRef{{AccountID: "1001"}, {AccountID: "1002"}, {AccountID: "1003"}})
	require.NoError(t, err)
	var got []MigrationOutcome
	require.NoError(t, v.Get(&got))
	require.Equal(t, []MigrationOutcome{
		{AccountID: "1001", Status: contract.StatusCompleted, Subdomain: "acme", UsersConverted: 12, NeedsReactivation: 2},
		{AccountID: "1002", Status: contract.StatusAwaitingDisclaimers, Subdomain: "globex"},
		{AccountID: "1003", Error: "could not read the migration sell-migration-1003: frontend unavailable"},
	}, got)
}

// TestCampaignActiveQuery: one query for the statuses MaxActive bounds, on the
// campaign's running migrations; a bad ID gives no query.
func TestCampaignActiveQuery(t *testing.T) {
	t.Parallel()
	q, err := CampaignActiveQuery("campaign-wave")
	require.NoError(t, err)
	require.Equal(t, "WorkflowType = 'MigrationWorkflow' AND CampaignID = 'campaign-wave' AND ExecutionStatus = 'Running' AND MigrationStatus IN ('running')", q)
	_, err = CampaignActiveQuery("campaign-x' OR 1=1")
	require.ErrorContains(t, err, "is not campaign-<name>")
}

// TestMigrationRefReadsBothForms: the outcome activity's input is read whether a
// campaign sent account IDs alone (before rows recorded their runs; such an activity
// may be retried after an upgrade) or account and run.
func TestMigrationRefReadsBothForms(t *testing.T) {
	t.Parallel()
	dc := converter.GetDefaultDataConverter()
	for _, sent := range []any{
		[]string{"1001", "1002"},
		[]MigrationRef{{AccountID: "1001"}, {AccountID: "1002", RunID: "r2"}},
	} {
		p, err := dc.ToPayload(sent)
		require.NoError(t, err)
		var got []MigrationRef
		require.NoError(t, dc.FromPayload(p, &got))
		require.Len(t, got, 2)
		require.Equal(t, "1001", got[0].AccountID)
		require.Equal(t, "1002", got[1].AccountID)
		require.Empty(t, got[0].RunID)
	}
	p, err := dc.ToPayload([]MigrationRef{{AccountID: "1002", RunID: "r2"}})
	require.NoError(t, err)
	var withRun []MigrationRef
	require.NoError(t, dc.FromPayload(p, &withRun))
	require.Equal(t, []MigrationRef{{AccountID: "1002", RunID: "r2"}}, withRun, "the run is kept")
	var bad []MigrationRef
	p, err = dc.ToPayload([]int{7})
	require.NoError(t, err)
	require.Error(t, dc.FromPayload(p, &bad), "a number is neither form")
}
