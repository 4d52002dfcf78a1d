package workflows

import (
	"fmt"
	"time"

	"go.temporal.io/sdk/temporal"
	"go.temporal.io/sdk/workflow"

	"github.com/sellmigrate/sellmigrate/contract"
)

// audience is who a wait is for, and so who its reminders go to.
type audience string

const (
	audienceAdmin audience = "admin" // the Sell admin who requested the migration
	audienceOwner audience = "owner" // the Zendesk account owner
	audienceOps   audience = "ops"   // the operators who run migrations
)

// waitClock is the schedule of one wait for a person: when it began, when it expires
// and when the next reminder is due. It outlives a run: continuing as new carries it.
type waitClock struct {
	status       contract.Status
	who          audience
	since        time.Time
	deadline     time.Time
	nextReminder time.Time
}

// awaitInput waits durably until ready() holds, showing status and what it waits for.
// Every ReminderInterval it reminds the person who must act; after WaitDeadline it ends
// the migration as expired rather than hang. A long wait continues as new once the
// history is long enough, carrying the wait's clock with it.
func (m *migration) awaitInput(ctx workflow.Context, status contract.Status, waitingFor string, who audience, ready func() bool) error {
	if ok, _, err := m.readyFrom(ctx, ready); err != nil || ok {
		return err
	}
	clock := m.resumedClock(status, who)
	if clock == nil {
		m.setStatus(ctx, status, waitingFor)
		now := workflow.Now(ctx)
		clock = &waitClock{status: status, who: who, since: now,
			deadline: now.Add(m.in.Policy.WaitDeadline), nextReminder: now.Add(m.in.Policy.ReminderInterval)}
	}
	for {
		due := clock.nextReminder
		if clock.deadline.Before(due) {
			due = clock.deadline
		}
		woken := false
		// A clock carried from the previous run may already be due; then no timer.
		if left := due.Sub(workflow.Now(ctx)); left > 0 {
			m.flush(ctx)
			var err error
			woken, err = workflow.AwaitWithOptions(ctx, workflow.AwaitOptions{
				Timeout: left,
				// Summaries are shown in clear, so they name the wait, not the people.
				TimerOptions: workflow.TimerOptions{Summary: "Wait: " + string(status) + " (then remind " + string(who) + ")"},
			}, func() bool { return ready() || m.continueAsNewDue(ctx) })
			if err != nil {
				return err
			}
		}
		ok, refused, err := m.readyFrom(ctx, ready)
		if err != nil {
			return err
		}
		if ok {
			m.setStatus(ctx, contract.StatusRunning, "")
			return nil
		}
		if refused && !m.continueAsNewDue(ctx) {
			// An input was refused (its sender is not a Sell admin): wait on, on the
			// same clock; a reminder or the deadline that came due meanwhile goes on.
			continue
		}
		if woken {
			// The history is long: continue as new as soon as no input is in flight.
			quiet, err := m.untilQuiet(ctx, due, ready)
			if err != nil {
				return err
			}
			if ready() {
				continue
			}
			if quiet {
				return m.continueAsNew(ctx, clock)
			}
			// Still not quiet when the reminder or the deadline is due: they go on.
		}
		if !workflow.Now(ctx).Before(clock.deadline) {
			return temporal.NewNonRetryableApplicationError(
				fmt.Sprintf("waited %s for %s; the deadline (migration.wait_deadline) passed", m.in.Policy.WaitDeadline, waitingFor),
				contract.ErrTypeExpired, nil)
		}
		m.remind(ctx, clock)
		clock.nextReminder = workflow.Now(ctx).Add(m.in.Policy.ReminderInterval)
	}
}

// resumedClock is the wait the previous run handed over, when this is that wait.
func (m *migration) resumedClock(status contract.Status, who audience) *waitClock {
	c := m.carried
	if c == nil || m.progress.Status != status || m.progress.WaitingSince == nil {
		return nil
	}
	m.carried = nil
	return &waitClock{status: status, who: who, since: *m.progress.WaitingSince, deadline: c.WaitDeadline, nextReminder: c.NextReminder}
}

// resuming reports whether this run starts inside step, waiting where the previous run
// stopped, so the step neither opens a new timeline entry nor redoes what led to the wait.
func (m *migration) resuming(step contract.Step) bool {
	return m.carried != nil && m.progress.Step == step
}

// untilQuiet waits until no input is in flight (so the run may continue as new) or the
// wait is ready, and reports whether it is quiet. An input accepted early for a later
// step (an owner signing in while the admin still picks the subdomain) stays pending
// until its step, so the wait is bounded by the next reminder or the deadline (due):
// they must go on meanwhile. Runs from before ChangeBoundedQuietWait waited unbounded.
func (m *migration) untilQuiet(ctx workflow.Context, due time.Time, ready func() bool) (bool, error) {
	if ready() || m.quiet(ctx) {
		return m.quiet(ctx), nil
	}
	m.flush(ctx)
	if m.version(ctx, ChangeBoundedQuietWait, 1) == workflow.DefaultVersion {
		err := workflow.Await(ctx, func() bool { return ready() || m.quiet(ctx) })
		return err == nil && !ready(), err
	}
	left := due.Sub(workflow.Now(ctx))
	if left <= 0 {
		return false, nil
	}
	_, err := workflow.AwaitWithOptions(ctx, workflow.AwaitOptions{Timeout: left,
		TimerOptions: workflow.TimerOptions{Summary: "Wait for inputs in flight before continuing as new"}},
		func() bool { return ready() || m.quiet(ctx) })
	return m.quiet(ctx) && !ready(), err
}
