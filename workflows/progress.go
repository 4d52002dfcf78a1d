package workflows

import (
	"go.temporal.io/sdk/temporal"
	"go.temporal.io/sdk/workflow"

	"github.com/sellmigrate/sellmigrate/contract"
)

// publish upserts the search attributes from the progress, so visibility queries and
// dashboards see every change of step, status and subdomain.
func (m *migration) publish(ctx workflow.Context) {
	m.progress.UpdatedAt = workflow.Now(ctx)
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
	err := workflow.UpsertTypedSearchAttributes(ctx, attrs...)
	if err != nil {
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
