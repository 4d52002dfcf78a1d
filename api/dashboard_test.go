package api

import (
	"io/fs"
	"net/http"
	"path"
	"regexp"
	"strings"
	"testing"
)

// TestDashboardServed checks the page and every asset are served with their types
// and the dashboard's headers, without a token.
func TestDashboardServed(t *testing.T) {
	s := testServer(t)
	rec, _ := call(t, s, "GET", "/", "", "", "")
	if rec.Code != http.StatusOK || !strings.HasPrefix(rec.Header().Get("Content-Type"), "text/html") {
		t.Fatalf("GET /: %d %s", rec.Code, rec.Header().Get("Content-Type"))
	}
	if csp := rec.Header().Get("Content-Security-Policy"); !strings.Contains(csp, "default-src 'self'") {
		t.Errorf("GET /: Content-Security-Policy %q", csp)
	}
	if !strings.Contains(rec.Body.String(), `src="/assets/app.js"`) {
		t.Errorf("GET / does not load /assets/app.js:\n%s", rec.Body)
	}

	types := map[string]string{".js": "text/javascript", ".css": "text/css"}
	assets := embeddedAssets(t)
	for _, name := range assets {
		rec, _ := call(t, s, "GET", "/assets/"+name, "", "", "")
		if rec.Code != http.StatusOK {
			t.Errorf("GET /assets/%s: %d", name, rec.Code)
			continue
		}
		if want := types[path.Ext(name)]; !strings.HasPrefix(rec.Header().Get("Content-Type"), want) {
			t.Errorf("GET /assets/%s: Content-Type %q, want %s", name, rec.Header().Get("Content-Type"), want)
		}
		if rec.Header().Get("X-Content-Type-Options") != "nosniff" {
			t.Errorf("GET /assets/%s lacks X-Content-Type-Options: nosniff", name)
		}
	}
	for _, p := range []string{"/assets/", "/assets/missing.js", "/index.html/x"} {
		if rec, _ := call(t, s, "GET", p, "", "", ""); rec.Code != http.StatusNotFound {
			t.Errorf("GET %s: %d, want 404", p, rec.Code)
		}
	}
}

// TestDashboardIsSelfContained checks that every module import and every asset the
// page names is embedded, and that nothing is loaded from another host, so the
// dashboard works offline.
func TestDashboardIsSelfContained(t *testing.T) {
	have := map[string]bool{}
	for _, name := range embeddedAssets(t) {
		have[name] = true
	}
	refs := regexp.MustCompile(`(?:from\s+"\./([^"]+)"|(?:src|href)="/assets/([^"]+)")`)
	external := regexp.MustCompile(`(?i)(?:https?:)?//[a-z0-9.-]+\.[a-z]{2,}/|@import|url\(\s*["']?(?:https?:)?//`)
	files := append([]string{"index.html"}, prefixed("assets/", embeddedAssets(t))...)
	for _, file := range files {
		data, err := fs.ReadFile(ui, "ui/"+file)
		if err != nil {
			t.Fatal(err)
		}
		for _, m := range refs.FindAllStringSubmatch(string(data), -1) {
			if name := m[1] + m[2]; !have[name] {
				t.Errorf("%s refers to %s, which is not embedded", file, name)
			}
		}
		if loc := external.FindString(string(data)); loc != "" {
			t.Errorf("%s loads something from elsewhere (%q); the dashboard must work offline", file, loc)
		}
	}
}

func embeddedAssets(t *testing.T) []string {
	t.Helper()
	entries, err := fs.ReadDir(ui, "ui/assets")
	if err != nil {
		t.Fatal(err)
	}
	var names []string
	for _, e := range entries {
		names = append(names, e.Name())
	}
	if len(names) == 0 {
		t.Fatal("no dashboard assets embedded")
	}
	return names
}

func prefixed(prefix string, names []string) []string {
	out := make([]string, len(names))
	for i, n := range names {
		out[i] = prefix + n
	}
	return out
}
