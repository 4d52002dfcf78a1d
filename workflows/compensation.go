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
// releases an account it created and never linked, and returns the error that closes
// the workflow in the matching Temporal state.
func (m *migration) finishUnsuccessfully(ctx workflow.Context, err error) error {
	status := contract.StatusFailed
	var appErr *temporal.ApplicationError
	switch {
	case temporal.IsCanceledError(err) || errors.Is(ctx.Err(), workflow.ErrCanceled):
		status = contract.StatusCancelled
	case errors.As(err, &appErr) && appErr.Type() == contract.ErrTypeExpired:
		status = contract.StatusExpired
	}
	m.endedAs = status
	m.closing = true
	// Compensation must run even though the workflow's own context is cancelled.
	cleanup, _ := workflow.NewDisconnectedContext(ctx)
	if relErr := m.releaseCreated(cleanup); relErr != nil {
		m.logger.Error("could not release the account this migration created", "Error", relErr)
	}
	if status != contract.StatusCancelled {
		m.progress.LastError = contract.RootMessage(err)
	}
	m.endStep(cleanup)
	m.setStatus(cleanup, status, "")
	m.logger.Info("migration ended", "Status", status, "Error", err)
	if status == contract.StatusCancelled {
		return temporal.NewCanceledError(m.progress.Compensation)
	}
	return err
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
		m.progress.Compensation = fmt.Sprintf("kept subdomain %s: it was created by this migration and is already linked to Sell account %s", sub, m.in.SellAccountID)
		return nil
	}
	err := workflow.ExecuteActivity(m.stepCtx(ctx), acts.ReleaseSubdomain, activities.ReleaseSubdomainInput{
		Subdomain: sub, OwnerEmail: m.in.RequestedBy,
	}).Get(ctx, nil)
	if err != nil {
		m.progress.Compensation = fmt.Sprintf("could not release subdomain %s, created by this migration and never linked: %s; release it in Zendesk by hand", sub, contract.RootMessage(err))
		return err
	}
	m.progress.Compensation = fmt.Sprintf("released subdomain %s, created by this migration and never linked", sub)
	m.progress.CreatedSubdomain = ""
	m.publish(ctx)
	return nil
}
