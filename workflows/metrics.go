package workflows

import (
	"time"

	"go.temporal.io/sdk/workflow"

	"github.com/sellmigrate/sellmigrate/contract"
)

// Migration metrics, recorded by the workflow at every change of step and status
// through workflow.GetMetricsHandler, which records nothing while a workflow replays:
// a cache eviction or a worker restart never counts twice. They are recorded where
// the change happens, not from the search-attribute upserts, because since
// ChangeCoalescedUpserts the upserts carry only the last state of a workflow task.
const (
	metricStepEntered    = "sellmigrate_migration_step_entered"   // counter {step}
	metricStatusEntered  = "sellmigrate_migration_status_entered" // counter {status}
	metricStepDuration   = "sellmigrate_migration_step_duration"  // timer {step}, waits included
	metricHumanWait      = "sellmigrate_migration_human_wait"     // timer {waiting}: a waiting status until the input came
	metricMigrationTotal = "sellmigrate_migration_duration"       // timer {outcome}: start to outcome
)

// transitions remembers the last step and status recorded, and since when (workflow
// time, so replay sees the same values). One per run, as the run's own clock.
type transitions struct {
	started             time.Time
	step, status        string
	stepSince, statusAt time.Time
}

// resume takes over a previous run's step and status (continue-as-new), so they are
// not counted again, and the durations run from when they began.
func (o *transitions) resume(p contract.Progress) {
	o.started = p.StartedAt
	o.step, o.status = string(p.Step), string(p.Status)
	o.stepSince, o.statusAt = p.UpdatedAt, p.UpdatedAt
	if n := len(p.Timeline); n > 0 {
		o.stepSince = p.Timeline[n-1].StartedAt
	}
	if p.WaitingSince != nil {
		o.statusAt = *p.WaitingSince
	}
}

// observe records the metrics of moving to step and status (either may be unchanged).
func (o *transitions) observe(ctx workflow.Context, step, status string) {
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
