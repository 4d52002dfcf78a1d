package starter

import (
	"encoding/csv"
	"errors"
	"fmt"
	"io"
	"slices"
	"strings"

	"github.com/sellmigrate/sellmigrate/contract"
)

// CSVColumns is the header a bulk-start file must have (in any order).
var CSVColumns = []string{"account_id", "mode", "subdomain", "requested_by", "owner_email"}

// CSVRow is one data row of a bulk-start file.
type CSVRow struct {
	// Line is the row's line number in the file (the header is line 1).
	Line    int
	Request StartRequest
	// Err is why the row cannot be started (malformed, invalid or a repeated account);
	// nil means it is ready.
	Err error
}

// ParseCSV reads a bulk-start file. A bad row is reported in its CSVRow and does not
// stop the others; only an unreadable file or a bad header is an error.
func ParseCSV(r io.Reader) ([]CSVRow, error) {
	cr := csv.NewReader(r)
	cr.FieldsPerRecord = -1 // rows with the wrong width are reported per row
	cr.TrimLeadingSpace = true
	header, err := cr.Read()
	if errors.Is(err, io.EOF) {
		return nil, fmt.Errorf("CSV is empty; its first line must be the header %s", strings.Join(CSVColumns, ","))
	}
	if err != nil {
		return nil, fmt.Errorf("CSV header: %w", err)
	}
	index, err := headerIndex(header)
	if err != nil {
		return nil, err
	}
	var rows []CSVRow
	firstLine := map[string]int{}
	for {
		rec, err := cr.Read()
		if errors.Is(err, io.EOF) {
			break
		}
		var pe *csv.ParseError
		if errors.As(err, &pe) {
			rows = append(rows, CSVRow{Line: pe.StartLine, Err: fmt.Errorf("malformed CSV: %v", pe.Err)})
			continue
		}
		if err != nil {
			return nil, fmt.Errorf("read CSV: %w", err)
		}
		// Only after a successful read: FieldPos panics when the read failed (found by FuzzParseCSV).
		line, _ := cr.FieldPos(0)
		row := CSVRow{Line: line}
		if len(rec) != len(header) {
			row.Err = fmt.Errorf("has %d fields, the header has %d (%s)", len(rec), len(header), strings.Join(header, ","))
			rows = append(rows, row)
			continue
		}
		get := func(col string) string { return strings.TrimSpace(rec[index[col]]) }
		row.Request = StartRequest{
			AccountID:   get("account_id"),
			Mode:        get("mode"),
			Subdomain:   get("subdomain"),
			RequestedBy: get("requested_by"),
			OwnerEmail:  get("owner_email"),
		}
		row.Err = validateRow(row.Request)
		if row.Err == nil {
			if first, seen := firstLine[row.Request.AccountID]; seen {
				row.Err = &DuplicateRowError{AccountID: row.Request.AccountID, First: fmt.Sprintf("line %d", first)}
			} else {
				firstLine[row.Request.AccountID] = line
			}
		}
		rows = append(rows, row)
	}
	if len(rows) == 0 {
		return nil, fmt.Errorf("CSV has a header but no rows; add one line per Sell account")
	}
	return rows, nil
}

// validateRow checks the fields; the policy is checked once at start instead.
func validateRow(r StartRequest) error {
	_, err := r.Input(contract.DefaultPolicy())
	return err
}

// headerIndex maps each expected column to its position. Column names are matched
// without regard to case or surrounding spaces; a UTF-8 byte-order mark is ignored.
func headerIndex(header []string) (map[string]int, error) {
	return headerIndexWith(header, nil, "expected header: "+strings.Join(CSVColumns, ","))
}

// headerIndexWith is headerIndex accepting the optional columns too; want is the
// header the errors show.
func headerIndexWith(header, optional []string, want string) (map[string]int, error) {
	index := map[string]int{}
	for i, h := range header {
		name := strings.ToLower(strings.TrimSpace(strings.TrimPrefix(h, "\ufeff")))
		if !isColumn(name) && !slices.Contains(optional, name) {
			return nil, fmt.Errorf("CSV header has unknown column %q; %s", h, want)
		}
		if _, dup := index[name]; dup {
			return nil, fmt.Errorf("CSV header repeats column %q; %s", name, want)
		}
		index[name] = i
	}
	var missing []string
	for _, c := range CSVColumns {
		if _, ok := index[c]; !ok {
			missing = append(missing, c)
		}
	}
	if len(missing) > 0 {
		return nil, fmt.Errorf("CSV header lacks column(s) %s; %s", strings.Join(missing, ", "), want)
	}
	return index, nil
}

func isColumn(name string) bool {
	for _, c := range CSVColumns {
		if c == name {
			return true
		}
	}
	return false
}
