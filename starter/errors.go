package starter

import (
	"errors"
	"fmt"

	"github.com/sellmigrate/sellmigrate/contract"
)

// InputError is bad input from a person or a file; nothing was changed.
type InputError struct {
	// Field is the input's JSON name (accountId, mode, subdomain, requestedBy,
	// ownerEmail, ref, input, by, userEmail, version, status).
	Field string
	Msg   string
}

func (e *InputError) Error() string { return e.Msg }

func inputErr(field, format string, args ...any) error {
	return &InputError{Field: field, Msg: fmt.Sprintf(format, args...)}
}

// AlreadyStartedError refuses a second start of a running or completed migration.
type AlreadyStartedError struct {
	AccountID  string
	WorkflowID string
	// Running is true for a running migration, false for a completed one.
	Running bool
}

func (e *AlreadyStartedError) Error() string {
	state := "already completed"
	if e.Running {
		state = "is already running"
	}
	return fmt.Sprintf("migration for Sell account %s %s (workflow %s); see \"sellmigrate status %s\"",
		e.AccountID, state, e.WorkflowID, e.AccountID)
}

// NotFoundError says no migration exists for an account.
type NotFoundError struct {
	AccountID  string
	WorkflowID string
}

func (e *NotFoundError) Error() string {
	return fmt.Sprintf("no migration for Sell account %s (workflow %s); start one with \"sellmigrate start --account %s ...\"",
		e.AccountID, e.WorkflowID, e.AccountID)
}

// ClosedError says the migration has finished, so it takes no more inputs or cancels.
type ClosedError struct {
	AccountID  string
	WorkflowID string
	// Execution is Temporal's close status, e.g. Completed, Failed, Canceled.
	Execution string
}

func (e *ClosedError) Error() string {
	if e.Execution == "Completed" {
		return fmt.Sprintf("migration for Sell account %s is already completed and takes no more inputs or cancellations (workflow %s); see \"sellmigrate status %s\"",
			e.AccountID, e.WorkflowID, e.AccountID)
	}
	return fmt.Sprintf("migration for Sell account %s has already ended (%s, workflow %s) and takes no more inputs or cancellations; start it again or see \"sellmigrate status %s\"",
		e.AccountID, e.Execution, e.WorkflowID, e.AccountID)
}

// RejectedError is a human input the migration refused, with its reason.
type RejectedError struct {
	Input     string
	AccountID string
	Reason    string
}

func (e *RejectedError) Error() string {
	return fmt.Sprintf("%s rejected by the migration of Sell account %s: %s", e.Input, e.AccountID, e.Reason)
}

// fromFieldError turns the contract's field errors into *InputError.
func fromFieldError(err error) error {
	var fe *contract.FieldError
	if errors.As(err, &fe) {
		return &InputError{Field: fe.Field, Msg: fe.Msg}
	}
	return err
}
