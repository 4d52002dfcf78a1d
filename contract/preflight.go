package contract

import (
	"crypto/sha256"
	"encoding/hex"
	"fmt"
	"math"
	"strings"
	"time"
)

// PreflightWorkflowName is the registered name of the preflight workflow: one short
// workflow per list of rows, checking each without changing anything.
const PreflightWorkflowName = "PreflightWorkflow"

// MaxPreflightRows bounds one preflight list: the report is the workflow's result,
// which Temporal caps at 2 MB, and a row's report can take a few hundred bytes.
const MaxPreflightRows = 2000

// PreflightWorkflowIDPrefix prefixes every preflight's workflow ID.
const PreflightWorkflowIDPrefix = "preflight-"

// PreflightWorkflowID names the preflight of a list: its name when given (so a second
// preflight of the same list meets the first), else a hash of its rows.
func PreflightWorkflowID(name string, rows []PreflightRow) string {
	if name = strings.TrimSpace(name); name != "" {
		return PreflightWorkflowIDPrefix + name
	}
	h := sha256.New()
	for _, r := range rows {
		fmt.Fprintf(h, "%d\x00%s\x00%s\x00%s\x00%s\x00%s\x00%s\n", r.Line, r.AccountID, r.Mode, r.Subdomain, r.RequestedBy, r.OwnerEmail, r.Invalid)
	}
	return PreflightWorkflowIDPrefix + hex.EncodeToString(h.Sum(nil)[:8])
}

// PreflightRow is one row of a list, as a person wrote it. Invalid is why the row cannot
// be started at all (its parse or validation error); such a row is reported blocked
// without being checked.
type PreflightRow struct {
	Line        int    `json:"line"`
	AccountID   string `json:"accountId"`
	Mode        string `json:"mode"`
	Subdomain   string `json:"subdomain,omitempty"`
	RequestedBy string `json:"requestedBy"`
	OwnerEmail  string `json:"ownerEmail,omitempty"`
	Invalid     string `json:"invalid,omitempty"`
}

// PreflightInput is the preflight workflow's input.
type PreflightInput struct {
	Rows []PreflightRow `json:"rows"`
}

// Verdict is what a preflight says of one row.
type Verdict string

const (
	// VerdictReady: start it; nothing found stands in the way.
	VerdictReady Verdict = "ready"
	// VerdictWarning: it can start, but a check could not run or a person will have to
	// act on the way; the problems say what.
	VerdictWarning Verdict = "warning"
	// VerdictBlocked: fix the problems before starting it.
	VerdictBlocked Verdict = "blocked"
)

// PreflightRowReport is the report of one row: the input columns, the verdict, the
// problems in words a person can act on, the Sell users and the conversion estimate.
type PreflightRowReport struct {
	PreflightRow
	Verdict  Verdict  `json:"verdict"`
	Problems []string `json:"problems"`
	// Users counts the Sell account's users (active or not); -1 when unknown.
	Users int `json:"users"`
	// EstimateSeconds is how long converting the users takes at the rate limit (0 when
	// Users is unknown); EstimateBasis says what it assumes.
	EstimateSeconds int64  `json:"estimateSeconds"`
	EstimateBasis   string `json:"estimateBasis,omitempty"`
}

// Estimate is EstimateSeconds as a duration.
func (r PreflightRowReport) Estimate() time.Duration {
	return time.Duration(r.EstimateSeconds) * time.Second
}

// PreflightReport is the preflight workflow's result: one report per row, in order.
type PreflightReport struct {
	Rows    []PreflightRowReport `json:"rows"`
	Ready   int                  `json:"ready"`
	Warning int                  `json:"warning"`
	Blocked int                  `json:"blocked"`
}

// Count tallies the verdicts.
func (r *PreflightReport) Count() {
	r.Ready, r.Warning, r.Blocked = 0, 0, 0
	for _, row := range r.Rows {
		switch row.Verdict {
		case VerdictReady:
			r.Ready++
		case VerdictWarning:
			r.Warning++
		default:
			r.Blocked++
		}
	}
}

// EstimateConversion is how long converting users Sell users takes when Support allows
// perMinute calls a minute, and what that assumes. Per page of 100 Sell users the
// conversion makes one show_many look-up, then with bulk imports one create_many and
// about three job polls, or without them one POST /api/v2/users per user; the Sell
// calls are not counted (their own limit is per second). perMinute 0 (unlimited) is
// taken as 200, the smallest plan's limit, so the estimate never reads "instant".
func EstimateConversion(users int, bulkImports bool, perMinute int) (time.Duration, string) {
	if perMinute <= 0 {
		perMinute = 200
	}
	pages := (users + 99) / 100
	calls, basis := pages*5, "bulk imports on: 5 Support calls per 100 users"
	if !bulkImports {
		calls, basis = pages+users, "bulk imports off: 1 Support call per user"
	}
	minutes := float64(calls) / float64(perMinute)
	d := time.Duration(math.Ceil(minutes*60)) * time.Second
	return d, fmt.Sprintf("%s, at %d Support calls a minute", basis, perMinute)
}
