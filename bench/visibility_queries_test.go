package bench

import (
	"context"
	"errors"
	"testing"

	workflowpb "go.temporal.io/api/workflow/v1"
	"go.temporal.io/api/workflowservice/v1"
	"google.golang.org/grpc"
)

func TestQuerySkeletonBlanksLiterals(t *testing.T) {
	cases := map[string]string{
		`WorkflowType = 'Migration' AND ExecutionStatus = "Running"`:          `WorkflowType = ? AND ExecutionStatus = ?`,
		`CampaignID = 'campaign-a''b' AND MigrationStatus IN ('x', 'y', 'z')`: `CampaignID = ? AND MigrationStatus IN (?…)`,
		`  StartTime > '2026-12-01T00:00:00Z' ORDER BY StartTime  `:           `StartTime > ? ORDER BY StartTime`,
		``: ``,
	}
	for in, want := range cases {
		if got := querySkeleton(in); got != want {
			t.Errorf("querySkeleton(%q) = %q, want %q", in, got, want)
		}
	}
}

func TestVisibilityTimerGroupsByShapeAndPage(t *testing.T) {
	v := newVisibilityTimer()
	info := &grpc.UnaryServerInfo{FullMethod: "/temporal.api.workflowservice.v1.WorkflowService/ListWorkflowExecutions"}
	call := func(req any, resp any) {
		t.Helper()
		got, err := v.Interceptor(context.Background(), req, info, func(context.Context, any) (any, error) { return resp, nil })
		if err != nil || got != resp {
			t.Fatalf("the interceptor changed the answer: %v, %v", got, err)
		}
	}
	listResp := &workflowservice.ListWorkflowExecutionsResponse{Executions: make([]*workflowpb.WorkflowExecutionInfo, 3)}
	call(&workflowservice.ListWorkflowExecutionsRequest{Query: "CampaignID = 'a'"}, listResp)
	call(&workflowservice.ListWorkflowExecutionsRequest{Query: "CampaignID = 'b'"}, listResp)
	call(&workflowservice.ListWorkflowExecutionsRequest{Query: "CampaignID = 'b'", NextPageToken: []byte{1}}, listResp)
	call(&workflowservice.CountWorkflowExecutionsRequest{Query: "CampaignID = 'a'"}, &workflowservice.CountWorkflowExecutionsResponse{Count: 7})
	call(&workflowservice.DescribeWorkflowExecutionRequest{}, &workflowservice.DescribeWorkflowExecutionResponse{})
	failing := errors.New("unavailable")
	if _, err := v.Interceptor(context.Background(), &workflowservice.CountWorkflowExecutionsRequest{Query: "CampaignID = 'c'"}, info,
		func(context.Context, any) (any, error) { return nil, failing }); err != failing {
		t.Fatalf("the interceptor changed the error: %v", err)
	}

	top := v.Top(10)
	if len(top) != 3 {
		t.Fatalf("want 3 shapes (first-page list, later-page list, count; describe untimed), got %+v", top)
	}
	byKey := map[shapeKey]VisibilityQuery{}
	for _, q := range top {
		byKey[shapeKey{q.Method, q.Query, q.LaterPage}] = q
	}
	if q := byKey[shapeKey{"ListWorkflowExecutions", "CampaignID = ?", false}]; q.Calls != 2 || q.Rows != 6 {
		t.Errorf("first-page lists: %+v, want 2 calls", q)
	}
	if q := byKey[shapeKey{"ListWorkflowExecutions", "CampaignID = ?", true}]; q.Calls != 1 {
		t.Errorf("later-page lists: %+v, want 1 call", q)
	}
	if q := byKey[shapeKey{"CountWorkflowExecutions", "CampaignID = ?", false}]; q.Calls != 2 || q.Rows != 7 || q.Errors != 1 {
		t.Errorf("counts: %+v, want 2 calls counting 7, one failed", q)
	}
}
