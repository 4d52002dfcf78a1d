package starter

import (
	"context"
	"errors"
	"fmt"
	"strings"

	"go.temporal.io/api/serviceerror"
	"go.temporal.io/sdk/client"
	"go.temporal.io/sdk/temporal"
	"go.uber.org/zap"

	"github.com/sellmigrate/sellmigrate/workflows"
)

// Send delivers a human input to a migration as a Temporal update named after the
// input and waits for the workflow's answer: the progress after the input was taken,
// or a *RejectedError with the validator's (or, for owner-login, the verification's)
// reason. payload is the input's type from workflows (value or pointer), e.g.
// workflows.OwnerLoginInput for workflows.OwnerLoginName.
func (s *Starter) Send(ctx context.Context, ref, input string, payload any) (workflows.Progress, error) {
	accountID, workflowID, err := ParseRef(ref)
	if err != nil {
		return workflows.Progress{}, err
	}
	arg, err := CheckInput(input, payload)
	if err != nil {
		return workflows.Progress{}, err
	}
	ctx, cancel := context.WithTimeout(ctx, s.opts.UpdateTimeout)
	defer cancel()
	var progress workflows.Progress
	handle, err := s.c.UpdateWorkflow(ctx, client.UpdateWorkflowOptions{
		WorkflowID:   workflowID,
		UpdateName:   input,
		Args:         []any{arg},
		WaitForStage: client.WorkflowUpdateStageCompleted,
	})
	if err == nil {
		err = handle.Get(ctx, &progress)
	}
	if err != nil {
		return workflows.Progress{}, s.sendError(ctx, input, accountID, workflowID, err)
	}
	s.log.Debug("input accepted", zap.String("input", input), zap.String("workflowId", workflowID),
		zap.String("status", string(progress.Status)))
	return progress, nil
}

// sendError turns the SDK's errors into ones a person can act on.
func (s *Starter) sendError(ctx context.Context, input, accountID, workflowID string, err error) error {
	var appErr *temporal.ApplicationError
	var nf *serviceerror.NotFound
	switch {
	case errors.As(err, &appErr):
		return &RejectedError{Input: input, AccountID: accountID, Reason: rootMessage(err)}
	case errors.As(err, &nf):
		return s.missingOrClosed(context.WithoutCancel(ctx), accountID, workflowID)
	case isTimeout(ctx, err):
		return fmt.Errorf("no answer to %s from the migration of Sell account %s within %s; it may still be applied, check \"sellmigrate status %s\"; if no worker is running, start one (\"sellmigrate worker\" or \"sellmigrate dev\")",
			input, accountID, s.opts.UpdateTimeout, accountID)
	}
	return fmt.Errorf("send %s to the migration of Sell account %s: %w", input, accountID, err)
}

func isTimeout(ctx context.Context, err error) bool {
	var de *serviceerror.DeadlineExceeded
	return errors.Is(err, context.DeadlineExceeded) || errors.As(err, &de) || errors.Is(ctx.Err(), context.DeadlineExceeded)
}

// checkInput checks the input's name and payload before anything is sent, with the
// same rules as the workflow's validators where they do not depend on its state.
func CheckInput(input string, payload any) (any, error) {
	switch input {
	case workflows.OwnerLoginName:
		p, ok := as[workflows.OwnerLoginInput](payload)
		if !ok {
			break
		}
		return p, checkEmail("userEmail", "user-email (the Zendesk user who logged in)", p.UserEmail, true)
	case workflows.LicenseAssignedName:
		p, ok := as[workflows.LicenseAssignedInput](payload)
		if !ok {
			break
		}
		return p, checkBy(p.By)
	case workflows.ChooseSubdomainName:
		p, ok := as[workflows.ChooseSubdomainInput](payload)
		if !ok {
			break
		}
		if err := checkBy(p.By); err != nil {
			return nil, err
		}
		if err := workflows.ValidateSubdomain(p.Subdomain); err != nil {
			return nil, &InputError{Field: "subdomain", Msg: err.Error()}
		}
		return p, nil
	case workflows.BackName:
		p, ok := as[workflows.BackInput](payload)
		if !ok {
			break
		}
		return p, checkBy(p.By)
	case workflows.AcceptDisclaimersName:
		p, ok := as[workflows.AcceptDisclaimersInput](payload)
		if !ok {
			break
		}
		if strings.ContainsAny(p.Version, " \t\r\n") {
			return nil, inputErr("version", "disclaimer version %q must not contain spaces, e.g. 2024-01", p.Version)
		}
		return p, checkBy(p.By)
	default:
		return nil, inputErr("input", "input %q is not known; use one of %s", input, strings.Join(workflows.InputNames, ", "))
	}
	return nil, inputErr("input", "input %s cannot carry a %T", input, payload)
}

func checkBy(by string) error {
	return checkEmail("by", "by (the email of the person sending this input)", by, true)
}

// as accepts T or *T.
func as[T any](payload any) (T, bool) {
	switch p := payload.(type) {
	case T:
		return p, true
	case *T:
		if p != nil {
			return *p, true
		}
	}
	var zero T
	return zero, false
}
