package platform

import (
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"testing"
)

// requestPattern matches a request the client builds: request{method: http.MethodGet,
// path: "/api/v2/users"} or a path completed at run time ("/api/v2/custom_roles/" + id).
var requestPattern = regexp.MustCompile(`method:\s*http\.Method(\w+),\s*path:\s*"([^"]*)"(\s*\+)?`)

// funcPattern finds the method a request is built in.
var funcPattern = regexp.MustCompile(`(?m)^func \(\w+ \*(\w+)\) (\w+)\(`)

// TestDocListsEveryClientCall keeps docs/ZENDESK.md's call table honest from the client's
// side: every request built in this package has a row for its method and path that
// names the function building it (platform/sim checks the simulator's side).
func TestDocListsEveryClientCall(t *testing.T) {
	t.Parallel()
	doc, err := os.ReadFile("../docs/ZENDESK.md")
	if err != nil {
		t.Fatal(err)
	}
	var rows []string
	for _, line := range strings.Split(string(doc), "\n") {
		if strings.HasPrefix(line, "| `") {
			rows = append(rows, line)
		}
	}
	files, err := filepath.Glob("*.go")
	if err != nil {
		t.Fatal(err)
	}
	found := 0
	for _, file := range files {
		if strings.HasSuffix(file, "_test.go") {
			continue
		}
		src, err := os.ReadFile(file)
		if err != nil {
			t.Fatal(err)
		}
		text := string(src)
		funcs := funcPattern.FindAllStringSubmatchIndex(text, -1)
		for _, m := range requestPattern.FindAllStringSubmatchIndex(text, -1) {
			found++
			method := strings.ToUpper(text[m[2]:m[3]])
			call := "`" + method + " " + text[m[4]:m[5]]
			if m[6] >= 0 {
				call += "{" // the row writes the run-time part as {id} or {subdomain}
			} else {
				call += "`"
			}
			fn := ""
			for _, f := range funcs {
				if f[0] < m[0] {
					fn = text[f[2]:f[3]] + "." + text[f[4]:f[5]]
				}
			}
			var row string
			for _, r := range rows {
				if strings.HasPrefix(r, "| "+call) {
					row = r
					break
				}
			}
			switch {
			case row == "":
				t.Errorf("%s: %s builds %s...: docs/ZENDESK.md has no table row for it", file, fn, call)
			case fn == "":
				t.Errorf("%s: cannot tell which function builds %s", file, call)
			// An unexported helper (Sell.users) is listed by its exported callers.
			case !strings.Contains(strings.ToLower(row), strings.ToLower("`"+fn+"`")):
				t.Errorf("docs/ZENDESK.md's row for %s does not name %s, which builds it", call, fn)
			}
		}
	}
	// A change in how requests are written must fail here, not pass with nothing checked.
	if found < 15 {
		t.Fatalf("found only %d requests in platform/*.go; has the way requests are built changed?", found)
	}
}
