package activities

import (
	"context"
	"errors"
	"net"
	"strconv"
	"testing"
	"time"

	"github.com/stretchr/testify/require"
	"go.temporal.io/sdk/temporal"

	"github.com/sellmigrate/sellmigrate/contract"
	"github.com/sellmigrate/sellmigrate/notify"
	"github.com/sellmigrate/sellmigrate/platform/sim"
)

// reminderFixture wires the reminder activities to the simulator's SMTP sink and
// webhook receiver, as dev does.
func reminderFixture(t *testing.T, webhookSecret string) *simFixture {
	t.Helper()
	f := newSimFixture(t)
	ctx, cancel := context.WithCancel(context.Background())
	t.Cleanup(cancel)
	sink, err := f.sim.StartSMTP(ctx, "127.0.0.1:0")
	require.NoError(t, err)
	t.Cleanup(func() { _ = sink.Close() })
	host, port, err := net.SplitHostPort(sink.Addr())
	require.NoError(t, err)
	p, _ := strconv.Atoi(port)
	mailer, err := notify.NewMailer(notify.SMTPConfig{Host: host, Port: p, TLS: notify.TLSNone, From: "sellmigrate@example.test", Timeout: 5 * time.Second})
	require.NoError(t, err)
	hook, err := notify.NewWebhook(f.srv.URL+"/_sim/webhooks", webhookSecret, nil)
	require.NoError(t, err)
	f.acts.notify = Notify{Mailer: mailer, Webhook: hook, OpsEmails: []string{"ops@example.test"}, DashboardURL: "http://127.0.0.1:8080/", OwnerLinks: testOwnerLinks(t)}
	return f
}

func reminder(status contract.Status, audience string, to ...string) ReminderInput {
	since := time.Now().Add(-90 * time.Second)
	return ReminderInput{
		WorkflowID: "sell-migration-1002", SellAccountID: "1002", AccountName: "Globex", Subdomain: "globex",
		RequestedBy: "admin@globex.test", WaitingFor: "the Zendesk account owner of globex to log in",
		Since: since, Deadline: since.Add(14 * 24 * time.Hour), Status: string(status), Audience: audience, To: to, Number: 3,
	}
}

// The owner is told to sign in through the owner-login page; ops get a needs-attention
// reminder with what went wrong; every reminder links to where to act.
func TestRemindersReachTheSinks(t *testing.T) {
	t.Parallel()
	f := reminderFixture(t, sim.DefaultWebhookSecret)
	env := f.env()

	v, err := env.ExecuteActivity(f.acts.SendReminderEmail, reminder(contract.StatusAwaitingOwnerLogin, "owner", "owner@globex.test"))
	require.NoError(t, err)
	var sent ReminderSent
	require.NoError(t, v.Get(&sent))
	require.Equal(t, []string{"owner@globex.test"}, sent.To)

	attention := reminder(contract.StatusNeedsAttention, "ops")
	attention.Problem = "contributors: Zendesk account globex has no Contributor role"
	_, err = env.ExecuteActivity(f.acts.SendReminderEmail, attention)
	require.NoError(t, err)
	// The webhook twice for one reminder: a resend after a lost answer is one message.
	for i := 0; i < 2; i++ {
		_, err = env.ExecuteActivity(f.acts.PostReminderWebhook, reminder(contract.StatusAwaitingOwnerLogin, "owner", "owner@globex.test"))
		require.NoError(t, err)
	}

	mails, err := f.sim.Mail(context.Background(), sim.MailFilter{MigrationID: "sell-migration-1002"})
	require.NoError(t, err)
	require.Len(t, mails, 2)
	owner, ops := mails[0], mails[1]
	require.Equal(t, []string{"owner@globex.test"}, owner.To)
	require.Contains(t, owner.Subject, "Reminder 3: Globex (Sell account 1002) waits for the Zendesk account owner")
	require.Contains(t, owner.Body, "sign in through the link below")
	requireOwnerLink(t, owner.Body)
	require.Contains(t, owner.Body, "waiting for the Zendesk account owner of globex to log in, and has been for 1m30s")
	require.Equal(t, []string{"ops@example.test"}, ops.To)
	require.Contains(t, ops.Body, "sellmigrate retry 1002")
	require.Contains(t, ops.Body, "no Contributor role")
	require.Contains(t, ops.Body, "http://127.0.0.1:8080/#/migrations/sell-migration-1002")

	hooks, err := f.sim.Webhooks(context.Background(), "sell-migration-1002")
	require.NoError(t, err)
	require.Len(t, hooks, 1)
	require.Equal(t, 2, hooks[0].Deliveries)
	require.Equal(t, "sell-migration-1002/reminder/3/webhook", hooks[0].Key)
}

// A webhook the receiver refuses for good (here: a signature it cannot verify) is a
// non-retryable error; a channel that is off is skipped, not an error.
func TestReminderRefusalsAndOffChannels(t *testing.T) {
	t.Parallel()
	f := reminderFixture(t, "not-the-receivers-secret")
	env := f.env()
	_, err := env.ExecuteActivity(f.acts.PostReminderWebhook, reminder(contract.StatusAwaitingDisclaimers, "admin", "admin@globex.test"))
	var appErr *temporal.ApplicationError
	require.True(t, errors.As(err, &appErr), "got %v", err)
	require.True(t, appErr.NonRetryable())
	require.Equal(t, contract.ErrTypeNotifyRefused, appErr.Type())

	f.acts.notify = Notify{}
	for _, act := range []any{f.acts.SendReminderEmail, f.acts.PostReminderWebhook} {
		v, err := env.ExecuteActivity(act, reminder(contract.StatusAwaitingDisclaimers, "admin", "admin@globex.test"))
		require.NoError(t, err)
		var sent ReminderSent
		require.NoError(t, v.Get(&sent))
		require.True(t, sent.Skipped)
	}
	// Ops reminders with no ops emails configured are skipped too.
	f.acts.notify = Notify{Mailer: failingMailer{}}
	v, err := env.ExecuteActivity(f.acts.SendReminderEmail, reminder(contract.StatusNeedsAttention, "ops"))
	require.NoError(t, err)
	var sent ReminderSent
	require.NoError(t, v.Get(&sent))
	require.True(t, sent.Skipped)
}

// failingMailer fails every send: a test that reaches it has sent where it must not.
type failingMailer struct{}

func (failingMailer) Send(context.Context, notify.Message) error { return errors.New("must not send") }
