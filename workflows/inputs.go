package workflows

import (
	"errors"
	"fmt"
	"strings"

	"go.temporal.io/sdk/workflow"

	"github.com/sellmigrate/sellmigrate/contract"
)

// handling is what the workflow does with one input of the registry: register its
// signal and update. Every registry entry needs one; setup refuses to start without.
type handling func(ctx workflow.Context, m *migration, in contract.Input) error

// handlings gives each input of the registry its payload type. The timing rules are in
// allows, what each input leads to in the step that waits for it.
var handlings = map[string]handling{
	contract.ChooseSubdomainName:   register[contract.ChooseSubdomainInput],
	contract.OwnerLoginName:        register[contract.OwnerLoginInput],
	contract.LicenseAssignedName:   register[contract.LicenseAssignedInput],
	contract.BackName:              register[contract.BackInput],
	contract.AcceptDisclaimersName: register[contract.AcceptDisclaimersInput],
	contract.RetryName:             register[contract.RetryInput],
}

// registerInputs registers a signal and an update (with validator) for every input of
// the registry.
func (m *migration) registerInputs(ctx workflow.Context) error {
	for _, in := range contract.Inputs() {
		h, ok := handlings[in.Name]
		if !ok {
			return fmt.Errorf("input %s of the registry has no handling in the workflow", in.Name)
		}
		if err := h(ctx, m, in); err != nil {
			return fmt.Errorf("register input %s: %w", in.Name, err)
		}
	}
	return nil
}

// register wires one input as a signal and as an update with the same validator. A
// signal that fails validation is not lost: it is recorded in the progress as refused,
// with the reason. An update refused by its validator leaves no trace in the history,
// so the caller's error is its only record.
func register[T contract.Payload](ctx workflow.Context, m *migration, in contract.Input) error {
	ch := workflow.GetSignalChannel(ctx, in.Name)
	workflow.Go(ctx, func(ctx workflow.Context) {
		for {
			var payload T
			if !ch.Receive(ctx, &payload) {
				return
			}
			p := m.normalize(payload)
			if err := m.validate(in.Name, p); err != nil {
				m.recordInput(ctx, in.Name, p, err)
				m.logger.Warn("signal refused", "input", in.Name, "reason", err.Error())
				continue
			}
			m.queue(ctx, in.Name, p)
		}
	})
	return workflow.SetUpdateHandlerWithOptions(ctx, in.Name,
		func(ctx workflow.Context, payload T) (contract.Progress, error) {
			slot := m.queue(ctx, in.Name, m.normalize(payload))
			// Wait on a disconnected context: when the migration is cancelled meanwhile,
			// the update still answers, saying so, instead of a bare "canceled".
			wait, _ := workflow.NewDisconnectedContext(ctx)
			if err := workflow.Await(wait, func() bool { return slot.settled }); err != nil {
				return m.snapshot(), err
			}
			if slot.refusal != "" {
				return m.snapshot(), errors.New(slot.refusal)
			}
			return m.snapshot(), nil
		},
		workflow.UpdateHandlerOptions{Validator: func(payload T) error { return m.validate(in.Name, m.normalize(payload)) }},
	)
}

// normalize fills what an input leaves to the migration: the disclaimer version
// defaults to the policy's, and a missing hash (an older client) to that of the
// version's embedded text, so the inputs log says which words were accepted.
func (m *migration) normalize(p contract.Payload) contract.Payload {
	d, ok := p.(contract.AcceptDisclaimersInput)
	if !ok {
		return p
	}
	if strings.TrimSpace(d.Version) == "" {
		d.Version = m.in.Policy.DisclaimerVersion
	}
	if text, err := contract.LookupDisclaimer(d.Version); err == nil && d.SHA256 == "" {
		d.SHA256 = text.SHA256
	}
	return d
}

// acceptedDisclaimer is the embedded text an acceptance accepts, or why it cannot be
// taken: another version than the policy's, a version without text, or a hash that
// is not the text's (the admin was shown other words).
func acceptedDisclaimer(policy contract.Policy, d contract.AcceptDisclaimersInput) (contract.Disclaimer, error) {
	if d.Version != policy.DisclaimerVersion {
		return contract.Disclaimer{}, fmt.Errorf("disclaimer version %q is not the current one; read and accept version %q", d.Version, policy.DisclaimerVersion)
	}
	text, err := contract.LookupDisclaimer(d.Version)
	if err != nil {
		return contract.Disclaimer{}, fmt.Errorf("the disclaimers cannot be accepted: %w; an operator must start the migration with a policy naming one of them", err)
	}
	if d.SHA256 != "" && d.SHA256 != text.SHA256 {
		return contract.Disclaimer{}, fmt.Errorf("sha256 %s is not that of disclaimers version %s (%s): the text read was not this version's; read it again (sellmigrate disclaimers show --version %s, or the migration's page) and accept that", d.SHA256, d.Version, text.SHA256, d.Version)
	}
	return text, nil
}

// validate is every input's validator: the registry's rules on its fields, then
// whether the migration takes it now. It only reads state.
func (m *migration) validate(name string, p contract.Payload) error {
	if err := p.Check(); err != nil {
		return err
	}
	if err := m.allows(name); err != nil {
		return err
	}
	if d, ok := p.(contract.AcceptDisclaimersInput); ok {
		_, err := acceptedDisclaimer(m.in.Policy, d)
		return err
	}
	return nil
}

// allowedInputs are the inputs allows accepts now, in registry order.
func (m *migration) allowedInputs() []string {
	out := []string{}
	for _, in := range contract.Inputs() {
		if m.allows(in.Name) == nil {
			out = append(out, in.Name)
		}
	}
	return out
}

// snapshot is the progress as the query and update answers show it.
func (m *migration) snapshot() contract.Progress {
	p := m.progress
	p.AllowedInputs = m.allowedInputs()
	return p
}

// allows says whether the migration takes an input of that name now, judging only its
// state: the step, the status and the inputs already pending. A second input that
// conflicts with a pending one is refused, so inputs that arrive together (in one
// workflow task, in any order) always leave the migration able to go on.
func (m *migration) allows(name string) error {
	in, err := contract.LookupInput(name)
	if err != nil {
		return err
	}
	switch {
	case m.closing:
		return fmt.Errorf("%s is not expected now: the migration is ending (%s)", name, m.progress.Status)
	case in.Mode != "" && in.Mode != m.in.Mode:
		return fmt.Errorf("%s is only for migrations into an existing Zendesk account; this one creates a new account", name)
	case m.inbox.has(name):
		return fmt.Errorf("%s was already received and is being handled; wait for its outcome", name)
	case name != contract.BackName && m.inbox.has(contract.BackName):
		return fmt.Errorf("%s is not expected now: back was just received and the migration is returning to the subdomain choice", name)
	case name == contract.BackName && !m.inbox.empty():
		return fmt.Errorf("back is not expected now: %s was just received and is being handled; send back after its outcome", strings.Join(m.inbox.names(), ", "))
	}
	status, step := m.progress.Status, m.progress.Step
	switch name {
	case contract.ChooseSubdomainName:
		early := step == contract.StepPreflight && m.in.Subdomain == ""
		if status == contract.StatusNeedsSubdomain || early {
			return nil
		}
		if backable(status) {
			return fmt.Errorf("%w; to change the subdomain send %s first", m.notNow(name), contract.BackName)
		}
	case contract.OwnerLoginName:
		switch {
		case step == contract.StepPreflight || step == contract.StepSubdomain || status == contract.StatusAwaitingOwnerLogin:
			return nil
		case status == contract.StatusOwnerNeedsSellLicense:
			return fmt.Errorf("the owner %s is verified and needs a Sell license; assign one, then send %s", m.progress.OwnerEmail, contract.LicenseAssignedName)
		case m.progress.OwnerEmail != "":
			return fmt.Errorf("the account owner %s was already verified; the migration is at step %s", m.progress.OwnerEmail, step)
		}
	case contract.LicenseAssignedName:
		if status == contract.StatusOwnerNeedsSellLicense {
			return nil
		}
	case contract.BackName:
		if backable(status) {
			return nil
		}
		return fmt.Errorf("%w; back is possible after a subdomain is settled and before the disclaimers are accepted", m.notNow(name))
	case contract.AcceptDisclaimersName:
		if status == contract.StatusAwaitingDisclaimers {
			return nil
		}
	case contract.RetryName:
		if status == contract.StatusNeedsAttention {
			return nil
		}
		return fmt.Errorf("%w; retry applies only to a migration that needs attention", m.notNow(name))
	}
	return m.notNow(name)
}

// backable are the statuses of the confirmation screen, where the admin may go back.
func backable(s contract.Status) bool {
	return s == contract.StatusAwaitingOwnerLogin || s == contract.StatusOwnerNeedsSellLicense || s == contract.StatusAwaitingDisclaimers
}

func (m *migration) notNow(name string) error {
	what := string(m.progress.Status)
	if m.progress.WaitingFor != "" {
		what += ", waiting for " + m.progress.WaitingFor
	}
	return fmt.Errorf("%s is not expected now: the migration is at step %s (%s)", name, m.progress.Step, what)
}
