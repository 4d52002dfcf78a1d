package workflows

import (
	"errors"
	"fmt"
	"strings"

	"go.temporal.io/sdk/workflow"

	"github.com/sellmigrate/sellmigrate/contract"
)

// input is one kind of human input: how to check it against the current state, and
// how to take it once accepted. The same pair serves the signal and the update.
type input[T any] struct {
	name     string
	by       func(T) string
	detail   func(T) string
	validate func(T) error
	accept   func(T)
}

// registerInputs registers a signal and an update (with validator) for every input.
func (m *migration) registerInputs(ctx workflow.Context) error {
	if err := register(ctx, m, input[contract.ChooseSubdomainInput]{
		name:     contract.ChooseSubdomainName,
		by:       func(in contract.ChooseSubdomainInput) string { return in.By },
		detail:   func(in contract.ChooseSubdomainInput) string { return "subdomain " + in.Subdomain },
		validate: m.validateChooseSubdomain,
		accept:   func(in contract.ChooseSubdomainInput) { m.inbox.subdomain = &in },
	}); err != nil {
		return err
	}
	if err := register(ctx, m, input[contract.OwnerLoginInput]{
		name:     contract.OwnerLoginName,
		by:       func(in contract.OwnerLoginInput) string { return in.UserEmail },
		detail:   func(in contract.OwnerLoginInput) string { return "logged in as " + in.UserEmail },
		validate: m.validateOwnerLogin,
		accept: func(in contract.OwnerLoginInput) {
			m.inbox.ownerLogin = &in
			m.inbox.loginSeq++
		},
	}); err != nil {
		return err
	}
	if err := register(ctx, m, input[contract.LicenseAssignedInput]{
		name:     contract.LicenseAssignedName,
		by:       func(in contract.LicenseAssignedInput) string { return in.By },
		detail:   func(contract.LicenseAssignedInput) string { return "Sell license assigned to the owner" },
		validate: m.validateLicenseAssigned,
		accept:   func(in contract.LicenseAssignedInput) { m.inbox.license = &in },
	}); err != nil {
		return err
	}
	if err := register(ctx, m, input[contract.BackInput]{
		name:     contract.BackName,
		by:       func(in contract.BackInput) string { return in.By },
		detail:   func(contract.BackInput) string { return "back to choose another subdomain" },
		validate: m.validateBack,
		accept:   func(in contract.BackInput) { m.inbox.back = &in },
	}); err != nil {
		return err
	}
	return register(ctx, m, input[contract.AcceptDisclaimersInput]{
		name: contract.AcceptDisclaimersName,
		by:   func(in contract.AcceptDisclaimersInput) string { return in.By },
		detail: func(in contract.AcceptDisclaimersInput) string {
			return "accepted disclaimers version " + m.disclaimerVersion(in)
		},
		validate: m.validateAcceptDisclaimers,
		accept: func(in contract.AcceptDisclaimersInput) {
			in.Version = m.disclaimerVersion(in)
			m.inbox.disclaimers = &in
		},
	})
}

// register wires one input as a signal and as an update. A signal that fails
// validation is not lost: it is recorded in the progress as rejected, with the reason.
func register[T any](ctx workflow.Context, m *migration, in input[T]) error {
	ch := workflow.GetSignalChannel(ctx, in.name)
	workflow.Go(ctx, func(ctx workflow.Context) {
		for {
			var payload T
			if !ch.Receive(ctx, &payload) {
				return
			}
			if err := in.validate(payload); err != nil {
				m.recordInput(ctx, in.name, in.by(payload), in.detail(payload), err)
				m.logger.Warn("signal rejected", "Input", in.name, "Reason", err.Error())
				continue
			}
			in.accept(payload)
			m.recordInput(ctx, in.name, in.by(payload), in.detail(payload), nil)
		}
	})
	return workflow.SetUpdateHandlerWithOptions(ctx, in.name,
		func(ctx workflow.Context, payload T) (contract.Progress, error) {
			in.accept(payload)
			m.recordInput(ctx, in.name, in.by(payload), in.detail(payload), nil)
			return m.answer(ctx, in.name)
		},
		workflow.UpdateHandlerOptions{Validator: func(payload T) error { return in.validate(payload) }},
	)
}

// answer lets an update reply with what its input led to, not just that it arrived:
// the next wait, or why the input did not get the migration further. It waits until
// the main loop has acted on the input (or the workflow is closing). The wait is on a
// disconnected context: when the migration is cancelled meanwhile, the update still
// answers, saying so, instead of a bare "canceled".
func (m *migration) answer(ctx workflow.Context, name string) (contract.Progress, error) {
	ctx, _ = workflow.NewDisconnectedContext(ctx)
	settled := func() bool { return m.closing || m.progress.Status != contract.StatusRunning }
	var until func() bool
	switch name {
	case contract.OwnerLoginName:
		return m.awaitLoginOutcome(ctx)
	case contract.AcceptDisclaimersName:
		// Linking and converting may take long; answer once the migration moves on.
		until = func() bool { return m.closing || m.progress.Step != contract.StepDisclaimers }
	case contract.ChooseSubdomainName:
		until = func() bool { return m.inbox.subdomain == nil && settled() }
	case contract.LicenseAssignedName:
		until = func() bool { return m.inbox.license == nil && settled() }
	case contract.BackName:
		until = func() bool { return m.inbox.back == nil && settled() }
	default:
		return m.progress, nil
	}
	if err := workflow.Await(ctx, until); err != nil {
		return m.progress, err
	}
	switch {
	case m.endedAs != "" && (name != contract.AcceptDisclaimersName || m.progress.Step == contract.StepDisclaimers):
		return m.progress, fmt.Errorf("the migration ended (%s) before %s took effect; see its status for why", m.endedAs, name)
	case name == contract.ChooseSubdomainName && m.progress.Status == contract.StatusNeedsSubdomain:
		return m.progress, fmt.Errorf("the subdomain was not accepted: %s", m.progress.LastError)
	case name == contract.LicenseAssignedName && m.progress.Status == contract.StatusOwnerNeedsSellLicense:
		return m.progress, fmt.Errorf("the license is not there yet: %s", m.progress.LastError)
	}
	return m.progress, nil
}

// awaitLoginOutcome lets the owner-login update answer with the verification result,
// so whoever logged in learns at once whether they were accepted and, if not, why.
func (m *migration) awaitLoginOutcome(ctx workflow.Context) (contract.Progress, error) {
	seq := m.inbox.loginSeq
	if err := workflow.Await(ctx, func() bool { return m.inbox.loginDone >= seq || m.closing }); err != nil {
		return m.progress, err
	}
	if reason, done := m.inbox.loginOutcomes[seq]; done && reason != "" {
		return m.progress, errors.New(reason)
	}
	if m.inbox.loginDone < seq {
		return m.progress, fmt.Errorf("the migration ended (%s) before the login was verified", m.endedAs)
	}
	return m.progress, nil
}

// finishLogin records the verification of the pending owner login.
func (m *migration) finishLogin(email, refusal string) {
	m.inbox.loginDone = m.inbox.loginSeq
	m.inbox.loginOutcomes[m.inbox.loginSeq] = refusal
	if refusal != "" {
		m.progress.LastError = refusal
		m.recordLastInputOutcome(contract.OwnerLoginName, refusal)
	}
}

// recordLastInputOutcome marks the latest input of that name as refused after the fact
// (an owner login refused by verification, a license that still is not there).
func (m *migration) recordLastInputOutcome(name, refusal string) {
	for i := len(m.progress.Inputs) - 1; i >= 0; i-- {
		if m.progress.Inputs[i].Name == name {
			m.progress.Inputs[i].Accepted = false
			m.progress.Inputs[i].Reason = refusal
			return
		}
	}
}

func (m *migration) recordInput(ctx workflow.Context, name, by, detail string, rejection error) {
	rec := contract.InputRecord{Name: name, By: by, Detail: detail, At: workflow.Now(ctx), Accepted: rejection == nil}
	if rejection != nil {
		rec.Reason = rejection.Error()
	}
	m.progress.Inputs = append(m.progress.Inputs, rec)
	m.progress.UpdatedAt = rec.At
}

func (m *migration) disclaimerVersion(in contract.AcceptDisclaimersInput) string {
	if v := strings.TrimSpace(in.Version); v != "" {
		return v
	}
	return m.in.Policy.DisclaimerVersion
}

// Validators. They only read state, and say what the sender should do instead.

func (m *migration) validateSender(by string) error {
	if !looksLikeEmail(by) {
		return fmt.Errorf("by %q must be the email of the person sending this input", by)
	}
	return nil
}

func (m *migration) notNow(name string) error {
	what := string(m.progress.Status)
	if m.progress.WaitingFor != "" {
		what += ", waiting for " + m.progress.WaitingFor
	}
	return fmt.Errorf("%s is not expected now: the migration is at step %s (%s)", name, m.progress.Step, what)
}

func (m *migration) validateChooseSubdomain(in contract.ChooseSubdomainInput) error {
	if err := m.validateSender(in.By); err != nil {
		return err
	}
	early := m.progress.Step == contract.StepPreflight && m.in.Subdomain == ""
	if m.progress.Status != contract.StatusNeedsSubdomain && !early {
		if m.progress.Status.Waiting() {
			return fmt.Errorf("%w; to change the subdomain send %s first", m.notNow(contract.ChooseSubdomainName), contract.BackName)
		}
		return m.notNow(contract.ChooseSubdomainName)
	}
	if m.inbox.subdomain != nil {
		return fmt.Errorf("subdomain %q was already chosen and is being checked", m.inbox.subdomain.Subdomain)
	}
	return contract.ValidateSubdomain(in.Subdomain)
}

func (m *migration) validateOwnerLogin(in contract.OwnerLoginInput) error {
	if !looksLikeEmail(in.UserEmail) {
		return fmt.Errorf("userEmail %q must be the email of the Zendesk user who logged in", in.UserEmail)
	}
	if m.in.Mode != contract.ModeExisting {
		return fmt.Errorf("owner-login is only for migrations into an existing Zendesk account; this one creates a new account")
	}
	switch m.progress.Step {
	case contract.StepPreflight, contract.StepSubdomain:
	case contract.StepOwnerLogin:
		if m.progress.Status == contract.StatusOwnerNeedsSellLicense {
			return fmt.Errorf("the owner %s is verified and needs a Sell license; assign one, then send %s", m.progress.OwnerEmail, contract.LicenseAssignedName)
		}
	default:
		return fmt.Errorf("the account owner %s was already verified; the migration is at step %s", m.progress.OwnerEmail, m.progress.Step)
	}
	if m.inbox.ownerLogin != nil || m.inbox.loginDone < m.inbox.loginSeq {
		return fmt.Errorf("a login is already being verified; wait for its outcome")
	}
	return nil
}

func (m *migration) validateLicenseAssigned(in contract.LicenseAssignedInput) error {
	if err := m.validateSender(in.By); err != nil {
		return err
	}
	if m.progress.Status != contract.StatusOwnerNeedsSellLicense {
		return m.notNow(contract.LicenseAssignedName)
	}
	if m.inbox.license != nil {
		return fmt.Errorf("license-assigned was already received and the license is being checked")
	}
	return nil
}

func (m *migration) validateBack(in contract.BackInput) error {
	if err := m.validateSender(in.By); err != nil {
		return err
	}
	switch m.progress.Status {
	case contract.StatusAwaitingOwnerLogin, contract.StatusOwnerNeedsSellLicense, contract.StatusAwaitingDisclaimers:
	default:
		return fmt.Errorf("%w; back is possible after a subdomain is settled and before the disclaimers are accepted", m.notNow(contract.BackName))
	}
	if m.inbox.back != nil {
		return fmt.Errorf("back was already received")
	}
	return nil
}

func (m *migration) validateAcceptDisclaimers(in contract.AcceptDisclaimersInput) error {
	if err := m.validateSender(in.By); err != nil {
		return err
	}
	if m.progress.Status != contract.StatusAwaitingDisclaimers {
		return m.notNow(contract.AcceptDisclaimersName)
	}
	if v := m.disclaimerVersion(in); v != m.in.Policy.DisclaimerVersion {
		return fmt.Errorf("disclaimer version %q is not the current one; read and accept version %q", v, m.in.Policy.DisclaimerVersion)
	}
	if m.inbox.disclaimers != nil || m.inbox.back != nil {
		return fmt.Errorf("an answer to the disclaimers was already received")
	}
	return nil
}

func looksLikeEmail(s string) bool {
	at := strings.IndexByte(s, '@')
	return at > 0 && at < len(s)-1 && !strings.ContainsAny(s, " \t\r\n,;<>") && strings.Count(s, "@") == 1 &&
		strings.Contains(s[at+1:], ".")
}

func isDigits(s string) bool {
	if s == "" || len(s) > 19 {
		return false
	}
	for _, r := range s {
		if r < '0' || r > '9' {
			return false
		}
	}
	return true
}
