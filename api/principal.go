package api

import (
	"fmt"
	"strings"

	"github.com/sellmigrate/sellmigrate/contract"
)

// stamp is the principal as the contract records it.
func (p principal) stamp() *contract.Principal {
	return &contract.Principal{Name: p.name, Email: p.email}
}

// stampInput makes a human input carry who sent it, from the caller's token, never
// from the body: the principal is stamped on the payload, and for a principal with an
// email (a named token) the payload's "by" is that email: an absent one is filled in,
// one that differs is refused with a 403 before anything is sent. Role-list tokens
// have no email, so their "by" stays the caller's word, as before.
func stampInput(p principal, payload contract.Payload) error {
	if payload.SentBy() != nil {
		return &apiError{Code: codeInvalidInput, Field: "principal",
			Message: "principal is set by the server from your token; leave it out of the body"}
	}
	if op, ok := payload.(contract.Operated); ok {
		by, err := p.operator(op.OperatorEmail())
		if err != nil {
			return err
		}
		op.SetOperatorEmail(by)
	}
	if st, ok := payload.(interface{ SetSentBy(*contract.Principal) }); ok {
		st.SetSentBy(p.stamp())
	}
	return nil
}

// operator is who sends a change, given the body's by: a named token's email (an
// absent by is filled in, one that differs is a 403), or for a role-list token, which
// has no email, the body's by as given.
func (p principal) operator(by string) (string, error) {
	if p.email == "" {
		return by, nil
	}
	if by = strings.TrimSpace(by); by != "" && !strings.EqualFold(by, p.email) {
		return "", &apiError{Code: codeForbidden, Field: "by", Message: fmt.Sprintf(
			"by %q is not who this token belongs to: the token is %s's (%s); leave by out, or send %q", by, p.name, p.email, p.email)}
	}
	return p.email, nil
}
