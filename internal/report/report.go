// Package report renders a migration's status for people: the view of
// `sellmigrate status`. It links no Temporal server, so its tests stay cheap.
package report

import (
	"fmt"
	"io"
	"strings"
	"text/tabwriter"
	"time"

	"github.com/sellmigrate/sellmigrate/contract"
	"github.com/sellmigrate/sellmigrate/starter"
)

// Print writes the human view of a migration's status.
func Print(w io.Writer, r starter.Report) {
	tw := tabwriter.NewWriter(w, 0, 4, 2, ' ', 0)
	row := func(label, format string, args ...any) {
		fmt.Fprintf(tw, "%s\t%s\n", label, fmt.Sprintf(format, args...))
	}

	account := r.SellAccountID
	if r.AccountName != "" {
		account += " (" + r.AccountName + ")"
	}
	row("Sell account", "%s", account)
	runs := ""
	if r.Runs > 1 {
		runs = fmt.Sprintf("  (run %d of this migration: it continued as new to keep its history short)", r.Runs)
	}
	row("Workflow", "%s  run %s  %s in Temporal%s", r.Execution.WorkflowID, r.Execution.RunID, executionWord(r.Execution.Status), runs)
	if len(r.Executions) > 1 {
		for i, e := range r.Executions {
			label := ""
			if i == 0 {
				label = "Runs"
			}
			row(label, "%s  %s  %s", When(e.StartTime), e.RunID, executionWord(e.Execution))
		}
	}
	row("Mode", "%s", Dash(string(r.Mode)))
	sub := Dash(r.Subdomain)
	if r.CreatedSubdomain != "" {
		sub += fmt.Sprintf("  (created by this migration, linked: %v)", r.Linked)
	}
	row("Subdomain", "%s", sub)
	row("Step", "%s", Dash(string(r.Step)))
	row("Status", "%s", Dash(string(r.Status)))
	if r.WaitingFor != "" {
		since := ""
		if r.WaitingSince != nil {
			since = fmt.Sprintf("  (since %s, %s)", When(*r.WaitingSince), ago(*r.WaitingSince))
		}
		row("Waiting for", "%s%s", r.WaitingFor, since)
	}
	if r.RequestedBy != "" {
		row("Requested by", "%s", r.RequestedBy)
	}
	if r.OwnerEmail != "" {
		row("Account owner", "%s", r.OwnerEmail)
	}
	if line := disclaimersLine(r.Progress); line != "" {
		row("Disclaimers", "%s", line)
	}
	if len(r.AllowedInputs) > 0 {
		row("Takes now", "%s  (sellmigrate signal %s INPUT ...)", strings.Join(r.AllowedInputs, ", "), r.SellAccountID)
	}
	started := r.StartedAt
	if started.IsZero() {
		started = r.Execution.StartTime
	}
	row("Started", "%s", When(started))
	if r.InputsDropped > 0 {
		row("Inputs", "%d older inputs not shown (%s)", r.InputsDropped, inputCounts(r.InputCounts))
	}
	for i, in := range r.Inputs {
		label := ""
		if i == 0 && r.InputsDropped == 0 {
			label = "Inputs"
		}
		verdict := "accepted"
		if !in.Accepted {
			verdict = "rejected: " + in.Reason
		}
		row(label, "%s  %s by %s  %s  (%s)", When(in.At), in.Name, Dash(in.By), in.Detail, verdict)
	}
	for i, act := range r.PendingActivities {
		label := ""
		if i == 0 {
			label = "In flight"
		}
		attempts := fmt.Sprintf("attempt %d", act.Attempt)
		if act.MaximumAttempts > 0 {
			attempts += fmt.Sprintf(" of %d", act.MaximumAttempts)
		}
		line := fmt.Sprintf("%s  %s  %s", act.Type, strings.ToLower(act.State), attempts)
		if act.LastFailure != "" {
			line += "  last error: " + OneLine(act.LastFailure)
		}
		if act.NextAttemptTime != nil {
			line += "  next try " + When(*act.NextAttemptTime)
		}
		row(label, "%s", line)
	}
	if r.RemindersSent > 0 {
		row("Reminders", "%d sent", r.RemindersSent)
	}
	notes := r.Notifications
	if len(notes) > maxNotesShown {
		row("", "%d earlier reminder messages not shown (status --json lists the last %d)", len(notes)-maxNotesShown, len(notes))
		notes = notes[len(notes)-maxNotesShown:]
	}
	for _, n := range notes {
		line := fmt.Sprintf("%s  %s", When(n.At), n.Channel)
		if len(n.To) > 0 {
			line += " to " + strings.Join(n.To, ", ")
		}
		line += ": " + n.Subject
		if n.Error != "" {
			line += "  (not sent: " + OneLine(n.Error) + ")"
		}
		row("", "%s", line)
	}
	if r.LastError != "" {
		row("Last error", "%s", OneLine(r.LastError))
	}
	if c := r.Contributors; c != nil && (c.SellUsers > 0 || c.Total > 0) {
		done := ""
		if c.Total > 0 && c.Done < c.Total {
			done = fmt.Sprintf("%d of %d done so far: ", c.Done, c.Total)
		}
		row("Contributors", "%s%d Sell users: %d converted, %s, needs reactivation: %s%s%s",
			done, c.SellUsers, c.Converted, alreadyAgents(c.AlreadyAgents), cappedList(c.NeedsReactivationCount, c.NeedsReactivation),
			reportedLine(c.Inactive, c.InactiveEmails, c.Suspended, c.SuspendedEmails), conversionPath(c.ConversionPath))
	}
	if r.Compensation != "" {
		row("Compensation", "%s", r.Compensation)
	}
	if r.Result != nil {
		row("Result", "%s", ResultLine(*r.Result))
	}
	if r.ProgressNote != "" {
		row("Note", "%s", OneLine(r.ProgressNote))
	}
	_ = tw.Flush()
}

// disclaimersLine says which disclaimers were accepted, with the SHA-256 of their
// text, or which the migration waits for and how to read them; "" when neither.
func disclaimersLine(p contract.Progress) string {
	switch {
	case p.DisclaimerVersion != "":
		return fmt.Sprintf("version %s accepted, sha256 %s", p.DisclaimerVersion, Dash(p.DisclaimerSHA256))
	case p.Status == contract.StatusAwaitingDisclaimers && p.RequiredDisclaimerVersion != "":
		return fmt.Sprintf("version %s to accept; read it with: sellmigrate disclaimers show --version %s", p.RequiredDisclaimerVersion, p.RequiredDisclaimerVersion)
	}
	return ""
}

// Standing is a one-line "where it stands now".
func Standing(p contract.Progress) string {
	s := fmt.Sprintf("at step %s, status %s", p.Step, p.Status)
	if p.WaitingFor != "" {
		s += ", waiting for " + p.WaitingFor
	}
	return s
}

// ResultLine summarises a finished migration.
func ResultLine(r contract.Result) string {
	s := string(r.Outcome)
	if r.Subdomain != "" {
		s += " — subdomain " + r.Subdomain
	}
	if r.LoginURL != "" {
		s += ", log in at " + r.LoginURL
	}
	if r.Outcome == contract.StatusCompleted {
		s += fmt.Sprintf("; %d users converted, %s, needs reactivation: %s", r.UsersConverted, alreadyAgents(r.AlreadyAgents), cappedList(r.NeedsReactivationCount, r.NeedsReactivation))
	}
	if r.Outcome == contract.StatusCompleted || r.Outcome == contract.StatusAlreadyConnected {
		s += reportedLine(r.Inactive, r.InactiveEmails, r.Suspended, r.SuspendedEmails)
	}
	if r.Outcome == contract.StatusCompleted {
		s += conversionPath(r.ConversionPath)
	}
	if r.Checked != "" {
		s += "; checked: " + r.Checked
	}
	if r.Duration > 0 {
		s += fmt.Sprintf("; took %s", r.Duration.Round(time.Millisecond))
	}
	return s
}

// When is a moment in local time, or "-" when unknown.
func When(t time.Time) string {
	if t.IsZero() {
		return "-"
	}
	return t.Local().Format("2006-01-02 15:04:05 MST")
}

func ago(t time.Time) string {
	d := time.Since(t)
	if d < time.Second {
		return "just now"
	}
	return d.Round(time.Second).String() + " ago"
}

// Dash is s, or "-" when empty, so a table column is never blank.
func Dash(s string) string {
	if s == "" {
		return "-"
	}
	return s
}

func list(items []string) string {
	if len(items) == 0 {
		return "none"
	}
	return strings.Join(items, ", ")
}

// maxNotesShown is how many reminder messages the human view lists.
const maxNotesShown = 6

// conversionPath says how contributors were created, so the person reading the status
// knows why a one-by-one conversion is slower; "" when unknown.
func conversionPath(path string) string {
	switch path {
	case contract.ConversionPathBulk:
		return "; created in bulk"
	case contract.ConversionPathOneByOne:
		return "; created one by one (the Zendesk account's bulk imports are off; the owner can ask Zendesk Support to enable them)"
	}
	return ""
}

func alreadyAgents(n int) string {
	if n == 1 {
		return "1 already an agent"
	}
	return fmt.Sprintf("%d already agents", n)
}

func inputCounts(counts map[string]contract.InputCount) string {
	var parts []string
	for _, name := range contract.InputNames() {
		if c, ok := counts[name]; ok {
			parts = append(parts, fmt.Sprintf("%s %d accepted, %d rejected", name, c.Accepted, c.Rejected))
		}
	}
	return strings.Join(parts, "; ")
}

// executionWord is Temporal's execution status in this project's spelling, so a run
// reads "cancelled" wherever the migration's status does.
func executionWord(s string) string {
	switch s {
	case "Canceled":
		return "cancelled"
	case "ContinuedAsNew":
		return "continued as new"
	case "TimedOut":
		return "timed out"
	}
	return strings.ToLower(s)
}

// OneLine folds a message onto one line: line breaks become "; " and runs of spaces one.
func OneLine(s string) string {
	return strings.Join(strings.Fields(strings.ReplaceAll(s, "\n", "; ")), " ")
}
