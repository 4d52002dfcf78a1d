package e2e

import (
	"encoding/json"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/sellmigrate/sellmigrate/bench"
	"github.com/sellmigrate/sellmigrate/e2e/harness"
)

// TestBenchEndToEndAndParked runs `sellmigrate bench` small, as a person would: a few
// floor workflows and migrations end to end with the responder, then a few parked at
// the owner login with the list API timed, and charts the result. Bench starts its own
// embedded server, simulator and worker process (`sellmigrate worker --bench-floor`).
func TestBenchEndToEndAndParked(t *testing.T) {
	t.Parallel()
	bin := binaries(t).Full // bench embeds the Temporal server
	dir := t.TempDir()
	env := harness.Env()

	file := filepath.Join(dir, "bench.json")
	r := harness.Run(bin, env, "bench", "--n", "4", "--out", file)
	if r.Code != 0 {
		t.Fatalf("bench end to end: %s", r)
	}
	body, err := os.ReadFile(file)
	if err != nil {
		t.Fatal(err)
	}
	var res bench.Result
	if err := json.Unmarshal(body, &res); err != nil {
		t.Fatalf("bench --out is not a bench result: %v\n%s", err, body)
	}
	if res.Completed != 4 || res.MigrationsPerSec <= 0 || res.FloorPerSec <= 0 || res.Ratio <= 0 ||
		res.P50ms <= 0 || res.P99ms < res.P50ms || res.StartsPerSec <= 0 || res.PeakRSSMB <= 0 {
		t.Errorf("implausible result: %+v", res)
	}
	if res.InputsSent != 8 {
		t.Errorf("inputs sent = %d, want 8 (owner login and disclaimers for each)", res.InputsSent)
	}
	// Each migration touches its own Sell token and Support account: far under the limits.
	if p := res.SimStats.Peaks; p.SellTokenPerSecond > 10 || p.SupportAccountPerMinute > 700 || res.SimStats.TotalRequests["sell"] == 0 {
		t.Errorf("sim stats = %+v", res.SimStats)
	}
	for _, key := range []string{`"n": 4`, `"migrations_per_sec"`, `"floor_per_sec"`, `"ratio"`, `"p50_ms"`, `"p95_ms"`, `"p99_ms"`, `"starts_per_sec"`, `"peak_rss_mb"`} {
		if !strings.Contains(string(body), key) {
			t.Errorf("result JSON lacks %s: %s", key, body)
		}
	}
	if strings.TrimSpace(r.Stdout) != strings.TrimSpace(string(body)) {
		t.Errorf("bench printed something else than it wrote to --out:\n%s", r.Stdout)
	}

	r = harness.Run(bin, env, "bench", "--parked", "3")
	if r.Code != 0 {
		t.Fatalf("bench parked: %s", r)
	}
	var parked bench.Result
	if err := json.Unmarshal([]byte(r.Stdout), &parked); err != nil {
		t.Fatalf("bench --parked printed no result: %v\n%s", err, r.Stdout)
	}
	if parked.Parked == nil || parked.Parked.Waiting != 3 || parked.Parked.ListP95ms <= 0 || parked.Parked.WorkerRSSMB <= 0 {
		t.Errorf("parked result = %+v %+v", parked, parked.Parked)
	}

	svg := filepath.Join(dir, "chart.svg")
	if r := harness.Run(bin, env, "bench", "chart", "--out", svg, file); r.Code != 0 {
		t.Fatalf("bench chart: %s", r)
	}
	b, err := os.ReadFile(svg)
	if err != nil || !strings.HasPrefix(string(b), "<svg") || !strings.Contains(string(b), "N=4") {
		t.Errorf("chart = %v %.200s", err, b)
	}
	if r := harness.Run(bin, env, "bench"); r.Code == 0 || !strings.Contains(r.Stderr, "--n") {
		t.Errorf("bench without --n must say to give it: %s", r)
	}
}
