package starter

import (
	"strings"

	"github.com/sellmigrate/sellmigrate/contract"
)

// StartRequest asks for one migration. Fields are as a person typed them.
type StartRequest struct {
	AccountID   string `json:"accountId"`
	Mode        string `json:"mode"`
	Subdomain   string `json:"subdomain,omitempty"`
	RequestedBy string `json:"requestedBy"`
	OwnerEmail  string `json:"ownerEmail,omitempty"`
	// Principal is who asks through the HTTP API, set by the API from the caller's
	// token and recorded in the start input; never read from a body.
	Principal *contract.Principal `json:"-"`
}

// Input checks the request and turns it into the workflow's input under policy. The
// first problem found is returned as an *InputError.
func (r StartRequest) Input(policy contract.Policy) (contract.StartInput, error) {
	id := strings.TrimSpace(r.AccountID)
	if err := checkAccountID("accountId", id); err != nil {
		return contract.StartInput{}, err
	}
	mode, err := contract.ParseMode(r.Mode)
	if err != nil {
		return contract.StartInput{}, &InputError{Field: "mode", Msg: err.Error()}
	}
	sub := strings.TrimSpace(r.Subdomain)
	if sub != "" {
		if err := contract.ValidateSubdomain(sub); err != nil {
			return contract.StartInput{}, &InputError{Field: "subdomain", Msg: err.Error()}
		}
	}
	by := strings.TrimSpace(r.RequestedBy)
	if err := checkEmail("requestedBy", "requested-by (the Sell admin asking for the migration)", by, true); err != nil {
		return contract.StartInput{}, err
	}
	owner := strings.TrimSpace(r.OwnerEmail)
	if err := checkEmail("ownerEmail", "owner-email (the Zendesk account owner)", owner, false); err != nil {
		return contract.StartInput{}, err
	}
	if owner != "" && mode != contract.ModeExisting {
		return contract.StartInput{}, inputErr("ownerEmail",
			"owner-email applies to mode %q only (joining an existing Zendesk account); a new account's owner is the requesting admin", contract.ModeExisting)
	}
	if err := policy.Validate(); err != nil {
		return contract.StartInput{}, inputErr("policy", "migration policy from config is invalid: %v", err)
	}
	return contract.StartInput{
		SellAccountID: id,
		Mode:          mode,
		Subdomain:     sub,
		RequestedBy:   by,
		OwnerEmail:    owner,
		Principal:     r.Principal,
		Policy:        policy,
	}, nil
}

// ParseRef accepts a Sell account ID or a migration's workflow ID and returns both; a
// bad ref is an *InputError.
func ParseRef(ref string) (accountID, workflowID string, err error) {
	id := contract.AccountIDFromRef(ref)
	if contract.ValidateAccountID(id) != nil {
		return "", "", inputErr("ref", "%q is neither a Sell account ID nor a migration workflow ID; give e.g. 1001 or %s", ref, contract.WorkflowID("1001"))
	}
	return id, contract.WorkflowID(id), nil
}

// checkAccountID applies the contract's Sell account ID rule.
func checkAccountID(field, id string) error {
	if err := contract.ValidateAccountID(id); err != nil {
		return &InputError{Field: field, Msg: err.Error()}
	}
	return nil
}

// checkEmail applies the contract's email rule, the one the workflow's validators
// apply, so nothing accepted here is refused there. what names the field for a person.
func checkEmail(field, what, s string, required bool) error {
	if s == "" {
		if required {
			return inputErr(field, "%s is missing; give an email address, e.g. admin@acme.test", what)
		}
		return nil
	}
	if !contract.IsEmail(s) {
		return inputErr(field, "%s %q is not an email address, e.g. admin@acme.test", what, s)
	}
	return nil
}
