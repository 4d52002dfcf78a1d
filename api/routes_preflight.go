package api

import (
	"context"
	"net/http"
	"time"

	"github.com/sellmigrate/sellmigrate/contract"
	"github.com/sellmigrate/sellmigrate/starter"
)

// preflightWait bounds how long the preflight route waits for the report: under the
// server's write timeout, so the answer is an error that says what to do rather than a
// cut connection.
const preflightWait = 90 * time.Second

type preflightRequest struct {
	// Name names the preflight's workflow (preflight-NAME); default a hash of the rows.
	Name string                 `json:"name,omitempty"`
	Rows []starter.StartRequest `json:"rows"`
}

// preflight checks a list without changing anything, in the preflight workflow, and
// answers its report: a verdict per row. The rows are bulk start's, as JSON or CSV
// (then ?name= names it); a bad or repeated row is reported blocked, never refused.
func (s *Server) preflight(w http.ResponseWriter, r *http.Request, _ principal) error {
	var req preflightRequest
	rows, csv, err := s.readRows(w, r, contract.MaxPreflightRows, &req, func() []starter.StartRequest { return req.Rows })
	if err != nil {
		return err
	}
	if csv {
		req.Name = r.URL.Query().Get("name")
	}
	ctx, cancel := context.WithTimeout(r.Context(), preflightWait)
	defer cancel()
	report, id, err := s.starter.Preflight(ctx, req.Name, rows)
	if err != nil {
		return err
	}
	writeJSON(w, http.StatusOK, preflightBody{WorkflowID: id, PreflightReport: report})
	return nil
}

// preflightBody is the report with the workflow that made it.
type preflightBody struct {
	WorkflowID string `json:"workflowId"`
	contract.PreflightReport
}
