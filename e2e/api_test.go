package e2e

import (
	"bufio"
	"context"
	"encoding/json"
	"io"
	"net/http"
	"sort"
	"strings"
	"testing"
	"time"

	"github.com/sellmigrate/sellmigrate/e2e/harness"
)

// apiClient calls the HTTP API of a running `sellmigrate dev` over real HTTP.
type apiClient struct {
	t    *testing.T
	base string
	http *http.Client
}

// apiReply is one answer: its status, headers and body.
type apiReply struct {
	status int
	header http.Header
	body   []byte
}

func (r apiReply) json(t *testing.T) map[string]any {
	t.Helper()
	var m map[string]any
	if err := json.Unmarshal(r.body, &m); err != nil {
		t.Fatalf("answer %d is not a JSON object: %v\n%s", r.status, err, r.body)
	}
	return m
}

// errorCode reads {"error":{"code","message"}}, failing the test on any other shape.
func (r apiReply) errorCode(t *testing.T) (code, message string) {
	t.Helper()
	e, _ := r.json(t)["error"].(map[string]any)
	code, _ = e["code"].(string)
	message, _ = e["message"].(string)
	if code == "" || message == "" {
		t.Fatalf("error answer %d lacks error.code or error.message: %s", r.status, r.body)
	}
	return code, message
}

// do sends one request; auth is the whole Authorization header ("" for none).
func (c apiClient) do(method, path, auth, contentType, body string) apiReply {
	c.t.Helper()
	req, err := http.NewRequest(method, c.base+path, strings.NewReader(body))
	if err != nil {
		c.t.Fatal(err)
	}
	if auth != "" {
		req.Header.Set("Authorization", auth)
	}
	if contentType != "" {
		req.Header.Set("Content-Type", contentType)
	}
	resp, err := c.http.Do(req)
	if err != nil {
		c.t.Fatalf("%s %s: %v", method, path, err)
	}
	defer resp.Body.Close()
	b, err := io.ReadAll(resp.Body)
	if err != nil {
		c.t.Fatalf("%s %s: read the answer: %v", method, path, err)
	}
	return apiReply{status: resp.StatusCode, header: resp.Header, body: b}
}

const (
	asViewer = "Bearer demo-viewer"
	asOps    = "Bearer demo-ops"
	asAdmin  = "Bearer demo-admin"
)

// want checks the status and, for errors, the error code; it returns the reply.
func (c apiClient) want(status int, code, method, path, auth, contentType, body string) apiReply {
	c.t.Helper()
	r := c.do(method, path, auth, contentType, body)
	if r.status != status {
		c.t.Fatalf("%s %s: status %d, want %d: %s", method, path, r.status, status, r.body)
	}
	if code != "" {
		if got, _ := r.errorCode(c.t); got != code {
			c.t.Fatalf("%s %s: error code %q, want %q: %s", method, path, got, code, r.body)
		}
	}
	return r
}

// awaitAPI polls GET path until ok accepts the answer.
func (c apiClient) awaitAPI(path, what string, ok func(map[string]any) bool) map[string]any {
	c.t.Helper()
	deadline := time.Now().Add(60 * time.Second)
	for {
		r := c.do("GET", path, asViewer, "", "")
		if r.status == 200 {
			if m := r.json(c.t); ok(m) {
				return m
			}
		}
		if time.Now().After(deadline) {
			c.t.Fatalf("GET %s: %s did not happen within 60s; last answer %d %s", path, what, r.status, r.body)
		}
		time.Sleep(100 * time.Millisecond)
	}
}

func (c apiClient) awaitStatus(account, status string) map[string]any {
	c.t.Helper()
	return c.awaitAPI("/api/v1/migrations/"+account, "status "+status, func(m map[string]any) bool { return m["status"] == status })
}

// sseEvent is one server-sent event.
type sseEvent struct{ name, data string }

// openSSE reads an event stream in the background until the test ends.
func (c apiClient) openSSE(path, auth string) <-chan sseEvent {
	c.t.Helper()
	ctx, cancel := context.WithCancel(context.Background())
	c.t.Cleanup(cancel)
	req, _ := http.NewRequestWithContext(ctx, "GET", c.base+path, nil)
	req.Header.Set("Authorization", auth)
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		c.t.Fatalf("GET %s: %v", path, err)
	}
	if resp.StatusCode != 200 || !strings.HasPrefix(resp.Header.Get("Content-Type"), "text/event-stream") {
		c.t.Fatalf("GET %s: %d %s, want an event stream", path, resp.StatusCode, resp.Header.Get("Content-Type"))
	}
	events := make(chan sseEvent, 256)
	go func() {
		defer close(events)
		defer resp.Body.Close()
		sc := bufio.NewScanner(resp.Body)
		sc.Buffer(make([]byte, 1<<20), 1<<20)
		var ev sseEvent
		for sc.Scan() {
			line := sc.Text()
			switch {
			case strings.HasPrefix(line, "event: "):
				ev.name = strings.TrimPrefix(line, "event: ")
			case strings.HasPrefix(line, "data: "):
				ev.data = strings.TrimPrefix(line, "data: ")
			case line == "" && ev.name != "":
				events <- ev
				ev = sseEvent{}
			}
		}
	}()
	return events
}

// nextEvent waits for the next event named name whose data satisfies ok.
func nextEvent(t *testing.T, events <-chan sseEvent, name string, ok func(map[string]any) bool) map[string]any {
	t.Helper()
	timeout := time.After(60 * time.Second)
	for {
		select {
		case ev, open := <-events:
			if !open {
				t.Fatalf("the event stream ended before a matching %q event", name)
			}
			if ev.name != name {
				continue
			}
			var m map[string]any
			if err := json.Unmarshal([]byte(ev.data), &m); err != nil {
				t.Fatalf("%s event data is not JSON: %v: %s", name, err, ev.data)
			}
			if ok == nil || ok(m) {
				return m
			}
		case <-timeout:
			t.Fatalf("no matching %q event within 60s", name)
		}
	}
}

// TestAPIEndToEnd drives the HTTP API of `sellmigrate dev` (a real Temporal server on
// SQLite, the simulator, a worker) over real HTTP: every class of error, then starting,
// listing, counting, following live, approving and cancelling migrations. Its stack is
// its own: the counts, the pages of the list and the live counts it checks cover every
// migration of a stack, which other tests would change under it.
func TestAPIEndToEnd(t *testing.T) {
	t.Parallel()
	dev := harness.DevT(t, binaries(t), harness.DevOptions{Name: "api-dev"})
	dev.AddOperatorToken(t, "umbrella", "admin@umbrella.test") // 1004 is connected already
	for _, want := range []string{dev.APIURL + "/", "demo-viewer", "demo-ops", "demo-admin"} {
		if !strings.Contains(dev.Banner(), want) {
			t.Errorf("the dev banner lacks %q:\n%s", want, dev.Banner())
		}
	}
	c := apiClient{t: t, base: dev.APIURL, http: &http.Client{Timeout: 90 * time.Second}}

	t.Run("unauthenticated", func(t *testing.T) {
		c.want(200, "", "GET", "/healthz", "", "", "")
		c.want(200, "", "GET", "/openapi.json", "", "", "")
		c.want(401, "unauthorized", "GET", "/api/v1/migrations", "", "", "")
		c.want(401, "unauthorized", "GET", "/api/v1/migrations", "Bearer wrong-token", "", "")
		c.want(401, "unauthorized", "GET", "/api/v1/migrations", "Token demo-admin", "", "")
		c.want(401, "unauthorized", "GET", "/api/v1/migrations", "Bearer ", "", "")
		c.want(404, "not_found", "GET", "/api/v1/no-such-route", asViewer, "", "")
		c.want(404, "not_found", "GET", "/api/v1/migrations/9999", asViewer, "", "")
		c.want(404, "not_found", "POST", "/api/v1/migrations/9999/actions/back", asAdmin, "application/json", `{"by":"admin@acme.test"}`)
	})

	const acme = `{"accountId":"1001","mode":"new","subdomain":"acme","requestedBy":"admin@acme.test"}`
	r := c.want(201, "", "POST", "/api/v1/migrations", asOps, "application/json", acme)
	if m := r.json(t); m["workflowId"] != "sell-migration-1001" || m["runId"] == "" {
		t.Errorf("start answered %s", r.body)
	}
	c.want(409, "conflict", "POST", "/api/v1/migrations", asOps, "application/json", acme)

	t.Run("refused", func(t *testing.T) {
		c.want(403, "forbidden", "POST", "/api/v1/migrations", asViewer, "application/json", strings.Replace(acme, "1001", "1002", 1))
		c.want(403, "forbidden", "POST", "/api/v1/migrations/1001/cancel", asViewer, "", "")
		c.want(403, "forbidden", "POST", "/api/v1/migrations/1001/actions/accept-disclaimers", asViewer, "application/json", `{"by":"admin@acme.test"}`)
		c.want(403, "forbidden", "POST", "/api/v1/migrations/1001/actions/accept-disclaimers", asOps, "application/json", `{"by":"admin@acme.test"}`)
		c.want(422, "invalid_input", "POST", "/api/v1/migrations", asOps, "application/json", `{"accountId":"1009","mode":"new","subdomain":"Bad_Name","requestedBy":"admin@acme.test"}`)
		c.want(422, "invalid_input", "POST", "/api/v1/migrations", asOps, "application/json", `{"accountId":"1009","mode":"new","subdomain":"acme2","requestedBy":"not-an-email"}`)
		c.want(422, "invalid_input", "POST", "/api/v1/migrations", asOps, "application/json", `{"accountId":"1009","mode":"sideways","requestedBy":"admin@acme.test"}`)
		c.want(422, "invalid_input", "GET", "/api/v1/migrations?status=stuck", asViewer, "", "")
		c.want(400, "bad_request", "POST", "/api/v1/migrations", asOps, "application/json", `{"accountId":"1009",`)
		c.want(400, "bad_request", "POST", "/api/v1/migrations", asOps, "application/json", `{"accountId":"1009","mode":"new","requestedBy":"admin@acme.test","priority":"high"}`)
		c.want(413, "payload_too_large", "POST", "/api/v1/migrations", asOps, "application/json", `{"accountId":"`+strings.Repeat("9", 1<<20+10)+`"}`)
		c.want(415, "unsupported_media_type", "POST", "/api/v1/migrations", asOps, "text/plain", acme)
		c.want(405, "method_not_allowed", "DELETE", "/api/v1/migrations", asOps, "", "")
	})

	// Bulk: JSON with a duplicate row and an already started account, then CSV with
	// a duplicate and a bad row. Every row gets its own result.
	r = c.want(200, "", "POST", "/api/v1/migrations/bulk", asOps, "application/json", `{"rows":[
		{"accountId":"1002","mode":"existing","subdomain":"globex","requestedBy":"admin@globex.test","ownerEmail":"owner@globex.test"},
		{"accountId":"1004","mode":"new","subdomain":"umbrella","requestedBy":"admin@umbrella.test"},
		{"accountId":"1004","mode":"new","subdomain":"umbrella","requestedBy":"admin@umbrella.test"},
		{"accountId":"1001","mode":"new","subdomain":"acme","requestedBy":"admin@acme.test"}]}`)
	wantBulk(t, r, map[int]string{1: "", 2: "", 3: "conflict", 4: "conflict"})
	r = c.want(200, "", "POST", "/api/v1/migrations/bulk", asOps, "text/csv",
		"account_id,mode,subdomain,requested_by,owner_email\n"+
			"1003,existing,initech,admin@initech.test,owner@initech.test\n"+
			"1005,new,hooli,admin@hooli.test,\n"+
			"1005,new,hooli,admin@hooli.test,\n"+
			"1006,new,Bad_Name,admin@x.test,\n")
	wantBulk(t, r, map[int]string{1: "", 2: "", 3: "conflict", 4: "invalid_input"})

	t.Run("list", func(t *testing.T) {
		// Each status is counted on its own, so while migrations move the counts may
		// not add up; once they settle they must.
		c.awaitAPI("/api/v1/migrations/counts", "5 migrations counted, adding up", func(m map[string]any) bool {
			var sum float64
			for _, n := range m["byStatus"].(map[string]any) {
				sum += n.(float64)
			}
			return m["total"] == 5.0 && sum == 5
		})
		// Every migration once, two per page. Visibility orders running migrations
		// before closed ones, so wait for 1004 to close first: one closing mid-paging
		// would move between pages.
		c.awaitStatus("1004", "already_connected")
		seen := map[string]bool{}
		path, pages := "/api/v1/migrations?page_size=2", 0
		for ; path != "" && pages < 10; pages++ {
			m := c.want(200, "", "GET", path, asViewer, "", "").json(t)
			items := m["items"].([]any)
			if len(items) > 2 {
				t.Fatalf("page of %d items with page_size=2", len(items))
			}
			for _, it := range items {
				id := it.(map[string]any)["workflowId"].(string)
				if seen[id] {
					t.Errorf("%s listed twice across pages", id)
				}
				seen[id] = true
			}
			path = ""
			if next, _ := m["nextPageToken"].(string); next != "" {
				path = "/api/v1/migrations?page_size=2&page_token=" + next
			}
		}
		if len(seen) != 5 || pages != 3 {
			t.Errorf("paging saw %d migrations in %d pages, want 5 in 3: %v", len(seen), pages, seen)
		}
		m := c.want(200, "", "GET", "/api/v1/migrations?mode=existing", asViewer, "", "").json(t)
		if ids := listIDs(m); ids != "sell-migration-1002,sell-migration-1003" {
			t.Errorf("mode=existing lists %s", ids)
		}
		m = c.awaitAPI("/api/v1/migrations?subdomain=acme&step=disclaimers&status=awaiting_disclaimers", "acme listed as awaiting disclaimers",
			func(m map[string]any) bool { return listIDs(m) == "sell-migration-1001" })
		item := m["items"].([]any)[0].(map[string]any)
		for _, k := range []string{"sellAccountId", "status", "step", "mode", "subdomain", "startedAt", "closedAt", "executionStatus"} {
			if _, ok := item[k]; !ok {
				t.Errorf("summary lacks %s: %v", k, item)
			}
		}
	})

	listEvents := c.openSSE("/api/v1/events", asViewer)
	nextEvent(t, listEvents, "counts", func(m map[string]any) bool { return m["total"] == 5.0 })

	// An out-of-order action is refused by the workflow's validator, and the
	// migration is unchanged: same status, inputs and history.
	before := c.awaitStatus("1001", "awaiting_disclaimers")
	r = c.want(422, "rejected", "POST", "/api/v1/migrations/1001/actions/license-assigned", asAdmin, "application/json", `{"by":"admin@acme.test"}`)
	if _, msg := r.errorCode(t); !strings.Contains(msg, "license-assigned") {
		t.Errorf("rejection message %q does not say what was refused", msg)
	}
	after := c.want(200, "", "GET", "/api/v1/migrations/1001", asViewer, "", "").json(t)
	if after["status"] != before["status"] || len(after["inputs"].([]any)) != len(before["inputs"].([]any)) ||
		after["execution"].(map[string]any)["historyLength"] != before["execution"].(map[string]any)["historyLength"] {
		t.Errorf("a rejected action changed the migration:\nbefore %v\nafter  %v", before, after)
	}
	if _, ok := after["temporalUiUrl"]; !ok {
		t.Errorf("the report lacks temporalUiUrl: %v", after)
	}

	// Follow 1001 live, approve it, and see it move and end.
	events := c.openSSE("/api/v1/migrations/1001/events", asViewer)
	nextEvent(t, events, "progress", func(m map[string]any) bool { return m["status"] == "awaiting_disclaimers" })
	r = c.want(200, "", "POST", "/api/v1/migrations/1001/actions/accept-disclaimers", asAdmin, "application/json", `{"by":"admin@acme.test"}`)
	if m := r.json(t); m["step"] == "disclaimers" {
		t.Errorf("after accepting the disclaimers the migration is still at %v", m["step"])
	}
	nextEvent(t, events, "progress", func(m map[string]any) bool { return m["status"] != "awaiting_disclaimers" })
	end := nextEvent(t, events, "end", nil)
	if end["status"] != "completed" {
		t.Errorf("end event %v, want status completed", end)
	}
	nextEvent(t, listEvents, "changed", func(m map[string]any) bool {
		for _, id := range m["workflowIds"].([]any) {
			if id == "sell-migration-1001" {
				return true
			}
		}
		return false
	})

	tl := c.want(200, "", "GET", "/api/v1/migrations/1001/timeline", asViewer, "", "").json(t)
	if steps := len(tl["timeline"].([]any)); steps < 5 {
		t.Errorf("timeline has %d steps: %v", steps, tl)
	}
	if inputs := tl["inputs"].([]any); len(inputs) != 1 || inputs[0].(map[string]any)["name"] != "accept-disclaimers" {
		t.Errorf("inputs = %v, want the one accept-disclaimers", inputs)
	}

	// A completed migration takes no more actions and cannot be cancelled.
	c.want(409, "conflict", "POST", "/api/v1/migrations/1001/actions/back", asAdmin, "application/json", `{"by":"admin@acme.test"}`)
	c.want(409, "conflict", "POST", "/api/v1/migrations/1001/cancel", asOps, "", "")

	// Cancel a waiting one: it compensates and ends cancelled.
	r = c.want(202, "", "POST", "/api/v1/migrations/1003/cancel", asOps, "", "")
	if r.json(t)["workflowId"] != "sell-migration-1003" {
		t.Errorf("cancel answered %s", r.body)
	}
	c.awaitStatus("1003", "cancelled")

	t.Run("api role", func(t *testing.T) { testAPIRole(t, dev) })
}

// testAPIRole runs `sellmigrate api` against the same Temporal: it refuses to start
// without tokens, serves with them, and stops cleanly on Ctrl-C (SIGTERM, exit code 0).
func testAPIRole(t *testing.T, dev *harness.Dev) {
	r := dev.CLI("api", "--api-listen", "127.0.0.1:1")
	if r.Code == 0 || !strings.Contains(r.Stderr, "api.admin_tokens") {
		t.Errorf("api without tokens: want a refusal naming the token keys; got %s", r)
	}
	addr := "127.0.0.1:" + freePort(t)
	// The API stores the owners' grants: it shares dev's credential store.
	dsn, key, err := dev.CredentialStore()
	if err != nil {
		t.Fatal(err)
	}
	// Not a demo token, and 32 characters or more: the api role refuses anything less
	// (the production gate). Dev.Env gives it the stack's own OAuth client secret.
	const roleAdmin = "role-admin-0123456789abcdef0123456789"
	if r := dev.CLIWith(harness.Settings{"api.admin_tokens": "demo-admin"}, "api", "--api-listen", "127.0.0.1:1"); r.Code == 0 || !strings.Contains(r.Stderr, "api.admin_tokens item 1 is the public demo value") {
		t.Errorf("api with a demo token: want a refusal naming api.admin_tokens; got %s", r)
	}
	p, err := harness.StartProc(dev.Bins.Lean, t.TempDir(), "api", []string{"api", "--api-listen", addr},
		dev.Env(harness.Settings{"api.admin_tokens": roleAdmin, "credentials.dsn": dsn, "credentials.keys": key}))
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { harness.StopT(t, p) })
	c := apiClient{t: t, base: "http://" + addr, http: &http.Client{Timeout: 10 * time.Second}}
	for deadline := time.Now().Add(time.Minute); ; {
		if resp, err := http.Get(c.base + "/healthz"); err == nil {
			resp.Body.Close()
			break
		}
		if p.Exited() {
			t.Fatalf("api exited (%v) before serving:\n%s", p.ExitErr(), p.LogTail())
		}
		if time.Now().After(deadline) {
			t.Fatalf("api not serving after a minute:\n%s", p.LogTail())
		}
		time.Sleep(50 * time.Millisecond)
	}
	c.want(401, "unauthorized", "GET", "/api/v1/me", asAdmin, "", "")
	if m := c.want(200, "", "GET", "/api/v1/migrations/1001", "Bearer "+roleAdmin, "", "").json(t); m["status"] != "completed" {
		t.Errorf("api role reports 1001 as %v", m["status"])
	}
	if err := p.Stop(harness.StopTimeout); err != nil {
		t.Error(err)
	}
}

// wantBulk checks each row's outcome: "" for started, else the error code.
func wantBulk(t *testing.T, r apiReply, want map[int]string) {
	t.Helper()
	results, _ := r.json(t)["results"].([]any)
	if len(results) != len(want) {
		t.Fatalf("bulk answered %d results, want %d: %s", len(results), len(want), r.body)
	}
	for _, x := range results {
		res := x.(map[string]any)
		row := int(res["row"].(float64))
		code := ""
		if e, ok := res["error"].(map[string]any); ok {
			code, _ = e["code"].(string)
		}
		if res["ok"] != (want[row] == "") || code != want[row] {
			t.Errorf("bulk row %d = %v, want error code %q", row, res, want[row])
		}
	}
}

// listIDs joins a list page's workflow IDs, sorted.
func listIDs(m map[string]any) string {
	var ids []string
	for _, it := range m["items"].([]any) {
		ids = append(ids, it.(map[string]any)["workflowId"].(string))
	}
	sort.Strings(ids)
	return strings.Join(ids, ",")
}
