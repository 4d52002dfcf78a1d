package api

import (
	"bytes"
	"fmt"
	"net/http"

	"github.com/sellmigrate/sellmigrate/starter"
)

// maxBulkRows bounds one bulk request, so one call cannot hold the server for long.
const maxBulkRows = 10_000

type bulkRequest struct {
	Rows []starter.StartRequest `json:"rows"`
}

// bulkResult is the outcome of one row: started, or why not.
type bulkResult struct {
	// Row counts data rows from 1, in the order sent.
	Row int `json:"row"`
	// Line is the row's line in a CSV body (the header is line 1); absent for JSON.
	Line       int       `json:"line,omitempty"`
	AccountID  string    `json:"accountId"`
	OK         bool      `json:"ok"`
	WorkflowID string    `json:"workflowId,omitempty"`
	RunID      string    `json:"runId,omitempty"`
	Error      *apiError `json:"error,omitempty"`
}

type bulkBody struct {
	Results []bulkResult `json:"results"`
	Started int          `json:"started"`
	Failed  int          `json:"failed"`
}

// bulkStart starts many migrations from JSON rows or a CSV file with the CLI's header.
// A bad or repeated row is reported in its result and never stops the others; the
// answer is 200 whenever the body itself could be read.
// Every row is stamped with the caller's principal, as a single start is; requestedBy
// stays each row's own.
func (s *Server) bulkStart(w http.ResponseWriter, r *http.Request, p principal) error {
	var req bulkRequest
	rows, csv, err := s.readRows(w, r, maxBulkRows, &req, func() []starter.StartRequest { return req.Rows })
	if err != nil {
		s.audit(r, p, "bulk-start", "", err)
		return err
	}
	for i := range rows {
		rows[i].Request.Principal = p.stamp()
	}
	// Rows refused before starting are input problems, whatever their error type.
	refused := make([]bool, len(rows))
	for i, row := range rows {
		refused[i] = row.Err != nil
	}
	results := s.starter.StartRows(r.Context(), rows)
	body := bulkBody{Results: make([]bulkResult, len(results))}
	for i, res := range results {
		out := bulkResult{Row: i + 1, AccountID: res.AccountID, OK: res.OK(), WorkflowID: res.WorkflowID, RunID: res.RunID}
		if csv {
			out.Line = res.Line
		}
		if !res.OK() {
			out.WorkflowID, out.RunID = "", ""
			out.Error = toAPIError(res.Err)
			if refused[i] && out.Error.Code == codeInternal {
				out.Error = newError(codeInvalidInput, res.Err.Error())
			}
			body.Failed++
		} else {
			body.Started++
		}
		body.Results[i] = out
		var outcome error
		if out.Error != nil {
			outcome = out.Error
		}
		s.audit(r, p, "bulk-start", res.AccountID, outcome)
	}
	writeJSON(w, http.StatusOK, body)
	return nil
}

// readRows reads the rows of a list, as JSON into req (rowsOf gives its rows) or as a
// CSV file with the CLI's header, checked as the CLI checks them (starter.CheckRows,
// starter.ParseCSV). csv says which, for line numbers.
func (s *Server) readRows(w http.ResponseWriter, r *http.Request, max int, req any, rowsOf func() []starter.StartRequest) (rows []starter.CSVRow, csv bool, err error) {
	switch mt := mediaType(r); mt {
	case "application/json":
		if err := s.decodeJSON(w, r, req); err != nil {
			return nil, false, err
		}
		if len(rowsOf()) == 0 {
			return nil, false, &apiError{Code: codeInvalidInput, Field: "rows", Message: `rows is empty; send {"rows":[{"accountId":"1001","mode":"new","subdomain":"acme","requestedBy":"admin@acme.test"}]}`}
		}
		rows = starter.CheckRows(rowsOf())
	case "text/csv":
		body, err := s.readBody(w, r)
		if err != nil {
			return nil, false, err
		}
		if rows, err = starter.ParseCSV(bytes.NewReader(body)); err != nil {
			return nil, false, &apiError{Code: codeInvalidInput, Field: "csv", Message: err.Error()}
		}
		csv = true
	default:
		return nil, false, newError(codeUnsupportedMedia, fmt.Sprintf("send the rows as application/json ({\"rows\":[...]}) or as text/csv with the header account_id,mode,subdomain,requested_by,owner_email (got %q)", r.Header.Get("Content-Type")))
	}
	if len(rows) > max {
		return nil, false, newError(codePayloadTooLarge, fmt.Sprintf("%d rows is more than %d per request; split the file", len(rows), max))
	}
	return rows, csv, nil
}
