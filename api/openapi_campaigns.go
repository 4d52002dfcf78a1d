package api

import (
	"fmt"
	"strings"

	"github.com/sellmigrate/sellmigrate/contract"
	"github.com/sellmigrate/sellmigrate/starter"
)

var campaignNameParam = pathParam("name", "the campaign's name (its workflow is campaign-NAME), e.g. wave-1", schema{"type": "string", "pattern": "^[a-z0-9]([a-z0-9-]{0,61}[a-z0-9])?$"})

// campaignRowsBody documents the rows of a start or an add: JSON or the CLI's CSV.
func campaignRowsBody(jsonSchema, what string) map[string]any {
	return map[string]any{"required": true, "content": map[string]any{
		"application/json": map[string]any{"schema": refTo(jsonSchema)},
		"text/csv": map[string]any{"schema": schema{"type": "string",
			"description": "header " + strings.Join(starter.CSVColumns, ",") + " and optionally " + starter.CampaignTimeZoneColumn +
				" (any order), then one line per account, as for `sellmigrate campaign " + what + " --csv`"}},
	}}
}

// controlOp documents pause, resume and cancel.
func controlOp(control, summary string) map[string]any {
	return with(with(op(control+"Campaign", "campaigns", summary+
		" By is the caller's: a named token's email, or for a role-list token the body's by (required then). "+
		"A control the campaign refuses (already paused, not paused, cancelled) or a campaign that has ended is a 409 saying why.", "ops",
		map[string]any{"200": jsonBody(refTo("CampaignControlled"), "the campaign took it")}, "400", "404", "409", "413", "415", "422"),
		"parameters", []any{campaignNameParam}),
		"requestBody", map[string]any{"required": false, "content": map[string]any{"application/json": map[string]any{"schema": refTo("CampaignControlRequest")}}})
}

// campaignPaths documents the routes of campaignRoutes.
func campaignPaths() map[string]any {
	csvOnly := func(name, desc string, s schema) map[string]any {
		return queryParam(name, "text/csv only: "+desc, s)
	}
	return map[string]any{
		campaignsPath: map[string]any{
			"get": op("listCampaigns", "campaigns", "List the campaigns from Temporal visibility, newest first", "viewer",
				map[string]any{"200": jsonBody(refTo("CampaignList"), "every campaign")}, "422"),
			"post": with(with(op("startCampaign", "campaigns",
				"Start a campaign: the workflow campaign-NAME starts the list's migrations at most ratePerMinute a minute, at most maxActive in active steps at once, inside its windows. "+
					"Bad, repeated or already running rows are reported on their row; the rest go on. "+
					fmt.Sprintf("A request holds at most %d rows taking at most %d KiB in the campaign's state (about 250 bytes a row with every column filled; 413 past either). ", maxCampaignRows, contract.MaxCampaignQueuedBytes/1024)+
					fmt.Sprintf("Rows beyond %d are sent as adds; when one is refused the campaign runs with those sent, and addError says so. ", contract.MaxCampaignAddRows)+
					"With dryRun (dry_run) nothing starts: the preflight checks the rows and its report is the answer, as `sellmigrate campaign start --dry-run` does.", "ops",
				map[string]any{
					"201": with(jsonBody(refTo("CampaignStarted"), "started"), "headers",
						map[string]any{"Location": map[string]any{"schema": schema{"type": "string"}, "description": "the campaign's URL"}}),
					"200": jsonBody(refTo("PreflightReport"), "dry run: the preflight's report, nothing started"),
				}, "400", "409", "413", "415", "422"),
				"parameters", []any{
					csvOnly("name", "the campaign's name", schema{"type": "string"}),
					csvOnly("max_active", "at most this many migrations in active steps at once", schema{"type": "integer", "minimum": 1, "default": contract.DefaultCampaignMaxActive}),
					csvOnly("rate", "at most this many starts a minute: R or R/m", schema{"type": "string", "default": fmt.Sprintf("%d/m", contract.DefaultCampaignRate)}),
					with(csvOnly("window", "start only inside this window, repeated for several: "+contract.WindowForm, schema{"type": "array", "items": schema{"type": "string"}}), "explode", true),
					csvOnly("dry_run", "true: preflight the rows, start nothing", schema{"type": "boolean", "default": false}),
					csvOnly("by", "role-list tokens: your email (a named token's is used)", schema{"type": "string", "format": "email"}),
				}),
				"requestBody", campaignRowsBody("CampaignStartRequest", "start")),
		},
		campaignsPath + "/{name}": map[string]any{"get": with(op("getCampaign", "campaigns",
			"A campaign's report: final once it has ended; while it runs, what is known so far (counts and refused rows) with its live progress", "viewer",
			map[string]any{"200": jsonBody(refTo("CampaignView"), "the report")}, "404"),
			"parameters", []any{campaignNameParam})},
		campaignsPath + "/{name}/report": map[string]any{"get": with(op("getCampaignReport", "campaigns",
			"The report's rows: per row the outcome, subdomain, users converted, users needing reactivation and error; as JSON, or as the CLI's CSV to download", "viewer",
			map[string]any{"200": map[string]any{"description": "the report", "content": map[string]any{
				"application/json": map[string]any{"schema": refTo("CampaignReport")},
				"text/csv": map[string]any{"schema": schema{"type": "string",
					"description": "header " + strings.Join(starter.CampaignReportColumns, ",") + "; sent as an attachment campaign-NAME-report.csv"}},
			}}}, "404", "422"),
			"parameters", []any{campaignNameParam, queryParam("format", "json or csv", strEnum("", "json", "csv"))})},
		campaignsPath + "/{name}/pause":  map[string]any{"post": controlOp("pause", "Stop the campaign's new starts; running migrations go on.")},
		campaignsPath + "/{name}/resume": map[string]any{"post": controlOp("resume", "Resume a paused campaign where it stopped.")},
		campaignsPath + "/{name}/cancel": map[string]any{"post": controlOp("cancel", "Stop the campaign's starts; with cancelStarted also cancel its started migrations not yet linked.")},
		campaignsPath + "/{name}/rows": map[string]any{"post": with(with(op("addCampaignRows", "campaigns",
			fmt.Sprintf("Append rows to a running campaign, in batches of %d; bad rows are reported on their row. ", contract.MaxCampaignAddRows)+
				"When a later batch is refused, the error says which lines the rows before it got.", "ops",
			map[string]any{"200": jsonBody(refTo("CampaignAdded"), "the lines the rows got")}, "400", "404", "409", "413", "415", "422"),
			"parameters", []any{campaignNameParam, queryParam("by", "text/csv only, role-list tokens: your email", schema{"type": "string", "format": "email"})}),
			"requestBody", campaignRowsBody("CampaignAddRequest", "add"))},
	}
}

// campaignSchemas are the components of the campaign routes.
func campaignSchemas() map[string]any {
	counts := refTo("CampaignCounts")
	row := refTo("CampaignRow")
	by := email("role-list tokens: the operator's email, required; a named token's email is used when left out, and any other is a 403")
	byStatus := map[string]any{}
	for _, st := range contract.Statuses {
		byStatus[string(st)] = integer("migrations with status " + string(st))
	}
	return map[string]any{
		"CampaignSummary": object("One campaign as visibility shows it.", map[string]any{
			"name":            str("the campaign's name"),
			"workflowId":      str("campaign-NAME"),
			"executionStatus": strEnum("Temporal's execution status", "Running", "Completed", "Failed", "Canceled", "Terminated", "ContinuedAsNew", "TimedOut"),
			"startedAt":       dateTime(""),
			"closedAt":        dateTime("absent while it runs"),
		}, "name", "workflowId", "executionStatus", "startedAt"),
		"CampaignList": object("", map[string]any{"campaigns": array(refTo("CampaignSummary"), "newest first")}, "campaigns"),
		"CampaignRow": object("One row of a campaign's list: the bulk start's fields plus the tenant's time zone.", map[string]any{
			"line":        integer("ignored when sent: the campaign numbers rows in the order sent"),
			"accountId":   str("the Sell account ID"),
			"mode":        strEnum("", string(contract.ModeNew), string(contract.ModeExisting)),
			"subdomain":   str("the Zendesk subdomain"),
			"requestedBy": email("the Sell admin asking for the migration"),
			"ownerEmail":  email("existing mode only: the Zendesk account owner"),
			"timeZone":    str("the tenant's IANA time zone, in which the windows then apply to this row"),
		}, "accountId", "mode", "requestedBy"),
		"CampaignStartRequest": object("", map[string]any{
			"name":          schema{"type": "string", "description": "lowercase letters, digits and inner hyphens, 1 to 63, e.g. wave-1", "pattern": campaignNameParam["schema"].(schema)["pattern"]},
			"rows":          schema{"type": "array", "items": row, "minItems": 1, "maxItems": maxCampaignRows},
			"maxActive":     schema{"type": "integer", "minimum": 1, "default": contract.DefaultCampaignMaxActive, "description": "at most this many migrations in active steps at once (those waiting for a person do not count)"},
			"ratePerMinute": schema{"type": "integer", "minimum": 1, "maximum": contract.MaxCampaignRate, "default": contract.DefaultCampaignRate, "description": "at most this many starts a minute"},
			"windows":       schema{"type": "array", "items": str(contract.WindowForm), "maxItems": contract.MaxCampaignWindows, "description": "start only inside these; none means at any time"},
			"dryRun":        boolean("preflight the rows and answer the report; start nothing"),
			"by":            by,
		}, "name", "rows"),
		"CampaignStarted": object("", map[string]any{
			"workflowId": str("campaign-NAME"),
			"runId":      str(""),
			"sent":       integer("rows the campaign holds"),
			"addError":   str("why the rows past sent were not added; send them with POST /api/v1/campaigns/{name}/rows"),
		}, "workflowId", "runId", "sent"),
		"CampaignControlRequest": object("Optional.", map[string]any{
			"by":            by,
			"cancelStarted": boolean("cancel only: also cancel the started migrations not yet linked"),
		}),
		"CampaignControlled": object("", map[string]any{
			"workflowId":    str("campaign-NAME"),
			"name":          str(""),
			"control":       strEnum("", contract.CampaignPauseName, contract.CampaignResumeName, contract.CampaignCancelName),
			"cancelStarted": boolean("cancel with cancelStarted"),
		}, "workflowId", "name", "control"),
		"CampaignAddRequest": object("", map[string]any{
			"rows": schema{"type": "array", "items": row, "minItems": 1, "maxItems": maxCampaignRows},
			"by":   by,
		}, "rows"),
		"CampaignAdded": object("", map[string]any{
			"workflowId": str("campaign-NAME"),
			"firstLine":  integer("the line the first row got"),
			"lastLine":   integer("the line the last row got"),
		}, "workflowId", "firstLine", "lastLine"),
		"CampaignCounts": object("The campaign's rows.", map[string]any{
			"total":      integer(""),
			"queued":     integer("not started yet"),
			"started":    integer(""),
			"refused":    integer("never started: invalid, repeated, or already running elsewhere"),
			"notStarted": integer("dropped by a cancel"),
		}, "total", "queued", "started", "refused", "notStarted"),
		"CampaignRowReport": object("One row of the report.", map[string]any{
			"line":      integer("the row's place in the campaign"),
			"accountId": str(""),
			"outcome": str(fmt.Sprintf("%s, %s, %s, %s, %s or %s; in the final report a started row has its migration's status instead (%s)",
				contract.OutcomeQueued, contract.OutcomeStarted, contract.OutcomeInvalid, contract.OutcomeDuplicate, contract.OutcomeAlreadyExists,
				contract.OutcomeNotStarted, strings.Join(stringsOf(contract.Statuses), ", "))),
			"subdomain":         str(""),
			"usersConverted":    integer("from a completed migration's result"),
			"needsReactivation": integer("users to reactivate, from a completed migration's result"),
			"error":             str("why the row was refused or its migration failed"),
			"runId":             str("the first run of the migration the row started (an account added again after a failure has a row per migration); absent on rows completed from visibility"),
		}, "line", "accountId", "outcome"),
		"CampaignCancel": object("The cancel a campaign took.", map[string]any{
			"by":            str("who cancelled"),
			"cancelStarted": boolean(""),
			"principal":     refTo("Principal"),
		}, "by", "cancelStarted"),
		"CampaignReport": object(fmt.Sprintf("The campaign's result: the rows' reports up to %d rows and %d KiB (refused rows, then started rows with their outcome; long values clipped with \u2026), and the counts.", contract.MaxCampaignReportRows, contract.MaxCampaignResultBytes/1024), map[string]any{
			"name":                str(""),
			"counts":              counts,
			"rows":                array(refTo("CampaignRowReport"), ""),
			"omitted":             integer("rows counted only, beyond the report's cap; list them with GET /api/v1/migrations?campaign=NAME"),
			"canceled":            refTo("CampaignCancel"),
			"cancelledMigrations": integer("migrations a cancel with cancelStarted stopped"),
		}, "name", "counts", "rows"),
		"CampaignProgress": object("Where a running campaign stands, as its progress query answers.", map[string]any{
			"workflowId": str("campaign-NAME"),
			"name":       str(""),
			"state": strEnum("", string(contract.CampaignRunning), string(contract.CampaignPaused), string(contract.CampaignOutside),
				string(contract.CampaignDraining), string(contract.CampaignCancelled), string(contract.CampaignDone)),
			"paused":            boolean(""),
			"counts":            counts,
			"byStatus":          schema{"type": "object", "properties": byStatus, "additionalProperties": false, "description": "the campaign's running migrations by status, as visibility showed them at the last count (every 30 s)"},
			"active":            integer("migrations in active steps"),
			"maxActive":         integer(""),
			"ratePerMinute":     integer("the target"),
			"achievedPerMinute": schema{"type": "number", "description": "starts a minute since pacing last began (the start, a resume or a window's opening), the first start not counted as it goes at once; 0 until a second start"},
			"windows":           array(str(""), "absent when none"),
			"nextWindow":        dateTime("when the next window opens, while outside every window"),
			"startedAt":         dateTime(""),
			"runs":              integer("workflow runs so far (continue-as-new)"),
			"reports":           array(refTo("CampaignRowReport"), "the refused rows so far"),
			"omitted":           integer("refused rows counted only, beyond the cap"),
		}, "workflowId", "name", "state", "paused", "counts", "byStatus", "active", "maxActive", "ratePerMinute", "achievedPerMinute", "startedAt", "runs", "reports"),
		"CampaignView": object("A campaign's report, with its live progress while it runs.", map[string]any{
			"final":    boolean("the campaign has ended and this is its final report"),
			"report":   refTo("CampaignReport"),
			"progress": refTo("CampaignProgress"),
		}, "final", "report"),
	}
}
