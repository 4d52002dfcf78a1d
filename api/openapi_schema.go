package api

import (
	"fmt"
	"maps"
	"sort"
	"strings"

	"github.com/sellmigrate/sellmigrate/contract"
)

// Small builders for OpenAPI 3.0 schema objects, so the document reads like the types
// it describes and its enums come from the workflow's own lists.
type schema = map[string]any

func str(desc string) schema { return schema{"type": "string", "description": desc} }

func strEnum(desc string, values ...string) schema {
	return schema{"type": "string", "description": desc, "enum": values}
}

func dateTime(desc string) schema {
	return schema{"type": "string", "format": "date-time", "description": desc}
}

func integer(desc string) schema {
	return schema{"type": "integer", "format": "int64", "description": desc}
}

func boolean(desc string) schema { return schema{"type": "boolean", "description": desc} }

func array(items schema, desc string) schema {
	return schema{"type": "array", "items": items, "description": desc}
}

func refTo(name string) schema { return schema{"$ref": "#/components/schemas/" + name} }

func nullable(s schema) schema {
	out := schema{"nullable": true}
	for k, v := range s {
		out[k] = v
	}
	return out
}

// object is a closed object: the API refuses unknown fields in what it reads, and
// writes only the fields listed.
func object(desc string, props map[string]any, required ...string) schema {
	s := schema{"type": "object", "description": desc, "properties": props, "additionalProperties": false}
	if len(required) > 0 {
		sort.Strings(required)
		s["required"] = required
	}
	return s
}

func stringsOf[T ~string](values []T) []string {
	out := make([]string, len(values))
	for i, v := range values {
		out[i] = string(v)
	}
	return out
}

func errorCodeList() []string {
	codes := make([]string, 0, len(errorCodes))
	for c := range errorCodes {
		codes = append(codes, c)
	}
	sort.Strings(codes)
	return codes
}

// schemas are the document's components.schemas.
func schemas() map[string]any {
	statuses := stringsOf(contract.Statuses)
	steps := stringsOf(contract.Steps)
	conversionPath := strEnum("how contributors were created: bulk (create_many jobs), or one-by-one (one POST /api/v2/users each, "+
		"because the Zendesk account's bulk imports are off); absent when no conversion ran",
		contract.ConversionPathBulk, contract.ConversionPathOneByOne)
	// reportedUsers are the fields that report users rather than convert them, the same
	// in ContributorCounts and Result.
	reportedUsers := map[string]any{
		"needsReactivationCount": integer("all users to reactivate"),
		"inactive":               integer("Sell users deactivated in Sell: not converted, reported"),
		"inactiveEmails":         nullable(array(str(""), fmt.Sprintf("the first %d inactive Sell users", contract.MaxReportedEmails))),
		"suspendedEmails":        nullable(array(str(""), fmt.Sprintf("the first %d suspended users", contract.MaxReportedEmails))),
	}
	modes := []string{string(contract.ModeNew), string(contract.ModeExisting)}
	byStatus := map[string]any{}
	for _, st := range statuses {
		byStatus[st] = integer("migrations with status " + st)
	}
	subdomain := subdomainSchema()
	duration := func(desc string) schema { return integer(desc + " (nanoseconds)") }

	out := map[string]any{
		"Error": object("Every error has this shape.", map[string]any{
			"error": object("", map[string]any{
				"code":    strEnum("machine-readable kind of error; each maps to one HTTP status", errorCodeList()...),
				"message": str("what went wrong and what to do, for a person"),
				"field":   str("the input at fault, for invalid_input"),
				"requestId": str("the request's X-Request-Id, on 5xx answers: their message is generic, " +
					"and an operator finds the cause in the log under this ID"),
			}, "code", "message"),
		}, "error"),
		"Health":         object("", map[string]any{"ok": boolean("always true while the server answers")}, "ok"),
		"SessionRequest": object("", map[string]any{"token": str("an API token")}, "token"),
		"SignInOptions": object("", map[string]any{
			"oidc":     boolean("true when staff sign in through the OIDC provider (api.oidc_issuer)"),
			"loginUrl": str("where the browser goes to sign in through it: " + staffLoginPath),
		}, "oidc"),
		"Role": object("", map[string]any{
			"role":  strEnum("the caller's role; admin includes ops, ops includes viewer", "viewer", "ops", "admin"),
			"name":  str("the token's principal: a named token's name (api.tokens), or for a role-list token its role and place, e.g. ops token 1"),
			"email": email("a named token's email: the API fills an absent by with it and refuses a by that differs; absent for role-list tokens"),
		}, "role", "name"),
		"AuditRecord": object("One line of the audit trail: a call that changes a migration, or one refused before it ran.", map[string]any{
			"time":           schema{"type": "string", "format": "date-time", "description": "when the server recorded it (UTC)"},
			"principal":      str("the token's principal; anonymous without a valid token or session"),
			"principalEmail": str("the principal's email; absent for role-list tokens and anonymous callers"),
			"role":           strEnum("the principal's role; none when anonymous", "viewer", "ops", "admin", "none"),
			"action":         str("start, bulk-start (one line per row), cancel, owner-login-link (a signed owner-login link handed out), an input's name, or campaign-start, campaign-pause, campaign-resume, campaign-cancel, campaign-add"),
			"migration":      str("the account ID or workflow ID the call named (campaign-NAME for a campaign); empty for a bulk or campaign start whose body could not be read"),
			"outcome":        str("ok, unauthenticated (401), forbidden (403 before the handler ran), or the error code sent back"),
			"status":         integer("the HTTP status of a failed call; absent when ok"),
			"requestId":      str("the request's X-Request-Id"),
			"clientIp":       str("the peer address (X-Forwarded-For is not trusted)"),
		}, "time", "principal", "role", "action", "migration", "outcome", "requestId", "clientIp"),
		"OwnerLoginLink": object("A signed, expiring owner-login link: /oauth/owner-login?migration=&exp=&sig=.", map[string]any{
			"link":      str("the link on api.public_url (or the origin the request came to)"),
			"path":      str("the same link relative to this server"),
			"expiresAt": dateTime("when the link stops working (UTC)"),
		}, "link", "path", "expiresAt"),
		"AuditPage": object("Audit records from audit.file, newest first.", map[string]any{
			"entries": array(refTo("AuditRecord"), "the newest matching records, at most limit"),
			"more":    boolean("older records matched beyond limit; narrow the filter or use since"),
		}, "entries", "more"),
		"Principal": object("Who sent an input or started a migration through the API: the principal of the token, set by the server, never by a body.", map[string]any{
			"name":  str("the token's name"),
			"email": email("the token's email; absent for role-list tokens"),
		}, "name"),
		"Summary": object("One migration as Temporal visibility shows it (from its search attributes).", map[string]any{
			"workflowId":      str("sell-migration-<sellAccountId>"),
			"sellAccountId":   str("the Sell account ID"),
			"status":          strEnum("migration status", statuses...),
			"step":            strEnum("current step", steps...),
			"mode":            strEnum("new or existing Zendesk account", modes...),
			"subdomain":       str("the Zendesk subdomain chosen, empty while none is"),
			"startedAt":       dateTime("when the workflow started"),
			"closedAt":        nullable(dateTime("when the workflow closed; null while it runs")),
			"executionStatus": strEnum("Temporal's execution status", "Running", "Completed", "Failed", "Canceled", "Terminated", "ContinuedAsNew", "TimedOut"),
			"runId":           str("the run: a migration started again after it failed or was cancelled has several; lists show the latest"),
		}, "workflowId", "runId", "sellAccountId", "status", "step", "mode", "subdomain", "startedAt", "closedAt", "executionStatus"),
		"MigrationList": object("", map[string]any{
			"items":         array(refTo("Summary"), "newest first"),
			"nextPageToken": str("pass as page_token for the next page; absent on the last page"),
		}, "items"),
		"Counts": object("Each status is counted on its own, so while migrations move the counts may briefly not add up to total.", map[string]any{
			"byStatus": object("every status, zero included", byStatus, statuses...),
			"total":    integer("every migration"),
		}, "byStatus", "total"),
		"StartRequest": object("Starts the migration of one Sell account.", map[string]any{
			"accountId":   schema{"type": "string", "pattern": contract.AccountIDPattern, "description": "the Sell account ID"},
			"mode":        strEnum("new: create a Zendesk account; existing: join one", modes...),
			"subdomain":   subdomain,
			"requestedBy": email("the Sell admin asking for the migration"),
			"ownerEmail":  email("existing mode only: who is expected to log in as the Zendesk account owner"),
		}, "accountId", "mode", "requestedBy"),
		"Started": object("", map[string]any{
			"workflowId": str("the migration's workflow ID"),
			"runId":      str("the workflow run started"),
		}, "workflowId", "runId"),
		"BulkRequest": object("", map[string]any{
			"rows": schema{"type": "array", "items": refTo("StartRequest"), "minItems": 1, "maxItems": maxBulkRows},
		}, "rows"),
		"BulkResult": object("One row's outcome: ok with the workflow started, or the error.", map[string]any{
			"row":        integer("data row number, from 1"),
			"line":       integer("CSV only: the row's line in the file (the header is line 1)"),
			"accountId":  str("the row's Sell account ID"),
			"ok":         boolean("whether the row's migration was started"),
			"workflowId": str("when ok"),
			"runId":      str("when ok"),
			"error":      refTo("ErrorDetail"),
		}, "row", "accountId", "ok"),
		"PreflightRequest": object("", map[string]any{
			"name": str("names the preflight's workflow (preflight-NAME); default a hash of the rows"),
			"rows": schema{"type": "array", "items": refTo("StartRequest"), "minItems": 1, "maxItems": contract.MaxPreflightRows},
		}, "rows"),
		"PreflightRow": object("One row's report: its input, the verdict, and what to fix.", map[string]any{
			"line":            integer("CSV: the row's line (the header is line 1); JSON: the row number from 1"),
			"accountId":       str("the row's Sell account ID"),
			"mode":            str("as given"),
			"subdomain":       str("as given"),
			"requestedBy":     str("as given"),
			"ownerEmail":      str("as given"),
			"invalid":         str("why the row cannot be started at all; such a row is not checked"),
			"verdict":         strEnum("ready: start it; warning: it can start, read the problems; blocked: fix the problems first", string(contract.VerdictReady), string(contract.VerdictWarning), string(contract.VerdictBlocked)),
			"problems":        array(str(""), "what to fix or know, in words a person can act on"),
			"users":           integer("the Sell account's users, active or not; -1 when unknown"),
			"estimateSeconds": integer("how long converting the users takes at the worker's Support rate limit"),
			"estimateBasis":   str("what the estimate assumes"),
		}, "line", "accountId", "verdict", "problems", "users", "estimateSeconds"),
		"PreflightReport": object("", map[string]any{
			"workflowId": str("the preflight's workflow"),
			"rows":       array(refTo("PreflightRow"), "one per row, in order"),
			"ready":      integer("rows ready"),
			"warning":    integer("rows with a warning"),
			"blocked":    integer("rows blocked"),
		}, "workflowId", "rows", "ready", "warning", "blocked"),
		"ErrorDetail": object("", map[string]any{
			"code":    strEnum("", errorCodeList()...),
			"message": str(""),
			"field":   str(""),
		}, "code", "message"),
		"BulkResponse": object("", map[string]any{
			"results": array(refTo("BulkResult"), "one per row, in order"),
			"started": integer("rows started"),
			"failed":  integer("rows not started"),
		}, "results", "started", "failed"),
		"InputRecord": object("A person's input as received, accepted or not.", map[string]any{
			"name":      strEnum("", contract.InputNames()...),
			"by":        str("who sent it"),
			"detail":    str(""),
			"at":        dateTime(""),
			"accepted":  boolean(""),
			"reason":    str("why it was not accepted"),
			"principal": refTo("Principal"),
		}, "name", "by", "at", "accepted"),
		"StepRecord": object("", map[string]any{
			"step":      strEnum("", steps...),
			"startedAt": dateTime(""),
			"endedAt":   dateTime("absent while the step is open"),
		}, "step", "startedAt"),
		"ContributorCounts": object("", withFields(reportedUsers, map[string]any{
			"sellUsers":         integer(""),
			"converted":         integer(""),
			"alreadyAgents":     integer(""),
			"needsReactivation": nullable(array(str(""), "users an admin must reactivate under Sell > Settings > Users > Pending actions (the first 100)")),
			"suspended":         integer("Sell users whose Zendesk user is suspended: not converted, not counted as agents"),
			"total":             integer("the Sell account's users, once the conversion has read its first page"),
			"done":              integer("users handled so far; done/total is the conversion's progress while it runs"),
			"conversionPath":    conversionPath,
		}), "sellUsers", "converted", "alreadyAgents", "needsReactivation"),
		"InputList": object("", map[string]any{"inputs": array(refTo("InputSpec"), "in the order a migration usually meets them")}, "inputs"),
		"InputSpec": object("One human input of the registry.", map[string]any{
			"name":     strEnum("", contract.InputNames()...),
			"title":    str("as a button reads"),
			"doc":      str("what it means and when it applies"),
			"role":     strEnum("the least role that may send it", "viewer", "ops", "admin"),
			"mode":     strEnum("the only mode it applies to; absent when any", "new", "existing"),
			"page":     str("a page a person opens to give it, {id} for the workflow ID; absent when it is sent directly. The page takes only signed links: get one from pageLink"),
			"pageLink": str("with page: the API call ({id}: the workflow ID) that returns a signed, expiring link to the page for one migration"),
			"path":     str("its route, {id} for the migration"),
			"fields": array(object("", map[string]any{
				"name":     str("JSON name in the body"),
				"flag":     str("the CLI flag"),
				"required": boolean(""),
				"format":   strEnum("", "email", "subdomain", "text"),
				"doc":      str(""),
				"example":  str(""),
			}, "name", "flag", "required", "format", "doc"), "the body's fields"),
		}, "name", "title", "doc", "role", "path", "fields"),
		"Disclaimer": object("The text of one disclaimer version, built into the server.", map[string]any{
			"version": str("e.g. " + contract.DefaultPolicy().DisclaimerVersion),
			"text":    str("the disclaimers as the admin reads them, plain text with line breaks"),
			"sha256":  str("hex SHA-256 of text; a migration records it when the admin accepts"),
		}, "version", "text", "sha256"),
		"InputCount": object("", map[string]any{
			"accepted": integer(""),
			"rejected": integer(""),
		}, "accepted", "rejected"),
		"NotificationRecord": object("A reminder sent to the person a migration waits for.", map[string]any{
			"at":         dateTime(""),
			"channel":    strEnum("", "email", "webhook"),
			"to":         nullable(array(str(""), "who was told (email)")),
			"subject":    str(""),
			"waitingFor": str("what the migration waited for"),
			"error":      str("why it could not be sent; absent when it was"),
		}, "at", "channel", "subject", "waitingFor"),
		"StepTiming": object("", map[string]any{
			"step":     strEnum("", steps...),
			"duration": duration("time in the step, waits included"),
		}, "step", "duration"),
		"Result": object("What a finished migration returned.", withFields(reportedUsers, map[string]any{
			"outcome":           strEnum("", statuses...),
			"subdomain":         str(""),
			"loginUrl":          str("where users now log in"),
			"usersConverted":    integer(""),
			"alreadyAgents":     integer(""),
			"needsReactivation": nullable(array(str(""), "the first 100 users to reactivate")),
			"suspended":         integer("Sell users whose Zendesk user is suspended: left suspended, not counted converted"),
			"startedAt":         dateTime(""),
			"finishedAt":        dateTime(""),
			"stepDurations":     nullable(array(refTo("StepTiming"), "")),
			"duration":          duration("whole migration"),
			"checked":           str("for already_connected: how the account was found complete"),
			"conversionPath":    conversionPath,
			"disclaimerVersion": str("the disclaimer version the admin accepted; absent when none was needed"),
			"disclaimerSha256":  str("the SHA-256 of that version's text"),
		}), "outcome", "subdomain", "loginUrl", "usersConverted", "alreadyAgents", "needsReactivation", "startedAt", "finishedAt", "stepDurations", "duration"),
		"Progress": object("Where a migration stands, as its progress query answers.", progressProps(statuses, steps, modes),
			"workflowId", "sellAccountId", "mode", "requestedBy", "step", "status", "startedAt", "updatedAt", "linked", "inputs", "timeline", "remindersSent"),
		"Execution": object("What Temporal knows about the run.", map[string]any{
			"workflowId":    str(""),
			"runId":         str(""),
			"status":        strEnum("", "Running", "Completed", "Failed", "Canceled", "Terminated", "ContinuedAsNew", "TimedOut"),
			"startTime":     dateTime(""),
			"closeTime":     dateTime("absent while running"),
			"historyLength": integer(""),
			"taskQueue":     str(""),
		}, "workflowId", "runId", "status", "startTime", "historyLength", "taskQueue"),
		"PendingActivity": object("A Zendesk step in flight, with its retries.", map[string]any{
			"type":              str("activity type"),
			"state":             str("Scheduled, Started, CancelRequested, ..."),
			"attempt":           integer("from 1"),
			"maximumAttempts":   integer("0 means unlimited"),
			"lastFailure":       str("the last attempt's error"),
			"lastStartedTime":   dateTime(""),
			"lastHeartbeatTime": dateTime(""),
			"nextAttemptTime":   dateTime(""),
		}, "type", "state", "attempt", "maximumAttempts"),
		"Report": reportSchema(statuses, steps, modes),
		"Timeline": object("", map[string]any{
			"timeline": array(refTo("StepRecord"), "steps in order"),
			"inputs":   array(refTo("InputRecord"), "inputs in order"),
		}, "timeline", "inputs"),
		"CancelAccepted": object("", map[string]any{"workflowId": str("")}, "workflowId"),
	}
	for _, in := range contract.Inputs() {
		out[inputSchemaName(in)] = inputSchema(in)
	}
	maps.Copy(out, campaignSchemas())
	return out
}

func email(desc string) schema {
	return schema{"type": "string", "format": "email", "description": desc}
}

func subdomainSchema() schema {
	return schema{"type": "string", "pattern": contract.SubdomainPattern,
		"description": "Zendesk subdomain: 3-63 lowercase letters, digits and inner hyphens, starting with a letter; reserved names (www, api, admin, support, ...) are refused"}
}

// inputSchemaName is the component name of an input's payload: its Go type's name.
func inputSchemaName(in contract.Input) string {
	name := fmt.Sprintf("%T", in.New())
	return name[strings.LastIndexByte(name, '.')+1:]
}

// inputSchema describes an input's payload from its registry entry.
func inputSchema(in contract.Input) schema {
	props := map[string]any{}
	var required []string
	for _, f := range in.Fields {
		var fs schema
		switch f.Format {
		case contract.FormatEmail:
			fs = email(f.Doc)
		case contract.FormatSubdomain:
			fs = subdomainSchema()
			fs["description"] = f.Doc + "; " + fs["description"].(string)
		default:
			fs = str(f.Doc)
		}
		fs["example"] = f.Example
		props[f.JSON] = fs
		if f.Required {
			required = append(required, f.JSON)
		}
	}
	return object(in.Name+": "+in.Doc, props, required...)
}

func progressProps(statuses, steps, modes []string) map[string]any {
	return map[string]any{
		"workflowId":                str(""),
		"sellAccountId":             str(""),
		"accountName":               str(""),
		"mode":                      strEnum("", modes...),
		"requestedBy":               str("the Sell admin who asked for the migration"),
		"startedBy":                 refTo("Principal"),
		"subdomain":                 str(""),
		"step":                      strEnum("", steps...),
		"status":                    strEnum("", statuses...),
		"waitingFor":                str("what the migration waits for; empty when it waits for nobody"),
		"waitingSince":              dateTime(""),
		"startedAt":                 dateTime(""),
		"updatedAt":                 dateTime(""),
		"ownerEmail":                str("the verified Zendesk account owner"),
		"createdSubdomain":          str("a Zendesk account this migration created"),
		"linked":                    boolean(""),
		"requiredDisclaimerVersion": str("the disclaimer version the admin is asked to accept (GET /api/v1/disclaimers/{version} gives its text); set once the migration reaches the disclaimers"),
		"disclaimerVersion":         str("the disclaimer version accepted"),
		"disclaimerSha256":          str("the SHA-256 of the accepted version's text, as built into the workflow"),
		"inputs":                    nullable(array(refTo("InputRecord"), "")),
		"timeline":                  nullable(array(refTo("StepRecord"), "")),
		"remindersSent":             integer(""),
		"allowedInputs":             nullable(array(strEnum("", contract.InputNames()...), "the inputs the migration would accept now")),
		"inputCounts":               schema{"type": "object", "additionalProperties": refTo("InputCount"), "description": "inputs by name over the migration's whole life"},
		"inputsDropped":             integer("the oldest inputs no longer in inputs (counted in inputCounts)"),
		"notifications":             nullable(array(refTo("NotificationRecord"), "reminders sent, newest last")),
		"runs":                      integer("workflow runs so far (more than one once it continued as new)"),
		"lastError":                 str(""),
		"contributors":              refTo("ContributorCounts"),
		"compensation":              str("what cancelling undid"),
		"result":                    refTo("Result"),
	}
}

// reportSchema is Progress plus what Temporal knows and the Temporal Web UI link.
func reportSchema(statuses, steps, modes []string) schema {
	props := progressProps(statuses, steps, modes)
	props["execution"] = refTo("Execution")
	props["pendingActivities"] = array(refTo("PendingActivity"), "Zendesk steps in flight")
	props["progressSource"] = strEnum("query: the workflow answered; visibility: from search attributes only", "query", "visibility")
	props["progressNote"] = str("why the query was not used")
	props["temporalUiUrl"] = nullable(str("the workflow in the Temporal Web UI; null when none is configured"))
	props["executions"] = array(refTo("Summary"), "every run of the migration, newest first (a migration started again has several)")
	return object("A migration's progress with its Temporal execution.", props,
		"workflowId", "step", "status", "waitingFor", "execution", "pendingActivities", "progressSource", "temporalUiUrl")
}

// withFields is props with shared's fields added (props wins on a clash).
func withFields(shared, props map[string]any) map[string]any {
	out := maps.Clone(shared)
	maps.Copy(out, props)
	return out
}
