// Package workflows holds MigrationWorkflow: one durable Temporal workflow per Sell
// account, moving it onto the Zendesk platform. This file is the contract shared with
// starters, the API and dashboards: names of messages, input and result types, the
// workflow-ID helper, the task queue and the search attributes.
package workflows

import (
	"fmt"
	"strings"
	"time"
)

// TaskQueue is the task queue the migration worker polls.
const TaskQueue = "sell-migrations"

// WorkflowName is the registered name of MigrationWorkflow.
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

// Human inputs. Each is accepted as a signal (fire and forget; a rejected one is recorded
// in the progress) and as an update of the same name (a validator rejects a bad or
// out-of-order input at once, with the reason).
const (
	OwnerLoginName        = "owner-login"
	LicenseAssignedName   = "license-assigned"
	ChooseSubdomainName   = "choose-subdomain"
	BackName              = "back"
	AcceptDisclaimersName = "accept-disclaimers"
)

// InputNames lists every human input, in the order a migration usually meets them.
var InputNames = []string{ChooseSubdomainName, OwnerLoginName, LicenseAssignedName, BackName, AcceptDisclaimersName}

// ProgressQuery is the query that returns Progress.
const ProgressQuery = "progress"

// Mode says whether the Sell account gets a new Zendesk account or joins an existing one.
type Mode string

const (
	ModeNew      Mode = "new"
	ModeExisting Mode = "existing"
)

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

// Status is what a migration is doing: running, waiting for a person, or an outcome.
type Status string

const (
	StatusRunning Status = "running"
	// Waiting states.
	StatusNeedsSubdomain        Status = "needs_subdomain"
	StatusAwaitingOwnerLogin    Status = "awaiting_owner_login"
	StatusOwnerNeedsSellLicense Status = "owner_needs_sell_license"
	StatusAwaitingDisclaimers   Status = "awaiting_disclaimers"
	// Outcomes.
	StatusCompleted        Status = "completed"
	StatusAlreadyConnected Status = "already_connected"
	StatusFailed           Status = "failed"
	StatusCancelled        Status = "cancelled"
	StatusExpired          Status = "expired"
)

// Statuses lists every status, for validating filters.
var Statuses = []Status{StatusRunning, StatusNeedsSubdomain, StatusAwaitingOwnerLogin, StatusOwnerNeedsSellLicense,
	StatusAwaitingDisclaimers, StatusCompleted, StatusAlreadyConnected, StatusFailed, StatusCancelled, StatusExpired}

// Waiting reports whether the status is a wait for a person.
func (s Status) Waiting() bool {
	switch s {
	case StatusNeedsSubdomain, StatusAwaitingOwnerLogin, StatusOwnerNeedsSellLicense, StatusAwaitingDisclaimers:
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

// StartInput starts one migration. Policy comes from config at start time and is
// recorded in history, so a running migration keeps the rules it started with.
type StartInput struct {
	SellAccountID string `json:"sellAccountId"`
	Mode          Mode   `json:"mode"`
	// Subdomain is the first choice; empty means the migration waits for one.
	Subdomain   string `json:"subdomain,omitempty"`
	RequestedBy string `json:"requestedBy"`
	// OwnerEmail is who the admin expects to log in as the Zendesk account owner
	// (existing mode); informational, the login itself is verified.
	OwnerEmail string `json:"ownerEmail,omitempty"`
	Policy     Policy `json:"policy"`
}

// Policy holds the waits, retries and versions a migration follows.
type Policy struct {
	// ReminderInterval is how often a waiting migration sends a reminder.
	ReminderInterval time.Duration `json:"reminderInterval"`
	// WaitDeadline ends a migration as expired when one wait for a person lasts longer.
	WaitDeadline time.Duration `json:"waitDeadline"`
	// DisclaimerVersion is the version of the disclaimers the admin must accept.
	DisclaimerVersion string `json:"disclaimerVersion"`
	// Activity retries: first backoff, its cap and the attempts before a step fails.
	RetryInitialInterval time.Duration `json:"retryInitialInterval"`
	RetryMaxInterval     time.Duration `json:"retryMaxInterval"`
	RetryMaxAttempts     int32         `json:"retryMaxAttempts"`
	// ActivityTimeout bounds one attempt of a Zendesk step (start-to-close).
	ActivityTimeout time.Duration `json:"activityTimeout"`
	// ContributorTimeout bounds one attempt of the contributor conversion, which pages
	// through every Sell user; HeartbeatTimeout notices a dead worker sooner.
	ContributorTimeout time.Duration `json:"contributorTimeout"`
	HeartbeatTimeout   time.Duration `json:"heartbeatTimeout"`
}

// DefaultPolicy is what config falls back to.
func DefaultPolicy() Policy {
	return Policy{
		ReminderInterval:     24 * time.Hour,
		WaitDeadline:         14 * 24 * time.Hour,
		DisclaimerVersion:    "2024-01",
		RetryInitialInterval: time.Second,
		RetryMaxInterval:     time.Minute,
		RetryMaxAttempts:     20,
		ActivityTimeout:      30 * time.Second,
		ContributorTimeout:   30 * time.Minute,
		HeartbeatTimeout:     30 * time.Second,
	}
}

// Validate checks a policy; errors name the field.
func (p Policy) Validate() error {
	switch {
	case p.ReminderInterval <= 0:
		return fmt.Errorf("policy reminderInterval must be a positive duration such as 24h")
	case p.WaitDeadline <= 0:
		return fmt.Errorf("policy waitDeadline must be a positive duration such as 336h")
	case strings.TrimSpace(p.DisclaimerVersion) == "":
		return fmt.Errorf("policy disclaimerVersion must name the disclaimer version admins accept, such as 2024-01")
	case p.RetryInitialInterval <= 0 || p.RetryMaxInterval < p.RetryInitialInterval:
		return fmt.Errorf("policy retry intervals must be positive with retryMaxInterval >= retryInitialInterval")
	case p.RetryMaxAttempts < 1:
		return fmt.Errorf("policy retryMaxAttempts must be at least 1")
	case p.ActivityTimeout <= 0 || p.ContributorTimeout <= 0 || p.HeartbeatTimeout <= 0:
		return fmt.Errorf("policy activityTimeout, contributorTimeout and heartbeatTimeout must be positive durations")
	}
	return nil
}

// Human input payloads. By is who sent the input (an email); every input is recorded.
type (
	OwnerLoginInput struct {
		UserEmail string `json:"userEmail"`
	}
	LicenseAssignedInput struct {
		By string `json:"by"`
	}
	ChooseSubdomainInput struct {
		Subdomain string `json:"subdomain"`
		By        string `json:"by"`
	}
	BackInput struct {
		By string `json:"by"`
	}
	AcceptDisclaimersInput struct {
		By string `json:"by"`
		// Version defaults to the policy's disclaimer version.
		Version string `json:"version,omitempty"`
	}
)

// InputRecord is one human input as received, accepted or not.
type InputRecord struct {
	Name     string    `json:"name"`
	By       string    `json:"by"`
	Detail   string    `json:"detail,omitempty"`
	At       time.Time `json:"at"`
	Accepted bool      `json:"accepted"`
	Reason   string    `json:"reason,omitempty"`
}

// StepRecord is one entry of the timeline.
type StepRecord struct {
	Step      Step       `json:"step"`
	StartedAt time.Time  `json:"startedAt"`
	EndedAt   *time.Time `json:"endedAt,omitempty"`
}

// ContributorCounts tallies the contributor conversion.
type ContributorCounts struct {
	SellUsers         int      `json:"sellUsers"`
	Converted         int      `json:"converted"`
	AlreadyAgents     int      `json:"alreadyAgents"`
	NeedsReactivation []string `json:"needsReactivation"`
}

// Progress is what the progress query returns and what dashboards show.
type Progress struct {
	WorkflowID    string     `json:"workflowId"`
	SellAccountID string     `json:"sellAccountId"`
	AccountName   string     `json:"accountName,omitempty"`
	Mode          Mode       `json:"mode"`
	RequestedBy   string     `json:"requestedBy"`
	Subdomain     string     `json:"subdomain,omitempty"`
	Step          Step       `json:"step"`
	Status        Status     `json:"status"`
	WaitingFor    string     `json:"waitingFor,omitempty"`
	WaitingSince  *time.Time `json:"waitingSince,omitempty"`
	StartedAt     time.Time  `json:"startedAt"`
	UpdatedAt     time.Time  `json:"updatedAt"`
	// OwnerEmail is the verified Zendesk account owner (existing mode).
	OwnerEmail string `json:"ownerEmail,omitempty"`
	// CreatedSubdomain is a Zendesk account this migration created; Linked says whether
	// it is linked yet (an unlinked one is released on cancel, expiry or failure).
	CreatedSubdomain  string             `json:"createdSubdomain,omitempty"`
	Linked            bool               `json:"linked"`
	DisclaimerVersion string             `json:"disclaimerVersion,omitempty"`
	Inputs            []InputRecord      `json:"inputs"`
	Timeline          []StepRecord       `json:"timeline"`
	RemindersSent     int                `json:"remindersSent"`
	LastError         string             `json:"lastError,omitempty"`
	Contributors      *ContributorCounts `json:"contributors,omitempty"`
	Compensation      string             `json:"compensation,omitempty"`
	Result            *Result            `json:"result,omitempty"`
}

// Result is what a migration returns when it completes (or finds nothing to do).
type Result struct {
	Outcome           Status        `json:"outcome"`
	Subdomain         string        `json:"subdomain"`
	LoginURL          string        `json:"loginUrl"`
	UsersConverted    int           `json:"usersConverted"`
	AlreadyAgents     int           `json:"alreadyAgents"`
	NeedsReactivation []string      `json:"needsReactivation"`
	StartedAt         time.Time     `json:"startedAt"`
	FinishedAt        time.Time     `json:"finishedAt"`
	StepDurations     []StepTiming  `json:"stepDurations"`
	Duration          time.Duration `json:"duration"`
}

// StepTiming is how long one step took, waits for people included.
type StepTiming struct {
	Step     Step          `json:"step"`
	Duration time.Duration `json:"duration"`
}

// Error types a failed migration carries, so callers can tell outcomes apart.
const (
	ErrTypeExpired       = "MigrationExpired"
	ErrTypeInvalidInput  = "InvalidInput"
	ErrTypeNotSellAdmin  = "NotSellAdmin"
	ErrTypeZendeskClient = "ZendeskClientError"
)
