package workflows

import (
	"errors"
	"fmt"
	"strings"

	"go.temporal.io/sdk/log"
	"go.temporal.io/sdk/temporal"
	"go.temporal.io/sdk/workflow"

	"github.com/sellmigrate/sellmigrate/contract"
)

// MigrationWorkflow moves one Sell account onto the Zendesk platform:
// preflight → subdomain → owner_login (existing mode) → disclaimers → link →
// contributors → done. It waits durably for each human input, with reminders and a
// deadline, and releases what it created if it does not finish.
func MigrationWorkflow(ctx workflow.Context, in contract.StartInput) (contract.Result, error) {
	m, err := setup(ctx, in)
	if err != nil {
		return contract.Result{}, err
	}
	return m.run(ctx)
}

// migration is the workflow's state. Handlers and the main loop share it; the workflow
// runs them on one goroutine at a time, so no lock is needed, and handlers only record
// inputs that the main loop then acts on.
type migration struct {
	in       contract.StartInput
	logger   log.Logger
	progress contract.Progress
	inbox    inbox
	// subdomainChoices counts choices made, so each choice gets its own idempotency key.
	subdomainChoices int
	adminName        string
	loginURL         string
	// closing is set when the workflow is about to return, so handlers still waiting
	// for the main loop answer instead of holding the workflow open.
	closing bool
	// endedAs is the outcome (cancelled, expired, failed) of a migration that ends
	// unsuccessfully, set before closing so handlers in flight can say why.
	endedAs contract.Status
}

// inbox holds accepted human inputs until the main loop takes them.
type inbox struct {
	subdomain   *contract.ChooseSubdomainInput
	ownerLogin  *contract.OwnerLoginInput
	license     *contract.LicenseAssignedInput
	back        *contract.BackInput
	disclaimers *contract.AcceptDisclaimersInput
	// loginOutcome holds the verification result of each owner login by sequence, so
	// the owner-login update can answer with it.
	loginSeq      int
	loginDone     int
	loginOutcomes map[int]string
}

// errWentBack tells the step loop that the admin chose to go back to the subdomain.
var errWentBack = errors.New("went back to choose another subdomain")

// setup validates the input and registers the query and every input handler before
// the workflow does anything else, so no early message is lost.
func setup(ctx workflow.Context, in contract.StartInput) (*migration, error) {
	in.Subdomain = strings.TrimSpace(in.Subdomain)
	if err := validateStart(in); err != nil {
		return nil, temporal.NewNonRetryableApplicationError(err.Error(), contract.ErrTypeInvalidInput, nil)
	}
	info := workflow.GetInfo(ctx)
	now := workflow.Now(ctx)
	m := &migration{
		in:     in,
		logger: log.With(workflow.GetLogger(ctx), "SellAccountID", in.SellAccountID),
		progress: contract.Progress{
			WorkflowID:    info.WorkflowExecution.ID,
			SellAccountID: in.SellAccountID,
			Mode:          in.Mode,
			RequestedBy:   in.RequestedBy,
			Subdomain:     in.Subdomain,
			Step:          contract.StepPreflight,
			Status:        contract.StatusRunning,
			StartedAt:     now,
			UpdatedAt:     now,
			Inputs:        []contract.InputRecord{},
			Timeline:      []contract.StepRecord{{Step: contract.StepPreflight, StartedAt: now}},
		},
		inbox: inbox{loginOutcomes: map[int]string{}},
	}
	if err := workflow.SetQueryHandler(ctx, contract.ProgressQuery, func() (contract.Progress, error) { return m.progress, nil }); err != nil {
		return nil, fmt.Errorf("register the progress query: %w", err)
	}
	if err := m.registerInputs(ctx); err != nil {
		return nil, err
	}
	return m, nil
}

func validateStart(in contract.StartInput) error {
	if !isDigits(in.SellAccountID) {
		return fmt.Errorf("sellAccountId %q must be the numeric Sell account ID, e.g. 1001", in.SellAccountID)
	}
	if _, err := contract.ParseMode(string(in.Mode)); err != nil {
		return err
	}
	if !looksLikeEmail(in.RequestedBy) {
		return fmt.Errorf("requestedBy %q must be the email of a Sell admin", in.RequestedBy)
	}
	if in.OwnerEmail != "" && !looksLikeEmail(in.OwnerEmail) {
		return fmt.Errorf("ownerEmail %q must be an email address", in.OwnerEmail)
	}
	return in.Policy.Validate()
}

// run is the state machine. Whatever way it ends, the outcome is in the progress and the
// search attributes, handlers have finished, and an unlinked account it created is released.
func (m *migration) run(ctx workflow.Context) (contract.Result, error) {
	m.publish(ctx)
	result, err := m.steps(ctx)
	if err != nil {
		err = m.finishUnsuccessfully(ctx, err)
	} else {
		m.progress.Result = &result
		m.setStatus(ctx, result.Outcome, "")
	}
	// Let update handlers that are still answering finish before the workflow closes;
	// the context may be cancelled by now, so wait on a disconnected one.
	m.closing = true
	done, _ := workflow.NewDisconnectedContext(ctx)
	_ = workflow.Await(done, func() bool { return workflow.AllHandlersFinished(done) })
	return result, err
}

func (m *migration) steps(ctx workflow.Context) (contract.Result, error) {
	pre, err := m.preflight(ctx)
	if err != nil {
		return contract.Result{}, err
	}
	if pre.Connected {
		m.logger.Info("Sell account is already connected; nothing to do", "Subdomain", pre.ConnectedSubdomain)
		m.progress.Subdomain = pre.ConnectedSubdomain
		m.endStep(ctx)
		return m.result(ctx, contract.StatusAlreadyConnected, nil), nil
	}
	for {
		if err := m.chooseSubdomain(ctx); err != nil {
			return contract.Result{}, err
		}
		err := m.confirm(ctx)
		if errors.Is(err, errWentBack) {
			if err := m.goBack(ctx); err != nil {
				return contract.Result{}, err
			}
			continue
		}
		if err != nil {
			return contract.Result{}, err
		}
		break
	}
	if err := m.link(ctx); err != nil {
		return contract.Result{}, err
	}
	counts, err := m.convertContributors(ctx)
	if err != nil {
		return contract.Result{}, err
	}
	m.enterStep(ctx, contract.StepDone)
	m.endStep(ctx)
	return m.result(ctx, contract.StatusCompleted, counts), nil
}

// confirm runs the steps between choosing a subdomain and connecting, where the admin
// may still go back: the owner login (existing mode) and the disclaimers.
func (m *migration) confirm(ctx workflow.Context) error {
	if m.in.Mode == contract.ModeExisting {
		if err := m.ownerLogin(ctx); err != nil {
			return err
		}
	}
	return m.disclaimers(ctx)
}

func (m *migration) result(ctx workflow.Context, outcome contract.Status, counts *contract.ContributorCounts) contract.Result {
	now := workflow.Now(ctx)
	r := contract.Result{
		Outcome:           outcome,
		Subdomain:         m.progress.Subdomain,
		LoginURL:          m.loginURL,
		NeedsReactivation: []string{},
		StartedAt:         m.progress.StartedAt,
		FinishedAt:        now,
		Duration:          now.Sub(m.progress.StartedAt),
		StepDurations:     stepDurations(m.progress.Timeline, now),
	}
	if counts != nil {
		r.UsersConverted = counts.Converted
		r.AlreadyAgents = counts.AlreadyAgents
		r.NeedsReactivation = counts.NeedsReactivation
	}
	return r
}

// RegisterOptions registers MigrationWorkflow under contract.WorkflowName.
func RegisterOptions() workflow.RegisterOptions {
	return workflow.RegisterOptions{Name: contract.WorkflowName}
}
