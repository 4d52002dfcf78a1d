package activities

import (
	"context"
	"fmt"
	"time"

	"go.temporal.io/sdk/activity"
	"go.temporal.io/sdk/temporal"

	"github.com/sellmigrate/sellmigrate/contract"
	"github.com/sellmigrate/sellmigrate/internal/ownerlink"
	"github.com/sellmigrate/sellmigrate/notify"
)

// Mailer sends one email; *notify.Mailer is the real one.
type Mailer interface {
	Send(ctx context.Context, m notify.Message) error
}

// Webhook posts one message to a chat webhook; *notify.Webhook is the real one.
type Webhook interface {
	Post(ctx context.Context, m notify.Message) error
}

// Notify is how reminders reach people. A nil Mailer or Webhook turns that channel off.
type Notify struct {
	Mailer  Mailer
	Webhook Webhook
	// OpsEmails are told when a migration needs an operator.
	OpsEmails []string
	// DashboardURL is the dashboard's base URL that messages link to.
	DashboardURL string
	// OwnerLinks signs the owner-login links of owner reminders, each a fresh one (so
	// it lasts api.owner_link_ttl from this reminder). Nil (no api.owner_link_key)
	// links those reminders to the migration's dashboard page instead.
	OwnerLinks *ownerlink.Signer
}

// ReminderInput describes a migration that has waited for a person for a while.
type ReminderInput struct {
	WorkflowID    string
	SellAccountID string
	RequestedBy   string
	WaitingFor    string
	Since         time.Time
	Deadline      time.Time
	// Set by runs with the reminder-notify change: who must act and what for.
	AccountName string
	Subdomain   string
	Status      string
	// Audience is owner, admin or ops; To are the owner's or admin's emails (ops
	// reminders go to the configured OpsEmails).
	Audience string
	To       []string
	// Problem is what needs fixing, for a migration that needs attention.
	Problem string
	// Number counts the migration's reminders; with the channel it keys this one.
	Number int
}

// ReminderSent says what a reminder channel sent, or that it is turned off.
type ReminderSent struct {
	Skipped bool
	To      []string
	Subject string
}

// SendReminder writes one structured warn log line for a waiting migration. It is
// what runs recorded before the reminder-notify change call; newer runs send the
// reminder to the person instead (SendReminderEmail, PostReminderWebhook).
func (a *Activities) SendReminder(ctx context.Context, in ReminderInput) error {
	activity.GetLogger(ctx).Warn("migration is waiting for a person",
		"sellAccountId", in.SellAccountID, "requestedBy", in.RequestedBy, "waitingFor", in.WaitingFor,
		"waiting", a.now().Sub(in.Since).Round(time.Second).String(), "deadline", in.Deadline)
	return nil
}

// SendReminderEmail emails the person the migration waits for. Resending after a lost
// answer keeps the same Message-ID, so a mail system can drop the duplicate.
func (a *Activities) SendReminderEmail(ctx context.Context, in ReminderInput) (ReminderSent, error) {
	to := in.To
	if in.Audience == "ops" {
		to = a.notify.OpsEmails
	}
	if a.notify.Mailer == nil || len(to) == 0 {
		return ReminderSent{Skipped: true}, nil
	}
	msg := a.reminderMessage(in, "email")
	msg.To = to
	if err := a.notify.Mailer.Send(ctx, msg); err != nil {
		return ReminderSent{}, notifyError("email the reminder to "+fmt.Sprint(to), err)
	}
	activity.GetLogger(ctx).Info("reminder emailed", "to", to, "waitingFor", in.WaitingFor)
	return ReminderSent{To: to, Subject: msg.Subject}, nil
}

// PostReminderWebhook posts the reminder to the chat webhook, signed, with an
// idempotency key per reminder.
func (a *Activities) PostReminderWebhook(ctx context.Context, in ReminderInput) (ReminderSent, error) {
	if a.notify.Webhook == nil {
		return ReminderSent{Skipped: true}, nil
	}
	msg := a.reminderMessage(in, "webhook")
	if err := a.notify.Webhook.Post(ctx, msg); err != nil {
		return ReminderSent{}, notifyError("post the reminder to the webhook", err)
	}
	activity.GetLogger(ctx).Info("reminder posted to the webhook", "waitingFor", in.WaitingFor)
	return ReminderSent{Subject: msg.Subject}, nil
}

// notifyError tells Temporal whether retrying can help: a refusal (bad address, 5xx
// reply, 4xx from the webhook) cannot; a busy relay or a 429 can, after its delay.
func notifyError(action string, err error) error {
	msg := fmt.Sprintf("%s: %v", action, err)
	if notify.Permanent(err) {
		return temporal.NewNonRetryableApplicationError(msg, contract.ErrTypeNotifyRefused, err)
	}
	opts := temporal.ApplicationErrorOptions{Cause: err}
	if d, ok := notify.RetryAfter(err); ok {
		opts.NextRetryDelay = d
	}
	return temporal.NewApplicationErrorWithOptions(msg, contract.ErrTypeZendeskUnavailable, opts)
}
