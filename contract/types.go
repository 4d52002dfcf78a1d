package contract

import (
	"slices"
	"time"
)

// StartInput starts one migration. Policy comes from config at start time and is
// recorded in history, so a running migration keeps the rules it started with.
type StartInput struct {
	SellAccountID string `json:"sellAccountId"`
	Mode          Mode   `json:"mode"`
	// Subdomain is the first choice; empty means the migration waits for one.
	Subdomain   string `json:"subdomain,omitempty"`
	RequestedBy string `json:"requestedBy"`
	// OwnerEmail is who the admin expects to log in as the Zendesk account owner
	// (existing mode); the login itself is verified. Reminders to log in go there.
	OwnerEmail string `json:"ownerEmail,omitempty"`
	// Principal is who started the migration through the HTTP API (its token),
	// apart from RequestedBy, the Sell admin asking for it; nil from the CLI.
	Principal *Principal `json:"principal,omitempty"`
	Policy    Policy     `json:"policy"`
	// CampaignID is the workflow ID of the campaign that started the migration, kept
	// in its CampaignID search attribute; empty for a migration started on its own.
	CampaignID string `json:"campaignId,omitempty"`
	// Carry is set only when a run continues as new: everything the migration had
	// done and was waiting for, so the next run picks up where this one stopped.
	Carry *Carry `json:"carry,omitempty"`
}

// Carry is what one run of a migration hands to the next when it continues as new.
type Carry struct {
	Progress Progress `json:"progress"`
	// SubdomainChoices counts subdomain choices made, so each gets its own idempotency key.
	SubdomainChoices int    `json:"subdomainChoices"`
	AdminName        string `json:"adminName,omitempty"`
	LoginURL         string `json:"loginUrl,omitempty"`
	// WaitDeadline is when the current wait expires; reminders go on from NextReminder.
	WaitDeadline time.Time `json:"waitDeadline"`
	NextReminder time.Time `json:"nextReminder"`
	// Cursor is where the contributor conversion stopped, if it has started.
	Cursor *ContributorCursor `json:"cursor,omitempty"`
	// OwnerGrantID and AccountCredentialID are the credential store IDs the steps act
	// with: the verified owner's grant, or the credential of the account this
	// migration created. IDs only; the secrets never enter a history.
	OwnerGrantID        string `json:"ownerGrantId,omitempty"`
	AccountCredentialID string `json:"accountCredentialId,omitempty"`
}

// InputRecord is one human input as received, accepted or not.
type InputRecord struct {
	Name     string    `json:"name"`
	By       string    `json:"by"`
	Detail   string    `json:"detail,omitempty"`
	At       time.Time `json:"at"`
	Accepted bool      `json:"accepted"`
	Reason   string    `json:"reason,omitempty"`
	// Principal is the API principal the input came through (By is the email it
	// names); absent for inputs sent another way.
	Principal *Principal `json:"principal,omitempty"`
}

// InputCount tallies the inputs of one name over the migration's whole life, including
// those no longer in the inputs log.
type InputCount struct {
	Accepted int `json:"accepted"`
	Rejected int `json:"rejected"`
}

// MaxInputRecords is how many inputs the progress keeps; older ones are counted only.
const MaxInputRecords = 100

// StepRecord is one entry of the timeline.
type StepRecord struct {
	Step      Step       `json:"step"`
	StartedAt time.Time  `json:"startedAt"`
	EndedAt   *time.Time `json:"endedAt,omitempty"`
}

// NotificationRecord is one reminder sent to a person, on one channel.
type NotificationRecord struct {
	At time.Time `json:"at"`
	// Channel is "email" or "webhook".
	Channel string `json:"channel"`
	// To is who was told (emails; empty for a webhook).
	To         []string `json:"to,omitempty"`
	Subject    string   `json:"subject"`
	WaitingFor string   `json:"waitingFor"`
	// Error is why it could not be sent; empty when it was.
	Error string `json:"error,omitempty"`
}

// MaxNotificationRecords is how many notifications the progress keeps.
const MaxNotificationRecords = 50

// MaxReportedEmails bounds each list of emails the conversion reports beside a count
// (inactive Sell users, suspended Zendesk users): the lists travel in heartbeats,
// activity results, continue-as-new input and the progress query, so an account of
// thousands must not make every one of them thousands of emails long. The count is
// always whole; the list holds the first MaxReportedEmails.
const MaxReportedEmails = 100

// AppendReported adds email to a reported list unless the list is full; the caller
// counts every one.
func AppendReported(list []string, email string) []string {
	if len(list) >= MaxReportedEmails {
		return list
	}
	return append(list, email)
}

// ReportedCount is how many users a count and its list report together. The
// reactivation list was whole and uncounted before lists were capped, so a cursor or
// progress from then has a list and no count: the list is the count.
func ReportedCount(count int, list []string) int {
	return max(count, len(list))
}

// ContributorCounts tallies the contributor conversion.
type ContributorCounts struct {
	SellUsers     int `json:"sellUsers"`
	Converted     int `json:"converted"`
	AlreadyAgents int `json:"alreadyAgents"`
	// NeedsReactivation are the first MaxReportedEmails end-users to reactivate;
	// NeedsReactivationCount counts them all.
	NeedsReactivation      []string `json:"needsReactivation"`
	NeedsReactivationCount int      `json:"needsReactivationCount"`
	// Inactive counts the Sell users deactivated in Sell (no license, so not converted);
	// InactiveEmails are the first MaxReportedEmails of them.
	Inactive       int      `json:"inactive"`
	InactiveEmails []string `json:"inactiveEmails"`
	// Suspended counts the active Sell users whose Zendesk user exists but is suspended:
	// not converted, not counted as agents, left for an admin to decide. SuspendedEmails
	// are the first MaxReportedEmails of them.
	Suspended       int      `json:"suspended"`
	SuspendedEmails []string `json:"suspendedEmails"`
	// Total is how many Sell users the account has, once the first page is read; Done
	// is how many of them are handled (converted, already agents, reported or
	// inactive), so Done/Total is the conversion's progress while it runs.
	Total int `json:"total,omitempty"`
	Done  int `json:"done,omitempty"`
	// ConversionPath is how contributors were created: ConversionPathBulk (create_many
	// jobs) or ConversionPathOneByOne (one POST /api/v2/users each, because the Zendesk
	// account's bulk imports are off). Empty when no conversion ran (a check found the
	// account complete).
	ConversionPath string `json:"conversionPath,omitempty"`
}

// How contributors are created (ContributorCounts.ConversionPath, Result.ConversionPath).
const (
	ConversionPathBulk     = "bulk"
	ConversionPathOneByOne = "one-by-one"
)

// ContributorCursor is where the contributor conversion stands: the Sell page still to
// do and the tallies of every page before it. It is the conversion activity's
// heartbeat, its result, and what a retry resumes from.
type ContributorCursor struct {
	NextPage      int `json:"nextPage"`
	SellUsers     int `json:"sellUsers"`
	Converted     int `json:"converted"`
	AlreadyAgents int `json:"alreadyAgents"`
	Inactive      int `json:"inactive"`
	// NeedsReactivation are the first MaxReportedEmails Sell users who are end-users in
	// Zendesk; NeedsReactivationCount counts them all (see ReportedCount for cursors
	// written before the count existed).
	NeedsReactivation      []string `json:"needsReactivation"`
	NeedsReactivationCount int      `json:"needsReactivationCount,omitempty"`
	// Total is the Sell account's user count as the Sell API reported it.
	Total int `json:"total"`
	// InactiveEmails are the first MaxReportedEmails inactive Sell users (Inactive
	// counts them all).
	InactiveEmails []string `json:"inactiveEmails,omitempty"`
	// Suspended counts active Sell users whose Zendesk user is suspended, reported and
	// left alone; SuspendedEmails are the first MaxReportedEmails of them.
	Suspended       int      `json:"suspended,omitempty"`
	SuspendedEmails []string `json:"suspendedEmails,omitempty"`
	// OneByOne is set once Zendesk refused create_many because the account's bulk
	// imports are off: from then on every user is created with its own call, and
	// create_many is not tried again in this conversion.
	OneByOne bool `json:"oneByOne,omitempty"`
	// PageUsersDone counts the users of page NextPage already handled (and tallied) one
	// by one, in the Sell page's order, so a resumed attempt goes on with the next one.
	// The bulk path handles a page whole and leaves it 0.
	PageUsersDone int `json:"pageUsersDone,omitempty"`
	// CreateJobID is the last create_many job submitted for page NextPage. The attempt
	// that resumes the page waits for that job before it looks the page up, instead of
	// submitting the page again: the second job would find every user the first one
	// created and refuse each row as taken, and every refused row costs a search by
	// email. Cleared when the page is committed, or when the job cannot be waited for.
	CreateJobID string `json:"createJobId,omitempty"`
}

// ConversionPath names the path the cursor's conversion takes.
func (c ContributorCursor) ConversionPath() string {
	if c.OneByOne {
		return ConversionPathOneByOne
	}
	return ConversionPathBulk
}

// Clone copies the cursor with lists of its own, so appending to the copy never
// writes into the original's arrays.
func (c ContributorCursor) Clone() ContributorCursor {
	c.NeedsReactivation = slices.Clone(c.NeedsReactivation)
	c.InactiveEmails = slices.Clone(c.InactiveEmails)
	c.SuspendedEmails = slices.Clone(c.SuspendedEmails)
	return c
}

// Counts turns the cursor into the counts the progress shows.
func (c ContributorCursor) Counts() ContributorCounts {
	return ContributorCounts{
		SellUsers: c.SellUsers, Converted: c.Converted, AlreadyAgents: c.AlreadyAgents,
		NeedsReactivation:      append([]string{}, c.NeedsReactivation...),
		NeedsReactivationCount: ReportedCount(c.NeedsReactivationCount, c.NeedsReactivation),
		Inactive:               c.Inactive, InactiveEmails: append([]string{}, c.InactiveEmails...),
		Suspended: c.Suspended, SuspendedEmails: append([]string{}, c.SuspendedEmails...),
		Total: c.Total, Done: c.SellUsers, ConversionPath: c.ConversionPath(),
	}
}

// Progress is what the progress query returns and what dashboards show.
type Progress struct {
	WorkflowID    string `json:"workflowId"`
	SellAccountID string `json:"sellAccountId"`
	AccountName   string `json:"accountName,omitempty"`
	Mode          Mode   `json:"mode"`
	RequestedBy   string `json:"requestedBy"`
	// StartedBy is the API principal that started the migration, when one did.
	StartedBy    *Principal `json:"startedBy,omitempty"`
	Subdomain    string     `json:"subdomain,omitempty"`
	Step         Step       `json:"step"`
	Status       Status     `json:"status"`
	WaitingFor   string     `json:"waitingFor,omitempty"`
	WaitingSince *time.Time `json:"waitingSince,omitempty"`
	StartedAt    time.Time  `json:"startedAt"`
	UpdatedAt    time.Time  `json:"updatedAt"`
	// AllowedInputs are the inputs the workflow would accept now, as its validators
	// judge the state (an input's own fields are checked when it arrives).
	AllowedInputs []string `json:"allowedInputs"`
	// OwnerEmail is the verified Zendesk account owner (existing mode).
	OwnerEmail string `json:"ownerEmail,omitempty"`
	// CreatedSubdomain is a Zendesk account this migration created; Linked says whether
	// it is linked yet (an unlinked one is released on cancel, expiry or failure).
	CreatedSubdomain string `json:"createdSubdomain,omitempty"`
	Linked           bool   `json:"linked"`
	// RequiredDisclaimerVersion is the version the admin is asked to accept (the
	// policy's), set once the migration reaches the disclaimers; DisclaimerVersion
	// and DisclaimerSHA256 are the version accepted and the SHA-256 of its embedded
	// text, the words the admin agreed to.
	RequiredDisclaimerVersion string                `json:"requiredDisclaimerVersion,omitempty"`
	DisclaimerVersion         string                `json:"disclaimerVersion,omitempty"`
	DisclaimerSHA256          string                `json:"disclaimerSha256,omitempty"`
	Inputs                    []InputRecord         `json:"inputs"`
	InputCounts               map[string]InputCount `json:"inputCounts,omitempty"`
	// InputsDropped is how many of the oldest inputs left the log (counted above).
	InputsDropped int                  `json:"inputsDropped,omitempty"`
	Timeline      []StepRecord         `json:"timeline"`
	RemindersSent int                  `json:"remindersSent"`
	Notifications []NotificationRecord `json:"notifications,omitempty"`
	LastError     string               `json:"lastError,omitempty"`
	Contributors  *ContributorCounts   `json:"contributors,omitempty"`
	Compensation  string               `json:"compensation,omitempty"`
	// Runs is how many workflow runs the migration has used (1 until it continues as new).
	Runs   int     `json:"runs,omitempty"`
	Result *Result `json:"result,omitempty"`
}

// Result is what a migration returns when it completes (or finds nothing to do).
type Result struct {
	Outcome        Status `json:"outcome"`
	Subdomain      string `json:"subdomain"`
	LoginURL       string `json:"loginUrl"`
	UsersConverted int    `json:"usersConverted"`
	AlreadyAgents  int    `json:"alreadyAgents"`
	// NeedsReactivation are the first MaxReportedEmails end-users to reactivate;
	// NeedsReactivationCount counts them all.
	NeedsReactivation      []string `json:"needsReactivation"`
	NeedsReactivationCount int      `json:"needsReactivationCount"`
	// Inactive and Suspended are reported, not converted: Sell users deactivated in
	// Sell, and Sell users whose Zendesk user is suspended. Each list holds the first
	// MaxReportedEmails emails; the count is whole.
	Inactive        int           `json:"inactive"`
	InactiveEmails  []string      `json:"inactiveEmails"`
	Suspended       int           `json:"suspended"`
	SuspendedEmails []string      `json:"suspendedEmails"`
	StartedAt       time.Time     `json:"startedAt"`
	FinishedAt      time.Time     `json:"finishedAt"`
	StepDurations   []StepTiming  `json:"stepDurations"`
	Duration        time.Duration `json:"duration"`
	// Checked says how an already connected account was found complete.
	Checked string `json:"checked,omitempty"`
	// ConversionPath is how contributors were created (ContributorCounts.ConversionPath).
	ConversionPath string `json:"conversionPath,omitempty"`
	// DisclaimerVersion and DisclaimerSHA256 are the disclaimers this migration's
	// admin accepted (absent when the account was already connected).
	DisclaimerVersion string `json:"disclaimerVersion,omitempty"`
	DisclaimerSHA256  string `json:"disclaimerSha256,omitempty"`
}

// StepTiming is how long one step took, waits for people included.
type StepTiming struct {
	Step     Step          `json:"step"`
	Duration time.Duration `json:"duration"`
}
