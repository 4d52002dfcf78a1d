package main

import (
	"context"
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"go.uber.org/zap"

	"github.com/sellmigrate/sellmigrate/bench"
	"github.com/sellmigrate/sellmigrate/config"
)

// TestBenchEndToEndAndParked runs the benchmark small: a few floor workflows and
// migrations end to end with the responder, then a few parked at the owner login with
// the list API timed, and charts the result. The worker is a child process (this test
// binary re-executed as `sellmigrate worker --bench-floor`).
func TestBenchEndToEndAndParked(t *testing.T) {
	if testing.Short() {
		t.Skip("end-to-end: starts the embedded Temporal server and a worker process")
	}
	for _, k := range config.Keys() {
		t.Setenv(config.EnvVar(k), "")
	}
	t.Setenv(config.FileEnvVar, "")
	args, _ := json.Marshal([]string{"worker", "--" + benchFloorFlag})
	t.Setenv(chaosChildEnv, string(args))
	workerCmd := []string{os.Args[0], "-test.run=^TestChaosChildProcess$", "-test.count=1"}
	ctx := context.Background()

	res, err := bench.Run(ctx, bench.Options{N: 4, WorkerCommand: workerCmd, Timeout: 3 * time.Minute, Logger: zap.NewNop()})
	if err != nil {
		t.Fatalf("bench end to end: %v", err)
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
	body, err := json.Marshal(res)
	if err != nil {
		t.Fatal(err)
	}
	for _, key := range []string{`"n":4`, `"migrations_per_sec"`, `"floor_per_sec"`, `"ratio"`, `"p50_ms"`, `"p95_ms"`, `"p99_ms"`, `"starts_per_sec"`, `"peak_rss_mb"`} {
		if !strings.Contains(string(body), key) {
			t.Errorf("result JSON lacks %s: %s", key, body)
		}
	}

	parked, err := bench.Run(ctx, bench.Options{Parked: 3, ListSamples: 5, WorkerCommand: workerCmd, Timeout: 3 * time.Minute, Logger: zap.NewNop()})
	if err != nil {
		t.Fatalf("bench parked: %v", err)
	}
	if parked.Parked == nil || parked.Parked.Waiting != 3 || parked.Parked.ListP95ms <= 0 || parked.Parked.WorkerRSSMB <= 0 {
		t.Errorf("parked result = %+v %+v", parked, parked.Parked)
	}

	dir := t.TempDir()
	file := filepath.Join(dir, "bench.json")
	if err := os.WriteFile(file, body, 0o600); err != nil {
		t.Fatal(err)
	}
	svg := filepath.Join(dir, "chart.svg")
	mustCLI(t, "bench", "chart", "--out", svg, file)
	b, err := os.ReadFile(svg)
	if err != nil || !strings.HasPrefix(string(b), "<svg") || !strings.Contains(string(b), "N=4") {
		t.Errorf("chart = %v %.200s", err, b)
	}
	if code, _, errOut := cli(t, "bench"); code == 0 || !strings.Contains(errOut, "--n") {
		t.Errorf("bench without --n: exit %d %q", code, errOut)
	}
}

// TestDevServesWorkerMetricsAndHealth runs a migration on `sellmigrate dev` and reads
// the worker's /metrics, /healthz and /readyz: the SDK's metrics and ours.
func TestDevServesWorkerMetricsAndHealth(t *testing.T) {
	if testing.Short() {
		t.Skip("end-to-end: starts the embedded Temporal server")
	}
	temporalPort, simPort, metricsPort := freePort(t), freePort(t), freePort(t)
	e2eEnv(t, temporalPort)
	t.Setenv(config.EnvVar("worker.metrics_listen"), fmt.Sprintf("127.0.0.1:%d", metricsPort))
	dev := startDev(t, t.TempDir(), temporalPort, simPort)
	base := fmt.Sprintf("http://127.0.0.1:%d", metricsPort)

	get := func(path string) (int, string) {
		resp, err := http.Get(base + path)
		if err != nil {
			t.Fatalf("GET %s: %v", path, err)
		}
		defer resp.Body.Close()
		b, _ := io.ReadAll(resp.Body)
		return resp.StatusCode, string(b)
	}
	if code, _ := get("/healthz"); code != http.StatusOK {
		t.Errorf("/healthz = %d", code)
	}
	if code, body := get("/readyz"); code != http.StatusOK {
		t.Errorf("/readyz = %d %s", code, body)
	}

	mustCLI(t, "start", "--account", "1001", "--mode", "new", "--subdomain", "acme", "--requested-by", "admin@acme.test")
	awaitStatus(t, "1001", "awaiting_disclaimers")
	mustCLI(t, "signal", "1001", "accept-disclaimers", "--by", "admin@acme.test")
	awaitStatus(t, "1001", "completed")

	// Each wanted series: the metric name and a label it carries (the SDK adds others,
	// such as namespace and task_queue).
	want := [][2]string{
		{"sellmigrate_migration_duration_seconds_count", `outcome="completed"`},
		{"sellmigrate_migration_human_wait_seconds_count", `waiting="awaiting_disclaimers"`},
		{"sellmigrate_migration_step_duration_seconds_count", `step="contributors"`},
		{"sellmigrate_migration_step_entered_total", `step="link"`},
		{"sellmigrate_migrations", `status="awaiting_disclaimers"`},
		{"sellmigrate_migrations_running", `step="preflight"`},
		{"temporal_workflow_completed_total", `workflow_type="MigrationWorkflow"`},
		{"temporal_activity_execution_latency_seconds_count", `activity_type="LinkAccounts"`},
	}
	deadline := time.Now().Add(30 * time.Second)
	for {
		_, body := get("/metrics")
		var missing []string
		for _, w := range want {
			if !hasSeries(body, w[0], w[1]) {
				missing = append(missing, w[0]+"{"+w[1]+"}")
			}
		}
		if len(missing) == 0 {
			break
		}
		if time.Now().After(deadline) {
			t.Fatalf("/metrics lacks %q:\n%s", missing, body)
		}
		time.Sleep(250 * time.Millisecond)
	}

	// The API role has its own: readiness (Temporal answers) and its latency by route.
	base = dev.apiURL
	if code, body := get("/readyz"); code != http.StatusOK {
		t.Errorf("API /readyz = %d %s", code, body)
	}
	get("/openapi.json")
	if _, body := get("/metrics"); !hasSeries(body, "sellmigrate_api_request_duration_seconds_count", `route="GET /openapi.json"`) {
		t.Errorf("API /metrics lacks the latency of GET /openapi.json:\n%s", body)
	}
}

// hasSeries reports whether the Prometheus text has a sample of metric with label.
func hasSeries(body, metric, label string) bool {
	for _, line := range strings.Split(body, "\n") {
		if strings.HasPrefix(line, metric+"{") && strings.Contains(line, label) {
			return true
		}
	}
	return false
}
