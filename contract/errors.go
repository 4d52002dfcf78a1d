package contract

import (
	"errors"

	"go.temporal.io/sdk/temporal"
)

// Error types carried by the application errors of activities and of the workflow, so
// callers can tell outcomes apart and the retry policy knows what not to retry.
const (
	// ErrTypeZendeskClient: Zendesk answered 4xx (but 408/429); retrying cannot help.
	ErrTypeZendeskClient = "ZendeskClientError"
	// ErrTypeZendeskRateLimited: Zendesk answered 429; retried after its Retry-After.
	ErrTypeZendeskRateLimited = "ZendeskRateLimited"
	// ErrTypeZendeskUnavailable: 5xx or a network error; retried with backoff.
	ErrTypeZendeskUnavailable = "ZendeskUnavailable"
	// ErrTypeNotSellAdmin: the requester is not an active admin of the Sell account.
	ErrTypeNotSellAdmin = "NotSellAdmin"
	// ErrTypeUnknownAccount: the Sell account does not exist or its token is refused.
	ErrTypeUnknownAccount = "UnknownSellAccount"
	// ErrTypeInvalidInput: the workflow's start input breaks a rule.
	ErrTypeInvalidInput = "InvalidInput"
	// ErrTypeExpired: a wait for a person passed its deadline.
	ErrTypeExpired = "MigrationExpired"
	// ErrTypeNotifyRefused: a reminder's mail server or webhook refused it for good.
	ErrTypeNotifyRefused = "NotifyRefused"
	// ErrTypeNoCredential: no usable credential lets us act in the Zendesk account (none
	// stored, revoked or expired); an operator must add one, then retry.
	ErrTypeNoCredential = "NoZendeskCredential"
)

// NonRetryableErrorTypes are the error types that retrying cannot fix.
var NonRetryableErrorTypes = []string{ErrTypeZendeskClient, ErrTypeNotSellAdmin, ErrTypeInvalidInput, ErrTypeUnknownAccount, ErrTypeNotifyRefused, ErrTypeNoCredential}

// RootMessage is the message of the outermost application error: the one the failing
// activity, the workflow or its validator wrote for a person, which already names its
// cause, rather than Temporal's wrapping ("activity error ...", "workflow execution
// error ...") or the bare HTTP error it wraps. Inner causes are left out: the outer
// message carries the advice ("...; check the account ID").
func RootMessage(err error) string {
	if err == nil {
		return ""
	}
	var appErr *temporal.ApplicationError
	if errors.As(err, &appErr) {
		return appErr.Message()
	}
	return err.Error()
}
