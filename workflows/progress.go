package workflows

import (
	"time"

	"go.temporal.io/sdk/workflow"
)

// publish upserts the search attributes from the progress, so visibility queries and
// dashboards see every change of step, status and subdomain.
func (m *migration) publish(ctx workflow.Context) {
	m.progress.UpdatedAt = workflow.Now(ctx)
	err := workflow.UpsertTypedSearchAttributes(ctx,
		SearchAttrSellAccountID.ValueSet(m.in.SellAccountID),
		SearchAttrMode.ValueSet(string(m.in.Mode)),
		SearchAttrStep.ValueSet(string(m.progress.Step)),
		SearchAttrStatus.ValueSet(string(m.progress.Status)),
		SearchAttrSubdomain.ValueSet(m.progress.Subdomain),
	)
	if err != nil {
		m.logger.Error("could not upsert search attributes", "Error", err)
	}
}

// setStatus records what the migration is doing; waitingFor is set only while waiting.
func (m *migration) setStatus(ctx workflow.Context, status Status, waitingFor string) {
	if m.progress.Status == status && m.progress.WaitingFor == waitingFor {
		return
	}
	m.progress.Status = status
	m.progress.WaitingFor = waitingFor
	if status.Waiting() {
		now := workflow.Now(ctx)
		m.progress.WaitingSince = &now
	} else {
		m.progress.WaitingSince = nil
	}
	m.publish(ctx)
}

// enterStep opens a timeline entry for a step.
func (m *migration) enterStep(ctx workflow.Context, step Step) {
	m.endStep(ctx)
	m.progress.Step = step
	m.progress.Timeline = append(m.progress.Timeline, StepRecord{Step: step, StartedAt: workflow.Now(ctx)})
	m.progress.Status = StatusRunning
	m.progress.WaitingFor = ""
	m.progress.WaitingSince = nil
	m.publish(ctx)
}

// endStep closes the open timeline entry.
func (m *migration) endStep(ctx workflow.Context) {
	if n := len(m.progress.Timeline); n > 0 && m.progress.Timeline[n-1].EndedAt == nil {
		now := workflow.Now(ctx)
		m.progress.Timeline[n-1].EndedAt = &now
	}
}

// stepDurations sums the time spent in each step, waits included, in timeline order.
func stepDurations(timeline []StepRecord, now time.Time) []StepTiming {
	var out []StepTiming
	index := map[Step]int{}
	for _, rec := range timeline {
		end := now
		if rec.EndedAt != nil {
			end = *rec.EndedAt
		}
		if i, ok := index[rec.Step]; ok {
			out[i].Duration += end.Sub(rec.StartedAt)
			continue
		}
		index[rec.Step] = len(out)
		out = append(out, StepTiming{Step: rec.Step, Duration: end.Sub(rec.StartedAt)})
	}
	return out
}
