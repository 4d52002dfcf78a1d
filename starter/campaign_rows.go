package starter

import (
	"encoding/csv"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"strings"

	"github.com/sellmigrate/sellmigrate/contract"
)

// CampaignTimeZoneColumn is the campaign list's optional column: the tenant's IANA time
// zone, in which the campaign's windows then apply to that row.
const CampaignTimeZoneColumn = "time_zone"

// CampaignCSVRow is one data row of a campaign's list: the row as sent to the campaign
// and the line of the file it came from.
type CampaignCSVRow struct {
	Line int
	Row  contract.CampaignRow
}

// ParseCampaignCSV reads a campaign's list: the bulk-start columns (CSVColumns) plus
// the optional time_zone column. Rows are not judged here: the campaign reports an
// invalid or repeated row on its row and goes on with the rest. Only a row that cannot
// be read as a row at all (malformed CSV, wrong number of fields) is an error, naming
// its line, since it has no account to report it under.
func ParseCampaignCSV(r io.Reader) ([]CampaignCSVRow, error) {
	cr := csv.NewReader(r)
	cr.FieldsPerRecord = -1
	cr.TrimLeadingSpace = true
	want := "expected header: " + strings.Join(CSVColumns, ",") + "[," + CampaignTimeZoneColumn + "]"
	header, err := cr.Read()
	if errors.Is(err, io.EOF) {
		return nil, fmt.Errorf("CSV is empty; its first line must be the header; %s", want)
	}
	if err != nil {
		return nil, fmt.Errorf("CSV header: %w", err)
	}
	index, err := headerIndexWith(header, []string{CampaignTimeZoneColumn}, want)
	if err != nil {
		return nil, err
	}
	var rows []CampaignCSVRow
	for {
		rec, err := cr.Read()
		if errors.Is(err, io.EOF) {
			break
		}
		var pe *csv.ParseError
		if errors.As(err, &pe) {
			return nil, fmt.Errorf("line %d is malformed CSV (%v); fix it and send the list again", pe.StartLine, pe.Err)
		}
		if err != nil {
			return nil, fmt.Errorf("read CSV: %w", err)
		}
		line, _ := cr.FieldPos(0)
		if len(rec) != len(header) {
			return nil, fmt.Errorf("line %d has %d fields, the header has %d (%s); fix it and send the list again", line, len(rec), len(header), strings.Join(header, ","))
		}
		get := func(col string) string {
			if i, ok := index[col]; ok {
				return strings.TrimSpace(rec[i])
			}
			return ""
		}
		rows = append(rows, CampaignCSVRow{Line: line, Row: contract.CampaignRow{
			AccountID: get("account_id"), Mode: get("mode"), Subdomain: get("subdomain"),
			RequestedBy: get("requested_by"), OwnerEmail: get("owner_email"), TimeZone: get(CampaignTimeZoneColumn),
		}})
	}
	if len(rows) == 0 {
		return nil, fmt.Errorf("CSV has a header but no rows; add one line per Sell account")
	}
	return rows, nil
}

// ParseCampaignJSON reads a campaign's list as a JSON array of rows with the fields of
// contract.CampaignRow (accountId, mode, subdomain, requestedBy, ownerEmail, timeZone).
func ParseCampaignJSON(r io.Reader) ([]CampaignCSVRow, error) {
	dec := json.NewDecoder(r)
	dec.DisallowUnknownFields()
	var list []contract.CampaignRow
	if err := dec.Decode(&list); err != nil {
		return nil, fmt.Errorf("the list is not a JSON array of rows {accountId, mode, subdomain, requestedBy, ownerEmail, timeZone}: %w", err)
	}
	if len(list) == 0 {
		return nil, fmt.Errorf("the JSON list has no rows; give one object per Sell account")
	}
	rows := make([]CampaignCSVRow, len(list))
	for i, r := range list {
		r.Line = 0 // the campaign numbers its rows
		rows[i] = CampaignCSVRow{Line: i + 1, Row: r}
	}
	return rows, nil
}

// CampaignRows strips the file's lines: the campaign numbers rows in the order sent.
func CampaignRows(rows []CampaignCSVRow) []contract.CampaignRow {
	out := make([]contract.CampaignRow, len(rows))
	for i, r := range rows {
		out[i] = r.Row
	}
	return out
}

// CampaignPreflightRows checks a campaign's rows with the bulk start's rules (invalid
// and repeated rows carry their reason) for a preflight of the same list, keeping the
// file's lines. The time zone is checked here too, as the campaign would.
func CampaignPreflightRows(rows []CampaignCSVRow) []CSVRow {
	reqs := make([]StartRequest, len(rows))
	for i, r := range rows {
		reqs[i] = StartRequest{AccountID: r.Row.AccountID, Mode: r.Row.Mode, Subdomain: r.Row.Subdomain,
			RequestedBy: r.Row.RequestedBy, OwnerEmail: r.Row.OwnerEmail}
	}
	out := CheckRows(reqs)
	for i, r := range rows {
		out[i].Line = r.Line
		if out[i].Err != nil {
			continue
		}
		if tz := strings.TrimSpace(r.Row.TimeZone); tz != "" {
			if _, err := contract.LoadZone(tz); err != nil {
				out[i].Err = fmt.Errorf("time_zone: %w", err)
			}
		}
	}
	return out
}
