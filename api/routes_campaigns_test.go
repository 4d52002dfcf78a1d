package api

import (
	"fmt"
	"net/url"
	"reflect"
	"strings"
	"testing"

	enumspb "go.temporal.io/api/enums/v1"
	"go.uber.org/zap/zaptest/observer"

	"github.com/sellmigrate/sellmigrate/contract"
)

const (
	campaignRow  = `{"accountId":"1001","mode":"new","subdomain":"acme","requestedBy":"admin@acme.test"}`
	campaignCSV  = "account_id,mode,subdomain,requested_by,owner_email,time_zone\n1001,new,acme,admin@acme.test,,Europe/Paris\n1002,existing,globex,admin@globex.test,owner@globex.test,\n"
	ciToken      = "Bearer ci-secret-token"
	wave1        = "campaign-wave-1"
	parisWindow  = "Mon-Fri 09:00-17:00 Europe/Paris"
	saturdaySpec = "Sat 10:00-12:00"
)

// auditLines are the audit log lines as "action target outcome principal".
func auditLines(logs *observer.ObservedLogs) []string {
	var out []string
	for _, e := range logs.FilterMessage("audit").All() {
		f := e.ContextMap()
		out = append(out, f["action"].(string)+" "+f["migration"].(string)+" "+f["outcome"].(string)+" "+f["principal"].(string))
	}
	return out
}

// TestCampaignStartJSON: ops start a campaign from JSON; the settings left out take the
// CLI's defaults, the caller is recorded (the named token's email as by, the principal
// as startedBy), and the start is audited.
func TestCampaignStartJSON(t *testing.T) {
	s, c, logs := campaignServer(t)
	rec, m := call(t, s, "POST", "/api/v1/campaigns", ciToken, "application/json",
		`{"name":"wave-1","rows":[`+campaignRow+`,{"accountId":"1002","mode":"new","requestedBy":"admin@globex.test","line":7}],"windows":["`+parisWindow+`"]}`)
	if rec.Code != 201 || m["workflowId"] != wave1 || m["runId"] != "run-1" || m["sent"] != 2.0 || m["addError"] != nil {
		t.Fatalf("start: %d %s", rec.Code, rec.Body)
	}
	if loc := rec.Header().Get("Location"); loc != "/api/v1/campaigns/wave-1" {
		t.Errorf("Location %q", loc)
	}
	started, _, _, _ := c.seen()
	if len(started) != 1 {
		t.Fatalf("%d campaigns started, want 1", len(started))
	}
	in := started[0]
	if in.Name != "wave-1" || len(in.Rows) != 2 || in.Rows[1].Line != 0 || in.Rows[1].AccountID != "1002" ||
		in.MaxActive != contract.DefaultCampaignMaxActive || in.RatePerMinute != contract.DefaultCampaignRate ||
		!reflect.DeepEqual(in.Windows, []string{parisWindow}) {
		t.Errorf("campaign input %+v", in)
	}
	if in.StartedBy == nil || in.StartedBy.Name != "ci-bot" || in.StartedBy.Email != "ci@example.test" {
		t.Errorf("startedBy %+v, want ci-bot", in.StartedBy)
	}
	if got := strings.Join(auditLines(logs), "; "); got != "campaign-start campaign-wave-1 ok ci-bot" {
		t.Errorf("audit = %s", got)
	}

	// The same name again: 409 with the starter's message.
	rec, m = call(t, s, "POST", "/api/v1/campaigns", ciToken, "application/json", `{"name":"wave-1","rows":[`+campaignRow+`]}`)
	if msg := wantError(t, rec, m, 409, "conflict"); !strings.Contains(msg, "campaign wave-1 already exists and is running") {
		t.Errorf("duplicate: %q", msg)
	}
}

// TestCampaignStartCSV: a CSV list with its settings in the query (window repeated, the
// CLI's 30/m form of rate); a role-list token, which has no email, gives by itself.
func TestCampaignStartCSV(t *testing.T) {
	s, c, logs := campaignServer(t)
	q := url.Values{"name": {"wave-2"}, "max_active": {"5"}, "rate": {"12/m"}, "window": {parisWindow, saturdaySpec}, "by": {"ops@example.test"}}
	rec, m := call(t, s, "POST", "/api/v1/campaigns?"+q.Encode(), "Bearer tok-ops", "text/csv", campaignCSV)
	if rec.Code != 201 || m["workflowId"] != "campaign-wave-2" || m["sent"] != 2.0 {
		t.Fatalf("CSV start: %d %s", rec.Code, rec.Body)
	}
	started, _, _, _ := c.seen()
	in := started[0]
	if in.MaxActive != 5 || in.RatePerMinute != 12 || !reflect.DeepEqual(in.Windows, []string{parisWindow, saturdaySpec}) ||
		len(in.Rows) != 2 || in.Rows[0].TimeZone != "Europe/Paris" || in.Rows[1].OwnerEmail != "owner@globex.test" {
		t.Errorf("campaign input %+v", in)
	}
	if in.StartedBy == nil || in.StartedBy.Name != "ops token 1" {
		t.Errorf("startedBy %+v", in.StartedBy)
	}

	// A role-list token must say who it is.
	q.Del("by")
	q.Set("name", "wave-3")
	rec, m = call(t, s, "POST", "/api/v1/campaigns?"+q.Encode(), "Bearer tok-ops", "text/csv", campaignCSV)
	wantError(t, rec, m, 422, "invalid_input")
	if e := m["error"].(map[string]any); e["field"] != "by" {
		t.Errorf("no by: field %v, want by", e["field"])
	}
	if started, _, _, _ := c.seen(); len(started) != 1 {
		t.Errorf("%d campaigns started, want only the first", len(started))
	}
	if got := strings.Join(auditLines(logs), "; "); got != "campaign-start campaign-wave-2 ok ops token 1; campaign-start campaign-wave-3 invalid_input ops token 1" {
		t.Errorf("audit = %s", got)
	}
}

// TestCampaignDryRun: a dry run, JSON or CSV, runs the preflight on the rows (their
// time zones checked) and answers its report; no campaign starts and nothing is
// audited. A dry_run in the query of a JSON start is refused, not ignored.
func TestCampaignDryRun(t *testing.T) {
	s, c, logs := campaignServer(t)
	c.preflight = contract.PreflightReport{Rows: []contract.PreflightRowReport{{PreflightRow: contract.PreflightRow{Line: 1, AccountID: "1001"}, Verdict: contract.VerdictReady}}, Ready: 1}
	rec, m := call(t, s, "POST", "/api/v1/campaigns", ciToken, "application/json",
		`{"name":"wave-1","dryRun":true,"rows":[`+campaignRow+`,{"accountId":"1002","mode":"new","requestedBy":"admin@globex.test","timeZone":"Mars/Olympus"}]}`)
	if rec.Code != 200 || m["ready"] != 1.0 || m["workflowId"] != "preflight-wave-1" {
		t.Fatalf("dry run: %d %s", rec.Code, rec.Body)
	}
	rec, _ = call(t, s, "POST", "/api/v1/campaigns?name=wave-1&dry_run=true", "Bearer tok-ops", "text/csv", campaignCSV)
	if rec.Code != 200 {
		t.Fatalf("CSV dry run: %d %s", rec.Code, rec.Body)
	}
	rec, m = call(t, s, "POST", "/api/v1/campaigns?dry_run=true", ciToken, "application/json", `{"name":"wave-1","rows":[`+campaignRow+`]}`)
	wantError(t, rec, m, 422, "invalid_input")
	// A dry run refused for its list is not audited either.
	rec, m = call(t, s, "POST", "/api/v1/campaigns?name=wave-1&dry_run=true", "Bearer tok-ops", "text/csv", "account,mode\n1001,new\n")
	wantError(t, rec, m, 422, "invalid_input")

	started, preflights, _, _ := c.seen()
	if len(started) != 0 {
		t.Errorf("a dry run started %d campaign(s)", len(started))
	}
	if len(preflights) != 2 || len(preflights[0].Rows) != 2 || !strings.Contains(preflights[0].Rows[1].Invalid, "time_zone") ||
		preflights[1].Rows[0].Line != 2 {
		t.Errorf("preflights %+v", preflights)
	}
	if got := auditLines(logs); len(got) != 1 || !strings.HasPrefix(got[0], "campaign-start  invalid_input") {
		t.Errorf("audit = %q, want only the refused JSON start", got)
	}
}

// TestCampaignStartBadInput: bad settings and lists are refused naming the field,
// before anything reaches Temporal.
func TestCampaignStartBadInput(t *testing.T) {
	s, c, _ := campaignServer(t)
	s.opts.MaxBodyBytes = 1 << 20 // the production default, which a CSV of long rows fits
	for _, tc := range []struct {
		name, query, contentType, body string
		status                         int
		code, field, want              string
	}{
		{"bad name", "", "application/json", `{"name":"Wave 1","rows":[` + campaignRow + `]}`, 422, "invalid_input", "name", "campaign name"},
		{"no name", "", "application/json", `{"rows":[` + campaignRow + `]}`, 422, "invalid_input", "name", "campaign name"},
		{"maxActive 0", "", "application/json", `{"name":"wave-1","maxActive":0,"rows":[` + campaignRow + `]}`, 422, "invalid_input", "maxActive", "at least 1"},
		{"rate too high", "", "application/json", `{"name":"wave-1","ratePerMinute":60001,"rows":[` + campaignRow + `]}`, 422, "invalid_input", "ratePerMinute", "60000"},
		{"bad window", "", "application/json", `{"name":"wave-1","windows":["weekdays"],"rows":[` + campaignRow + `]}`, 422, "invalid_input", "windows", "DAYS HH:MM-HH:MM"},
		{"bad window, dry run", "", "application/json", `{"name":"wave-1","dryRun":true,"windows":["weekdays"],"rows":[` + campaignRow + `]}`, 422, "invalid_input", "windows", "DAYS"},
		{"no rows", "", "application/json", `{"name":"wave-1","rows":[]}`, 422, "invalid_input", "rows", "rows is empty"},
		{"unknown field", "", "application/json", `{"name":"wave-1","wave":2,"rows":[` + campaignRow + `]}`, 400, "bad_request", "", `unknown field "wave"`},
		{"CSV rate", "?name=wave-1&rate=fast", "text/csv", campaignCSV, 422, "invalid_input", "rate", "R/m"},
		{"CSV max_active", "?name=wave-1&max_active=lots", "text/csv", campaignCSV, 422, "invalid_input", "max_active", "whole number"},
		{"CSV window", "?name=wave-1&window=Mon", "text/csv", campaignCSV, 422, "invalid_input", "window", "DAYS"},
		{"CSV dry_run", "?name=wave-1&dry_run=maybe", "text/csv", campaignCSV, 422, "invalid_input", "dry_run", "true or false"},
		{"CSV unknown parameter", "?name=wave-1&wave=2", "text/csv", campaignCSV, 422, "invalid_input", "wave", "not known"},
		{"CSV name twice", "?name=wave-1&name=wave-2", "text/csv", campaignCSV, 422, "invalid_input", "name", "2 times"},
		{"CSV header", "?name=wave-1", "text/csv", "account,mode\n1001,new\n", 422, "invalid_input", "csv", "unknown column"},
		{"not a list", "", "text/plain", campaignCSV, 415, "unsupported_media_type", "", "text/csv"},
		{"rows past the queue's size", "?name=wave-1", "text/csv", longCampaignCSV(5000), 413, "payload_too_large", "", "more than the 1024 KiB it holds not yet started"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			rec, m := call(t, s, "POST", "/api/v1/campaigns"+tc.query, ciToken, tc.contentType, tc.body)
			if msg := wantError(t, rec, m, tc.status, tc.code); !strings.Contains(msg, tc.want) {
				t.Errorf("message %q lacks %q", msg, tc.want)
			}
			if e, _ := m["error"].(map[string]any); tc.field != "" && (e == nil || e["field"] != tc.field) {
				t.Errorf("field %v, want %q", e["field"], tc.field)
			}
		})
	}
	if started, preflights, _, _ := c.seen(); len(started) != 0 || len(preflights) != 0 {
		t.Errorf("bad input reached Temporal: %d starts, %d preflights", len(started), len(preflights))
	}
}

// longCampaignCSV is n rows with every column filled at length: under 1 MB of CSV,
// twice that in the campaign's state.
func longCampaignCSV(n int) string {
	var b strings.Builder
	b.WriteString("account_id,mode,subdomain,requested_by,owner_email,time_zone\n")
	for i := range n {
		fmt.Fprintf(&b, "%d,existing,acme-corporation-emea-%d,firstname.lastname@acme-corporation.example,owner.lastname@acme-corporation.example,America/Argentina/Buenos_Aires\n", 100000+i, i)
	}
	return b.String()
}

// TestCampaignControls: pause, resume and cancel reach the campaign as its updates, by
// the caller (a named token's email; a role-list token's by); a forged by is a 403, a
// refused control and an ended campaign are 409s saying why, an unknown one a 404.
func TestCampaignControls(t *testing.T) {
	s, c, logs := campaignServer(t)
	c.put(wave1, enumspb.WORKFLOW_EXECUTION_STATUS_RUNNING)
	c.put("campaign-wave-0", enumspb.WORKFLOW_EXECUTION_STATUS_COMPLETED)

	rec, m := call(t, s, "POST", "/api/v1/campaigns/wave-1/pause", ciToken, "", "")
	if rec.Code != 200 || m["workflowId"] != wave1 || m["control"] != "pause" {
		t.Fatalf("pause: %d %s", rec.Code, rec.Body)
	}
	rec, _ = call(t, s, "POST", "/api/v1/campaigns/wave-1/resume", "Bearer tok-ops", "application/json", `{"by":"ops@example.test"}`)
	if rec.Code != 200 {
		t.Fatalf("resume: %d %s", rec.Code, rec.Body)
	}
	rec, m = call(t, s, "POST", "/api/v1/campaigns/wave-1/cancel", ciToken, "application/json", `{"cancelStarted":true}`)
	if rec.Code != 200 || m["cancelStarted"] != true {
		t.Fatalf("cancel: %d %s", rec.Code, rec.Body)
	}
	_, _, updates, _ := c.seen()
	if len(updates) != 3 {
		t.Fatalf("%d updates, want 3", len(updates))
	}
	if u := updates[0]; u.WorkflowID != wave1 || u.UpdateName != contract.CampaignPauseName || u.Args[0].(contract.CampaignControlInput).By != "ci@example.test" {
		t.Errorf("pause sent %+v", u)
	}
	if u := updates[1]; u.UpdateName != contract.CampaignResumeName || u.Args[0].(contract.CampaignControlInput).By != "ops@example.test" {
		t.Errorf("resume sent %+v", u)
	}
	if u := updates[2]; u.UpdateName != contract.CampaignCancelName || u.Args[0] != (contract.CampaignCancel{By: "ci@example.test", CancelStarted: true}) {
		t.Errorf("cancel sent %+v", u)
	}

	for _, tc := range []struct {
		name, path, token, contentType, body string
		refuse                               string
		status                               int
		code, want                           string
	}{
		{"forged by", "wave-1/pause", ciToken, "application/json", `{"by":"someone@else.test"}`, "", 403, "forbidden", "ci-bot's (ci@example.test)"},
		{"role-list token without by", "wave-1/pause", "Bearer tok-ops", "", "", "", 422, "invalid_input", "by"},
		{"refused", "wave-1/resume", ciToken, "", "", "the campaign is not paused", 409, "conflict", "resume refused by campaign wave-1: the campaign is not paused"},
		{"ended", "wave-0/pause", ciToken, "", "", "", 409, "conflict", "campaign wave-0 has ended (Completed)"},
		{"unknown", "wave-9/cancel", ciToken, "", "", "", 404, "not_found", "no campaign named wave-9"},
		{"not a name", "Wave_1/pause", ciToken, "", "", "", 404, "not_found", "not valid"},
		{"cancelStarted on pause", "wave-1/pause", ciToken, "application/json", `{"cancelStarted":true}`, "", 422, "invalid_input", "cancel only"},
		{"body not JSON", "wave-1/pause", ciToken, "text/plain", "pause", "", 415, "unsupported_media_type", "application/json"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			c.mu.Lock()
			c.refuse = tc.refuse
			c.mu.Unlock()
			rec, m := call(t, s, "POST", "/api/v1/campaigns/"+tc.path, tc.token, tc.contentType, tc.body)
			if msg := wantError(t, rec, m, tc.status, tc.code); !strings.Contains(msg, tc.want) {
				t.Errorf("message %q lacks %q", msg, tc.want)
			}
		})
	}
	c.refuse = ""
	_, _, updates, _ = c.seen()
	// The refused, ended and unknown controls reached Temporal; nothing else did.
	if len(updates) != 6 {
		t.Errorf("%d updates, want 6", len(updates))
	}
	got := auditLines(logs)
	want := []string{"campaign-pause campaign-wave-1 ok ci-bot", "campaign-resume campaign-wave-1 ok ops token 1", "campaign-cancel campaign-wave-1 ok ci-bot",
		"campaign-pause campaign-wave-1 forbidden ci-bot"}
	if len(got) < len(want) || !reflect.DeepEqual(got[:len(want)], want) {
		t.Errorf("audit = %q, want it to begin %q", got, want)
	}
}

// TestCampaignAddRows: rows are added as JSON or CSV and the answer gives their lines.
func TestCampaignAddRows(t *testing.T) {
	s, c, _ := campaignServer(t)
	rec, _ := call(t, s, "POST", "/api/v1/campaigns", ciToken, "application/json", `{"name":"wave-1","rows":[`+campaignRow+`]}`)
	if rec.Code != 201 {
		t.Fatalf("start: %d %s", rec.Code, rec.Body)
	}
	rec, m := call(t, s, "POST", "/api/v1/campaigns/wave-1/rows", ciToken, "application/json",
		`{"rows":[{"accountId":"1003","mode":"new","requestedBy":"admin@initech.test"}]}`)
	if rec.Code != 200 || m["workflowId"] != wave1 || m["firstLine"] != 2.0 || m["lastLine"] != 2.0 {
		t.Fatalf("add JSON: %d %s", rec.Code, rec.Body)
	}
	rec, m = call(t, s, "POST", "/api/v1/campaigns/wave-1/rows?by=ops@example.test", "Bearer tok-ops", "text/csv", campaignCSV)
	if rec.Code != 200 || m["firstLine"] != 3.0 || m["lastLine"] != 4.0 {
		t.Fatalf("add CSV: %d %s", rec.Code, rec.Body)
	}
	_, _, updates, _ := c.seen()
	if len(updates) != 2 {
		t.Fatalf("%d updates, want 2", len(updates))
	}
	if in := updates[1].Args[0].(contract.CampaignAddInput); in.By != "ops@example.test" || len(in.Rows) != 2 || in.Rows[0].TimeZone != "Europe/Paris" {
		t.Errorf("CSV add sent %+v", in)
	}
	rec, m = call(t, s, "POST", "/api/v1/campaigns/wave-9/rows", ciToken, "application/json", `{"rows":[`+campaignRow+`]}`)
	wantError(t, rec, m, 404, "not_found")
}

// TestCampaignReadRoutes: the list, a running campaign's report with its progress, an
// ended one's final report, and the report as JSON and as a CSV download.
func TestCampaignReadRoutes(t *testing.T) {
	s, c, _ := campaignServer(t)
	rec, m := call(t, s, "GET", "/api/v1/campaigns", "Bearer tok-viewer", "", "")
	if list, ok := m["campaigns"].([]any); rec.Code != 200 || !ok || len(list) != 0 {
		t.Fatalf("empty list: %d %s", rec.Code, rec.Body)
	}
	c.put("campaign-wave-0", enumspb.WORKFLOW_EXECUTION_STATUS_COMPLETED)
	c.put(wave1, enumspb.WORKFLOW_EXECUTION_STATUS_RUNNING)
	rec, m = call(t, s, "GET", "/api/v1/campaigns", "Bearer tok-viewer", "", "")
	list, _ := m["campaigns"].([]any)
	if rec.Code != 200 || len(list) != 2 {
		t.Fatalf("list: %d %s", rec.Code, rec.Body)
	}
	if first := list[0].(map[string]any); first["name"] != "wave-1" || first["executionStatus"] != "Running" || first["closedAt"] != nil {
		t.Errorf("newest campaign %v", first)
	}

	c.progress = contract.CampaignProgress{WorkflowID: wave1, Name: "wave-1", State: contract.CampaignPaused, Paused: true,
		Counts: contract.CampaignCounts{Total: 3, Queued: 1, Started: 1, Refused: 1}, MaxActive: 20, RatePerMinute: 30,
		Reports: []contract.CampaignRowReport{{Line: 3, AccountID: "x", Outcome: contract.OutcomeInvalid, Error: "accountId is not valid"}}}
	rec, m = call(t, s, "GET", "/api/v1/campaigns/wave-1", "Bearer tok-viewer", "", "")
	progress, _ := m["progress"].(map[string]any)
	report, _ := m["report"].(map[string]any)
	if rec.Code != 200 || m["final"] != false || progress == nil || progress["state"] != "paused" || report == nil || len(report["rows"].([]any)) != 1 {
		t.Fatalf("running campaign: %d %s", rec.Code, rec.Body)
	}

	c.final = contract.CampaignReport{Name: "wave-0", Counts: contract.CampaignCounts{Total: 1, Started: 1},
		Rows: []contract.CampaignRowReport{{Line: 1, AccountID: "1001", Outcome: "completed", Subdomain: "acme", UsersConverted: 12, NeedsReactivation: 2}}}
	rec, m = call(t, s, "GET", "/api/v1/campaigns/wave-0", "Bearer tok-viewer", "", "")
	if _, hasProgress := m["progress"]; rec.Code != 200 || m["final"] != true || hasProgress {
		t.Fatalf("ended campaign: %d %s", rec.Code, rec.Body)
	}
	rec, m = call(t, s, "GET", "/api/v1/campaigns/wave-0/report?format=json", "Bearer tok-viewer", "", "")
	if rec.Code != 200 || m["name"] != "wave-0" || len(m["rows"].([]any)) != 1 {
		t.Fatalf("JSON report: %d %s", rec.Code, rec.Body)
	}
	rec, _ = call(t, s, "GET", "/api/v1/campaigns/wave-0/report?format=csv", "Bearer tok-viewer", "", "")
	want := "line,account_id,outcome,subdomain,users_converted,needs_reactivation,error\n1,1001,completed,acme,12,2,\n"
	if rec.Code != 200 || rec.Body.String() != want || !strings.HasPrefix(rec.Header().Get("Content-Type"), "text/csv") ||
		rec.Header().Get("Content-Disposition") != `attachment; filename="campaign-wave-0-report.csv"` {
		t.Errorf("CSV report: %d %v\n%s", rec.Code, rec.Header(), rec.Body)
	}

	rec, m = call(t, s, "GET", "/api/v1/campaigns/wave-0/report?format=xml", "Bearer tok-viewer", "", "")
	wantError(t, rec, m, 422, "invalid_input")
	rec, m = call(t, s, "GET", "/api/v1/campaigns/wave-9", "Bearer tok-viewer", "", "")
	wantError(t, rec, m, 404, "not_found")
	rec, m = call(t, s, "GET", "/api/v1/campaigns/Wave_9/report", "Bearer tok-viewer", "", "")
	wantError(t, rec, m, 404, "not_found")
}

// TestMigrationsByCampaign: ?campaign= lists the migrations a campaign started, by the
// CampaignID search attribute; a name no campaign can have is refused.
func TestMigrationsByCampaign(t *testing.T) {
	s, c, _ := campaignServer(t)
	rec, _ := call(t, s, "GET", "/api/v1/migrations?campaign=wave-1&status=running", "Bearer tok-viewer", "", "")
	if rec.Code != 200 {
		t.Fatalf("list: %d %s", rec.Code, rec.Body)
	}
	_, _, _, queries := c.seen()
	if len(queries) != 1 || !strings.Contains(queries[0], "CampaignID = 'campaign-wave-1'") || !strings.Contains(queries[0], "MigrationStatus = 'running'") {
		t.Errorf("visibility queries %q", queries)
	}
	rec, m := call(t, s, "GET", "/api/v1/migrations?campaign=wave'1", "Bearer tok-viewer", "", "")
	wantError(t, rec, m, 422, "invalid_input")
	if e := m["error"].(map[string]any); e["field"] != "campaign" {
		t.Errorf("field %v, want campaign", e["field"])
	}
	if _, _, _, queries = c.seen(); len(queries) != 1 {
		t.Errorf("a bad campaign name reached visibility: %q", queries)
	}
}

// TestCampaignRefusalsAudited: a campaign control refused before its handler ran is
// audited under the campaign's action and workflow ID.
func TestCampaignRefusalsAudited(t *testing.T) {
	s, _, logs := campaignServer(t)
	rec, m := call(t, s, "POST", "/api/v1/campaigns/wave-1/pause", "Bearer tok-viewer", "", "")
	wantError(t, rec, m, 403, "forbidden")
	rec, m = call(t, s, "POST", "/api/v1/campaigns", "", "text/csv", campaignCSV)
	wantError(t, rec, m, 401, "unauthorized")
	got := strings.Join(auditLines(logs), "; ")
	if got != "campaign-pause campaign-wave-1 forbidden viewer token 1; campaign-start  unauthenticated anonymous" {
		t.Errorf("audit = %s", got)
	}
}
