package workflows

import (
	"context"
	"reflect"
	"sync"
	"testing"
	"time"

	"github.com/stretchr/testify/mock"
	"github.com/stretchr/testify/require"
	"go.temporal.io/sdk/activity"
	"go.temporal.io/sdk/converter"
	"go.temporal.io/sdk/temporal"
	"go.temporal.io/sdk/workflow"

	"github.com/sellmigrate/sellmigrate/activities"
	"github.com/sellmigrate/sellmigrate/contract"
)

// readOnlyActivities are the checks readOnly runs, by the names it passes.
var readOnlyActivities = []string{"Preflight", "CheckSubdomainExists", "CheckSellLicense", "CheckSellAdmin"}

// The names readOnly passes are the registered names of Activities' methods: a typo
// would only show as a workflow stuck on an unknown activity.
func TestReadOnlyActivityNamesAreActivities(t *testing.T) {
	typ := reflect.TypeOf(&activities.Activities{})
	for _, name := range readOnlyActivities {
		_, ok := typ.MethodByName(name)
		require.True(t, ok, "activities.Activities has no method %s", name)
	}
}

// kinds records how each activity ran: "local" or "activity", in order.
type kinds struct {
	mu  sync.Mutex
	ran map[string][]string
}

func recordKinds(h *harness) *kinds {
	k := &kinds{ran: map[string][]string{}}
	add := func(name, kind string) {
		k.mu.Lock()
		defer k.mu.Unlock()
		k.ran[name] = append(k.ran[name], kind)
	}
	h.env.SetOnLocalActivityStartedListener(func(info *activity.Info, _ context.Context, _ []any) { add(info.ActivityType.Name, "local") })
	h.env.SetOnActivityStartedListener(func(info *activity.Info, _ context.Context, _ converter.EncodedValues) {
		add(info.ActivityType.Name, "activity")
	})
	return k
}

func (k *kinds) of(name string) []string {
	k.mu.Lock()
	defer k.mu.Unlock()
	return k.ran[name]
}

func runExistingHappyPath(h *harness) {
	h.at(2*time.Minute, func() { h.update(contract.OwnerLoginName, ownerLoginAs("owner@globex.test")) })
	h.at(4*time.Minute, func() { h.update(contract.AcceptDisclaimersName, accept("admin@globex.test")) })
	in := newInput("1002", contract.ModeExisting, "globex")
	in.RequestedBy = "admin@globex.test"
	h.run(in)
}

// On the happy path every read-only check runs once, as a local activity, and the
// steps that change Zendesk stay regular activities, as does the owner's verification.
func TestReadOnlyChecksRunAsLocalActivities(t *testing.T) {
	h := existingHarness(t, false)
	k := recordKinds(h)
	runExistingHappyPath(h)
	require.Equal(t, contract.StatusCompleted, h.result().Outcome)
	for _, name := range []string{"Preflight", "CheckSubdomainExists", "CheckSellAdmin"} {
		require.Equal(t, []string{"local"}, k.of(name), name)
	}
	require.Equal(t, []string{"activity"}, k.of("VerifyOwner"), "the owner's sign-in stays a visible activity")
	require.Equal(t, []string{"activity"}, k.of("LinkAccounts"))
	require.Equal(t, []string{"activity"}, k.of("ConvertContributors"))
}

// A local attempt that fails for a reason a retry may fix is retried as a regular
// activity (visible in the pending activities), after the Retry-After it carries.
func TestReadOnlyCheckFallsBackToActivityAfterRetryAfter(t *testing.T) {
	h := newHarness(t)
	k := recordKinds(h)
	limited := temporal.NewApplicationErrorWithOptions("Sell answered 429", "RateLimited",
		temporal.ApplicationErrorOptions{NextRetryDelay: 40 * time.Second})
	var calls []time.Time
	h.env.OnActivity(h.a.Preflight, mock.Anything, mock.Anything).
		Return(func(context.Context, activities.PreflightInput) (activities.PreflightResult, error) {
			calls = append(calls, h.env.Now())
			if len(calls) == 1 {
				return activities.PreflightResult{}, limited
			}
			return activities.PreflightResult{AccountName: "Globex", AdminName: "Globex Admin"}, nil
		}).Twice()
	h.env.OnActivity(h.a.CheckSubdomainExists, mock.Anything, "globex").Return(true, nil).Once()
	h.env.OnActivity(h.a.VerifyOwner, mock.Anything, mock.Anything).
		Return(activities.VerifyOwnerResult{IsOwner: true, HasSellLicense: true}, nil).Once()
	h.linkAndConvert("globex", 6)
	runExistingHappyPath(h)

	require.Equal(t, contract.StatusCompleted, h.result().Outcome)
	require.Equal(t, []string{"local", "activity"}, k.of("Preflight"))
	require.Len(t, calls, 2)
	require.GreaterOrEqual(t, calls[1].Sub(calls[0]), 40*time.Second, "the retry waits out the Retry-After")
}

// A refusal no retry can fix ends the check at once, as the regular activity's retry
// policy would: no second attempt.
func TestReadOnlyRefusalIsNotRetried(t *testing.T) {
	h := newHarness(t)
	k := recordKinds(h)
	h.env.OnActivity(h.a.Preflight, mock.Anything, mock.Anything).Return(activities.PreflightResult{},
		temporal.NewNonRetryableApplicationError("admin@acme.test is not an admin of Sell account 1001", contract.ErrTypeNotSellAdmin, nil)).Once()
	h.run(newInput("1001", contract.ModeNew, "acme"))

	require.Error(t, h.env.GetWorkflowError())
	require.Equal(t, contract.StatusFailed, h.progress().Status)
	require.Equal(t, []string{"local"}, k.of("Preflight"))
}

// runExistingBefore runs the existing-mode happy path as a run started before change
// (and before ChangeOneMarker, so that it asks it), recording how each activity ran.
func runExistingBefore(t *testing.T, change string) (*harness, *kinds) {
	t.Helper()
	h := existingHarness(t, false)
	h.beforeOneMarker()
	h.env.OnGetVersion(change, workflow.DefaultVersion, 1).Return(workflow.DefaultVersion)
	k := recordKinds(h)
	runExistingHappyPath(h)
	return h, k
}

// Runs started before ChangeLocalChecks keep regular activities for every check.
func TestLocalChecksOldBranchUsesActivities(t *testing.T) {
	h, k := runExistingBefore(t, ChangeLocalChecks)
	require.Equal(t, contract.StatusCompleted, h.result().Outcome)
	for _, name := range []string{"Preflight", "CheckSubdomainExists", "VerifyOwner", "CheckSellAdmin"} {
		require.Equal(t, []string{"activity"}, k.of(name), name)
	}
}
