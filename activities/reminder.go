package activities

import (
	"context"
	"time"

	"go.uber.org/zap"
)

// ReminderInput describes a migration that has waited for a person for a while.
type ReminderInput struct {
	WorkflowID    string
	SellAccountID string
	RequestedBy   string
	WaitingFor    string
	Since         time.Time
	Deadline      time.Time
}

// SendReminder tells operators that a migration is still waiting. It writes one
// structured log line at warn level, which is where ops alerting picks it up.
func (a *Activities) SendReminder(ctx context.Context, in ReminderInput) error {
	a.logger.Warn("migration is waiting for a person",
		zap.String("workflow_id", in.WorkflowID),
		zap.String("sell_account_id", in.SellAccountID),
		zap.String("requested_by", in.RequestedBy),
		zap.String("waiting_for", in.WaitingFor),
		zap.Duration("waiting", a.now().Sub(in.Since).Round(time.Second)),
		zap.Time("deadline", in.Deadline))
	return nil
}
