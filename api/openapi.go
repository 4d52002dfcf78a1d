package api

import (
	"net/http"
	"strings"

	"github.com/sellmigrate/sellmigrate/contract"
	"github.com/sellmigrate/sellmigrate/starter"
)

// openAPI serves the OpenAPI 3.0 document of every route.
func (s *Server) openAPI(w http.ResponseWriter, _ *http.Request, _ principal) error {
	writeJSON(w, http.StatusOK, s.openAPIDocument())
	return nil
}

// openAPIDocument describes every route the server serves; a test walks the server's
// routes and this document and proves they agree both ways.
func (s *Server) openAPIDocument() map[string]any {
	doc := map[string]any{
		"openapi": "3.0.3",
		"info": map[string]any{
			"title":   "sellmigrate API",
			"version": "1.0.0",
			"description": "Start, follow, approve and cancel Zendesk Sell account migrations, each a durable Temporal workflow. " +
				"Authenticate with `Authorization: Bearer <token>` or the session cookie set by POST /api/v1/session. " +
				"Roles: viewer reads, ops also starts and cancels migrations and starts and controls campaigns, admin also sends approvals (x-required-role on each operation). " +
				"Each token is a principal (GET /api/v1/me), stamped into every input and start; with a named token (api.tokens) an input's by may be left out " +
				"and is filled with the token's email, and any other by is a 403. " +
				"Every call that changes a migration or a campaign, and every such call refused with 401 or 403, is audited (GET /api/v1/audit, admin, with audit.file set). " +
				"Errors are always `{\"error\":{\"code\",\"message\"}}`.",
		},
		"tags": []any{
			map[string]any{"name": "migrations", "description": "migrations and their human inputs"},
			map[string]any{"name": "campaigns", "description": "waves of migrations from a list: paced, in time windows, pausable"},
			map[string]any{"name": "session", "description": "who is calling"},
			map[string]any{"name": "disclaimers", "description": "the texts an admin accepts"},
			map[string]any{"name": "live", "description": "server-sent events"},
			map[string]any{"name": "meta", "description": "health and this document"},
			map[string]any{"name": "dashboard", "description": "the dashboard page and the Zendesk owner login (HTML)"},
			map[string]any{"name": "codec", "description": "the remote payload codec of the Temporal Web UI and CLI"},
			map[string]any{"name": "audit", "description": "who did what (admin)"},
		},
		"paths": paths(),
		"components": map[string]any{
			"schemas":   schemas(),
			"responses": errorResponses(),
			"securitySchemes": map[string]any{
				"bearer":  map[string]any{"type": "http", "scheme": "bearer", "description": "an API token from api.tokens (named: its principal is stamped into what it sends), api.viewer_tokens, api.ops_tokens or api.admin_tokens"},
				"session": map[string]any{"type": "apiKey", "in": "cookie", "name": SessionCookie, "description": "set by POST /api/v1/session"},
			},
		},
		"security": []any{map[string]any{"bearer": []any{}}, map[string]any{"session": []any{}}},
	}
	if s.opts.PublicURL != "" {
		doc["servers"] = []any{map[string]any{"url": s.opts.PublicURL}}
	}
	return doc
}

// errorStatuses are the reusable error responses, by status.
var errorStatuses = map[string]struct{ name, desc string }{
	"400": {"BadRequest", "bad_request: malformed JSON, unknown fields or more than one value"},
	"401": {"Unauthorized", "unauthorized: no, malformed or unknown token or session"},
	"403": {"Forbidden", "forbidden: the token's role may not do this"},
	"404": {"NotFound", "not_found: no such migration, campaign, action, disclaimer version or route; or, for the audit trail, audit.file is not set"},
	"405": {"MethodNotAllowed", "method_not_allowed: the path exists under other methods (see Allow)"},
	"409": {"Conflict", "conflict: already started, or the migration has ended; for a campaign: the name is taken, the campaign refused the control (with why), or it has ended"},
	"413": {"PayloadTooLarge", "payload_too_large: the body exceeds api.max_body_bytes"},
	"415": {"UnsupportedMediaType", "unsupported_media_type: wrong Content-Type"},
	"422": {"Unprocessable", "invalid_input: a value broke a rule (field says which); rejected: the workflow refused the action, with its reason"},
	"429": {"TooManyRequests", "too_many_requests: over the rate limit (api.rate_limit_per_second) or the live-stream cap (api.max_streams_per_principal); wait Retry-After seconds"},
	"500": {"Internal", "internal: an unexpected failure; the message is generic, and requestId finds it in the server's log"},
	"503": {"Unavailable", "unavailable: Temporal did not answer, or too many live streams are open"},
}

func errorResponses() map[string]any {
	out := map[string]any{}
	for _, e := range errorStatuses {
		out[e.name] = map[string]any{
			"description": e.desc,
			"content":     map[string]any{"application/json": map[string]any{"schema": refTo("Error")}},
		}
	}
	return out
}

func jsonBody(schemaRef schema, desc string) map[string]any {
	return map[string]any{"description": desc, "content": map[string]any{"application/json": map[string]any{"schema": schemaRef}}}
}

// op builds one operation. role is "" for public routes; errs lists the error
// statuses beyond those every authenticated route can answer (401, 403, 429, 500, 503).
func op(id, tag, summary, role string, ok map[string]any, errs ...string) map[string]any {
	responses := map[string]any{}
	for code, resp := range ok {
		responses[code] = resp
	}
	all := append([]string{"500"}, errs...)
	// Every route but the liveness probe is rate limited (see rateLimits).
	if id != "healthz" {
		all = append(all, "429")
	}
	if role != "" {
		all = append(all, "401", "403", "503")
	}
	for _, code := range all {
		responses[code] = map[string]any{"$ref": "#/components/responses/" + errorStatuses[code].name}
	}
	o := map[string]any{"operationId": id, "tags": []any{tag}, "summary": summary, "responses": responses}
	if role == "" {
		o["security"] = []any{}
	} else {
		o["x-required-role"] = role
	}
	return o
}

func with(o map[string]any, key string, v any) map[string]any {
	o[key] = v
	return o
}

func pathParam(name, desc string, s schema) map[string]any {
	return map[string]any{"name": name, "in": "path", "required": true, "description": desc, "schema": s}
}

func queryParam(name, desc string, s schema) map[string]any {
	return map[string]any{"name": name, "in": "query", "required": false, "description": desc, "schema": s}
}

var idParam = pathParam("id", "a Sell account ID (1001) or a migration workflow ID (sell-migration-1001)", schema{"type": "string"})

func sse(desc string) map[string]any {
	return map[string]any{"description": desc, "content": map[string]any{"text/event-stream": map[string]any{"schema": schema{"type": "string"}}}}
}

func html(desc string) map[string]any {
	return map[string]any{"description": desc, "content": map[string]any{"text/html": map[string]any{"schema": schema{"type": "string"}}}}
}

func paths() map[string]any {
	statuses := stringsOf(contract.Statuses)
	steps := stringsOf(contract.Steps)
	out := map[string]any{
		"/healthz": map[string]any{"get": op("healthz", "meta", "Liveness: 200 while the server answers", "",
			map[string]any{"200": jsonBody(refTo("Health"), "alive")})},
		"/openapi.json": map[string]any{"get": op("openapi", "meta", "This document", "",
			map[string]any{"200": jsonBody(schema{"type": "object"}, "the OpenAPI 3.0 document")})},
		"/api/v1/session": map[string]any{
			"post": with(op("createSession", "session", "Exchange a token for the session cookie (HttpOnly, SameSite=Strict)", "",
				map[string]any{"200": with(jsonBody(refTo("Role"), "signed in; Set-Cookie carries the session"), "headers",
					map[string]any{"Set-Cookie": map[string]any{"schema": schema{"type": "string"}, "description": SessionCookie + "=...; Path=/; HttpOnly; SameSite=Strict"}})},
				"400", "401", "413", "415", "422"),
				"requestBody", map[string]any{"required": true, "content": map[string]any{"application/json": map[string]any{"schema": refTo("SessionRequest")}}}),
			"delete": op("deleteSession", "session", "Sign out: end the session on the server (a copy of the cookie stops working too) and clear the cookie", "",
				map[string]any{"204": map[string]any{"description": "signed out"}}),
			"get": op("signInOptions", "session", "How the dashboard may sign in: a token always, and the staff OIDC provider when configured", "",
				map[string]any{"200": jsonBody(refTo("SignInOptions"), "the ways to sign in")}),
		},
		"/api/v1/me": map[string]any{"get": op("me", "session", "The caller's role", "viewer",
			map[string]any{"200": jsonBody(refTo("Role"), "the role")})},
		"/api/v1/inputs": map[string]any{"get": op("listInputs", "actions", "Every human input a migration may take: its route, role, mode and fields (the input registry). Which ones a migration takes now is its progress's allowedInputs", "viewer",
			map[string]any{"200": jsonBody(refTo("InputList"), "the registry")})},
		"/api/v1/disclaimers/{version}": map[string]any{"get": with(op("getDisclaimer", "disclaimers",
			"The text of a disclaimer version, as the admin reads it before accept-disclaimers, and its SHA-256 (send it as the acceptance's sha256; the migration records it). Served from the texts built into the server", "viewer",
			map[string]any{"200": jsonBody(refTo("Disclaimer"), "the text")}, "404"),
			"parameters", []any{pathParam("version", "a disclaimer version, e.g. "+contract.DefaultPolicy().DisclaimerVersion+" (a migration's requiredDisclaimerVersion); 404 lists the versions there are", schema{"type": "string"})})},
		"/api/v1/migrations": map[string]any{
			"get": with(op("listMigrations", "migrations", "List migrations from Temporal visibility, newest first, one page at a time", "viewer",
				map[string]any{"200": jsonBody(refTo("MigrationList"), "one page")}, "422"),
				"parameters", []any{
					queryParam("status", "only this status", strEnum("", statuses...)),
					queryParam("step", "only this step", strEnum("", steps...)),
					queryParam("mode", "only this mode", strEnum("", "new", "existing")),
					queryParam("subdomain", "only this Zendesk subdomain", schema{"type": "string"}),
					queryParam("campaign", "only the migrations this campaign started (its name; CampaignID)", schema{"type": "string"}),
					queryParam("page_size", "items per page", schema{"type": "integer", "minimum": 1, "maximum": starter.MaxPageSize, "default": starter.DefaultPageSize}),
					queryParam("page_token", "nextPageToken of the previous page. Pages follow Temporal visibility's order (running migrations first, then by close time), so one that closes while you page may show up on two pages", schema{"type": "string"}),
				}),
			"post": with(op("startMigration", "migrations", "Start the migration of one Sell account", "ops",
				map[string]any{"201": with(jsonBody(refTo("Started"), "started"), "headers",
					map[string]any{"Location": map[string]any{"schema": schema{"type": "string"}, "description": "the migration's URL"}})},
				"400", "409", "413", "415", "422"),
				"requestBody", map[string]any{"required": true, "content": map[string]any{"application/json": map[string]any{"schema": refTo("StartRequest")}}}),
		},
		"/api/v1/migrations/counts": map[string]any{"get": op("countMigrations", "migrations", "How many migrations are in each status", "viewer",
			map[string]any{"200": jsonBody(refTo("Counts"), "counts")})},
		"/api/v1/migrations/bulk": map[string]any{"post": with(op("bulkStart", "migrations",
			"Start many migrations; every row gets a result, a bad or repeated row never stops the others", "ops",
			map[string]any{"200": jsonBody(refTo("BulkResponse"), "a result per row")}, "400", "413", "415", "422"),
			"requestBody", map[string]any{"required": true, "content": map[string]any{
				"application/json": map[string]any{"schema": refTo("BulkRequest")},
				"text/csv": map[string]any{"schema": schema{"type": "string",
					"description": "header " + strings.Join(starter.CSVColumns, ",") + " (any order), then one line per account, as for `sellmigrate start --csv`"}},
			}})},
		"/api/v1/preflight": map[string]any{"post": with(with(op("preflight", "migrations",
			"Check a list without changing anything: a verdict per row (ready, warning, blocked) with what to fix; a bad or repeated row is reported blocked", "ops",
			map[string]any{"200": jsonBody(refTo("PreflightReport"), "a report per row, in order")}, "400", "413", "415", "422", "503"),
			"parameters", []any{queryParam("name", "text/csv only: names the preflight's workflow (preflight-NAME); default a hash of the rows", schema{"type": "string"})}),
			"requestBody", map[string]any{"required": true, "content": map[string]any{
				"application/json": map[string]any{"schema": refTo("PreflightRequest")},
				"text/csv": map[string]any{"schema": schema{"type": "string",
					"description": "header " + strings.Join(starter.CSVColumns, ",") + " (any order), then one line per account, as for `sellmigrate preflight --csv`"}},
			}})},
		"/api/v1/migrations/{id}": map[string]any{"get": with(op("getMigration", "migrations",
			"A migration's progress, its Temporal execution, Zendesk steps in flight and the Temporal Web UI link", "viewer",
			map[string]any{"200": jsonBody(refTo("Report"), "the report")}, "404"),
			"parameters", []any{idParam})},
		"/api/v1/migrations/{id}/timeline": map[string]any{"get": with(op("getTimeline", "migrations", "The steps and inputs of a migration, in order", "viewer",
			map[string]any{"200": jsonBody(refTo("Timeline"), "the timeline")}, "404"),
			"parameters", []any{idParam})},
		"/api/v1/migrations/{id}/owner-login-link": map[string]any{"get": with(op("getOwnerLoginLink", "migrations",
			"A freshly signed owner-login link (api.owner_link_ttl) to hand to the Zendesk account owner; the page refuses it unless the migration waits for the owner's login", "admin",
			map[string]any{"200": jsonBody(refTo("OwnerLoginLink"), "the link")}, "404", "503"),
			"parameters", []any{idParam})},
		"/api/v1/migrations/{id}/cancel": map[string]any{"post": with(op("cancelMigration", "migrations",
			"Cancel a migration; it releases what it created and did not link, and records the outcome", "ops",
			map[string]any{"202": jsonBody(refTo("CancelAccepted"), "cancellation requested")}, "404", "409"),
			"parameters", []any{idParam})},
		"/api/v1/migrations/{id}/events": map[string]any{"get": with(op("migrationEvents", "live",
			"Live updates of one migration", "viewer",
			map[string]any{"200": sse("`event: progress` with the Report whenever it changes, `: keepalive` comments, `event: error` with the Error body when Temporal does not answer, and `event: end` ({workflowId,status}) once the workflow has closed")}, "404"),
			"parameters", []any{idParam})},
		"/api/v1/events": map[string]any{"get": op("listEvents", "live", "Live updates of the list", "viewer",
			map[string]any{"200": sse("`event: counts` with Counts whenever they change, `event: changed` with {workflowIds} whose summary changed, and `: keepalive` comments")})},
		"/api/v1/audit": map[string]any{"get": with(op("auditLog", "audit",
			"The audit trail kept in audit.file, newest first: one record per call that changed a migration (each bulk row), and per such call refused with 401 or 403. "+
				"404 when audit.file is not set (the trail is then only in the server's log)", "admin",
			map[string]any{"200": jsonBody(refTo("AuditPage"), "the matching records")}, "400", "404"),
			"parameters", []any{
				queryParam("principal", "only this principal: its name or email (case-insensitive), or anonymous", schema{"type": "string"}),
				queryParam("action", "only this action: start, bulk-start, cancel, an input's name, or a campaign's (campaign-start, campaign-pause, ...)", schema{"type": "string"}),
				queryParam("migration", "only this migration: an account ID or workflow ID (campaign-NAME for a campaign)", schema{"type": "string"}),
				queryParam("outcome", "only this outcome: ok, unauthenticated, forbidden or an error code", schema{"type": "string"}),
				queryParam("since", "only records at or after this RFC 3339 time, e.g. 2026-12-01T06:00:00Z", schema{"type": "string", "format": "date-time"}),
				queryParam("limit", "records at most", schema{"type": "integer", "minimum": 1, "maximum": maxAuditLimit, "default": defaultAuditLimit}),
			})},
		"/": map[string]any{"get": op("dashboard", "dashboard", "The dashboard page (it signs in through POST /api/v1/session)", "",
			map[string]any{"200": html("the page")})},
		"/assets/{path}": map[string]any{"get": with(op("dashboardAsset", "dashboard", "The dashboard's scripts and stylesheets", "",
			map[string]any{"200": map[string]any{"description": "the file"}}, "404"),
			"parameters", []any{pathParam("path", "file under assets/", schema{"type": "string"})})},
		"/oauth/owner-login": map[string]any{"get": with(op("ownerLogin", "dashboard",
			"Send the Zendesk account owner to log in at the migration's subdomain (OAuth authorization-code flow with PKCE); only a link this service signed and that has not expired is taken", "",
			map[string]any{
				"302": map[string]any{"description": "to {support base}/oauth/authorizations/new with a sealed state and a PKCE S256 code_challenge"},
				"400": html("no or a malformed migration parameter"),
				"404": html("one page for every link that cannot be used now: unsigned, tampered, expired, for a migration that does not exist or is not waiting for its owner"),
				"503": html("the owner login is not configured, or Temporal did not answer"),
			}),
			"parameters", []any{
				map[string]any{"name": "migration", "in": "query", "required": true, "description": "a Sell account ID or workflow ID", "schema": schema{"type": "string"}},
				map[string]any{"name": "exp", "in": "query", "required": true, "description": "when the link expires, Unix seconds", "schema": schema{"type": "string"}},
				map[string]any{"name": "sig", "in": "query", "required": true, "description": "HMAC-SHA256 of the migration and exp under api.owner_link_key, base64url", "schema": schema{"type": "string"}},
			})},
		"/oauth/callback": map[string]any{"get": with(op("ownerLoginCallback", "dashboard",
			"Zendesk's redirect back: verify the state, exchange the code, and send the owner-login update", "",
			map[string]any{
				"200": html("the owner cancelled the sign-in at Zendesk"),
				"303": map[string]any{"description": "accepted: to the dashboard's migration page with ownerLogin=ok"},
				"400": html("a missing, forged or expired state, or no code"),
				"409": html("the migration no longer waits for the owner's login"),
				"422": html("the migration refused the login (e.g. not the account owner); the page says why and links back"),
				"502": html("Zendesk's token or users/me call failed"),
				"503": html("the owner login is not configured, or Temporal did not answer"),
			}),
			"parameters", []any{
				map[string]any{"name": "code", "in": "query", "required": false, "description": "authorization code", "schema": schema{"type": "string"}},
				map[string]any{"name": "state", "in": "query", "required": true, "description": "the signed state sent to Zendesk", "schema": schema{"type": "string"}},
				map[string]any{"name": "error", "in": "query", "required": false, "description": "set by Zendesk when the login was denied", "schema": schema{"type": "string"}},
			})},
	}
	for _, in := range contract.Inputs() {
		out[actionPath(in.Name)] = map[string]any{"post": actionOp(in)}
	}
	for path, item := range campaignPaths() {
		out[path] = item
	}
	for path, item := range staffSignInPaths() {
		out[path] = item
	}
	for _, action := range []string{"encode", "decode"} {
		out[CodecPath+"/"+action] = codecOps(action)
	}
	return out
}

// codecOps documents one action of the remote payload codec (Temporal's protocol).
func codecOps(action string) map[string]any {
	payloads := map[string]any{"description": "Temporal Payloads as protobuf JSON",
		"content": map[string]any{"application/json": map[string]any{"schema": schema{"type": "object",
			"properties": map[string]any{"payloads": schema{"type": "array", "items": schema{"type": "object"}}}}}}}
	summary := "Encrypt payloads under the active key of temporal.codec_keys"
	if action == "decode" {
		summary = "Decrypt payloads (plain ones pass through), for the Temporal Web UI (codec.endpoint) and `temporal --codec-endpoint`"
	}
	post := with(op("codec"+strings.ToUpper(action[:1])+action[1:], "codec", summary, "viewer",
		map[string]any{"200": payloads, "400": map[string]any{"description": "not Payloads JSON, or a payload does not decrypt (text/plain, naming the key)"}}),
		"requestBody", with(payloads, "required", true))
	preflight := with(op("codec"+strings.ToUpper(action[:1])+action[1:]+"Preflight", "codec",
		"CORS preflight: allowed for api.codec_cors_origin only", "",
		map[string]any{"204": map[string]any{"description": "with Access-Control-Allow-* headers when Origin is api.codec_cors_origin, none otherwise"}}),
		"parameters", []any{map[string]any{"name": "Origin", "in": "header", "required": false, "schema": schema{"type": "string"}}})
	return map[string]any{"post": post, "options": preflight}
}

// actionOp documents the route of one human input from its registry entry.
func actionOp(in contract.Input) map[string]any {
	summary := in.Title + ": " + in.Doc + " Sent as a Temporal update; the workflow's validator refuses a bad or out-of-order one at once (422 rejected) and nothing changes."
	if in.Mode != "" {
		summary += " Only for migrations in mode " + string(in.Mode) + "."
	}
	return with(with(op("send-"+in.Name, "actions", summary, roleFor(in.Role).String(),
		map[string]any{"200": jsonBody(refTo("Progress"), "accepted; the progress after the workflow took it")}, "400", "404", "409", "413", "415", "422"),
		"parameters", []any{idParam}),
		"requestBody", map[string]any{"required": true, "content": map[string]any{"application/json": map[string]any{
			"schema": refTo(inputSchemaName(in)), "example": in.Example()}}})
}
