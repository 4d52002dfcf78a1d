// Package workflows holds MigrationWorkflow: one durable Temporal workflow per Sell
// account, moving it onto the Zendesk platform. Its names, input and result types and
// input registry are in the contract package.
package workflows

import (
	"errors"
	"fmt"
	"strings"
	"time"

	"go.temporal.io/sdk/log"
	"go.temporal.io/sdk/temporal"
	"go.temporal.io/sdk/workflow"

	"github.com/sellmigrate/sellmigrate/contract"
)

// MigrationWorkflow moves one Sell account onto the Zendesk platform:
// preflight → subdomain → owner_login (existing mode) → disclaimers → link →
// contributors → done. It waits durably for each human input, with reminders and a
// deadline, releases what it created if it does not get as far as the link, and past
// the link never stops half-done: a step that fails waits for an operator's retry.
func MigrationWorkflow(ctx workflow.Context, in contract.StartInput) (contract.Result, error) {
	m, err := setup(ctx, in)
	if err != nil {
		return contract.Result{}, err
	}
	return m.run(ctx)
}

// RegisterOptions registers MigrationWorkflow under contract.WorkflowName.
func RegisterOptions() workflow.RegisterOptions {
	return workflow.RegisterOptions{Name: contract.WorkflowName}
}

// migration is the workflow's state. Handlers and the main loop share it; the workflow
// runs one coroutine at a time and each runs until it blocks, so no lock is needed:
// handlers only check inputs and queue them in the inbox, and the main loop acts on
// them and settles their replies.
type migration struct {
	in       contract.StartInput
	logger   log.Logger
	progress contract.Progress
	inbox    inbox
	// subdomainChoices counts choices made, so each choice gets its own idempotency key.
	subdomainChoices int
	adminName        string
	loginURL         string
	// cursor is where the contributor conversion stopped, kept across retries and runs.
	cursor *contract.ContributorCursor
	// carried is the previous run's state until the step it was waiting in resumes.
	carried *contract.Carry
	// linkAttempted is set once the link activity was scheduled: if it does not report
	// success, compensation asks Zendesk whether the accounts are linked.
	linkAttempted bool
	// reserving is the subdomain whose creation was in flight when the migration was
	// cancelled or failed without an answer: compensation releases it if it is ours.
	// reservingKey is that creation's idempotency key.
	reserving, reservingKey string
	// ownerGrant is the credential ID of the verified owner's Zendesk sign-in (existing
	// mode); accountCredential that of the account this migration created (new mode).
	// The steps after them act with these; the grant is revoked when the migration ends.
	ownerGrant, accountCredential string
	// closing is set when the workflow is about to return: no input is taken any more
	// and every pending one is answered.
	closing bool
	// oneMarker is whether this run settled its changes with ChangeOneMarker; nil
	// until asked (see version).
	oneMarker *bool
	// localChecks: read-only checks run first as local activities (ChangeLocalChecks).
	localChecks bool
	// coalesce: search attributes are upserted once per workflow task, with its last
	// state (ChangeCoalescedUpserts); unpublished says a change awaits its upsert.
	coalesce, unpublished bool
	// metrics records each change of step and status as it happens.
	metrics transitions
	// endedAs is the outcome (cancelled, expired, failed) of a migration that ends
	// unsuccessfully, set before closing so pending inputs can say why.
	endedAs contract.Status
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
	m := &migration{
		in:     in,
		logger: log.With(workflow.GetLogger(ctx), "sellAccountId", in.SellAccountID),
		inbox:  newInbox(),
	}
	if in.Carry != nil {
		m.restore(ctx, *in.Carry)
	} else {
		now := workflow.Now(ctx)
		info := workflow.GetInfo(ctx)
		m.progress = contract.Progress{
			WorkflowID:    info.WorkflowExecution.ID,
			SellAccountID: in.SellAccountID,
			Mode:          in.Mode,
			RequestedBy:   in.RequestedBy,
			StartedBy:     in.Principal,
			Subdomain:     in.Subdomain,
			Step:          contract.StepPreflight,
			Status:        contract.StatusRunning,
			StartedAt:     now,
			UpdatedAt:     now,
			Inputs:        []contract.InputRecord{},
			Timeline:      []contract.StepRecord{{Step: contract.StepPreflight, StartedAt: now}},
			Runs:          1,
		}
	}
	if err := workflow.SetQueryHandler(ctx, contract.ProgressQuery, func() (contract.Progress, error) {
		return m.snapshot(), nil
	}); err != nil {
		return nil, fmt.Errorf("register the progress query: %w", err)
	}
	if err := m.registerInputs(ctx); err != nil {
		return nil, err
	}
	return m, nil
}

func validateStart(in contract.StartInput) error {
	if err := contract.ValidateAccountID(in.SellAccountID); err != nil {
		return fmt.Errorf("sellAccountId: %w", err)
	}
	if _, err := contract.ParseMode(string(in.Mode)); err != nil {
		return err
	}
	if err := contract.ValidateEmail(in.RequestedBy); err != nil {
		return fmt.Errorf("requestedBy must be the email of a Sell admin: %w", err)
	}
	if in.OwnerEmail != "" {
		if err := contract.ValidateEmail(in.OwnerEmail); err != nil {
			return fmt.Errorf("ownerEmail: %w", err)
		}
	}
	return in.Policy.Validate()
}

// run is the state machine. Whatever way it ends, the outcome is in the progress and the
// search attributes, every input has its answer, handlers have finished, and an
// unlinked account it created is released. A run that continues as new hands all of
// that to the next run instead.
func (m *migration) run(ctx workflow.Context) (contract.Result, error) {
	// Asked once, first: every read-only check of this run then takes the same branch.
	m.localChecks = m.version(ctx, ChangeLocalChecks, 1) == 1
	m.coalesce = m.version(ctx, ChangeCoalescedUpserts, 1) == 1
	m.publish(ctx)
	result, err := m.steps(ctx)
	var can *workflow.ContinueAsNewError
	switch {
	case errors.As(err, &can):
		return result, err
	case err != nil:
		err = m.finishUnsuccessfully(ctx, err)
	default:
		m.progress.Result = &result
		m.setStatus(ctx, result.Outcome, "")
		m.close("")
	}
	// Nothing acts as the owner once the migration is over, however it ended.
	cleanup, _ := workflow.NewDisconnectedContext(ctx)
	m.revokeOwnerGrant(cleanup)
	// Let update handlers that are still answering finish before the workflow closes;
	// the context may be cancelled by now, so wait on a disconnected one.
	done, _ := workflow.NewDisconnectedContext(ctx)
	m.flush(done)
	_ = workflow.Await(done, func() bool { return workflow.AllHandlersFinished(done) })
	return result, err
}

// steps runs the procedure from where this run starts: the preflight for a new
// migration, or the step the previous run was waiting in.
func (m *migration) steps(ctx workflow.Context) (contract.Result, error) {
	next := m.progress.Step
	if m.carried == nil {
		pre, err := m.preflight(ctx)
		if err != nil {
			return contract.Result{}, err
		}
		if pre.Connected {
			return m.connected(ctx, pre)
		}
		next = contract.StepSubdomain
	}
	for next != contract.StepDone {
		var err error
		after := next
		switch next {
		case contract.StepSubdomain:
			err = m.chooseSubdomain(ctx)
			after = contract.StepDisclaimers
			if m.in.Mode == contract.ModeExisting {
				after = contract.StepOwnerLogin
			}
		case contract.StepOwnerLogin:
			err, after = m.ownerLogin(ctx), contract.StepDisclaimers
		case contract.StepDisclaimers:
			err, after = m.disclaimers(ctx), contract.StepLink
		case contract.StepLink:
			err, after = m.link(ctx), contract.StepContributors
		case contract.StepContributors:
			err, after = m.contributors(ctx), contract.StepDone
		default:
			return contract.Result{}, temporal.NewNonRetryableApplicationError(
				fmt.Sprintf("the migration cannot resume at step %q", next), contract.ErrTypeInvalidInput, nil)
		}
		if errors.Is(err, errWentBack) {
			if err := m.goBack(ctx); err != nil {
				return contract.Result{}, err
			}
			next = contract.StepSubdomain
			continue
		}
		if err != nil {
			return contract.Result{}, err
		}
		next = after
	}
	m.enterStep(ctx, contract.StepDone)
	m.endStep(ctx)
	return m.result(ctx, contract.StatusCompleted), nil
}

func (m *migration) result(ctx workflow.Context, outcome contract.Status) contract.Result {
	now := workflow.Now(ctx)
	r := contract.Result{
		Outcome:           outcome,
		Subdomain:         m.progress.Subdomain,
		LoginURL:          m.loginURL,
		NeedsReactivation: []string{},
		InactiveEmails:    []string{},
		SuspendedEmails:   []string{},
		StartedAt:         m.progress.StartedAt,
		FinishedAt:        now,
		Duration:          now.Sub(m.progress.StartedAt),
		StepDurations:     stepDurations(m.progress.Timeline, now),
		DisclaimerVersion: m.progress.DisclaimerVersion,
		DisclaimerSHA256:  m.progress.DisclaimerSHA256,
	}
	if c := m.progress.Contributors; c != nil {
		r.UsersConverted = c.Converted
		r.AlreadyAgents = c.AlreadyAgents
		r.NeedsReactivation = append([]string{}, c.NeedsReactivation...)
		r.NeedsReactivationCount = contract.ReportedCount(c.NeedsReactivationCount, c.NeedsReactivation)
		r.Inactive, r.InactiveEmails = c.Inactive, append([]string{}, c.InactiveEmails...)
		r.Suspended, r.SuspendedEmails = c.Suspended, append([]string{}, c.SuspendedEmails...)
		r.ConversionPath = c.ConversionPath
	}
	return r
}

// stepDurations sums the time spent in each step, waits included, in timeline order.
func stepDurations(timeline []contract.StepRecord, now time.Time) []contract.StepTiming {
	var out []contract.StepTiming
	index := map[contract.Step]int{}
	for _, rec := range timeline {
		end := now
		if rec.EndedAt != nil {
			end = *rec.EndedAt
		}
		if i, ok := index[rec.Step]; ok {
			out[i].Duration += end.Sub(rec.StartedAt)
			continue
		}
		index[rec.Step] = len(out)
		out = append(out, contract.StepTiming{Step: rec.Step, Duration: end.Sub(rec.StartedAt)})
	}
	return out
}
