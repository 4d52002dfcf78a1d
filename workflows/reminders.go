package workflows

import (
	"go.temporal.io/sdk/temporal"
	"go.temporal.io/sdk/workflow"

	"github.com/sellmigrate/sellmigrate/activities"
	"github.com/sellmigrate/sellmigrate/contract"
)

// notifyAttempts bounds the retries of one reminder: a reminder that cannot be sent
// must neither end the migration nor hold up the next one.
const notifyAttempts = 5

// remind tells the person a wait is for that the migration still waits for them, by
// email and through the webhook, and records what was sent. Guarded by
// ChangeReminderNotify: runs recorded before it only logged a line (SendReminder).
func (m *migration) remind(ctx workflow.Context, clock *waitClock) {
	m.progress.RemindersSent++
	in := activities.ReminderInput{
		WorkflowID: m.progress.WorkflowID, SellAccountID: m.in.SellAccountID, RequestedBy: m.in.RequestedBy,
		WaitingFor: m.progress.WaitingFor, Since: clock.since, Deadline: clock.deadline,
	}
	if m.version(ctx, ChangeReminderNotify, 1) == workflow.DefaultVersion {
		if err := workflow.ExecuteActivity(m.stepCtx(ctx, "Log a reminder"), acts.SendReminder, in).Get(ctx, nil); err != nil {
			m.logger.Warn("reminder could not be sent", "error", err)
		}
		return
	}
	in.AccountName = m.progress.AccountName
	in.Subdomain = m.progress.Subdomain
	in.Status = string(clock.status)
	in.Audience = string(clock.who)
	in.To = m.recipients(clock.who)
	in.Number = m.progress.RemindersSent
	if clock.status == contract.StatusNeedsAttention {
		in.Problem = m.progress.LastError
	}
	// A wait resumed after continue-as-new with its reminder due reaches here before any
	// timer: the run's first state goes out first.
	m.flush(ctx)
	nctx := workflow.WithActivityOptions(ctx, workflow.ActivityOptions{
		StartToCloseTimeout: m.in.Policy.ActivityTimeout,
		Summary:             "Remind " + string(clock.who) + ": " + string(clock.status),
		RetryPolicy: &temporal.RetryPolicy{
			InitialInterval: m.in.Policy.RetryInitialInterval, BackoffCoefficient: 2,
			MaximumInterval: m.in.Policy.RetryMaxInterval, MaximumAttempts: notifyAttempts,
			NonRetryableErrorTypes: contract.NonRetryableErrorTypes,
		},
	})
	// Both channels at once: each retries on its own, and one failing never stops the other.
	channels := []struct {
		name   string
		future workflow.Future
	}{
		{"email", workflow.ExecuteActivity(nctx, acts.SendReminderEmail, in)},
		{"webhook", workflow.ExecuteActivity(nctx, acts.PostReminderWebhook, in)},
	}
	for _, ch := range channels {
		var sent activities.ReminderSent
		err := ch.future.Get(ctx, &sent)
		if err == nil && sent.Skipped {
			continue
		}
		rec := contract.NotificationRecord{At: workflow.Now(ctx), Channel: ch.name, To: sent.To, Subject: sent.Subject, WaitingFor: m.progress.WaitingFor}
		if err != nil {
			rec.Error = contract.RootMessage(err)
			m.logger.Warn("reminder could not be sent", "channel", ch.name, "error", err)
		}
		m.progress.Notifications = append(m.progress.Notifications, rec)
		if over := len(m.progress.Notifications) - contract.MaxNotificationRecords; over > 0 {
			m.progress.Notifications = append([]contract.NotificationRecord{}, m.progress.Notifications[over:]...)
		}
	}
}

// recipients are the emails a reminder for that audience goes to; ops reminders go to
// the operators the worker is configured with, so they carry none here.
func (m *migration) recipients(who audience) []string {
	switch who {
	case audienceOwner:
		if m.in.OwnerEmail != "" {
			return []string{m.in.OwnerEmail}
		}
		// Nobody named the owner: the admin who asked for the migration forwards it.
		return []string{m.in.RequestedBy}
	case audienceAdmin:
		return []string{m.in.RequestedBy}
	}
	return nil
}
