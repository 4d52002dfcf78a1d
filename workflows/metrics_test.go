package workflows

import (
	"sync"
	"testing"
	"time"

	"github.com/stretchr/testify/mock"
	"github.com/stretchr/testify/require"
	"github.com/uber-go/tally/v4"
	sdktally "go.temporal.io/sdk/contrib/tally"
	"go.temporal.io/sdk/interceptor"
	"go.temporal.io/sdk/temporal"
	"go.temporal.io/sdk/testsuite"
	sdkworker "go.temporal.io/sdk/worker"
	"go.temporal.io/sdk/workflow"

	"github.com/sellmigrate/sellmigrate/activities"
	"github.com/sellmigrate/sellmigrate/contract"
)

// existingWithWaits runs Globex in existing mode: the owner signs in after an hour, the
// disclaimers are accepted two hours after that.
func existingWithWaits(h *harness) {
	h.preflightLegacy()
	h.env.OnActivity(h.a.CheckSubdomainExists, mock.Anything, "globex").Return(true, nil).Once()
	h.env.OnActivity(h.a.VerifyOwner, mock.Anything, mock.Anything).
		Return(activities.VerifyOwnerResult{IsOwner: true, HasSellLicense: true}, nil).Once()
	h.linkAndConvert("globex", 6)
	h.at(time.Hour, func() { h.update(contract.OwnerLoginName, ownerLoginAs("owner@globex.test")) })
	h.at(3*time.Hour, func() { h.update(contract.AcceptDisclaimersName, accept("admin@globex.test")) })
	in := newInput("1002", contract.ModeExisting, "globex")
	in.RequestedBy = "admin@globex.test"
	h.run(in)
	require.Equal(h.t, contract.StatusCompleted, h.result().Outcome)
}

// Every step and status is counted, the steps a workflow task passes through without
// an upsert of their own (preflight, subdomain) included, and the waits are timed.
func TestMigrationMetricsRecordEveryTransition(t *testing.T) {
	scope := tally.NewTestScope("", nil)
	h := newHarnessWith(t, func(s *testsuite.WorkflowTestSuite) { s.SetMetricsHandler(sdktally.NewMetricsHandler(scope)) })
	existingWithWaits(h)

	snap := scope.Snapshot()
	timer := func(name string, tags map[string]string) []time.Duration {
		for _, tm := range snap.Timers() {
			if tm.Name() == name && matches(tm.Tags(), tags) {
				return tm.Values()
			}
		}
		return nil
	}
	counter := func(name string, tags map[string]string) int64 {
		for _, c := range snap.Counters() {
			if c.Name() == name && matches(c.Tags(), tags) {
				return c.Value()
			}
		}
		return 0
	}
	require.Equal(t, []time.Duration{time.Hour}, timer(metricHumanWait, map[string]string{"waiting": "awaiting_owner_login"}))
	require.Equal(t, []time.Duration{2 * time.Hour}, timer(metricHumanWait, map[string]string{"waiting": "awaiting_disclaimers"}))
	require.Equal(t, []time.Duration{time.Hour}, timer(metricStepDuration, map[string]string{"step": "owner_login"}))
	require.Equal(t, []time.Duration{3 * time.Hour}, timer(metricMigrationTotal, map[string]string{"outcome": "completed"}))
	for _, step := range []contract.Step{contract.StepPreflight, contract.StepSubdomain, contract.StepOwnerLogin, contract.StepDisclaimers, contract.StepLink, contract.StepContributors, contract.StepDone} {
		require.EqualValues(t, 1, counter(metricStepEntered, map[string]string{"step": string(step)}), step)
	}
	require.EqualValues(t, 1, counter(metricStatusEntered, map[string]string{"status": "completed"}))
	require.EqualValues(t, 1, counter(metricStatusEntered, map[string]string{"status": "awaiting_owner_login"}))
}

func matches(have, want map[string]string) bool {
	for k, v := range want {
		if have[k] != v {
			return false
		}
	}
	return true
}

// upsertLog records the step and status of each search-attribute upsert.
type upsertLog struct {
	interceptor.WorkerInterceptorBase
	mu   sync.Mutex
	seen []string
}

func (l *upsertLog) InterceptWorkflow(_ workflow.Context, next interceptor.WorkflowInboundInterceptor) interceptor.WorkflowInboundInterceptor {
	return &upsertInbound{WorkflowInboundInterceptorBase: interceptor.WorkflowInboundInterceptorBase{Next: next}, log: l}
}

type upsertInbound struct {
	interceptor.WorkflowInboundInterceptorBase
	log *upsertLog
}

func (i *upsertInbound) Init(outbound interceptor.WorkflowOutboundInterceptor) error {
	return i.Next.Init(&upsertOutbound{WorkflowOutboundInterceptorBase: interceptor.WorkflowOutboundInterceptorBase{Next: outbound}, log: i.log})
}

type upsertOutbound struct {
	interceptor.WorkflowOutboundInterceptorBase
	log *upsertLog
}

func (o *upsertOutbound) UpsertTypedSearchAttributes(ctx workflow.Context, updates ...temporal.SearchAttributeUpdate) error {
	sa := temporal.NewSearchAttributes(updates...)
	step, _ := sa.GetKeyword(contract.SearchAttrStep)
	status, _ := sa.GetKeyword(contract.SearchAttrStatus)
	o.log.mu.Lock()
	o.log.seen = append(o.log.seen, step+"/"+status)
	o.log.mu.Unlock()
	return o.Next.UpsertTypedSearchAttributes(ctx, updates...)
}

// Since ChangeCoalescedUpserts a workflow task upserts once, with its last state: every
// wait for a person and the outcome are still upserted (dashboards list them), with
// fewer upserts than before; runs from before the change upsert every change.
func TestUpsertsCoalescePerWorkflowTask(t *testing.T) {
	run := func(t *testing.T, version workflow.Version) []string {
		log := &upsertLog{}
		h := newHarness(t)
		h.env.SetWorkerOptions(sdkworker.Options{Interceptors: []interceptor.WorkerInterceptor{log}})
		h.beforeOneMarker()
		h.env.OnGetVersion(ChangeCoalescedUpserts, workflow.DefaultVersion, 1).Return(version)
		existingWithWaits(h)
		return log.seen
	}
	coalesced := run(t, 1)
	every := run(t, workflow.DefaultVersion)
	t.Logf("coalesced: %v", coalesced)
	t.Logf("every change: %v", every)
	for _, want := range []string{"owner_login/awaiting_owner_login", "disclaimers/awaiting_disclaimers", "done/completed"} {
		require.Contains(t, coalesced, want)
		require.Contains(t, every, want)
	}
	require.Equal(t, "done/completed", coalesced[len(coalesced)-1])
	require.Contains(t, every, "preflight/running", "the old branch upserts the start of each step")
	require.NotContains(t, coalesced, "preflight/running", "the first task ends waiting for the owner: one upsert")
	require.Less(t, len(coalesced), len(every))
}

// A run that continues as new while waiting takes over the step and status: the next
// run counts neither again, and times the wait and the whole migration from when they
// began in the first run.
func TestMigrationMetricsCarryAcrossContinueAsNew(t *testing.T) {
	scope := tally.NewTestScope("", nil)
	withMetrics := func(s *testsuite.WorkflowTestSuite) { s.SetMetricsHandler(sdktally.NewMetricsHandler(scope)) }
	h := newHarnessWith(t, withMetrics)
	h.env.SetStartTime(testStart)
	h.preflightLegacy()
	h.reserveCreates("acme")
	h.at(150*time.Minute, func() { h.env.SetCurrentHistoryLength(2000) })
	h.run(newInput("1001", contract.ModeNew, "acme"))
	next := nextRun(t, h)

	h2 := newHarnessWith(t, withMetrics)
	h2.env.SetStartTime(testStart.Add(150 * time.Minute))
	h2.linkAndConvert("acme", 4)
	h2.at(time.Hour, func() { h2.update(contract.AcceptDisclaimersName, accept("admin@acme.test")) })
	h2.run(next)
	require.Equal(t, contract.StatusCompleted, h2.result().Outcome)

	snap := scope.Snapshot()
	var entered, waiting int64
	for _, c := range snap.Counters() {
		if c.Name() == metricStepEntered && c.Tags()["step"] == "disclaimers" {
			entered += c.Value()
		}
		if c.Name() == metricStatusEntered && c.Tags()["status"] == "awaiting_disclaimers" {
			waiting += c.Value()
		}
	}
	require.EqualValues(t, 1, entered, "the disclaimers step is entered once across both runs")
	require.EqualValues(t, 1, waiting, "the wait is entered once across both runs")
	var waits, totals []time.Duration
	for _, tm := range snap.Timers() {
		if tm.Name() == metricHumanWait && tm.Tags()["waiting"] == "awaiting_disclaimers" {
			waits = append(waits, tm.Values()...)
		}
		if tm.Name() == metricMigrationTotal && tm.Tags()["outcome"] == "completed" {
			totals = append(totals, tm.Values()...)
		}
	}
	require.Len(t, waits, 1)
	require.Greater(t, waits[0], 2*time.Hour, "the wait is timed from when it began in the first run")
	require.Equal(t, []time.Duration{210 * time.Minute}, totals, "the migration is timed from its first run's start")
}
