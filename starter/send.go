package starter

import (
	"context"
	"errors"
	"fmt"

	"go.temporal.io/api/serviceerror"
	"go.temporal.io/sdk/temporal"
	"go.uber.org/zap"

	"github.com/sellmigrate/sellmigrate/contract"
)

// Send delivers a human input to a migration as a Temporal update named after the
// input and waits for the workflow's answer: the progress after the input was taken,
// or a *RejectedError with the validator's (or, for owner-login, the verification's)
// reason. payload is the input's type from workflows (value or pointer), e.g.
// contract.OwnerLoginInput for contract.OwnerLoginName.
func (s *Starter) Send(ctx context.Context, ref, input string, payload any) (contract.Progress, error) {
	accountID, workflowID, err := ParseRef(ref)
	if err != nil {
		return contract.Progress{}, err
	}
	arg, err := CheckInput(input, payload)
	if err != nil {
		return contract.Progress{}, err
	}
	ctx, cancel := context.WithTimeout(ctx, s.opts.UpdateTimeout)
	defer cancel()
	var progress contract.Progress
	if err := s.update(ctx, workflowID, input, arg, &progress); err != nil {
		return contract.Progress{}, s.sendError(ctx, input, accountID, workflowID, err)
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
		return &RejectedError{Input: input, AccountID: accountID, Reason: contract.RootMessage(err)}
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

// CheckInput checks the input's name and payload before anything is sent, with the
// registry's rules, the same the workflow's validators apply where they do not depend
// on its state. payload is the input's type from contract, as a value or a pointer.
func CheckInput(name string, payload any) (contract.Payload, error) {
	in, err := contract.LookupInput(name)
	if err != nil {
		return nil, fromFieldError(err)
	}
	p, err := in.Payload(payload)
	if err != nil {
		return nil, fromFieldError(err)
	}
	return p, nil
}
