package api

import (
	"encoding/json"
	"fmt"
	"net/http"
	"net/url"
	"strconv"

	"github.com/sellmigrate/sellmigrate/contract"
	"github.com/sellmigrate/sellmigrate/starter"
)

type listBody struct {
	Items         []starter.Summary `json:"items"`
	NextPageToken string            `json:"nextPageToken,omitempty"`
}

// listParams are the query parameters GET /api/v1/migrations accepts.
var listParams = []string{"status", "step", "mode", "subdomain", "campaign", "page_size", "page_token"}

func (s *Server) listMigrations(w http.ResponseWriter, r *http.Request, _ principal) error {
	q, err := queryParams(r, listParams...)
	if err != nil {
		return err
	}
	f := starter.ListFilter{Status: q["status"], Step: q["step"], Mode: q["mode"], Subdomain: q["subdomain"], Campaign: q["campaign"], PageToken: q["page_token"]}
	if v := q["page_size"]; v != "" {
		n, err := strconv.Atoi(v)
		if err != nil || n < 1 {
			return &apiError{Code: codeInvalidInput, Field: "page_size", Message: fmt.Sprintf("page_size %q must be a whole number from 1 to %d", v, starter.MaxPageSize)}
		}
		f.PageSize = n
	}
	page, err := s.starter.ListPage(r.Context(), f)
	if err != nil {
		return err
	}
	body := listBody{Items: append([]starter.Summary{}, page.Items...), NextPageToken: page.NextPageToken}
	writeJSON(w, http.StatusOK, body)
	return nil
}

// queryParams reads the allowed query parameters, refusing unknown or repeated ones
// so a misspelt filter is reported instead of silently listing everything.
func queryParams(r *http.Request, allowed ...string) (map[string]string, error) {
	query, err := url.ParseQuery(r.URL.RawQuery)
	if err != nil {
		return nil, newError(codeBadRequest, "the query string is malformed ("+err.Error()+"); percent-encode the values")
	}
	out := map[string]string{}
	for name, values := range query {
		ok := false
		for _, a := range allowed {
			ok = ok || a == name
		}
		if !ok {
			return nil, &apiError{Code: codeInvalidInput, Field: name, Message: fmt.Sprintf("query parameter %q is not known; use %v", name, allowed)}
		}
		if len(values) > 1 {
			return nil, &apiError{Code: codeInvalidInput, Field: name, Message: fmt.Sprintf("query parameter %q is given %d times; give it once", name, len(values))}
		}
		out[name] = values[0]
	}
	return out, nil
}

func (s *Server) countMigrations(w http.ResponseWriter, r *http.Request, _ principal) error {
	c, err := s.starter.Counts(r.Context())
	if err != nil {
		return err
	}
	writeJSON(w, http.StatusOK, c)
	return nil
}

type startedBody struct {
	WorkflowID string `json:"workflowId"`
	RunID      string `json:"runId"`
}

// startMigration starts one migration. requestedBy is the Sell admin asking for it,
// not the operator calling, so it is never compared with the principal; the
// principal is recorded beside it (the start input's principal, the progress's
// startedBy).
func (s *Server) startMigration(w http.ResponseWriter, r *http.Request, p principal) (err error) {
	var req starter.StartRequest
	defer func() { s.audit(r, p, "start", req.AccountID, err) }()
	if err := s.decodeJSON(w, r, &req); err != nil {
		return err
	}
	req.Principal = p.stamp()
	started, err := s.starter.Start(r.Context(), req)
	if err != nil {
		return err
	}
	w.Header().Set("Location", "/api/v1/migrations/"+url.PathEscape(started.AccountID))
	writeJSON(w, http.StatusCreated, startedBody{WorkflowID: started.WorkflowID, RunID: started.RunID})
	return nil
}

// ref reads the {id} path segment: a Sell account ID or a workflow ID. Anything else
// cannot name a migration, so it is a 404.
func ref(r *http.Request) (string, error) {
	id := r.PathValue("id")
	if _, _, err := starter.ParseRef(id); err != nil {
		return "", newError(codeNotFound, err.Error())
	}
	return id, nil
}

// reportOf reads the {id} path segment (see ref) and the migration's current report.
func (s *Server) reportOf(r *http.Request) (string, starter.Report, error) {
	id, err := ref(r)
	if err != nil {
		return "", starter.Report{}, err
	}
	rep, err := s.status(r.Context(), id)
	return id, rep, err
}

func (s *Server) getMigration(w http.ResponseWriter, r *http.Request, _ principal) error {
	_, rep, err := s.reportOf(r)
	if err != nil {
		return err
	}
	body, err := s.reportJSON(rep)
	if err != nil {
		return err
	}
	writeJSON(w, http.StatusOK, body)
	return nil
}

// reportJSON is starter.Report's JSON with temporalUiUrl added at the top level (null
// when no Temporal Web UI is configured).
func (s *Server) reportJSON(rep starter.Report) (json.RawMessage, error) {
	b, err := json.Marshal(rep)
	if err != nil {
		return nil, fmt.Errorf("encode the report of %s: %w", rep.Execution.WorkflowID, err)
	}
	var m map[string]json.RawMessage
	if err := json.Unmarshal(b, &m); err != nil {
		return nil, fmt.Errorf("encode the report of %s: %w", rep.Execution.WorkflowID, err)
	}
	m["temporalUiUrl"] = json.RawMessage("null")
	if link := s.temporalUIURL(rep.Execution.WorkflowID); link != "" {
		m["temporalUiUrl"], _ = json.Marshal(link)
	}
	return json.Marshal(m)
}

// temporalUIURL links to the workflow in the Temporal Web UI.
func (s *Server) temporalUIURL(workflowID string) string {
	if s.opts.TemporalUIURL == "" || workflowID == "" {
		return ""
	}
	return s.opts.TemporalUIURL + "/namespaces/" + url.PathEscape(s.opts.Namespace) + "/workflows/" + url.PathEscape(workflowID)
}

type timelineBody struct {
	Timeline []contract.StepRecord  `json:"timeline"`
	Inputs   []contract.InputRecord `json:"inputs"`
}

func (s *Server) timeline(w http.ResponseWriter, r *http.Request, _ principal) error {
	_, rep, err := s.reportOf(r)
	if err != nil {
		return err
	}
	body := timelineBody{Timeline: rep.Timeline, Inputs: rep.Inputs}
	if body.Timeline == nil {
		body.Timeline = []contract.StepRecord{}
	}
	if body.Inputs == nil {
		body.Inputs = []contract.InputRecord{}
	}
	writeJSON(w, http.StatusOK, body)
	return nil
}

type cancelBody struct {
	WorkflowID string `json:"workflowId"`
}

// cancel asks the migration to stop; the workflow compensates and records the
// outcome, which GET /api/v1/migrations/{id} shows.
func (s *Server) cancel(w http.ResponseWriter, r *http.Request, p principal) (err error) {
	defer func() { s.audit(r, p, "cancel", r.PathValue("id"), err) }()
	id, err := ref(r)
	if err != nil {
		return err
	}
	if err := s.starter.Cancel(r.Context(), id); err != nil {
		return err
	}
	_, workflowID, _ := starter.ParseRef(id)
	writeJSON(w, http.StatusAccepted, cancelBody{WorkflowID: workflowID})
	return nil
}
