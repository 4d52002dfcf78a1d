package workflows

import (
	"errors"
	"fmt"

	"go.temporal.io/sdk/temporal"
	"go.temporal.io/sdk/workflow"

	"github.com/sellmigrate/sellmigrate/activities"
	"github.com/sellmigrate/sellmigrate/contract"
)

// finishUnsuccessfully records how the migration ended (cancelled, expired or failed),
// answers every pending input, undoes what it created and never linked, and returns
// the error that closes the workflow in the matching Temporal state.
func (m *migration) finishUnsuccessfully(ctx workflow.Context, err error) error {
	status := contract.StatusFailed
	var appErr *temporal.ApplicationError
	switch {
	case temporal.IsCanceledError(err) || errors.Is(ctx.Err(), workflow.ErrCanceled):
		status = contract.StatusCancelled
	case errors.As(err, &appErr) && appErr.Type() == contract.ErrTypeExpired:
		status = contract.StatusExpired
	}
	m.close(status)
	// Compensation must run even though the workflow's own context is cancelled.
	cleanup, _ := workflow.NewDisconnectedContext(ctx)
	m.compensate(cleanup)
	if status != contract.StatusCancelled {
		m.progress.LastError = contract.RootMessage(err)
	}
	m.endStep(cleanup)
	m.setStatus(cleanup, status, "")
	m.logger.Info("migration ended", "status", status, "error", err)
	if status == contract.StatusCancelled {
		return temporal.NewCanceledError(m.progress.Compensation)
	}
	return err
}

// compensate acts on what really happened: a link whose outcome is unknown is looked
// up first; a linked account is never released, and the outcome says how far the
// conversion got; an account this migration created and did not link is released,
// also one whose creation was still running when the migration ended.
func (m *migration) compensate(ctx workflow.Context) {
	if m.linkAttempted && !m.progress.Linked {
		var linked activities.LinkStatus
		err := workflow.ExecuteActivity(m.stepCtx(ctx, "Check whether the accounts were linked"), acts.CheckLink,
			activities.CheckLinkInput{SellAccountID: m.in.SellAccountID, Subdomain: m.progress.Subdomain}).Get(ctx, &linked)
		switch {
		case err != nil:
			m.progress.Compensation = fmt.Sprintf("could not tell whether Sell account %s was linked to %s (%s): nothing was released; check in Zendesk, and start the migration again to finish it if it was",
				m.in.SellAccountID, m.progress.Subdomain, contract.RootMessage(err))
			return
		case linked.Linked:
			m.progress.Linked = true
		}
	}
	if m.progress.Linked {
		m.progress.Compensation = m.keptLinked()
		return
	}
	if m.reserving != "" && m.progress.CreatedSubdomain == "" {
		m.releaseUncertain(ctx, m.reserving)
		return
	}
	if err := m.releaseCreated(ctx); err != nil {
		m.logger.Error("could not release the account this migration created", "error", err)
	}
}

// keptLinked says what stays after a migration ends past the link, and how to finish.
func (m *migration) keptLinked() string {
	msg := fmt.Sprintf("Sell account %s stays linked to %s", m.in.SellAccountID, m.progress.Subdomain)
	if m.progress.CreatedSubdomain != "" {
		msg = fmt.Sprintf("kept subdomain %s: it was created by this migration and is already linked to Sell account %s", m.progress.CreatedSubdomain, m.in.SellAccountID)
	}
	if c := m.cursor; c != nil && c.Total > 0 {
		left := c.Total - c.SellUsers
		if left < 0 {
			left = 0
		}
		msg += fmt.Sprintf("; %d of %d Sell users handled, %d remain", c.SellUsers, c.Total, left)
	} else if m.progress.Step == contract.StepContributors || m.progress.Step == contract.StepLink {
		msg += "; its Sell users are not all contributors yet"
	}
	if m.progress.Step != contract.StepDone {
		msg += "; start the migration again to finish it"
	}
	return msg
}

// releaseCreated releases the Zendesk account this migration created if it was not
// linked, and records what it did in the progress.
func (m *migration) releaseCreated(ctx workflow.Context) error {
	sub := m.progress.CreatedSubdomain
	if sub == "" {
		return nil
	}
	if m.progress.Linked {
		// A linked account is the Sell account's Zendesk account now; releasing it would
		// cut its users off, so it stays, and the outcome says so.
		m.progress.Compensation = m.keptLinked()
		return nil
	}
	err := workflow.ExecuteActivity(m.stepCtx(ctx, "Release Zendesk account "+sub), acts.ReleaseSubdomain, activities.ReleaseSubdomainInput{
		Subdomain: sub, OwnerEmail: m.in.RequestedBy, CredentialID: m.accountCredential,
	}).Get(ctx, nil)
	if err != nil {
		m.progress.Compensation = fmt.Sprintf("could not release subdomain %s, created by this migration and never linked: %s; release it in Zendesk by hand", sub, contract.RootMessage(err))
		return err
	}
	m.progress.Compensation = fmt.Sprintf("released subdomain %s, created by this migration and never linked", sub)
	m.progress.CreatedSubdomain = ""
	m.accountCredential = ""
	m.publish(ctx)
	return nil
}

// releaseUncertain releases an account whose creation gave no answer, if it exists
// and belongs to the requesting admin: an account someone else owns is never touched.
func (m *migration) releaseUncertain(ctx workflow.Context, sub string) {
	var res activities.ReleaseResult
	err := workflow.ExecuteActivity(m.stepCtx(ctx, "Release Zendesk account "+sub+" if this migration created it"), acts.ReleaseIfOwned,
		activities.ReleaseSubdomainInput{Subdomain: sub, OwnerEmail: m.in.RequestedBy, IdempotencyKey: m.reservingKey}).Get(ctx, &res)
	switch {
	case err != nil:
		m.progress.Compensation = fmt.Sprintf("could not check whether subdomain %s was created by this migration: %s; check in Zendesk and release it by hand if so", sub, contract.RootMessage(err))
	case res.Released:
		m.progress.Compensation = fmt.Sprintf("released subdomain %s, created by this migration while it was being cancelled and never linked", sub)
	default:
		m.progress.Compensation = fmt.Sprintf("nothing to release: subdomain %s was not created by this migration (%s)", sub, res.Reason)
	}
}
