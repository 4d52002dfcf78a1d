package activities

import (
	"fmt"
	"net/url"
	"strings"
	"time"

	"github.com/sellmigrate/sellmigrate/contract"
	"github.com/sellmigrate/sellmigrate/notify"
)

// reminderMessage writes the reminder for a person: what the migration waits for,
// what exactly to do, and a link to where to do it (the owner's goes straight to the
// owner-login page, everyone else's to the migration's dashboard page).
func (a *Activities) reminderMessage(in ReminderInput, channel string) notify.Message {
	account := "Sell account " + in.SellAccountID
	if in.AccountName != "" {
		account = fmt.Sprintf("%s (Sell account %s)", in.AccountName, in.SellAccountID)
	}
	link := a.dashboardLink(in.WorkflowID)
	todo := reminderTodo(in)
	if contract.Status(in.Status) == contract.StatusAwaitingOwnerLogin {
		link = a.ownerLoginLink(in.WorkflowID)
	}
	waited := a.now().Sub(in.Since).Round(time.Second)
	if waited > time.Hour {
		waited = waited.Round(time.Minute)
	}
	var body strings.Builder
	fmt.Fprintf(&body, "The migration of %s to Zendesk is waiting for %s, and has been for %s.\n\n", account, in.WaitingFor, waited)
	fmt.Fprintf(&body, "What to do: %s\n\n", todo)
	if link != "" {
		fmt.Fprintf(&body, "Where: %s\n\n", link)
	}
	fmt.Fprintf(&body, "If nobody acts by %s, the migration ends as expired.\n", in.Deadline.UTC().Format(time.RFC1123))
	if in.Problem != "" {
		fmt.Fprintf(&body, "\nWhat went wrong: %s\n", in.Problem)
	}
	return notify.Message{
		Subject:     fmt.Sprintf("Reminder %d: %s waits for %s", in.Number, account, reminderWho(in.Audience)),
		Body:        body.String(),
		MigrationID: in.WorkflowID,
		Link:        link,
		Key:         fmt.Sprintf("%s/reminder/%d/%s", in.WorkflowID, in.Number, channel),
	}
}

// ownerLoginLink is a freshly signed owner-login link, or without a signer (or a
// dashboard URL) the migration's dashboard page, from which an admin opens one.
func (a *Activities) ownerLoginLink(workflowID string) string {
	if a.notify.OwnerLinks == nil || a.notify.DashboardURL == "" {
		return a.dashboardLink(workflowID)
	}
	link, _ := a.notify.OwnerLinks.Link(a.notify.DashboardURL, workflowID, a.now())
	return link
}

func (a *Activities) dashboardLink(workflowID string) string {
	if a.notify.DashboardURL == "" {
		return ""
	}
	return strings.TrimRight(a.notify.DashboardURL, "/") + "/#/migrations/" + url.PathEscape(workflowID)
}

func reminderWho(audience string) string {
	switch audience {
	case "owner":
		return "the Zendesk account owner"
	case "ops":
		return "an operator"
	}
	return "the Sell admin"
}

// reminderTodo says what the person must do, in words they can act on.
func reminderTodo(in ReminderInput) string {
	id := contract.AccountIDFromRef(in.WorkflowID)
	switch contract.Status(in.Status) {
	case contract.StatusNeedsSubdomain:
		return fmt.Sprintf("choose the subdomain of the Zendesk account on the migration's page (or: sellmigrate signal %s choose-subdomain --subdomain NAME --by YOUR-EMAIL).", id)
	case contract.StatusAwaitingOwnerLogin:
		if ownerUnnamed(in) {
			return fmt.Sprintf("the migration was started without the email of the Zendesk account owner of %s, so this reaches you, who asked for it. "+
				"If you are that owner, sign in through the link below to prove ownership; if not, forward this message to the owner, who signs in there.", in.Subdomain)
		}
		return fmt.Sprintf("as the owner of the Zendesk account %s, sign in through the link below to prove ownership.", in.Subdomain)
	case contract.StatusOwnerNeedsSellLicense:
		return fmt.Sprintf("give the Zendesk account owner a Sell license (Sell > Settings > Users), then press License assigned on the migration's page (or: sellmigrate signal %s license-assigned --by YOUR-EMAIL).", id)
	case contract.StatusAwaitingDisclaimers:
		return fmt.Sprintf("read the disclaimers on the migration's page and accept them to connect the accounts (or: sellmigrate disclaimers show, then sellmigrate signal %s accept-disclaimers --by YOUR-EMAIL --sha256 THE-HASH-IT-PRINTED).", id)
	case contract.StatusNeedsAttention:
		return fmt.Sprintf("the accounts are linked but a later step failed; fix the cause below, then retry (sellmigrate retry %s --by YOUR-EMAIL, or Retry on the migration's page).", id)
	}
	return "open the migration's page to see what it waits for."
}

// ownerUnnamed reports an owner reminder that goes to the requesting admin because
// nobody gave the owner's email at the start (until the owner signs in, nothing in
// Zendesk may be read to find them).
func ownerUnnamed(in ReminderInput) bool {
	return in.Audience == "owner" && len(in.To) == 1 && in.To[0] == in.RequestedBy
}
