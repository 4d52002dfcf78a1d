package contract

import (
	"encoding/json"
	"fmt"
)

// A campaign's state travels in payloads Temporal caps at 2 MiB each (the server's blob
// size limit): the input of each continue-as-new (the rows not yet started and the
// report rows so far) and the campaign's result (the report). A continue-as-new over the
// limit terminates the campaign, so both are bounded by size as well as by count: 10,000
// rows with every column filled are about 2.5 MB of JSON.
const (
	// MaxCampaignQueuedBytes bounds the JSON of the rows a campaign holds not yet
	// started: what a start may carry, and what adds may fill up to. That is about 4,000
	// rows with every column filled, 13,000 with only the required ones.
	MaxCampaignQueuedBytes = 1 << 20
	// MaxCampaignAddBytes bounds one add, half the queue, as MaxCampaignAddRows is half
	// of MaxCampaignQueued: a list sent as a start and an add fills the queue, and later
	// adds fit as the queue drains by half.
	MaxCampaignAddBytes = MaxCampaignQueuedBytes / 2
	// MaxCampaignReportBytes bounds the report rows one run hands the next; rows beyond
	// are counted in Omitted, like those past MaxCampaignReportRows.
	MaxCampaignReportBytes = 512 << 10
	// MaxCampaignResultBytes bounds the report rows of the final report, once the
	// migrations' outcomes (and their errors) are read into them.
	MaxCampaignResultBytes = 1536 << 10

	// A report row's fields that come from the list or from an error are clipped, so a
	// few rows with pasted-in text cannot use up the report's budget.
	maxReportAccountBytes   = 64
	maxReportSubdomainBytes = 128
	maxReportErrorBytes     = 512
	// lineRoom is what a row's line adds once the campaign numbers it.
	lineRoom = len(`"line":1234567,`)
)

// The sizes below are read by the campaign workflow, so they are part of its logic: a
// change to them, to the clip sizes, or to the fields of CampaignRow or
// CampaignRowReport changes which rows a run keeps and so the activities it schedules,
// and needs a new workflow version (see ChangeCampaignBoundedState).
//
// encoding/json is deterministic for these structs of strings and ints (no maps, no
// methods); workflowcheck flags any use of it for its reflection and allocation
// internals, hence the ignores.

// RowBytes is the size of a row in the campaign's state, numbered.
func RowBytes(r CampaignRow) int {
	b, _ := json.Marshal(r) //workflowcheck:ignore a struct of strings and an int always encodes
	if r.Line == 0 {
		return len(b) + lineRoom
	}
	return len(b)
}

// RowsBytes is the size of rows in the campaign's state.
func RowsBytes(rows []CampaignRow) int {
	n := 0
	for _, r := range rows {
		n += RowBytes(r)
	}
	return n
}

// ReportBytes is the size of a report row in the campaign's state.
func ReportBytes(r CampaignRowReport) int {
	b, _ := json.Marshal(r) //workflowcheck:ignore
	return len(b)
}

// Clipped is the report row with its account, subdomain and error each cut to a size
// the report's budget allows, marked with "…" where cut.
func (r CampaignRowReport) Clipped() CampaignRowReport {
	r.AccountID = clipJSON(r.AccountID, maxReportAccountBytes)
	r.Subdomain = clipJSON(r.Subdomain, maxReportSubdomainBytes)
	r.Error = clipJSON(r.Error, maxReportErrorBytes)
	return r
}

// clipJSON returns s, or its longest prefix that with "…" encodes in at most limit
// bytes of JSON (escapes count: a "<" takes six).
func clipJSON(s string, limit int) string {
	if jsonLen(s) <= limit {
		return s
	}
	runes := []rune(s)
	lo, hi := 0, len(runes) // the answer keeps lo runes; hi never fits
	for lo+1 < hi {
		mid := (lo + hi) / 2
		if jsonLen(string(runes[:mid])+"…") <= limit {
			lo = mid
		} else {
			hi = mid
		}
	}
	return string(runes[:lo]) + "…"
}

func jsonLen(s string) int {
	b, _ := json.Marshal(s) //workflowcheck:ignore
	return len(b)
}

func checkRowsBytes(rows []CampaignRow, limit int, what string) error {
	n := RowsBytes(rows)
	switch {
	case n <= limit:
		return nil
	case len(rows) == 1:
		return &FieldError{Field: "rows", Msg: fmt.Sprintf("the row for account %q takes %s, more than %s at most; check it for pasted-in text",
			clipJSON(rows[0].AccountID, maxReportAccountBytes), kib(n), what)}
	default:
		return &FieldError{Field: "rows", Msg: fmt.Sprintf("the rows take %s; %s at most %s of rows (about %d with every column filled), so split the list",
			kib(n), what, kib(limit), limit/fullRowBytes)}
	}
}

// fullRowBytes is about what a row with every column filled takes.
const fullRowBytes = 250

// kib writes a size in KiB, as the limits are given.
func kib(n int) string { return fmt.Sprintf("%d KiB", (n+1023)/1024) }

// QueueRoomError says an add does not fit in what the campaign already holds, and how
// much does.
func QueueRoomError(name string, queuedRows, queuedBytes, addBytes int) error {
	room := max(MaxCampaignQueuedBytes-queuedBytes, 0)
	return fmt.Errorf("campaign %s holds %d rows not yet started (%s) and queues at most %s of rows (its state must stay under Temporal's payload limit); these rows take %s, and %s fits now (about %d rows with every column filled): add that much now, the rest once more have started",
		name, queuedRows, kib(queuedBytes), kib(MaxCampaignQueuedBytes), kib(addBytes), kib(room), room/fullRowBytes)
}
