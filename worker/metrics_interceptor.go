package worker

import (
	"time"

	"go.temporal.io/sdk/interceptor"
	"go.temporal.io/sdk/temporal"
	"go.temporal.io/sdk/workflow"

	"github.com/sellmigrate/sellmigrate/contract"
)

// Migration metrics, recorded from the search-attribute upserts the workflow already
// makes at every change of step and status, so the workflow code carries no metrics
// code. They go through workflow.GetMetricsHandler, which records nothing while a
// workflow replays, so a cache eviction or a worker restart never counts twice.
const (
	metricStepEntered    = "sellmigrate_migration_step_entered"   // counter {step}
	metricStatusEntered  = "sellmigrate_migration_status_entered" // counter {status}
	metricStepDuration   = "sellmigrate_migration_step_duration"  // timer {step}, waits included
	metricHumanWait      = "sellmigrate_migration_human_wait"     // timer {waiting}: a waiting status until the input came
	metricMigrationTotal = "sellmigrate_migration_duration"       // timer {outcome}: start to outcome
)

// migrationMetrics is the worker interceptor that installs the per-workflow observer.
type migrationMetrics struct {
	interceptor.WorkerInterceptorBase
}

func (*migrationMetrics) InterceptWorkflow(ctx workflow.Context, next interceptor.WorkflowInboundInterceptor) interceptor.WorkflowInboundInterceptor {
	if workflow.GetInfo(ctx).WorkflowType.Name != contract.WorkflowName {
		return next
	}
	return &migrationInbound{WorkflowInboundInterceptorBase: interceptor.WorkflowInboundInterceptorBase{Next: next}}
}

type migrationInbound struct {
	interceptor.WorkflowInboundInterceptorBase
}

func (i *migrationInbound) Init(outbound interceptor.WorkflowOutboundInterceptor) error {
	return i.Next.Init(&migrationObserver{WorkflowOutboundInterceptorBase: interceptor.WorkflowOutboundInterceptorBase{Next: outbound}})
}

// migrationObserver remembers the last step and status the workflow published, and
// since when (workflow time, so replay sees the same values).
type migrationObserver struct {
	interceptor.WorkflowOutboundInterceptorBase
	started             time.Time
	step, status        string
	stepSince, statusAt time.Time
}

func (o *migrationObserver) UpsertTypedSearchAttributes(ctx workflow.Context, updates ...temporal.SearchAttributeUpdate) error {
	err := o.Next.UpsertTypedSearchAttributes(ctx, updates...)
	if err == nil {
		sa := temporal.NewSearchAttributes(updates...)
		step, _ := sa.GetKeyword(contract.SearchAttrStep)
		status, _ := sa.GetKeyword(contract.SearchAttrStatus)
		o.observe(ctx, step, status)
	}
	return err
}

func (o *migrationObserver) observe(ctx workflow.Context, step, status string) {
	now := workflow.Now(ctx)
	m := workflow.GetMetricsHandler(ctx)
	if o.started.IsZero() {
		o.started = workflow.GetInfo(ctx).WorkflowStartTime
		if o.started.IsZero() {
			o.started = now
		}
	}
	final := contract.Status(status).Final()
	if step != "" && (step != o.step || final) {
		if o.step != "" && step != o.step {
			m.WithTags(map[string]string{"step": o.step}).Timer(metricStepDuration).Record(now.Sub(o.stepSince))
		}
		if step != o.step {
			m.WithTags(map[string]string{"step": step}).Counter(metricStepEntered).Inc(1)
			o.step, o.stepSince = step, now
		}
	}
	if status == "" || status == o.status {
		return
	}
	if contract.Status(o.status).Waiting() {
		m.WithTags(map[string]string{"waiting": o.status}).Timer(metricHumanWait).Record(now.Sub(o.statusAt))
	}
	m.WithTags(map[string]string{"status": status}).Counter(metricStatusEntered).Inc(1)
	if final {
		m.WithTags(map[string]string{"step": o.step}).Timer(metricStepDuration).Record(now.Sub(o.stepSince))
		m.WithTags(map[string]string{"outcome": status}).Timer(metricMigrationTotal).Record(now.Sub(o.started))
	}
	o.status, o.statusAt = status, now
}
