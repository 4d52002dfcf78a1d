package workflows

import (
	"errors"
	"fmt"

	"go.temporal.io/sdk/temporal"
	"go.temporal.io/sdk/workflow"

	"github.com/sellmigrate/sellmigrate/activities"
	"github.com/sellmigrate/sellmigrate/contract"
)

// forCustomer says whether an input is given on behalf of the customer, and so must
// name ("by") an active admin of the migration's Sell account: the seed reserves the
// procedure for Sell admins. owner-login is proven by the owner's own OAuth grant, and
// retry is an operator's.
func forCustomer(name string) bool {
	switch name {
	case contract.ChooseSubdomainName, contract.BackName, contract.LicenseAssignedName, contract.AcceptDisclaimersName:
		return true
	}
	return false
}

// readyFrom is ready() once the senders of the pending inputs are checked: an input
// whose sender is not an active Sell admin is refused (settled with the reason, so an
// update gets it as its error and the inputs log records it) and no longer counts. It
// also reports whether it refused one, so the wait goes on where it was.
func (m *migration) readyFrom(ctx workflow.Context, ready func() bool) (ok, refused bool, err error) {
	if !ready() {
		return false, false, nil
	}
	if refused, err = m.screenSenders(ctx); err != nil {
		return false, refused, err
	}
	return ready(), refused, nil
}

// screenSenders checks the sender of every pending input given on behalf of the
// customer that was not checked yet, before the input takes effect. Validators cannot
// run activities, so this is done when a wait takes the input. Guarded by
// ChangeSellAdminInputs: runs recorded before it take every sender as given.
func (m *migration) screenSenders(ctx workflow.Context) (bool, error) {
	refused := false
	for {
		var p *pending
		for _, q := range m.inbox.slots {
			if !q.screened && forCustomer(q.name) {
				p = q
				break
			}
		}
		if p == nil {
			return refused, nil
		}
		p.screened = true
		if m.version(ctx, ChangeSellAdminInputs, 1) == workflow.DefaultVersion {
			continue
		}
		reason, err := m.checkSellAdmin(ctx, p)
		if err != nil {
			return refused, err
		}
		if reason != "" {
			m.logger.Warn("input refused: its sender is not a Sell admin", "input", p.name, "reason", reason)
			m.settle(p, reason)
			refused = true
		}
	}
}

// checkSellAdmin runs CheckSellAdmin for a pending input and returns why it is refused,
// or "" when its sender is an active admin. When the check itself fails for good
// (retries spent, or an error not worth retrying) the input is refused with that
// reason, rather than the migration failed: the admin can send it again. Only a
// cancellation of the migration ends the wait.
func (m *migration) checkSellAdmin(ctx workflow.Context, p *pending) (string, error) {
	by := p.payload.Sender()
	var res activities.CheckSellAdminResult
	// Summaries are shown in clear, so this one names the input, not the person.
	err := m.readOnly(ctx, "Check the sender of "+p.name+" is a Sell admin", "CheckSellAdmin", activities.CheckSellAdminInput{
		SellAccountID: m.in.SellAccountID, AccountName: m.progress.AccountName, Email: by, Input: p.name,
	}, &res)
	if err != nil {
		if temporal.IsCanceledError(err) || ctx.Err() != nil {
			return "", err
		}
		why := err.Error()
		var appErr *temporal.ApplicationError
		if errors.As(err, &appErr) {
			why = appErr.Error()
		}
		account := "Sell account " + m.in.SellAccountID
		if m.progress.AccountName != "" {
			account += " (" + m.progress.AccountName + ")"
		}
		return fmt.Sprintf("could not check that %s is an active admin of %s: %s; send %s again", by, account, why, p.name), nil
	}
	if res.IsAdmin {
		return "", nil
	}
	return res.Reason, nil
}
