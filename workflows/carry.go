package workflows

import (
	"go.temporal.io/sdk/workflow"

	"github.com/sellmigrate/sellmigrate/contract"
)

// continueAsNewDue says whether this run's history is long enough to hand over to a
// fresh run: past the policy's limit, or when Temporal suggests it.
func (m *migration) continueAsNewDue(ctx workflow.Context) bool {
	info := workflow.GetInfo(ctx)
	return info.GetContinueAsNewSuggested() || info.GetCurrentHistoryLength() >= m.in.Policy.HistoryLimit()
}

// quiet says whether nothing is in flight: no input pending or still arriving, no
// handler running. Only then may the run continue as new, so no input is lost and
// every update gets its answer from the run that took it.
func (m *migration) quiet(ctx workflow.Context) bool {
	if !m.inbox.empty() || !workflow.AllHandlersFinished(ctx) {
		return false
	}
	for _, in := range contract.Inputs() {
		if workflow.GetSignalChannel(ctx, in.Name).Len() > 0 {
			return false
		}
	}
	return true
}

// continueAsNew ends this run and starts the next with everything it had: the progress
// (inputs, timeline, reminders, notifications), the subdomain it created, the
// contributor cursor and the clock of the wait in progress. Only called from a wait.
func (m *migration) continueAsNew(ctx workflow.Context, clock *waitClock) error {
	next := m.in
	next.Carry = &contract.Carry{
		Progress:         m.progress,
		SubdomainChoices: m.subdomainChoices,
		AdminName:        m.adminName,
		LoginURL:         m.loginURL,
		WaitDeadline:     clock.deadline,
		NextReminder:     clock.nextReminder,
		Cursor:           m.cursor,

		OwnerGrantID:        m.ownerGrant,
		AccountCredentialID: m.accountCredential,
	}
	m.logger.Info("continuing as new", "historyLength", workflow.GetInfo(ctx).GetCurrentHistoryLength(), "run", m.progress.Runs)
	return workflow.NewContinueAsNewError(ctx, contract.WorkflowName, next)
}

// restore takes over the state the previous run carried.
func (m *migration) restore(ctx workflow.Context, c contract.Carry) {
	m.progress = c.Progress
	m.progress.Runs++
	m.progress.UpdatedAt = workflow.Now(ctx)
	if m.progress.Inputs == nil {
		m.progress.Inputs = []contract.InputRecord{}
	}
	m.subdomainChoices = c.SubdomainChoices
	m.adminName = c.AdminName
	m.loginURL = c.LoginURL
	m.cursor = c.Cursor
	m.ownerGrant, m.accountCredential = c.OwnerGrantID, c.AccountCredentialID
	m.inbox.seq = m.progress.InputsDropped + len(m.progress.Inputs)
	m.carried = &c
	m.in.Carry = nil
	m.metrics.resume(m.progress)
}
