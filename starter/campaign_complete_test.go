package starter

import (
	"context"
	"fmt"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/stretchr/testify/mock"
	"github.com/stretchr/testify/require"
	commonpb "go.temporal.io/api/common/v1"
	enumspb "go.temporal.io/api/enums/v1"
	workflowpb "go.temporal.io/api/workflow/v1"
	"go.temporal.io/api/workflowservice/v1"
	"go.temporal.io/sdk/converter"
	"go.temporal.io/sdk/mocks"

	"github.com/sellmigrate/sellmigrate/contract"
)

func payload(t *testing.T, v any) *commonpb.Payload {
	t.Helper()
	p, err := converter.GetDefaultDataConverter().ToPayload(v)
	require.NoError(t, err)
	return p
}

func migrationInfo(t *testing.T, account, runID string, st enumspb.WorkflowExecutionStatus, status string, line int) *workflowpb.WorkflowExecutionInfo {
	t.Helper()
	info := &workflowpb.WorkflowExecutionInfo{
		Execution: &commonpb.WorkflowExecution{WorkflowId: contract.WorkflowID(account), RunId: runID},
		Status:    st,
		SearchAttributes: &commonpb.SearchAttributes{IndexedFields: map[string]*commonpb.Payload{
			contract.SearchAttrSellAccountID.GetName(): payload(t, account),
			contract.SearchAttrStatus.GetName():        payload(t, status),
			contract.SearchAttrSubdomain.GetName():     payload(t, "sub"+account),
		}},
	}
	if line > 0 {
		info.Memo = &commonpb.Memo{Fields: map[string]*commonpb.Payload{contract.CampaignLineMemo: payload(t, line)}}
	}
	return info
}

// closedCampaign fakes a closed campaign whose report is rep.
func closedCampaign(t *testing.T, c *mocks.Client, rep contract.CampaignReport) {
	t.Helper()
	c.On("DescribeWorkflowExecution", mock.Anything, "campaign-wave", "").Return(&workflowservice.DescribeWorkflowExecutionResponse{
		WorkflowExecutionInfo: &workflowpb.WorkflowExecutionInfo{Status: enumspb.WORKFLOW_EXECUTION_STATUS_COMPLETED}}, nil)
	run := &mocks.WorkflowRun{}
	run.On("Get", mock.Anything, mock.Anything).Return(func(_ context.Context, v any) error {
		*(v.(*contract.CampaignReport)) = rep
		return nil
	})
	c.On("GetWorkflow", mock.Anything, "campaign-wave", "").Return(run)
}

// TestCampaignReportCompletedFromVisibility: a closed campaign kept two rows and
// counted three more (two started, one refused): the report gains the two started
// rows from visibility, each with its line from its memo and its outcome read as the
// campaign reads its own, after the campaign's rows and by line; the refused row past
// the cap stays counted. Visibility answers in two pages.
func TestCampaignReportCompletedFromVisibility(t *testing.T) {
	c := &mocks.Client{}
	kept := []contract.CampaignRowReport{
		{Line: 1, AccountID: "1001", Outcome: contract.CampaignOutcome(contract.StatusCompleted), Subdomain: "sub1001", UsersConverted: 3},
		{Line: 2, AccountID: "1003", Outcome: contract.OutcomeDuplicate, Error: "already appears on line 6"},
	}
	closedCampaign(t, c, contract.CampaignReport{Name: "wave", Rows: kept, Omitted: 3,
		Counts: contract.CampaignCounts{Total: 5, Started: 3, Refused: 2}})
	wantQuery := "WorkflowType = 'MigrationWorkflow' AND CampaignID = 'campaign-wave' AND ExecutionStatus != 'ContinuedAsNew'"
	c.On("ListWorkflow", mock.Anything, mock.MatchedBy(func(r *workflowservice.ListWorkflowExecutionsRequest) bool {
		return r.Query == wantQuery && len(r.NextPageToken) == 0
	})).Return(&workflowservice.ListWorkflowExecutionsResponse{NextPageToken: []byte("p2"), Executions: []*workflowpb.WorkflowExecutionInfo{
		migrationInfo(t, "1003", "r3", enumspb.WORKFLOW_EXECUTION_STATUS_COMPLETED, "completed", 6),
		migrationInfo(t, "1001", "r1", enumspb.WORKFLOW_EXECUTION_STATUS_COMPLETED, "completed", 1), // in the report already
	}}, nil)
	c.On("ListWorkflow", mock.Anything, mock.MatchedBy(func(r *workflowservice.ListWorkflowExecutionsRequest) bool {
		return r.Query == wantQuery && string(r.NextPageToken) == "p2"
	})).Return(&workflowservice.ListWorkflowExecutionsResponse{Executions: []*workflowpb.WorkflowExecutionInfo{
		migrationInfo(t, "1004", "r4", enumspb.WORKFLOW_EXECUTION_STATUS_RUNNING, "awaiting_disclaimers", 4),
	}}, nil)
	describe := func(account, runID string, st enumspb.WorkflowExecutionStatus, status string) {
		// The latest run is asked first; it is the listed one.
		c.On("DescribeWorkflowExecution", mock.Anything, contract.WorkflowID(account), "").Return(&workflowservice.DescribeWorkflowExecutionResponse{
			WorkflowExecutionInfo: migrationInfo(t, account, runID, st, status, 0)}, nil)
	}
	describe("1003", "r3", enumspb.WORKFLOW_EXECUTION_STATUS_COMPLETED, "completed")
	describe("1004", "r4", enumspb.WORKFLOW_EXECUTION_STATUS_RUNNING, "awaiting_disclaimers")
	result := &mocks.WorkflowRun{}
	result.On("Get", mock.Anything, mock.Anything).Return(func(_ context.Context, v any) error {
		*(v.(*contract.Result)) = contract.Result{Outcome: contract.StatusCompleted, Subdomain: "hooli", UsersConverted: 7, NeedsReactivationCount: 2}
		return nil
	})
	c.On("GetWorkflow", mock.Anything, contract.WorkflowID("1003"), "r3").Return(result)

	rep, err := New(c, Options{}).CampaignReport(context.Background(), "wave")
	require.NoError(t, err)
	require.True(t, rep.Final)
	require.Equal(t, append(kept,
		contract.CampaignRowReport{Line: 4, AccountID: "1004", Outcome: contract.CampaignOutcome(contract.StatusAwaitingDisclaimers), Subdomain: "sub1004"},
		contract.CampaignRowReport{Line: 6, AccountID: "1003", Outcome: contract.CampaignOutcome(contract.StatusCompleted), Subdomain: "hooli", UsersConverted: 7, NeedsReactivation: 2},
	), rep.Report.Rows)
	require.Equal(t, 1, rep.Report.Omitted, "the refused row past the cap stays counted")
	c.AssertExpectations(t)
}

// TestCampaignReportNotCompletedInTime: a visibility that does not answer within
// ReportTimeout fails the report with what to do, rather than hang or pass a short
// report for a whole one.
func TestCampaignReportNotCompletedInTime(t *testing.T) {
	c := &mocks.Client{}
	closedCampaign(t, c, contract.CampaignReport{Name: "wave", Omitted: 1})
	c.On("ListWorkflow", mock.Anything, mock.Anything).Run(func(args mock.Arguments) {
		<-args.Get(0).(context.Context).Done()
	}).Return(nil, context.DeadlineExceeded)
	_, err := New(c, Options{ReportTimeout: 50 * time.Millisecond}).CampaignReport(context.Background(), "wave")
	require.Error(t, err)
	for _, want := range []string{"campaign wave", "did not finish within 50ms", "try again"} {
		require.True(t, strings.Contains(err.Error(), want), "%v lacks %q", err, want)
	}
}

// TestCampaignReportWithinCapReadsNoVisibility: a report with nothing omitted is the
// campaign's own; visibility is not asked (the mock fails any call it does not expect).
func TestCampaignReportWithinCapReadsNoVisibility(t *testing.T) {
	c := &mocks.Client{}
	rows := []contract.CampaignRowReport{{Line: 1, AccountID: "1001", Outcome: contract.CampaignOutcome(contract.StatusCompleted)}}
	closedCampaign(t, c, contract.CampaignReport{Name: "wave", Rows: rows})
	rep, err := New(c, Options{}).CampaignReport(context.Background(), "wave")
	require.NoError(t, err)
	require.Equal(t, rows, rep.Report.Rows)
}

// TestCampaignReportReadsWithBoundedConcurrency: the omitted migrations are read at
// most ReportConcurrency at once.
func TestCampaignReportReadsWithBoundedConcurrency(t *testing.T) {
	c := &mocks.Client{}
	closedCampaign(t, c, contract.CampaignReport{Name: "wave", Omitted: 8})
	var listed []*workflowpb.WorkflowExecutionInfo
	for i := range 8 {
		listed = append(listed, migrationInfo(t, fmt.Sprint(2001+i), "r", enumspb.WORKFLOW_EXECUTION_STATUS_RUNNING, "running", i+1))
	}
	c.On("ListWorkflow", mock.Anything, mock.Anything).Return(&workflowservice.ListWorkflowExecutionsResponse{Executions: listed}, nil)
	var mu sync.Mutex
	inFlight, most := 0, 0
	c.On("DescribeWorkflowExecution", mock.Anything, mock.MatchedBy(func(id string) bool { return id != "campaign-wave" }), "").
		Run(func(mock.Arguments) {
			mu.Lock()
			inFlight++
			most = max(most, inFlight)
			mu.Unlock()
			time.Sleep(20 * time.Millisecond)
			mu.Lock()
			inFlight--
			mu.Unlock()
		}).
		Return(func(_ context.Context, id, runID string) (*workflowservice.DescribeWorkflowExecutionResponse, error) {
			return &workflowservice.DescribeWorkflowExecutionResponse{WorkflowExecutionInfo: migrationInfo(t, strings.TrimPrefix(id, "sell-migration-"), "r",
				enumspb.WORKFLOW_EXECUTION_STATUS_RUNNING, "running", 0)}, nil
		})
	rep, err := New(c, Options{ReportConcurrency: 2}).CampaignReport(context.Background(), "wave")
	require.NoError(t, err)
	require.Len(t, rep.Report.Rows, 8)
	require.Equal(t, 2, most, "reads at once")
	for i, r := range rep.Report.Rows {
		require.Equal(t, i+1, r.Line)
		require.Equal(t, contract.CampaignOutcome(contract.StatusRunning), r.Outcome)
	}
}

// TestCampaignReportNamesTheCallersDeadline: when the caller's deadline comes before
// ReportTimeout (the API's, under its write timeout), the error names it and points
// to the CLI, which waits the whole ReportTimeout.
func TestCampaignReportNamesTheCallersDeadline(t *testing.T) {
	c := &mocks.Client{}
	closedCampaign(t, c, contract.CampaignReport{Name: "wave", Omitted: 1})
	c.On("ListWorkflow", mock.Anything, mock.Anything).Run(func(args mock.Arguments) {
		<-args.Get(0).(context.Context).Done()
	}).Return(nil, context.DeadlineExceeded)
	ctx, cancel := context.WithTimeout(context.Background(), time.Second)
	defer cancel()
	_, err := New(c, Options{ReportTimeout: 5 * time.Minute}).CampaignReport(ctx, "wave")
	require.Error(t, err)
	for _, want := range []string{"did not finish within 1s", `"sellmigrate campaign report wave", which waits up to 5m0s`} {
		require.True(t, strings.Contains(err.Error(), want), "%v lacks %q", err, want)
	}
}

// TestCampaignReportKeepsEachStartOfAnAccount: account 1001 started on line 1 (kept),
// failed, was added again and started on line 7, past the cap; 1002 started twice past
// the cap, on lines 8 and 9; 1005 started before campaigns recorded lines (no memo). The
// completed report has one row per start, each read from its own run, and the memo-less
// migration once.
func TestCampaignReportKeepsEachStartOfAnAccount(t *testing.T) {
	c := &mocks.Client{}
	kept := []contract.CampaignRowReport{
		{Line: 1, AccountID: "1001", Outcome: contract.CampaignOutcome(contract.StatusFailed), RunID: "a1", Error: "the owner left"},
	}
	closedCampaign(t, c, contract.CampaignReport{Name: "wave", Rows: kept, Omitted: 4,
		Counts: contract.CampaignCounts{Total: 5, Started: 5}})
	c.On("ListWorkflow", mock.Anything, mock.Anything).Return(&workflowservice.ListWorkflowExecutionsResponse{Executions: []*workflowpb.WorkflowExecutionInfo{
		migrationInfo(t, "1001", "a2", enumspb.WORKFLOW_EXECUTION_STATUS_RUNNING, "awaiting_disclaimers", 7),
		migrationInfo(t, "1002", "b2", enumspb.WORKFLOW_EXECUTION_STATUS_RUNNING, "awaiting_owner_login", 9),
		migrationInfo(t, "1001", "a1", enumspb.WORKFLOW_EXECUTION_STATUS_FAILED, "failed", 1), // in the report already
		migrationInfo(t, "1002", "b1", enumspb.WORKFLOW_EXECUTION_STATUS_RUNNING, "running", 8),
		migrationInfo(t, "1005", "e2", enumspb.WORKFLOW_EXECUTION_STATUS_RUNNING, "running", 0),
		migrationInfo(t, "1005", "e1", enumspb.WORKFLOW_EXECUTION_STATUS_RUNNING, "running", 0),
	}}, nil)
	c.On("DescribeWorkflowExecution", mock.Anything, mock.MatchedBy(func(id string) bool { return id != "campaign-wave" }), mock.Anything).
		Return(func(_ context.Context, id, runID string) (*workflowservice.DescribeWorkflowExecutionResponse, error) {
			account := strings.TrimPrefix(id, "sell-migration-")
			if runID == "" { // the latest run of each account, asked first
				runID = map[string]string{"1001": "a2", "1002": "b2", "1005": "e2"}[account]
			}
			status := map[string]string{"a2": "awaiting_disclaimers", "b1": "running", "b2": "awaiting_owner_login", "e2": "running"}[runID]
			require.NotEmpty(t, status, "run %s is not one to read", runID)
			return &workflowservice.DescribeWorkflowExecutionResponse{WorkflowExecutionInfo: migrationInfo(t, account, runID,
				enumspb.WORKFLOW_EXECUTION_STATUS_RUNNING, status, 0)}, nil
		})
	rep, err := New(c, Options{}).CampaignReport(context.Background(), "wave")
	require.NoError(t, err)
	var got []string
	for _, r := range rep.Report.Rows {
		got = append(got, fmt.Sprintf("%d %s %s", r.Line, r.AccountID, r.Outcome))
	}
	require.Equal(t, []string{
		"1 1001 failed",
		"0 1005 running",
		"7 1001 awaiting_disclaimers",
		"8 1002 running",
		"9 1002 awaiting_owner_login",
	}, got)
	require.Zero(t, rep.Report.Omitted)
}
