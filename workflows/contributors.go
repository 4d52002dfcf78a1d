package workflows

import (
	"errors"
	"fmt"

	"go.temporal.io/sdk/temporal"
	"go.temporal.io/sdk/workflow"

	"github.com/sellmigrate/sellmigrate/activities"
	"github.com/sellmigrate/sellmigrate/contract"
)

// connected handles a Sell account that is already connected. A migration that was
// cancelled, expired or failed after the link left it connected but maybe unfinished:
// if some active Sell users are not in Zendesk Support yet, this run finishes the
// conversion; if all are, there is nothing to do. Guarded by ChangeFinishLinked.
func (m *migration) connected(ctx workflow.Context, pre activities.PreflightResult) (contract.Result, error) {
	m.progress.Subdomain = pre.ConnectedSubdomain
	if m.version(ctx, ChangeFinishLinked, 1) == workflow.DefaultVersion {
		m.logger.Info("Sell account is already connected; nothing to do", "subdomain", pre.ConnectedSubdomain)
		m.endStep(ctx)
		return m.result(ctx, contract.StatusAlreadyConnected), nil
	}
	m.progress.Linked = true
	m.enterStep(ctx, contract.StepContributors)
	var check activities.ContributorCheck
	err := m.untilDone(ctx, func() error {
		return workflow.ExecuteActivity(m.contributorCtx(ctx, "Check every Sell user is in Zendesk Support"), acts.CheckContributors,
			activities.CheckContributorsInput{SellAccountID: m.in.SellAccountID, Subdomain: m.progress.Subdomain, ActingEmail: m.actingEmail(), CredentialID: m.credentialID()}).Get(ctx, &check)
	})
	if err != nil {
		return contract.Result{}, err
	}
	if check.Missing == 0 {
		m.logger.Info("Sell account is already connected and every Sell user is in Zendesk Support; nothing to do", "subdomain", m.progress.Subdomain)
		m.progress.Contributors = checkedCounts(check)
		m.endStep(ctx)
		r := m.result(ctx, contract.StatusAlreadyConnected)
		// This run converted nobody: what it found is in Checked and the progress. The
		// inactive and suspended users stay in the result: they are still to be handled.
		r.UsersConverted, r.AlreadyAgents = 0, 0
		r.Checked = fmt.Sprintf("Sell account %s is linked to %s and all %d active Sell users are in its Zendesk Support: %d contributors, %d other agents, %d reported for reactivation",
			m.in.SellAccountID, m.progress.Subdomain, check.Active, check.Contributors, check.OtherAgents,
			contract.ReportedCount(check.NeedsReactivationCount, check.NeedsReactivation))
		if check.Suspended > 0 {
			r.Checked += fmt.Sprintf(", %d suspended", check.Suspended)
		}
		return r, nil
	}
	m.logger.Info("Sell account is connected but unfinished; converting the rest", "subdomain", m.progress.Subdomain, "contributorsFound", check.Contributors)
	if err := m.contributors(ctx); err != nil {
		return contract.Result{}, err
	}
	m.enterStep(ctx, contract.StepDone)
	m.endStep(ctx)
	return m.result(ctx, contract.StatusCompleted), nil
}

// contributors adds every Sell user to Zendesk Support as a contributor agent. The
// conversion resumes from the cursor of the last attempt; a failure waits for an
// operator's retry instead of ending the migration, since the accounts are linked.
func (m *migration) contributors(ctx workflow.Context) error {
	if !m.resuming(contract.StepContributors) && m.progress.Step != contract.StepContributors {
		m.enterStep(ctx, contract.StepContributors)
	}
	err := m.untilDone(ctx, func() error {
		var cursor contract.ContributorCursor
		err := workflow.ExecuteActivity(m.contributorCtx(ctx, "Make every Sell user a contributor in "+m.progress.Subdomain), acts.ConvertContributors,
			activities.ConvertContributorsInput{SellAccountID: m.in.SellAccountID, Subdomain: m.progress.Subdomain, ActingEmail: m.actingEmail(), CredentialID: m.credentialID(), Resume: m.cursor}).Get(ctx, &cursor)
		if err != nil {
			if c, ok := activities.CursorFromError(err); ok {
				m.keepCursor(c)
			}
			return err
		}
		m.keepCursor(cursor)
		return nil
	})
	if err != nil {
		return err
	}
	m.endStep(ctx)
	return nil
}

// checkedCounts are the progress counts of a check that found nothing to convert. Its
// SellUsers are the active ones, as before inactive users were reported.
func checkedCounts(check activities.ContributorCheck) *contract.ContributorCounts {
	return &contract.ContributorCounts{
		SellUsers: check.Active, Converted: check.Contributors, AlreadyAgents: check.OtherAgents,
		NeedsReactivation:      append([]string{}, check.NeedsReactivation...),
		NeedsReactivationCount: contract.ReportedCount(check.NeedsReactivationCount, check.NeedsReactivation),
		Inactive:               check.Inactive, InactiveEmails: append([]string{}, check.InactiveEmails...),
		Suspended: check.Suspended, SuspendedEmails: append([]string{}, check.SuspendedEmails...),
		Total: check.Active, Done: check.Active,
	}
}

func (m *migration) keepCursor(c contract.ContributorCursor) {
	m.cursor = &c
	counts := c.Counts()
	m.progress.Contributors = &counts
}

// credentialID is the stored credential the steps after the link act with: the
// verified owner's grant, or the credential of the account this migration created.
// Empty (an account found already connected) lets the activity use the newest one
// stored for the subdomain, such as an operator's token.
func (m *migration) credentialID() string {
	if m.ownerGrant != "" {
		return m.ownerGrant
	}
	return m.accountCredential
}

// actingEmail is the Zendesk user the steps after the link act as: the verified owner
// of an existing account, or the admin who owns the account this migration created.
func (m *migration) actingEmail() string {
	switch {
	case m.progress.OwnerEmail != "":
		return m.progress.OwnerEmail
	case m.in.Mode == contract.ModeExisting && m.in.OwnerEmail != "":
		return m.in.OwnerEmail
	}
	return m.in.RequestedBy
}

// untilDone runs a step past the link until it succeeds. When it fails for a reason a
// person must fix (a 4xx, a missing role, retries exhausted), the migration waits in
// needs_attention, with reminders to ops and the deadline of any wait, until an
// operator sends retry. Cancellation still ends it. Guarded by ChangeNeedsAttention.
func (m *migration) untilDone(ctx workflow.Context, step func() error) error {
	for {
		if m.progress.Status == contract.StatusNeedsAttention {
			if err := m.awaitRetry(ctx); err != nil {
				return err
			}
		}
		err := step()
		if err == nil {
			m.progress.LastError = ""
			return nil
		}
		var canceled *temporal.CanceledError
		if errors.As(err, &canceled) || ctx.Err() != nil {
			return err
		}
		if m.version(ctx, ChangeNeedsAttention, 1) == workflow.DefaultVersion {
			return err
		}
		m.progress.LastError = fmt.Sprintf("%s: %s", m.progress.Step, contract.RootMessage(err))
		m.logger.Warn("step failed after the link; waiting for an operator's retry", "step", m.progress.Step, "error", err)
		m.setStatus(ctx, contract.StatusNeedsAttention, attentionWanted(m.progress.WorkflowID))
	}
}

// awaitRetry waits in needs_attention until an operator sends retry.
func (m *migration) awaitRetry(ctx workflow.Context) error {
	err := m.awaitInput(ctx, contract.StatusNeedsAttention, m.progress.WaitingFor, audienceOps,
		func() bool { return m.inbox.has(contract.RetryName) })
	if err != nil {
		return err
	}
	m.settle(m.inbox.get(contract.RetryName), "")
	return nil
}

func attentionWanted(workflowID string) string {
	return fmt.Sprintf("an operator to fix what lastError says, then retry (sellmigrate retry %s --by EMAIL)", contract.AccountIDFromRef(workflowID))
}
