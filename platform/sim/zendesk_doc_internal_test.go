package sim

import (
	"os"
	"regexp"
	"strings"
	"testing"
)

// routePattern matches a route registration with a method, as server.go and oauth.go
// write them: HandleFunc("GET /_sim/ledger", s.handleLedger) or
// HandleFunc("GET "+p+"/users", s.supportAuthed(s.handleListUsers)). Catch-alls
// registered without a method are not routes of their own.
var routePattern = regexp.MustCompile(`HandleFunc\("(GET|POST|PUT|DELETE) (?:"\+(\w+)\+")?([^"]*)",\s*(?:s\.\w+Authed\()?(?:s\.(\w+))?`)

// docRoute is a route as docs/ZENDESK.md writes it, with the simulator handler serving it.
type docRoute struct {
	route, handler string
}

// registeredRoutes reads the simulator's route registrations from its source and writes
// each as docs/ZENDESK.md does: Zendesk's paths for the Support, OAuth and Sell APIs
// (/api/v2/..., /oauth/..., /v2/...), the simulator's own for the sign-in page and /_sim.
func registeredRoutes(t *testing.T) []docRoute {
	t.Helper()
	var out []docRoute
	for _, file := range []string{"server.go", "oauth.go"} {
		src, err := os.ReadFile(file)
		if err != nil {
			t.Fatal(err)
		}
		text := string(src)
		sellAt := strings.Index(text, "func (s *Sim) sellRoutes(")
		for _, m := range routePattern.FindAllStringSubmatchIndex(text, -1) {
			method, prefix, rest := text[m[2]:m[3]], "", text[m[6]:m[7]]
			if m[4] >= 0 {
				prefix = text[m[4]:m[5]]
			}
			handler := ""
			if m[8] >= 0 {
				handler = text[m[8]:m[9]]
			}
			var path string
			switch {
			case prefix == "":
				path = rest
			case prefix == "p" && file == "server.go" && sellAt >= 0 && m[0] > sellAt:
				path = "/v2" + rest
			case prefix == "p" && file == "server.go":
				path = "/api/v2" + rest
			case prefix == "oauthPrefix":
				path = "/oauth/" + rest
			case prefix == "supportPrefix":
				path = strings.TrimSuffix(supportPrefix+rest, "{$}")
			default:
				t.Fatalf("%s: route %s %q+%q: unknown prefix; teach this test what it stands for", file, method, prefix, rest)
			}
			out = append(out, docRoute{route: method + " " + path, handler: handler})
		}
	}
	return out
}

// docRow is the table row of docs/ZENDESK.md whose first cell is `route`.
var docRow = regexp.MustCompile("(?m)^\\| `((?:GET|POST|PUT|DELETE) /[^`]*)` \\|.*$")

// TestDocListsEverySimulatorRoute keeps docs/ZENDESK.md's call table honest: every route
// the simulator registers has a row naming its handler, and every row is a route the
// simulator serves (every call the client makes is one of them).
func TestDocListsEverySimulatorRoute(t *testing.T) {
	doc, err := os.ReadFile("../../docs/ZENDESK.md")
	if err != nil {
		t.Fatal(err)
	}
	rows := map[string]string{}
	for _, m := range docRow.FindAllStringSubmatch(string(doc), -1) {
		rows[m[1]] = m[0]
	}
	routes := registeredRoutes(t)
	// A refactor the pattern no longer reads must fail here, not pass with nothing checked.
	if len(routes) < 40 {
		t.Fatalf("found only %d route registrations in server.go and oauth.go; has the way routes are registered changed?", len(routes))
	}
	served := map[string]bool{}
	for _, r := range routes {
		served[r.route] = true
		row, ok := rows[r.route]
		if !ok {
			t.Errorf("docs/ZENDESK.md has no table row for `%s`", r.route)
			continue
		}
		if r.handler != "" && !strings.Contains(row, "`"+r.handler+"`") {
			t.Errorf("docs/ZENDESK.md's row for `%s` does not name its handler `%s`", r.route, r.handler)
		}
	}
	for route := range rows {
		if !served[route] {
			t.Errorf("docs/ZENDESK.md lists `%s`, which the simulator does not serve", route)
		}
	}
}
