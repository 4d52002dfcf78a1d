package workflows

import (
	"go.temporal.io/sdk/temporal"
	"go.temporal.io/sdk/workflow"

	"github.com/sellmigrate/sellmigrate/contract"
)

// publish makes the progress's step, status and subdomain visible to visibility
// queries and dashboards, and records the change's metrics. Since
// ChangeCoalescedUpserts the upsert waits for flush, which the workflow calls before
// it blocks (an activity, a wait, a timer, the end): the upserts of one workflow task
// reach the server together anyway, so one upsert with the task's last state shows the
// same, for one history event and one visibility write instead of several.
func (m *migration) publish(ctx workflow.Context) {
	m.progress.UpdatedAt = workflow.Now(ctx)
	m.metrics.observe(ctx, string(m.progress.Step), string(m.progress.Status))
	m.unpublished = true
	if !m.coalesce {
		m.flush(ctx)
	}
}

// flush upserts the search attributes from the progress if a change awaits it.
func (m *migration) flush(ctx workflow.Context) {
	if !m.unpublished {
		return
	}
	m.unpublished = false
	attrs := []temporal.SearchAttributeUpdate{
		contract.SearchAttrSellAccountID.ValueSet(m.in.SellAccountID),
		contract.SearchAttrMode.ValueSet(string(m.in.Mode)),
		contract.SearchAttrStep.ValueSet(string(m.progress.Step)),
		contract.SearchAttrStatus.ValueSet(string(m.progress.Status)),
		contract.SearchAttrSubdomain.ValueSet(m.progress.Subdomain),
		contract.SearchAttrStartedAt.ValueSet(m.progress.StartedAt),
	}
	// A campaign's migration keeps its CampaignID in every run, continued as new or not,
	// so the campaign counts it until it ends. Same one command either way.
	if m.in.CampaignID != "" {
		attrs = append(attrs, contract.SearchAttrCampaignID.ValueSet(m.in.CampaignID))
	}
	if err := workflow.UpsertTypedSearchAttributes(ctx, attrs...); err != nil {
		m.logger.Error("could not upsert search attributes", "error", err)
	}
}

// setStatus records what the migration is doing; waitingFor is set only while waiting.
func (m *migration) setStatus(ctx workflow.Context, status contract.Status, waitingFor string) {
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
func (m *migration) enterStep(ctx workflow.Context, step contract.Step) {
	m.endStep(ctx)
	m.progress.Step = step
	m.progress.Timeline = append(m.progress.Timeline, contract.StepRecord{Step: step, StartedAt: workflow.Now(ctx)})
	m.progress.Status = contract.StatusRunning
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
