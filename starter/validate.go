package starter

import (
	"net/mail"
	"strings"

	"github.com/sellmigrate/sellmigrate/workflows"
)

// StartRequest asks for one migration. Fields are as a person typed them.
type StartRequest struct {
	AccountID   string `json:"accountId"`
	Mode        string `json:"mode"`
	Subdomain   string `json:"subdomain,omitempty"`
	RequestedBy string `json:"requestedBy"`
	OwnerEmail  string `json:"ownerEmail,omitempty"`
}

// Input checks the request and turns it into the workflow's input under policy. The
// first problem found is returned as an *InputError.
func (r StartRequest) Input(policy workflows.Policy) (workflows.StartInput, error) {
	id := strings.TrimSpace(r.AccountID)
	if err := checkAccountID("accountId", id); err != nil {
		return workflows.StartInput{}, err
	}
	mode, err := workflows.ParseMode(r.Mode)
	if err != nil {
		return workflows.StartInput{}, &InputError{Field: "mode", Msg: err.Error()}
	}
	sub := strings.TrimSpace(r.Subdomain)
	if sub != "" {
		if err := workflows.ValidateSubdomain(sub); err != nil {
			return workflows.StartInput{}, &InputError{Field: "subdomain", Msg: err.Error()}
		}
	}
	by := strings.TrimSpace(r.RequestedBy)
	if err := checkEmail("requestedBy", "requested-by (the Sell admin asking for the migration)", by, true); err != nil {
		return workflows.StartInput{}, err
	}
	owner := strings.TrimSpace(r.OwnerEmail)
	if err := checkEmail("ownerEmail", "owner-email (the Zendesk account owner)", owner, false); err != nil {
		return workflows.StartInput{}, err
	}
	if owner != "" && mode != workflows.ModeExisting {
		return workflows.StartInput{}, inputErr("ownerEmail",
			"owner-email applies to mode %q only (joining an existing Zendesk account); a new account's owner is the requesting admin", workflows.ModeExisting)
	}
	if err := policy.Validate(); err != nil {
		return workflows.StartInput{}, inputErr("policy", "migration policy from config is invalid: %v", err)
	}
	return workflows.StartInput{
		SellAccountID: id,
		Mode:          mode,
		Subdomain:     sub,
		RequestedBy:   by,
		OwnerEmail:    owner,
		Policy:        policy,
	}, nil
}

// checkAccountID accepts the numeric Sell account ID.
func checkAccountID(field, id string) error {
	if id == "" {
		return inputErr(field, "the Sell account ID is missing; give the numeric ID, e.g. 1001")
	}
	if len(id) > 19 || strings.Trim(id, "0123456789") != "" {
		return inputErr(field, "Sell account ID %q must be digits only, e.g. 1001", id)
	}
	return nil
}

// ParseRef accepts a Sell account ID or a migration's workflow ID and returns both; a
// bad ref is an *InputError.
func ParseRef(ref string) (accountID, workflowID string, err error) {
	id := workflows.AccountIDFromRef(ref)
	if id == "" || len(id) > 19 || strings.Trim(id, "0123456789") != "" {
		return "", "", inputErr("ref", "%q is neither a Sell account ID nor a migration workflow ID; give e.g. 1001 or %s", ref, workflows.WorkflowID("1001"))
	}
	return id, workflows.WorkflowID(id), nil
}

// checkEmail accepts a bare address (no display name) whose domain has a dot, the same
// rule the workflow's validators apply, so nothing accepted here is refused there.
func checkEmail(field, what, s string, required bool) error {
	if s == "" {
		if required {
			return inputErr(field, "%s is missing; give an email address, e.g. admin@acme.test", what)
		}
		return nil
	}
	a, err := mail.ParseAddress(s)
	at := strings.LastIndexByte(s, '@')
	if err != nil || a.Address != s || at < 1 || !strings.Contains(s[at+1:], ".") || strings.ContainsAny(s, " ,;<>") {
		return inputErr(field, "%s %q is not an email address, e.g. admin@acme.test", what, s)
	}
	return nil
}
