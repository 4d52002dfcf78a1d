package contract

import (
	"fmt"
	"strings"
	"time"

	"go.temporal.io/sdk/temporal"
)

// A campaign is one workflow, campaign-<name>, that starts the migrations of a list of
// rows in paced waves: at most MaxActive in active steps at once, at most RatePerMinute
// starts a minute, and only inside its windows. Each migration is a workflow of its
// own, started by the campaign's activity, so the campaign's cancel or continue-as-new
// never touches a started migration.

// CampaignWorkflowName is the registered name of the campaign workflow.
const CampaignWorkflowName = "CampaignWorkflow"

// CampaignWorkflowIDPrefix prefixes every campaign's workflow ID.
const CampaignWorkflowIDPrefix = "campaign-"

// SearchAttrCampaignID is set on every migration a campaign starts, to the campaign's
// workflow ID, so the campaign (and ops) count and list its migrations in visibility.
var SearchAttrCampaignID = temporal.NewSearchAttributeKeyKeyword("CampaignID")

// CampaignLineMemo is the memo field of a migration a campaign started: its row's line
// in the campaign (an int). Visibility returns it with the migration, so a report can
// give the line of a row the campaign itself no longer keeps (past MaxCampaignReportRows).
const CampaignLineMemo = "campaignLine"

// ValidateCampaignName accepts a DNS-label-like name: 1–63 lowercase letters, digits
// and inner hyphens, e.g. wave-2026-12.
func ValidateCampaignName(name string) error {
	if !IsLabel(name) {
		return fmt.Errorf("campaign name %q is not valid: give 1 to 63 lowercase letters, digits or inner hyphens, e.g. wave-2026-12", name)
	}
	return nil
}

// CampaignWorkflowID is the workflow ID of the campaign of that name, so a second start
// of the same campaign meets the first.
func CampaignWorkflowID(name string) string { return CampaignWorkflowIDPrefix + name }

// Bounds of a campaign's input, so its payloads stay well under Temporal's 2 MB limit.
const (
	// MaxCampaignAddRows is the most rows one start or one add carries (a row is about
	// 150 bytes of JSON); a longer list is sent as several adds.
	MaxCampaignAddRows = 5000
	// MaxCampaignQueued is the most rows a campaign holds not yet started. They travel
	// in the input of each continue-as-new, one payload under Temporal's 2 MB limit
	// (MaxCampaignQueuedBytes bounds their size too); a longer list is fed with add as
	// the queue drains (the add says when).
	MaxCampaignQueued = 10000
	// MaxCampaignRate is the highest RatePerMinute: a thousand starts a second, far past
	// what one namespace sustains.
	MaxCampaignRate = 60_000
	// MaxCampaignWindows is the most windows a campaign takes.
	MaxCampaignWindows = 16
	// MaxCampaignReportRows is the most row reports the campaign keeps and returns:
	// refused rows first as they come, then started rows' outcomes read at the end.
	// Beyond, rows are counted only (CampaignReport.Omitted); the full list of a
	// campaign's migrations is in visibility by CampaignID, from which the starter
	// completes a closed campaign's report with its started rows.
	MaxCampaignReportRows = 2000
)

// CampaignRow is one row of a campaign's list as a person wrote it: the bulk start's
// columns plus the tenant's time zone, in which the campaign's windows then apply.
type CampaignRow struct {
	// Line is the row's place in the campaign (1-based, adds continue the count); the
	// workflow numbers rows that come without one.
	Line        int    `json:"line,omitempty"`
	AccountID   string `json:"accountId"`
	Mode        string `json:"mode"`
	Subdomain   string `json:"subdomain,omitempty"`
	RequestedBy string `json:"requestedBy"`
	OwnerEmail  string `json:"ownerEmail,omitempty"`
	TimeZone    string `json:"timeZone,omitempty"`
}

// StartInput checks the row with the bulk start's rules and turns it into a migration's
// input under policy, tagged with the campaign. The error says what to fix.
func (r CampaignRow) StartInput(policy Policy, campaignID string) (StartInput, error) {
	id := strings.TrimSpace(r.AccountID)
	if err := ValidateAccountID(id); err != nil {
		return StartInput{}, &FieldError{Field: "accountId", Msg: err.Error()}
	}
	mode, err := ParseMode(r.Mode)
	if err != nil {
		return StartInput{}, &FieldError{Field: "mode", Msg: err.Error()}
	}
	sub := strings.TrimSpace(r.Subdomain)
	if sub != "" {
		if err := ValidateSubdomain(sub); err != nil {
			return StartInput{}, &FieldError{Field: "subdomain", Msg: err.Error()}
		}
	}
	by := strings.TrimSpace(r.RequestedBy)
	if err := checkEmailField("requestedBy", by, "the email of the Sell admin asking for the migration"); err != nil {
		return StartInput{}, err
	}
	owner := strings.TrimSpace(r.OwnerEmail)
	if owner != "" {
		if err := checkEmailField("ownerEmail", owner, "the email of the Zendesk account owner"); err != nil {
			return StartInput{}, err
		}
		if mode != ModeExisting {
			return StartInput{}, &FieldError{Field: "ownerEmail", Msg: fmt.Sprintf("ownerEmail applies to mode %q only (joining an existing Zendesk account); a new account's owner is the requesting admin", ModeExisting)}
		}
	}
	if tz := strings.TrimSpace(r.TimeZone); tz != "" {
		if _, err := LoadZone(tz); err != nil {
			return StartInput{}, &FieldError{Field: "timeZone", Msg: err.Error()}
		}
	}
	return StartInput{SellAccountID: id, Mode: mode, Subdomain: sub, RequestedBy: by, OwnerEmail: owner,
		CampaignID: campaignID, Policy: policy}, nil
}

// CampaignInput starts a campaign. Carry is set only when a run continues as new.
type CampaignInput struct {
	Name string        `json:"name"`
	Rows []CampaignRow `json:"rows"`
	// MaxActive bounds the migrations in active steps at once; those waiting for a
	// person (Status.Waiting) do not count.
	MaxActive int `json:"maxActive"`
	// RatePerMinute bounds the starts a minute.
	RatePerMinute int `json:"ratePerMinute"`
	// Windows are specs such as "Mon-Fri 09:00-17:00 Europe/Paris"; none means always.
	Windows []string `json:"windows,omitempty"`
	// Policy is given to every migration the campaign starts.
	Policy Policy `json:"policy"`
	// StartedBy is who started the campaign through the API; nil from the CLI.
	StartedBy *Principal     `json:"startedBy,omitempty"`
	Carry     *CampaignCarry `json:"carry,omitempty"`
}

// ValidateWithoutSizeBudget checks everything but the rows, which are judged one by one
// (a bad row is reported on its row and the rest go on), and but the rows' size: what
// campaigns started before that budget were checked with, so their runs replay as they
// ran. Errors name the field and the form.
func (in CampaignInput) ValidateWithoutSizeBudget() error {
	if err := ValidateCampaignName(in.Name); err != nil {
		return &FieldError{Field: "name", Msg: err.Error()}
	}
	if in.MaxActive < 1 {
		return &FieldError{Field: "maxActive", Msg: fmt.Sprintf("maxActive %d is not valid: give at least 1 migration in active steps at once, e.g. 50", in.MaxActive)}
	}
	if in.RatePerMinute < 1 || in.RatePerMinute > MaxCampaignRate {
		return &FieldError{Field: "ratePerMinute", Msg: fmt.Sprintf("ratePerMinute %d is not valid: give 1 to %d starts a minute, e.g. 30", in.RatePerMinute, MaxCampaignRate)}
	}
	if len(in.Windows) > MaxCampaignWindows {
		return &FieldError{Field: "windows", Msg: fmt.Sprintf("%d windows given; a campaign takes at most %d", len(in.Windows), MaxCampaignWindows)}
	}
	if _, err := ParseWindows(in.Windows); err != nil {
		return &FieldError{Field: "windows", Msg: err.Error()}
	}
	if in.Carry == nil && len(in.Rows) > MaxCampaignAddRows {
		return &FieldError{Field: "rows", Msg: fmt.Sprintf("%d rows given; a campaign starts with at most %d, send the rest with add", len(in.Rows), MaxCampaignAddRows)}
	}
	if err := in.Policy.Validate(); err != nil {
		return &FieldError{Field: "policy", Msg: "migration policy is invalid: " + err.Error()}
	}
	return nil
}

// Validate checks everything but the rows one by one, as ValidateWithoutSizeBudget,
// and that the first list fits in MaxCampaignQueuedBytes.
func (in CampaignInput) Validate() error {
	if err := in.ValidateWithoutSizeBudget(); err != nil {
		return err
	}
	if in.Carry == nil {
		return checkRowsBytes(in.Rows, MaxCampaignQueuedBytes, "a campaign starts with")
	}
	return nil
}

// CampaignCarry is what one run of a campaign hands the next when it continues as new.
// Rows already started are not carried, only their counts (and refused rows' reports,
// capped), so the carry shrinks as the campaign goes on. The rows not yet started are
// in CampaignInput.Rows.
type CampaignCarry struct {
	Counts   CampaignCounts      `json:"counts"`
	Paused   bool                `json:"paused,omitempty"`
	Canceled *CampaignCancel     `json:"canceled,omitempty"`
	NextLine int                 `json:"nextLine"`
	Reports  []CampaignRowReport `json:"reports,omitempty"`
	Omitted  int                 `json:"omitted,omitempty"`
	// PaceSince and PaceStarts are the rate's reference: starts since that instant.
	PaceSince  time.Time `json:"paceSince"`
	PaceStarts int       `json:"paceStarts"`
	// RateSince and RateStarts measure the achieved rate: starts since pacing began.
	RateSince  time.Time `json:"rateSince"`
	RateStarts int       `json:"rateStarts"`
	// Recent are the starts that visibility may not show yet, counted as active, by
	// the second they happened in.
	Recent    []StartBucket `json:"recent,omitempty"`
	StartedAt time.Time     `json:"startedAt"`
	Runs      int           `json:"runs"`
}

// StartBucket counts the starts within one second from At.
type StartBucket struct {
	At time.Time `json:"at"`
	N  int       `json:"n"`
}

// Campaign controls, each an update whose validator refuses a bad or untimely request
// at once with the reason, changing nothing.
const (
	CampaignPauseName  = "pause"
	CampaignResumeName = "resume"
	CampaignCancelName = "cancel"
	CampaignAddName    = "add"
)

// CampaignControlInput is what pause and resume carry: who asks.
type CampaignControlInput struct {
	By string `json:"by"`
	Stamp
}

// Check applies the rules that need no workflow state.
func (in CampaignControlInput) Check() error {
	return checkEmailField("by", in.By, "the email of the operator sending this control")
}

// CampaignCancel is what cancel carries. CancelStarted also cancels the started
// migrations that are not yet linked; without it they go on.
type CampaignCancel struct {
	By            string `json:"by"`
	CancelStarted bool   `json:"cancelStarted"`
	Stamp
}

// Check applies the rules that need no workflow state.
func (in CampaignCancel) Check() error {
	return checkEmailField("by", in.By, "the email of the operator sending this control")
}

// CampaignAddInput appends rows to a running campaign.
type CampaignAddInput struct {
	By   string        `json:"by"`
	Rows []CampaignRow `json:"rows"`
	Stamp
}

// Check applies the rules that need no workflow state. Bad rows are not refused here:
// they are reported on their row like those of the first list.
func (in CampaignAddInput) Check() error {
	if err := checkEmailField("by", in.By, "the email of the operator sending this control"); err != nil {
		return err
	}
	if len(in.Rows) == 0 || len(in.Rows) > MaxCampaignAddRows {
		return &FieldError{Field: "rows", Msg: fmt.Sprintf("add takes 1 to %d rows, not %d; split a longer list into several adds", MaxCampaignAddRows, len(in.Rows))}
	}
	return checkRowsBytes(in.Rows, MaxCampaignAddBytes, "one add carries")
}

// CampaignAddResult says which lines the added rows got.
type CampaignAddResult struct {
	FirstLine int `json:"firstLine"`
	LastLine  int `json:"lastLine"`
}

// CampaignOutcome is what became of a row.
type CampaignOutcome string

const (
	// OutcomeQueued: not started yet.
	OutcomeQueued CampaignOutcome = "queued"
	// OutcomeStarted: its migration was started; the final report gives the
	// migration's status (a contract.Status) instead when it could be read.
	OutcomeStarted CampaignOutcome = "started"
	// OutcomeInvalid: the row breaks a rule; Error says which.
	OutcomeInvalid CampaignOutcome = "invalid"
	// OutcomeDuplicate: the account appears earlier in the campaign.
	OutcomeDuplicate CampaignOutcome = "duplicate"
	// OutcomeAlreadyExists: a migration of the account already runs or has completed
	// elsewhere; it was left alone.
	OutcomeAlreadyExists CampaignOutcome = "already_exists"
	// OutcomeNotStarted: the campaign was cancelled before the row started.
	OutcomeNotStarted CampaignOutcome = "not_started"
)

// CampaignRowReport is one line of a campaign's report.
type CampaignRowReport struct {
	Line      int             `json:"line"`
	AccountID string          `json:"accountId"`
	Outcome   CampaignOutcome `json:"outcome"`
	Subdomain string          `json:"subdomain,omitempty"`
	// UsersConverted and NeedsReactivation come from a completed migration's result.
	UsersConverted    int    `json:"usersConverted,omitempty"`
	NeedsReactivation int    `json:"needsReactivation,omitempty"`
	Error             string `json:"error,omitempty"`
	// RunID is the first run of the migration this row started. An account may be
	// started twice in one campaign (added again after its first migration failed):
	// its rows then read their own runs, each followed through continue-as-new.
	RunID string `json:"runId,omitempty"`
}

// CampaignCounts tallies a campaign's rows.
type CampaignCounts struct {
	Total   int `json:"total"`
	Queued  int `json:"queued"`
	Started int `json:"started"`
	// Refused are rows never started: invalid, duplicate or already existing.
	Refused int `json:"refused"`
	// NotStarted are rows dropped by a cancel.
	NotStarted int `json:"notStarted"`
}

// CampaignProgressQuery is the campaign's query; it returns CampaignProgress.
const CampaignProgressQuery = "progress"

// CampaignState is where a campaign stands.
type CampaignState string

const (
	CampaignRunning   CampaignState = "running"
	CampaignPaused    CampaignState = "paused"
	CampaignOutside   CampaignState = "outside_window"
	CampaignDraining  CampaignState = "draining" // every row started; waiting for the migrations to end
	CampaignCancelled CampaignState = "cancelled"
	CampaignDone      CampaignState = "done"
)

// CampaignProgress is what the progress query returns.
type CampaignProgress struct {
	WorkflowID string         `json:"workflowId"`
	Name       string         `json:"name"`
	State      CampaignState  `json:"state"`
	Paused     bool           `json:"paused"`
	Counts     CampaignCounts `json:"counts"`
	// ByStatus counts the campaign's running migrations by MigrationStatus, as
	// visibility showed them at the last count (every 30 s); Active, the migrations in
	// active steps, is counted at every step of the campaign's loop.
	ByStatus  map[Status]int `json:"byStatus"`
	Active    int            `json:"active"`
	MaxActive int            `json:"maxActive"`
	// RatePerMinute is the target; AchievedPerMinute the starts a minute since pacing
	// last began (the start, a resume or a window's opening), the first start not
	// counted as it goes at once; 0 until a second start.
	RatePerMinute     int      `json:"ratePerMinute"`
	AchievedPerMinute float64  `json:"achievedPerMinute"`
	Windows           []string `json:"windows,omitempty"`
	// NextWindow is when the next window opens while outside every window.
	NextWindow *time.Time `json:"nextWindow,omitempty"`
	StartedAt  time.Time  `json:"startedAt"`
	Runs       int        `json:"runs"`
	// Reports are the refused rows so far (capped at MaxCampaignReportRows).
	Reports []CampaignRowReport `json:"reports"`
	Omitted int                 `json:"omitted,omitempty"`
}

// CampaignReport is the campaign's result: every row's report up to
// MaxCampaignReportRows (refused rows, then started rows with their migration's
// outcome), and the counts.
type CampaignReport struct {
	Name     string              `json:"name"`
	Counts   CampaignCounts      `json:"counts"`
	Rows     []CampaignRowReport `json:"rows"`
	Omitted  int                 `json:"omitted,omitempty"`
	Canceled *CampaignCancel     `json:"canceled,omitempty"`
	// CancelledMigrations counts the migrations a cancel with CancelStarted stopped.
	CancelledMigrations int `json:"cancelledMigrations,omitempty"`
}

// ActiveStatuses are the statuses of a migration in active steps: neither waiting for
// a person nor ended. A campaign's MaxActive counts these.
func ActiveStatuses() []Status {
	var out []Status
	for _, s := range Statuses {
		if !s.Waiting() && !s.Final() {
			out = append(out, s)
		}
	}
	return out
}

// UnlinkedSteps are the steps before the link: a migration there may be cancelled
// with nothing half-done (it releases what it created).
var UnlinkedSteps = []Step{StepPreflight, StepSubdomain, StepOwnerLogin, StepDisclaimers}
