package starter

import (
	"fmt"
	"strings"
)

// DuplicateRowError refuses a row whose Sell account already appears earlier in the
// same bulk request; the earlier row is the one started.
type DuplicateRowError struct {
	AccountID string
	// First is where the account first appears, e.g. "line 2" or "row 1".
	First string
}

func (e *DuplicateRowError) Error() string {
	return fmt.Sprintf("Sell account %s already appears on %s; each account may appear once", e.AccountID, e.First)
}

// CheckRows prepares bulk-start requests given as data rather than a file (the HTTP
// API's JSON): each is validated and a repeated account is refused with
// *DuplicateRowError, as ParseCSV does. Line holds the 1-based row number.
func CheckRows(reqs []StartRequest) []CSVRow {
	rows := make([]CSVRow, len(reqs))
	first := map[string]int{}
	for i, req := range reqs {
		row := CSVRow{Line: i + 1, Request: req, Err: validateRow(req)}
		if id := strings.TrimSpace(req.AccountID); row.Err == nil {
			if at, seen := first[id]; seen {
				row.Err = &DuplicateRowError{AccountID: id, First: fmt.Sprintf("row %d", at)}
			} else {
				first[id] = i + 1
			}
		}
		rows[i] = row
	}
	return rows
}
