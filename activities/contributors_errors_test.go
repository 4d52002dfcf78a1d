package activities

import (
	"context"
	"errors"
	"fmt"
	"testing"
	"time"

	"github.com/stretchr/testify/require"
	commonpb "go.temporal.io/api/common/v1"
	enumspb "go.temporal.io/api/enums/v1"
	failurepb "go.temporal.io/api/failure/v1"
	"go.temporal.io/sdk/converter"
	"go.temporal.io/sdk/temporal"

	"github.com/sellmigrate/sellmigrate/contract"
	"github.com/sellmigrate/sellmigrate/platform"
)

// The errors below are built the way a workflow receives them: the activity's error is
// turned into a Failure by the SDK's failure converter (as the worker reports it), the
// server wraps it in an ActivityFailureInfo, and the workflow's SDK turns that back
// into a *temporal.ActivityError.

var fc = temporal.GetDefaultFailureConverter()

// deliver wraps what the activity ended with as the server hands it to the workflow.
func deliver(t *testing.T, cause *failurepb.Failure) error {
	t.Helper()
	return fc.FailureToError(&failurepb.Failure{
		Message: "activity error",
		FailureInfo: &failurepb.Failure_ActivityFailureInfo{ActivityFailureInfo: &failurepb.ActivityFailureInfo{
			ActivityType: &commonpb.ActivityType{Name: "ConvertContributors"},
			ActivityId:   "7",
			RetryState:   enumspb.RETRY_STATE_NON_RETRYABLE_FAILURE,
		}},
		Cause: cause,
	})
}

// timeoutFailure is a timeout as the server records it, with the last heartbeat.
func timeoutFailure(t *testing.T, kind enumspb.TimeoutType, heartbeat any, cause *failurepb.Failure) *failurepb.Failure {
	t.Helper()
	var details *commonpb.Payloads
	if heartbeat != nil {
		var err error
		details, err = converter.GetDefaultDataConverter().ToPayloads(heartbeat)
		require.NoError(t, err)
	}
	return &failurepb.Failure{
		Message: "activity " + kind.String() + " timeout",
		FailureInfo: &failurepb.Failure_TimeoutFailureInfo{TimeoutFailureInfo: &failurepb.TimeoutFailureInfo{
			TimeoutType: kind, LastHeartbeatDetails: details,
		}},
		Cause: cause,
	}
}

func TestCursorFromErrorAsTheWorkflowReceivesIt(t *testing.T) {
	t.Parallel()
	page3 := contract.ContributorCursor{NextPage: 3, SellUsers: 200, Converted: 199, AlreadyAgents: 1, Total: 2500}
	page5 := contract.ContributorCursor{NextPage: 5, SellUsers: 400, Converted: 398, AlreadyAgents: 1,
		NeedsReactivation: []string{"lee@globex.test"}, Total: 2500}
	ctx := context.Background()
	rateLimited := classify("create 100 contributors", &platform.APIError{Service: "support", Method: "POST",
		Path: "/api/v2/users/create_many", StatusCode: 429, RetryAfter: 7 * time.Second})

	cases := []struct {
		name string
		err  error
		want *contract.ContributorCursor
	}{
		{"failed attempt", deliver(t, fc.ErrorToFailure(stopped(ctx, errNoContributorRole("hooli"), page5))), &page5},
		{"unclassified failure", deliver(t, fc.ErrorToFailure(stopped(ctx, errors.New("connection reset"), page3))), &page3},
		{"cancelled", deliver(t, fc.ErrorToFailure(temporal.NewCanceledError(page5))), &page5},
		{"heartbeat timeout", deliver(t, timeoutFailure(t, enumspb.TIMEOUT_TYPE_HEARTBEAT, page3, nil)), &page3},
		{"timeout after a failed attempt, heartbeat further",
			deliver(t, timeoutFailure(t, enumspb.TIMEOUT_TYPE_START_TO_CLOSE, page5, fc.ErrorToFailure(stopped(ctx, rateLimited, page3)))), &page5},
		{"timeout after a failed attempt, failure further",
			deliver(t, timeoutFailure(t, enumspb.TIMEOUT_TYPE_SCHEDULE_TO_CLOSE, page3, fc.ErrorToFailure(stopped(ctx, rateLimited, page5)))), &page5},
		{"the activity's own error, not yet delivered", stopped(ctx, rateLimited, page3), &page3},
		{"wrapped by the workflow", fmt.Errorf("contributors step: %w", deliver(t, fc.ErrorToFailure(temporal.NewCanceledError(page3)))), &page3},
		{"timeout with no heartbeat", deliver(t, timeoutFailure(t, enumspb.TIMEOUT_TYPE_START_TO_CLOSE, nil, nil)), nil},
		{"failure without details", deliver(t, fc.ErrorToFailure(temporal.NewApplicationError("boom", "X"))), nil},
		{"details of another kind", deliver(t, fc.ErrorToFailure(temporal.NewApplicationError("boom", "X", "just text"))), nil},
		{"cancelled without details", deliver(t, fc.ErrorToFailure(temporal.NewCanceledError())), nil},
		{"plain error", errors.New("boom"), nil},
		{"nil", nil, nil},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			if c.err != nil && c.name != "plain error" && c.name != "the activity's own error, not yet delivered" {
				var actErr *temporal.ActivityError
				require.ErrorAs(t, c.err, &actErr, "the SDK delivers an *ActivityError")
			}
			got, ok := CursorFromError(c.err)
			if c.want == nil {
				require.False(t, ok, "found %+v", got)
				return
			}
			require.True(t, ok)
			require.Equal(t, *c.want, got)
		})
	}
}

// TestStoppedKeepsTheClassification: wrapping an error with the cursor keeps what
// classify decided: type, retryability, the Retry-After delay and the message.
func TestStoppedKeepsTheClassification(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	cur := contract.ContributorCursor{NextPage: 2, SellUsers: 100, Converted: 100, Total: 150}
	apiErr := func(status int) error {
		return &platform.APIError{Service: "support", Method: "GET", Path: "/api/v2/users/show_many", StatusCode: status,
			Code: "X", Message: "m", RetryAfter: 9 * time.Second}
	}
	for _, c := range []struct {
		status    int
		errType   string
		retryable bool
		delay     time.Duration
	}{
		{401, contract.ErrTypeZendeskClient, false, 0},
		{404, contract.ErrTypeZendeskClient, false, 0},
		{408, contract.ErrTypeZendeskUnavailable, true, 0},
		{429, contract.ErrTypeZendeskRateLimited, true, 9 * time.Second},
		{503, contract.ErrTypeZendeskUnavailable, true, 0},
	} {
		err := stopped(ctx, classify("look up users", apiErr(c.status)), cur)
		var appErr *temporal.ApplicationError
		require.ErrorAs(t, err, &appErr, "status %d", c.status)
		require.Equal(t, c.errType, appErr.Type(), "status %d", c.status)
		require.Equal(t, !c.retryable, appErr.NonRetryable(), "status %d", c.status)
		require.Equal(t, c.delay, appErr.NextRetryDelay(), "status %d", c.status)
		require.Contains(t, appErr.Message(), "look up users", "status %d", c.status)
		var ae *platform.APIError
		require.ErrorAs(t, err, &ae, "the cause is kept")
		got, ok := CursorFromError(err)
		require.True(t, ok)
		require.Equal(t, cur, got)
	}

	// The workflow's cancellation (a CanceledError cause) becomes a CanceledError with
	// the cursor; any other end of the context (worker shutdown) stays retryable.
	cancelled, cancel := context.WithCancelCause(ctx)
	cancel(temporal.NewCanceledError())
	var canceledErr *temporal.CanceledError
	require.ErrorAs(t, stopped(cancelled, context.Canceled, cur), &canceledErr)
	shutdown, stop := context.WithCancelCause(ctx)
	stop(errors.New("worker stopping"))
	var appErr *temporal.ApplicationError
	require.ErrorAs(t, stopped(shutdown, context.Canceled, cur), &appErr)
	require.False(t, appErr.NonRetryable())
}
