package workflows

import (
	"errors"
	"fmt"

	"go.temporal.io/sdk/temporal"
	"go.temporal.io/sdk/workflow"

	"github.com/sellmigrate/sellmigrate/activities"
)

// finishUnsuccessfully records how the migration ended (cancelled, expired or failed),
// releases an account it created and never linked, and returns the error that closes
// the workflow in the matching Temporal state.
func (m *migration) finishUnsuccessfully(ctx workflow.Context, err error) error {
	status := StatusFailed
	var appErr *temporal.ApplicationError
	switch {
	case temporal.IsCanceledError(err) || errors.Is(ctx.Err(), workflow.ErrCanceled):
		status = StatusCancelled
	case errors.As(err, &appErr) && appErr.Type() == ErrTypeExpired:
		status = StatusExpired
	}
	m.endedAs = status
	m.closing = true
	// Compensation must run even though the workflow's own context is cancelled.
	cleanup, _ := workflow.NewDisconnectedContext(ctx)
	if relErr := m.releaseCreated(cleanup); relErr != nil {
		m.logger.Error("could not release the account this migration created", "Error", relErr)
	}
	if status != StatusCancelled {
		m.progress.LastError = rootMessage(err)
	}
	m.endStep(cleanup)
	m.setStatus(cleanup, status, "")
	m.logger.Info("migration ended", "Status", status, "Error", err)
	if status == StatusCancelled {
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
		m.progress.Compensation = fmt.Sprintf("could not release subdomain %s, created by this migration and never linked: %s; release it in Zendesk by hand", sub, rootMessage(err))
		return err
	}
	m.progress.Compensation = fmt.Sprintf("released subdomain %s, created by this migration and never linked", sub)
	m.progress.CreatedSubdomain = ""
	m.publish(ctx)
	return nil
}

// rootMessage is the message of the outermost application error: the one the failing
// activity (or validator) wrote for a person, which already names its cause, rather
// than Temporal's "activity error" wrapping or the bare HTTP error it wraps (an
// unknown Sell account reads "Sell account 999999 is unknown ...; check the account
// ID", not "401 unauthorized").
func rootMessage(err error) string {
	var appErr *temporal.ApplicationError
	if errors.As(err, &appErr) {
		return appErr.Message()
	}
	return err.Error()
}
