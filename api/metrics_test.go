package api

import (
	"io"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"
	"time"
)

func TestInstrumentRecordsLatencyByRoute(t *testing.T) {
	mux := http.NewServeMux()
	mux.HandleFunc("GET /api/v1/migrations/{id}", func(w http.ResponseWriter, _ *http.Request) { w.WriteHeader(http.StatusNotFound) })
	m := NewMetrics()
	srv := httptest.NewServer(Instrument(mux, m))
	defer srv.Close()
	metrics := httptest.NewServer(m.Handler())
	defer metrics.Close()

	get := func(base, path string) (int, string) {
		resp, err := http.Get(base + path)
		if err != nil {
			t.Fatalf("GET %s: %v", path, err)
		}
		defer resp.Body.Close()
		b, _ := io.ReadAll(resp.Body)
		return resp.StatusCode, string(b)
	}
	for _, id := range []string{"1001", "1002", "sell-migration-1003"} {
		if code, _ := get(srv.URL, "/api/v1/migrations/"+id); code != http.StatusNotFound {
			t.Fatalf("route answered %d", code)
		}
	}
	get(srv.URL, "/nowhere")
	// One series per route pattern, not per ID. A request's latency is recorded once
	// its response is written, so the client may ask before the last one is counted.
	want := `sellmigrate_api_request_duration_seconds_count{code="4xx",method="GET",route="GET /api/v1/migrations/{id}"} 3`
	var body string
	for deadline := time.Now().Add(5 * time.Second); ; time.Sleep(10 * time.Millisecond) {
		if _, body = get(metrics.URL, ""); strings.Contains(body, want) || time.Now().After(deadline) {
			break
		}
	}
	if !strings.Contains(body, want) {
		t.Errorf("/metrics lacks %s:\n%s", want, body)
	}
	// IDs never appear in a series' name or labels. Values are left out of the search:
	// they are numbers that may hold any digits (a latency of 0.00010023s).
	var ours []string
	for _, line := range strings.Split(body, "\n") {
		if series, _, ok := strings.Cut(line, " "); ok && !strings.HasPrefix(line, "#") {
			ours = append(ours, series)
		}
	}
	if !strings.Contains(body, `route="unmatched"`) || strings.Contains(strings.Join(ours, "\n"), "1002") {
		t.Errorf("unmatched paths must share one label and IDs never appear:\n%s", body)
	}
}
