// Package contract is what every part of sellmigrate agrees on about a migration: the
// workflow's name, ID and task queue, its messages and query, the input and result
// types, the migration policy, the rules for subdomains, emails and account IDs, the
// error types, and the registry of human inputs. It imports nothing else of ours, so
// the workflow, the worker, the starter, the API, the CLI and the bench all read one
// definition of each.
package contract

import (
	"fmt"
	"strings"
)

// TaskQueue is the task queue the migration worker polls.
const TaskQueue = "sell-migrations"

// WorkflowName is the registered name of the migration workflow.
const WorkflowName = "MigrationWorkflow"

// WorkflowIDPrefix prefixes every migration's workflow ID.
const WorkflowIDPrefix = "sell-migration-"

// WorkflowID is the deterministic workflow ID of the migration of one Sell account, so
// a second start for the same account meets the first.
func WorkflowID(sellAccountID string) string { return WorkflowIDPrefix + sellAccountID }

// AccountIDFromRef accepts a Sell account ID or a workflow ID and returns the account ID.
func AccountIDFromRef(ref string) string {
	return strings.TrimPrefix(strings.TrimSpace(ref), WorkflowIDPrefix)
}

// ProgressQuery is the query that returns Progress.
const ProgressQuery = "progress"

// Mode says whether the Sell account gets a new Zendesk account or joins an existing one.
type Mode string

const (
	ModeNew      Mode = "new"
	ModeExisting Mode = "existing"
)

// Modes lists the modes.
var Modes = []Mode{ModeNew, ModeExisting}

// ParseMode checks a mode given by a person.
func ParseMode(s string) (Mode, error) {
	switch Mode(strings.ToLower(strings.TrimSpace(s))) {
	case ModeNew:
		return ModeNew, nil
	case ModeExisting:
		return ModeExisting, nil
	}
	return "", fmt.Errorf("mode %q is not known: use %q (create a new Zendesk account) or %q (join an existing one)", s, ModeNew, ModeExisting)
}

// Step is where a migration stands in the procedure.
type Step string

const (
	StepPreflight    Step = "preflight"
	StepSubdomain    Step = "subdomain"
	StepOwnerLogin   Step = "owner_login"
	StepDisclaimers  Step = "disclaimers"
	StepLink         Step = "link"
	StepContributors Step = "contributors"
	StepDone         Step = "done"
)

// Steps lists the steps in order (owner_login only in existing mode).
var Steps = []Step{StepPreflight, StepSubdomain, StepOwnerLogin, StepDisclaimers, StepLink, StepContributors, StepDone}

// ParseStep checks a step given by a person.
func ParseStep(s string) (Step, error) {
	for _, st := range Steps {
		if string(st) == strings.TrimSpace(s) {
			return st, nil
		}
	}
	return "", fmt.Errorf("step %q is not known; use one of %s", s, joinNames(Steps))
}

// Status is what a migration is doing: running, waiting for a person, or an outcome.
type Status string

const (
	StatusRunning Status = "running"
	// Waiting states.
	StatusNeedsSubdomain        Status = "needs_subdomain"
	StatusAwaitingOwnerLogin    Status = "awaiting_owner_login"
	StatusOwnerNeedsSellLicense Status = "owner_needs_sell_license"
	StatusAwaitingDisclaimers   Status = "awaiting_disclaimers"
	// StatusNeedsAttention: past the link, a step failed for a reason a person can fix;
	// the migration waits for an operator's retry.
	StatusNeedsAttention Status = "needs_attention"
	// Outcomes.
	StatusCompleted        Status = "completed"
	StatusAlreadyConnected Status = "already_connected"
	StatusFailed           Status = "failed"
	StatusCancelled        Status = "cancelled"
	StatusExpired          Status = "expired"
)

// Statuses lists every status, for validating filters.
var Statuses = []Status{StatusRunning, StatusNeedsSubdomain, StatusAwaitingOwnerLogin, StatusOwnerNeedsSellLicense,
	StatusAwaitingDisclaimers, StatusNeedsAttention, StatusCompleted, StatusAlreadyConnected, StatusFailed,
	StatusCancelled, StatusExpired}

// ParseStatus checks a status given by a person. Both spellings of cancelled are
// accepted, since Temporal itself says "Canceled".
func ParseStatus(s string) (Status, error) {
	v := strings.ToLower(strings.TrimSpace(s))
	if v == "canceled" {
		v = string(StatusCancelled)
	}
	for _, st := range Statuses {
		if string(st) == v {
			return st, nil
		}
	}
	return "", fmt.Errorf("status %q is not known; use one of %s", s, joinNames(Statuses))
}

// Waiting reports whether the status is a wait for a person.
func (s Status) Waiting() bool {
	switch s {
	case StatusNeedsSubdomain, StatusAwaitingOwnerLogin, StatusOwnerNeedsSellLicense, StatusAwaitingDisclaimers,
		StatusNeedsAttention:
		return true
	}
	return false
}

// Final reports whether the status is an outcome.
func (s Status) Final() bool {
	switch s {
	case StatusCompleted, StatusAlreadyConnected, StatusFailed, StatusCancelled, StatusExpired:
		return true
	}
	return false
}

func joinNames[T ~string](values []T) string {
	out := make([]string, len(values))
	for i, v := range values {
		out[i] = string(v)
	}
	return strings.Join(out, ", ")
}
