package worker

import (
	"testing"
	"time"

	"github.com/uber-go/tally/v4"
	sdktally "go.temporal.io/sdk/contrib/tally"
	"go.temporal.io/sdk/interceptor"
	"go.temporal.io/sdk/testsuite"
	sdkworker "go.temporal.io/sdk/worker"
	"go.temporal.io/sdk/workflow"

	"github.com/sellmigrate/sellmigrate/contract"
)

// fakeMigration publishes step and status the way MigrationWorkflow does: a step, a
// wait for a person of one hour, then completion.
func fakeMigration(ctx workflow.Context) error {
	pub := func(step contract.Step, status contract.Status) {
		_ = workflow.UpsertTypedSearchAttributes(ctx,
			contract.SearchAttrStep.ValueSet(string(step)), contract.SearchAttrStatus.ValueSet(string(status)))
	}
	pub(contract.StepPreflight, contract.StatusRunning)
	_ = workflow.Sleep(ctx, time.Minute)
	pub(contract.StepDisclaimers, contract.StatusRunning)
	pub(contract.StepDisclaimers, contract.StatusAwaitingDisclaimers)
	_ = workflow.Sleep(ctx, time.Hour)
	pub(contract.StepDisclaimers, contract.StatusRunning)
	_ = workflow.Sleep(ctx, 2*time.Minute)
	pub(contract.StepDone, contract.StatusRunning)
	pub(contract.StepDone, contract.StatusCompleted)
	return nil
}

func TestMigrationMetricsFromUpserts(t *testing.T) {
	scope := tally.NewTestScope("", nil)
	var suite testsuite.WorkflowTestSuite
	suite.SetMetricsHandler(sdktally.NewMetricsHandler(scope))
	env := suite.NewTestWorkflowEnvironment()
	env.SetWorkerOptions(sdkworker.Options{Interceptors: []interceptor.WorkerInterceptor{&migrationMetrics{}}})
	env.RegisterWorkflowWithOptions(fakeMigration, workflow.RegisterOptions{Name: contract.WorkflowName})
	env.ExecuteWorkflow(contract.WorkflowName)
	if err := env.GetWorkflowError(); err != nil {
		t.Fatal(err)
	}
	snap := scope.Snapshot()
	timer := func(name string, tags map[string]string) []time.Duration {
		for _, tm := range snap.Timers() {
			if tm.Name() == name && matches(tm.Tags(), tags) {
				return tm.Values()
			}
		}
		return nil
	}
	if got := timer(metricHumanWait, map[string]string{"waiting": "awaiting_disclaimers"}); len(got) != 1 || got[0] != time.Hour {
		t.Errorf("human wait = %v, want [1h]", got)
	}
	if got := timer(metricStepDuration, map[string]string{"step": "preflight"}); len(got) != 1 || got[0] != time.Minute {
		t.Errorf("preflight duration = %v, want [1m]", got)
	}
	if got := timer(metricStepDuration, map[string]string{"step": "disclaimers"}); len(got) != 1 || got[0] != time.Hour+2*time.Minute {
		t.Errorf("disclaimers duration = %v, want [1h2m]", got)
	}
	if got := timer(metricMigrationTotal, map[string]string{"outcome": "completed"}); len(got) != 1 || got[0] != time.Hour+3*time.Minute {
		t.Errorf("total = %v, want [1h3m]", got)
	}
	var completed int64
	for _, c := range snap.Counters() {
		if c.Name() == metricStatusEntered && c.Tags()["status"] == "completed" {
			completed = c.Value()
		}
	}
	if completed != 1 {
		t.Errorf("completed counter = %d, want 1", completed)
	}
}

func matches(have, want map[string]string) bool {
	for k, v := range want {
		if have[k] != v {
			return false
		}
	}
	return true
}
