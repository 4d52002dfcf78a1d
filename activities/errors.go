package activities

import (
	"errors"
	"fmt"

	"go.temporal.io/sdk/temporal"

	"github.com/sellmigrate/sellmigrate/contract"
	"github.com/sellmigrate/sellmigrate/platform"
)

// classify turns a platform error into what Temporal should do with it: a 4xx (but
// 408/429) cannot succeed by retrying and carries a message a person can act on; a 429
// waits the Retry-After; 5xx and network errors retry with the policy's backoff.
func classify(action string, err error) error {
	if err == nil {
		return nil
	}
	var apiErr *platform.APIError
	if !errors.As(err, &apiErr) {
		return fmt.Errorf("%s: %w", action, err)
	}
	msg := fmt.Sprintf("%s: %s", action, apiErr.Error())
	switch {
	case apiErr.StatusCode == 429:
		return temporal.NewApplicationErrorWithOptions(msg, contract.ErrTypeZendeskRateLimited,
			temporal.ApplicationErrorOptions{NextRetryDelay: apiErr.RetryAfter, Cause: err})
	case apiErr.Retryable():
		return temporal.NewApplicationErrorWithCause(msg, contract.ErrTypeZendeskUnavailable, err)
	default:
		return temporal.NewNonRetryableApplicationError(msg, contract.ErrTypeZendeskClient, err)
	}
}
