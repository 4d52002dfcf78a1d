package api

import (
	"encoding/json"
	"net/http"
	"net/http/httptest"
	"reflect"
	"regexp"
	"sort"
	"strings"
	"testing"

	"github.com/sellmigrate/sellmigrate/contract"
	"github.com/sellmigrate/sellmigrate/starter"
)

// testServer builds a server whose starter has no Temporal client: enough for
// everything that is decided before Temporal is asked.
func testServer(t *testing.T) *Server { return testServerWith(t, nil) }

// testServerWith is testServer with some options changed by adjust.
func testServerWith(t *testing.T, adjust func(*Options)) *Server {
	t.Helper()
	o := Options{
		Starter:       starter.New(nil, starter.Options{}),
		Tokens:        Tokens{Viewer: []string{"tok-viewer"}, Ops: []string{"tok-ops"}, Admin: []string{"tok-admin"}},
		PublicURL:     "http://127.0.0.1:8080",
		TemporalUIURL: "http://127.0.0.1:8233",
		OAuth:         OAuthOptions{ClientID: "sellmigrate", ClientSecret: "secret", SupportURL: "http://127.0.0.1:8081/zendesk/{subdomain}", Links: testLinks(t)},
		MaxBodyBytes:  4096,
	}
	if adjust != nil {
		adjust(&o)
	}
	s, err := NewServer(o)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(s.Close)
	return s
}

// registeredPatterns reads every pattern registered on a ServeMux. The mux offers no
// way to list them, so this reads its route index by reflection (test-only; Go is
// pinned in go.mod). Every pattern is in the index: those ending in a multi-segment
// wildcard in multis, every other one under each of its segment positions.
func registeredPatterns(t *testing.T, mux *http.ServeMux) []string {
	t.Helper()
	index := reflect.ValueOf(mux).Elem().FieldByName("index")
	segments, multis := index.FieldByName("segments"), index.FieldByName("multis")
	if !segments.IsValid() || !multis.IsValid() {
		t.Fatal("http.ServeMux's route index has changed shape; update registeredPatterns for this Go version")
	}
	seen := map[string]bool{}
	add := func(list reflect.Value) {
		for i := 0; i < list.Len(); i++ {
			seen[list.Index(i).Elem().FieldByName("str").String()] = true
		}
	}
	add(multis)
	for it := segments.MapRange(); it.Next(); {
		add(it.Value())
	}
	out := make([]string, 0, len(seen))
	for p := range seen {
		out = append(out, p)
	}
	sort.Strings(out)
	return out
}

// docPath turns a mux pattern into its method and OpenAPI path: "{$}" goes, a
// trailing-slash prefix ("/assets/") is "/assets/{path}", "{rest...}" is "{rest}".
func docPath(pattern string) (method, path string) {
	method, path, ok := strings.Cut(pattern, " ")
	if !ok {
		return "", pattern
	}
	path = strings.ReplaceAll(path, "{$}", "")
	path = strings.ReplaceAll(path, "...}", "}")
	if path == "" {
		path = "/"
	}
	if path != "/" && strings.HasSuffix(path, "/") {
		path += "{path}"
	}
	return strings.ToLower(method), path
}

var templateParam = regexp.MustCompile(`\{([^}]+)\}`)

func loadDoc(t *testing.T, s *Server) map[string]any {
	t.Helper()
	rec := httptest.NewRecorder()
	s.Handler().ServeHTTP(rec, httptest.NewRequest("GET", "/openapi.json", nil))
	if rec.Code != 200 {
		t.Fatalf("GET /openapi.json = %d %s", rec.Code, rec.Body)
	}
	var doc map[string]any
	if err := json.Unmarshal(rec.Body.Bytes(), &doc); err != nil {
		t.Fatalf("/openapi.json is not JSON: %v", err)
	}
	if doc["openapi"] != "3.0.3" {
		t.Errorf("openapi = %v, want 3.0.3", doc["openapi"])
	}
	return doc
}

// TestOpenAPIMatchesRoutes proves the document and the server agree both ways: every
// registered route (the API's, the dashboard's and the OAuth login's) is documented,
// and every documented path and method is served by the route it describes.
func TestOpenAPIMatchesRoutes(t *testing.T) {
	s := testServer(t)
	doc := loadDoc(t, s)
	paths := doc["paths"].(map[string]any)

	registered := registeredPatterns(t, s.mux)
	if len(registered) < len(s.apiRoutes()) {
		t.Fatalf("read %d patterns from the mux, fewer than the %d API routes", len(registered), len(s.apiRoutes()))
	}
	for _, pattern := range registered {
		method, path := docPath(pattern)
		if method == "" {
			t.Errorf("route %q has no method; every route must name one so the document can describe it", pattern)
			continue
		}
		item, ok := paths[path].(map[string]any)
		if !ok || item[method] == nil {
			t.Errorf("route %q is served but not documented as %s %s in /openapi.json", pattern, strings.ToUpper(method), path)
		}
	}

	for path, item := range paths {
		for method, opAny := range item.(map[string]any) {
			op := opAny.(map[string]any)
			concrete := templateParam.ReplaceAllString(path, "x1001")
			req := httptest.NewRequest(strings.ToUpper(method), concrete, nil)
			_, pattern := s.mux.Handler(req)
			gotMethod, gotPath := docPath(pattern)
			if pattern == "" || gotMethod != method || gotPath != path {
				t.Errorf("documented %s %s is not served by its own route (a request to %s matched %q)", strings.ToUpper(method), path, concrete, pattern)
			}
			checkPathParams(t, path, method, op)
			if rt, ok := s.routes[pattern]; ok {
				want := rt.role.String()
				if rt.role == rolePublic {
					want = ""
				}
				if got, _ := op["x-required-role"].(string); got != want {
					t.Errorf("%s %s: x-required-role %q, the route needs %q", strings.ToUpper(method), path, got, want)
				}
			}
		}
	}
}

// checkPathParams: each {name} in the path is a documented path parameter, and no
// path parameter is documented that the path lacks.
func checkPathParams(t *testing.T, path, method string, op map[string]any) {
	t.Helper()
	want := map[string]bool{}
	for _, m := range templateParam.FindAllStringSubmatch(path, -1) {
		want[m[1]] = true
	}
	params, _ := op["parameters"].([]any)
	for _, p := range params {
		pm := p.(map[string]any)
		if pm["in"] != "path" {
			continue
		}
		name := pm["name"].(string)
		if !want[name] {
			t.Errorf("%s %s documents path parameter %q the path lacks", method, path, name)
		}
		delete(want, name)
	}
	for name := range want {
		t.Errorf("%s %s lacks a documented path parameter %q", method, path, name)
	}
}

// TestOpenAPIRefsResolve: every $ref points at a component that exists, and the
// error codes documented are the ones the server sends.
func TestOpenAPIRefsResolve(t *testing.T) {
	doc := loadDoc(t, testServer(t))
	components := doc["components"].(map[string]any)
	var walk func(v any)
	walk = func(v any) {
		switch x := v.(type) {
		case map[string]any:
			if ref, ok := x["$ref"].(string); ok {
				parts := strings.Split(strings.TrimPrefix(ref, "#/components/"), "/")
				group, _ := components[parts[0]].(map[string]any)
				if len(parts) != 2 || group[parts[1]] == nil {
					t.Errorf("$ref %s does not resolve", ref)
				}
			}
			for _, e := range x {
				walk(e)
			}
		case []any:
			for _, e := range x {
				walk(e)
			}
		}
	}
	walk(doc)

	errSchema := components["schemas"].(map[string]any)["Error"].(map[string]any)
	codes := errSchema["properties"].(map[string]any)["error"].(map[string]any)["properties"].(map[string]any)["code"].(map[string]any)["enum"].([]any)
	if len(codes) != len(errorCodes) {
		t.Errorf("documented error codes %v, the server has %d", codes, len(errorCodes))
	}
	for _, c := range codes {
		if _, ok := errorCodes[c.(string)]; !ok {
			t.Errorf("documented error code %v is not one the server sends", c)
		}
	}
}

// TestSchemasMatchTypes: every object schema the API answers with lists exactly the
// JSON fields of the Go type it describes, so a field added to the contract cannot go
// undocumented (and the closed schemas cannot refuse it).
func TestSchemasMatchTypes(t *testing.T) {
	doc := loadDoc(t, testServer(t))
	components := doc["components"].(map[string]any)["schemas"].(map[string]any)
	for name, typ := range map[string]reflect.Type{
		"Progress":           reflect.TypeFor[contract.Progress](),
		"Result":             reflect.TypeFor[contract.Result](),
		"ContributorCounts":  reflect.TypeFor[contract.ContributorCounts](),
		"InputRecord":        reflect.TypeFor[contract.InputRecord](),
		"InputCount":         reflect.TypeFor[contract.InputCount](),
		"StepRecord":         reflect.TypeFor[contract.StepRecord](),
		"NotificationRecord": reflect.TypeFor[contract.NotificationRecord](),
		"Disclaimer":         reflect.TypeFor[contract.Disclaimer](),
		"Principal":          reflect.TypeFor[contract.Principal](),
		"AuditRecord":        reflect.TypeFor[AuditRecord](),
		// The campaign routes'.
		"CampaignSummary":        reflect.TypeFor[starter.CampaignSummary](),
		"CampaignList":           reflect.TypeFor[campaignListBody](),
		"CampaignRow":            reflect.TypeFor[contract.CampaignRow](),
		"CampaignStartRequest":   reflect.TypeFor[campaignStartRequest](),
		"CampaignStarted":        reflect.TypeFor[campaignStartedBody](),
		"CampaignControlRequest": reflect.TypeFor[campaignControlRequest](),
		"CampaignControlled":     reflect.TypeFor[campaignControlBody](),
		"CampaignAddRequest":     reflect.TypeFor[campaignAddRequest](),
		"CampaignAdded":          reflect.TypeFor[campaignAddedBody](),
		"CampaignCounts":         reflect.TypeFor[contract.CampaignCounts](),
		"CampaignRowReport":      reflect.TypeFor[contract.CampaignRowReport](),
		"CampaignCancel":         reflect.TypeFor[contract.CampaignCancel](),
		"CampaignReport":         reflect.TypeFor[contract.CampaignReport](),
		"CampaignProgress":       reflect.TypeFor[contract.CampaignProgress](),
		"CampaignView":           reflect.TypeFor[starter.CampaignReport](),
	} {
		props := components[name].(map[string]any)["properties"].(map[string]any)
		want := map[string]bool{}
		jsonFields(typ, want)
		for field := range want {
			if props[field] == nil {
				t.Errorf("schema %s lacks %s, a field of %s", name, field, typ)
			}
		}
		for field := range props {
			if !want[field] {
				t.Errorf("schema %s documents %s, which %s does not have", name, field, typ)
			}
		}
	}
}

// jsonFields adds the JSON field names of a struct type to out, those of embedded
// structs included, as encoding/json flattens them.
func jsonFields(typ reflect.Type, out map[string]bool) {
	for i := 0; i < typ.NumField(); i++ {
		f := typ.Field(i)
		tag, _, _ := strings.Cut(f.Tag.Get("json"), ",")
		if f.Anonymous && tag == "" && f.Type.Kind() == reflect.Struct {
			jsonFields(f.Type, out)
			continue
		}
		if tag != "" && tag != "-" {
			out[tag] = true
		}
	}
}
