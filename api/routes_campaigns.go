package api

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"net/http"
	"net/url"
	"strconv"
	"strings"
	"time"

	"go.uber.org/zap"

	"github.com/sellmigrate/sellmigrate/contract"
	"github.com/sellmigrate/sellmigrate/starter"
)

// maxCampaignRows bounds the rows of one request: the most a campaign holds not yet
// started, so a list the campaign would refuse part of is refused whole, up front
// (contract.MaxCampaignQueuedBytes bounds their size the same way).
const maxCampaignRows = contract.MaxCampaignQueued

const campaignsPath = "/api/v1/campaigns"

// campaignReportWait bounds reading a campaign's report, under the server's write
// timeout (see campaignReportOf).
const campaignReportWait = 90 * time.Second

// campaignControls are the routes that change a campaign, with their audit action.
var campaignControls = map[string]string{
	campaignsPath:                    "campaign-start",
	campaignsPath + "/{name}/pause":  "campaign-pause",
	campaignsPath + "/{name}/resume": "campaign-resume",
	campaignsPath + "/{name}/cancel": "campaign-cancel",
	campaignsPath + "/{name}/rows":   "campaign-add",
}

// campaignRoutes: viewers read campaigns; ops start and control them.
func (s *Server) campaignRoutes() []route {
	return []route{
		{"GET", campaignsPath, RoleViewer, s.listCampaigns},
		{"POST", campaignsPath, RoleOps, s.startCampaign},
		{"GET", campaignsPath + "/{name}", RoleViewer, s.getCampaign},
		{"GET", campaignsPath + "/{name}/report", RoleViewer, s.campaignReport},
		{"POST", campaignsPath + "/{name}/pause", RoleOps, s.campaignControl(contract.CampaignPauseName)},
		{"POST", campaignsPath + "/{name}/resume", RoleOps, s.campaignControl(contract.CampaignResumeName)},
		{"POST", campaignsPath + "/{name}/cancel", RoleOps, s.campaignControl(contract.CampaignCancelName)},
		{"POST", campaignsPath + "/{name}/rows", RoleOps, s.addCampaignRows},
	}
}

type campaignListBody struct {
	Campaigns []starter.CampaignSummary `json:"campaigns"`
}

func (s *Server) listCampaigns(w http.ResponseWriter, r *http.Request, _ principal) error {
	if _, err := queryParams(r); err != nil {
		return err
	}
	list, err := s.starter.ListCampaigns(r.Context())
	if err != nil {
		return err
	}
	writeJSON(w, http.StatusOK, campaignListBody{Campaigns: append([]starter.CampaignSummary{}, list...)})
	return nil
}

// campaignStartRequest is the JSON body of a start. MaxActive and RatePerMinute take
// the CLI's defaults when left out; By is for role-list tokens, which have no email
// (see principal.operator).
type campaignStartRequest struct {
	Name          string                 `json:"name"`
	Rows          []contract.CampaignRow `json:"rows"`
	MaxActive     *int                   `json:"maxActive,omitempty"`
	RatePerMinute *int                   `json:"ratePerMinute,omitempty"`
	Windows       []string               `json:"windows,omitempty"`
	DryRun        bool                   `json:"dryRun,omitempty"`
	By            string                 `json:"by,omitempty"`
}

type campaignStartedBody struct {
	WorkflowID string `json:"workflowId"`
	RunID      string `json:"runId"`
	// Sent is how many rows the campaign holds; AddError why the rest were not sent.
	Sent     int    `json:"sent"`
	AddError string `json:"addError,omitempty"`
}

// startCampaign starts a campaign from a list, or with dryRun preflights the list as
// `sellmigrate campaign start --dry-run` does, starting nothing. Every setting is
// checked before anything runs, a dry run's too.
func (s *Server) startCampaign(w http.ResponseWriter, r *http.Request, p principal) (err error) {
	req, rows, err := s.readCampaignStart(w, r)
	if err != nil {
		if !req.DryRun {
			s.audit(r, p, campaignControls[campaignsPath], "", err)
		}
		return err
	}
	if req.DryRun {
		// Like POST /api/v1/preflight, a dry run changes nothing and is not audited.
		return s.campaignDryRun(w, r, req.Name, rows)
	}
	defer func() { s.audit(r, p, campaignControls[campaignsPath], contract.CampaignWorkflowID(req.Name), err) }()
	by, err := p.operator(req.By)
	if err != nil {
		return err
	}
	started, err := s.starter.StartCampaign(r.Context(), starter.CampaignRequest{Name: req.Name, Rows: starter.CampaignRows(rows),
		MaxActive: *req.MaxActive, RatePerMinute: *req.RatePerMinute, Windows: req.Windows, By: by, StartedBy: p.stamp()})
	if err != nil {
		return err
	}
	body := campaignStartedBody{WorkflowID: started.WorkflowID, RunID: started.RunID, Sent: started.Sent}
	if started.AddErr != nil {
		body.AddError = fmt.Sprintf("rows %d to %d were not added (%s); the campaign runs with the first %d; send the rest to POST %s/%s/rows once more have started",
			started.Sent+1, len(rows), s.publicMessage(w, r, started.AddErr), started.Sent, campaignsPath, req.Name)
	}
	w.Header().Set("Location", campaignsPath+"/"+url.PathEscape(req.Name))
	writeJSON(w, http.StatusCreated, body)
	return nil
}

// publicMessage is an error's message as a client may read it: a server-side
// failure is logged and shown as writeError shows it.
func (s *Server) publicMessage(w http.ResponseWriter, r *http.Request, err error) string {
	ae := toAPIError(err)
	if ae.status() < 500 {
		return ae.Message
	}
	id := responseRequestID(w, r)
	s.log.Error("request partly failed", zap.String("requestId", id), zap.String("path", r.URL.Path), zap.Error(err))
	return serverFailure(ae, id).Message
}

func (s *Server) campaignDryRun(w http.ResponseWriter, r *http.Request, name string, rows []starter.CampaignCSVRow) error {
	ctx, cancel := context.WithTimeout(r.Context(), preflightWait)
	defer cancel()
	report, id, err := s.starter.Preflight(ctx, name, starter.CampaignPreflightRows(rows))
	if err != nil {
		return err
	}
	writeJSON(w, http.StatusOK, preflightBody{WorkflowID: id, PreflightReport: report})
	return nil
}

// campaignQueryParams are a CSV start's settings; window may be repeated.
var campaignQueryParams = []string{"name", "max_active", "rate", "dry_run", "by"}

// readCampaignStart reads a start: a JSON body, or a CSV list with the settings in the
// query. A JSON start takes no query, so a setting put there is refused rather than
// ignored (a dry_run ignored would start the campaign).
func (s *Server) readCampaignStart(w http.ResponseWriter, r *http.Request) (campaignStartRequest, []starter.CampaignCSVRow, error) {
	var req campaignStartRequest
	csv := mediaType(r) == "text/csv"
	if csv {
		q, windows, err := campaignQuery(r)
		if err != nil {
			return req, nil, err
		}
		req.Windows = windows
		if err := req.fromQuery(q); err != nil {
			return req, nil, err
		}
	} else if _, err := queryParams(r); err != nil {
		return req, nil, &apiError{Code: codeInvalidInput, Field: toAPIError(err).Field,
			Message: "a JSON start takes its settings in the body, not the query: " + toAPIError(err).Message}
	}
	rows, _, err := s.readCampaignList(w, r, &req, func() []contract.CampaignRow { return req.Rows })
	if err != nil {
		return req, nil, err
	}
	if req.MaxActive == nil {
		req.MaxActive = ptr(contract.DefaultCampaignMaxActive)
	}
	if req.RatePerMinute == nil {
		req.RatePerMinute = ptr(contract.DefaultCampaignRate)
	}
	return req, rows, checkCampaignSettings(req, csv)
}

func ptr[T any](v T) *T { return &v }

// campaignQuery reads the query of a CSV start: each setting once, window as often as
// there are windows.
func campaignQuery(r *http.Request) (map[string]string, []string, error) {
	query, err := url.ParseQuery(r.URL.RawQuery)
	if err != nil {
		return nil, nil, newError(codeBadRequest, "the query string is malformed ("+err.Error()+"); percent-encode the values")
	}
	windows := query["window"]
	query.Del("window")
	rest := r.Clone(r.Context())
	rest.URL.RawQuery = query.Encode()
	q, err := queryParams(rest, append([]string{"window"}, campaignQueryParams...)...)
	return q, windows, err
}

// fromQuery sets a CSV start's settings from its query, dry_run first: a dry run's
// refusal is not audited as a start's.
func (req *campaignStartRequest) fromQuery(q map[string]string) error {
	if v, ok := q["dry_run"]; ok {
		b, err := strconv.ParseBool(v)
		if err != nil {
			return &apiError{Code: codeInvalidInput, Field: "dry_run", Message: fmt.Sprintf("dry_run %q must be true or false", v)}
		}
		req.DryRun = b
	}
	req.Name, req.By = q["name"], q["by"]
	if v, ok := q["max_active"]; ok {
		n, err := strconv.Atoi(v)
		if err != nil {
			return &apiError{Code: codeInvalidInput, Field: "max_active", Message: fmt.Sprintf("max_active %q is not a whole number; give at least 1, e.g. max_active=20", v)}
		}
		req.MaxActive = &n
	}
	if v, ok := q["rate"]; ok {
		n, err := contract.ParseCampaignRate(v)
		if err != nil {
			return &apiError{Code: codeInvalidInput, Field: "rate", Message: err.Error()}
		}
		req.RatePerMinute = &n
	}
	return nil
}

// csvFields names a setting as a CSV start's query does.
var csvFields = map[string]string{"maxActive": "max_active", "ratePerMinute": "rate", "windows": "window"}

// checkCampaignSettings applies the campaign's own rules to the settings (the rows are
// judged one by one by the campaign), so a dry run is refused what the start would be.
// The policy checked is the default: the settings alone are being judged here, and
// the starter checks its own policy when it starts.
func checkCampaignSettings(req campaignStartRequest, csv bool) error {
	in := contract.CampaignInput{Name: req.Name, MaxActive: *req.MaxActive, RatePerMinute: *req.RatePerMinute,
		Windows: req.Windows, Policy: contract.DefaultPolicy()}
	err := in.Validate()
	var fe *contract.FieldError
	if !errors.As(err, &fe) {
		return err
	}
	field := fe.Field
	if f, ok := csvFields[field]; ok && csv {
		field = f
	}
	return &apiError{Code: codeInvalidInput, Field: field, Message: fe.Msg}
}

// readCampaignList reads a campaign's rows, as JSON into req (rowsOf gives its rows)
// or as a CSV file with the CLI's columns (starter.ParseCampaignCSV). Rows are not
// judged here: the campaign reports a bad row on its row and goes on.
func (s *Server) readCampaignList(w http.ResponseWriter, r *http.Request, req any, rowsOf func() []contract.CampaignRow) (rows []starter.CampaignCSVRow, csv bool, err error) {
	switch mt := mediaType(r); mt {
	case "application/json":
		if err := s.decodeJSON(w, r, req); err != nil {
			return nil, false, err
		}
		list := rowsOf()
		if len(list) == 0 {
			return nil, false, &apiError{Code: codeInvalidInput, Field: "rows", Message: `rows is empty; send {"rows":[{"accountId":"1001","mode":"new","subdomain":"acme","requestedBy":"admin@acme.test"}]}`}
		}
		rows = make([]starter.CampaignCSVRow, len(list))
		for i, row := range list {
			row.Line = 0 // the campaign numbers its rows
			rows[i] = starter.CampaignCSVRow{Line: i + 1, Row: row}
		}
	case "text/csv":
		body, err := s.readBody(w, r)
		if err != nil {
			return nil, false, err
		}
		if rows, err = starter.ParseCampaignCSV(bytes.NewReader(body)); err != nil {
			return nil, false, &apiError{Code: codeInvalidInput, Field: "csv", Message: err.Error()}
		}
		csv = true
	default:
		return nil, false, newError(codeUnsupportedMedia, fmt.Sprintf("send the rows as application/json ({\"rows\":[...]}) or as text/csv with the header %s[,%s] (got %q)",
			strings.Join(starter.CSVColumns, ","), starter.CampaignTimeZoneColumn, r.Header.Get("Content-Type")))
	}
	if len(rows) > maxCampaignRows {
		return nil, false, newError(codePayloadTooLarge, fmt.Sprintf("%d rows is more than %d per request; send the rest with POST %s/{name}/rows as the campaign starts them", len(rows), maxCampaignRows, campaignsPath))
	}
	size := 0
	for _, r := range rows {
		size += contract.RowBytes(r.Row)
	}
	if size > contract.MaxCampaignQueuedBytes {
		return nil, false, newError(codePayloadTooLarge, fmt.Sprintf("these %d rows take %d KiB in the campaign's state, more than the %d KiB it holds not yet started; send fewer now and the rest with POST %s/{name}/rows as the campaign starts them",
			len(rows), (size+1023)/1024, contract.MaxCampaignQueuedBytes/1024, campaignsPath))
	}
	return rows, csv, nil
}

// campaignName reads the {name} path segment. A name no campaign can have names none:
// 404.
func campaignName(r *http.Request) (string, error) {
	name := r.PathValue("name")
	if err := contract.ValidateCampaignName(name); err != nil {
		return "", newError(codeNotFound, err.Error())
	}
	return name, nil
}

// getCampaign answers the campaign's report: final once it has ended, else what is
// known so far with its live progress.
func (s *Server) getCampaign(w http.ResponseWriter, r *http.Request, _ principal) error {
	rep, err := s.campaignReportOf(r)
	if err != nil {
		return err
	}
	writeJSON(w, http.StatusOK, rep)
	return nil
}

// campaignReportOf reads the {name} segment and the campaign's report, its lists never
// null.
func (s *Server) campaignReportOf(r *http.Request) (starter.CampaignReport, error) {
	name, err := campaignName(r)
	if err != nil {
		return starter.CampaignReport{}, err
	}
	// A report past MaxCampaignReportRows is completed from visibility, which can take
	// minutes: bounded under the server's write timeout, so a slow one answers with
	// the starter's "did not finish" advice rather than a cut connection.
	ctx, cancel := context.WithTimeout(r.Context(), campaignReportWait)
	defer cancel()
	rep, err := s.starter.CampaignReport(ctx, name)
	if err != nil {
		return rep, err
	}
	if rep.Report.Rows == nil {
		rep.Report.Rows = []contract.CampaignRowReport{}
	}
	if rep.Progress != nil && rep.Progress.Reports == nil {
		rep.Progress.Reports = []contract.CampaignRowReport{}
	}
	return rep, nil
}

// campaignReport answers the report's rows as JSON (contract.CampaignReport) or as the
// CLI's CSV, to download.
func (s *Server) campaignReport(w http.ResponseWriter, r *http.Request, _ principal) error {
	q, err := queryParams(r, "format")
	if err != nil {
		return err
	}
	format := q["format"]
	if format != "" && format != "json" && format != "csv" {
		return &apiError{Code: codeInvalidInput, Field: "format", Message: fmt.Sprintf("format %q is not known; use json or csv", format)}
	}
	rep, err := s.campaignReportOf(r)
	if err != nil {
		return err
	}
	if format != "csv" {
		writeJSON(w, http.StatusOK, rep.Report)
		return nil
	}
	// Written whole before the status, so a failure is still an error body.
	var buf bytes.Buffer
	if err := starter.WriteCampaignReportCSV(&buf, rep.Report.Rows); err != nil {
		return err
	}
	h := w.Header()
	h.Set("Content-Type", "text/csv; charset=utf-8")
	h.Set("Content-Disposition", fmt.Sprintf(`attachment; filename="campaign-%s-report.csv"`, r.PathValue("name")))
	h.Set("Cache-Control", "no-store")
	h.Set("X-Content-Type-Options", "nosniff")
	w.WriteHeader(http.StatusOK)
	_, _ = w.Write(buf.Bytes())
	return nil
}

// campaignControlRequest is the optional body of pause, resume and cancel. By is for
// role-list tokens (see principal.operator); CancelStarted is cancel's only.
type campaignControlRequest struct {
	By            string `json:"by,omitempty"`
	CancelStarted bool   `json:"cancelStarted,omitempty"`
}

type campaignControlBody struct {
	WorkflowID    string `json:"workflowId"`
	Name          string `json:"name"`
	Control       string `json:"control"`
	CancelStarted bool   `json:"cancelStarted,omitempty"`
}

// campaignControl sends pause, resume or cancel to the campaign and answers once it
// took it; a control it refuses (already paused, not paused, ended) is a 409 with why.
func (s *Server) campaignControl(control string) func(w http.ResponseWriter, r *http.Request, p principal) error {
	return func(w http.ResponseWriter, r *http.Request, p principal) (err error) {
		defer func() {
			s.audit(r, p, "campaign-"+control, contract.CampaignWorkflowID(r.PathValue("name")), err)
		}()
		name, err := campaignName(r)
		if err != nil {
			return err
		}
		var req campaignControlRequest
		if err := s.decodeOptionalJSON(w, r, &req); err != nil {
			return err
		}
		if req.CancelStarted && control != contract.CampaignCancelName {
			return &apiError{Code: codeInvalidInput, Field: "cancelStarted", Message: "cancelStarted applies to cancel only"}
		}
		by, err := p.operator(req.By)
		if err != nil {
			return err
		}
		switch control {
		case contract.CampaignPauseName:
			err = s.starter.PauseCampaign(r.Context(), name, by)
		case contract.CampaignResumeName:
			err = s.starter.ResumeCampaign(r.Context(), name, by)
		default:
			err = s.starter.CancelCampaign(r.Context(), name, by, req.CancelStarted)
		}
		if err != nil {
			return err
		}
		writeJSON(w, http.StatusOK, campaignControlBody{WorkflowID: contract.CampaignWorkflowID(name), Name: name, Control: control, CancelStarted: req.CancelStarted})
		return nil
	}
}

// campaignAddRequest is the JSON body of an add.
type campaignAddRequest struct {
	Rows []contract.CampaignRow `json:"rows"`
	By   string                 `json:"by,omitempty"`
}

type campaignAddedBody struct {
	WorkflowID string `json:"workflowId"`
	contract.CampaignAddResult
}

// addCampaignRows appends rows to a running campaign, as JSON or as CSV (then ?by=).
// When a later batch is refused, the error says which lines the rows before it got.
func (s *Server) addCampaignRows(w http.ResponseWriter, r *http.Request, p principal) (err error) {
	defer func() {
		s.audit(r, p, campaignControls[campaignsPath+"/{name}/rows"], contract.CampaignWorkflowID(r.PathValue("name")), err)
	}()
	name, err := campaignName(r)
	if err != nil {
		return err
	}
	var req campaignAddRequest
	if mediaType(r) == "text/csv" {
		q, err := queryParams(r, "by")
		if err != nil {
			return err
		}
		req.By = q["by"]
	} else if _, err := queryParams(r); err != nil {
		return err
	}
	rows, _, err := s.readCampaignList(w, r, &req, func() []contract.CampaignRow { return req.Rows })
	if err != nil {
		return err
	}
	by, err := p.operator(req.By)
	if err != nil {
		return err
	}
	res, err := s.starter.AddCampaignRows(r.Context(), name, by, starter.CampaignRows(rows))
	if err != nil {
		if res.LastLine == 0 {
			return err
		}
		// The lines added must reach the caller, whatever the failure: the message is
		// made public, with a server-side cause shown as writeError would show it.
		return &apiError{Code: toAPIError(err).Code, public: true, Message: fmt.Sprintf(
			"rows added as lines %d to %d, then the rest not: %s", res.FirstLine, res.LastLine, s.publicMessage(w, r, err))}
	}
	writeJSON(w, http.StatusOK, campaignAddedBody{WorkflowID: contract.CampaignWorkflowID(name), CampaignAddResult: res})
	return nil
}
