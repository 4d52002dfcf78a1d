package e2e

import (
	"io"
	"net/http"
	"strings"
	"testing"
	"time"

	"github.com/sellmigrate/sellmigrate/e2e/harness"
)

// TestDevServesWorkerMetricsAndHealth runs a migration on the shared `sellmigrate dev`
// (an account of its own, 5301) and reads the worker's /metrics, /healthz and /readyz:
// the SDK's metrics and ours; then the API's own, on its admin listener.
func TestDevServesWorkerMetricsAndHealth(t *testing.T) {
	t.Parallel()
	dev := shared(t)
	dev.Sim().AddAccount(t, harness.AccountSpec{SellAccountID: 5301, Name: "Metricsco", Users: 2})
	get := func(url string) (int, string) {
		t.Helper()
		resp, err := (&http.Client{Timeout: 30 * time.Second}).Get(url)
		if err != nil {
			t.Fatalf("GET %s: %v", url, err)
		}
		defer resp.Body.Close()
		b, _ := io.ReadAll(resp.Body)
		return resp.StatusCode, string(b)
	}
	if code, _ := get(dev.MetricsURL + "/healthz"); code != http.StatusOK {
		t.Errorf("/healthz = %d", code)
	}
	if code, body := get(dev.MetricsURL + "/readyz"); code != http.StatusOK {
		t.Errorf("/readyz = %d %s", code, body)
	}

	harness.MustCLI(t, dev, "start", "--account", "5301", "--mode", "new", "--subdomain", "metricsco", "--requested-by", "admin@metricsco.test")
	harness.AwaitStatus(t, dev, "5301", "awaiting_disclaimers")
	harness.MustCLI(t, dev, "signal", "5301", "accept-disclaimers", "--by", "admin@metricsco.test")
	harness.AwaitStatus(t, dev, "5301", "completed")

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
	deadline := time.Now().Add(time.Minute)
	for {
		_, body := get(dev.MetricsURL + "/metrics")
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

	// The API has its own, on its admin listener (api.admin_listen): readiness
	// (Temporal answers) and its latency by route. The public port answers neither.
	if code, body := get(dev.APIAdminURL + "/readyz"); code != http.StatusOK {
		t.Errorf("API admin /readyz = %d %s", code, body)
	}
	get(dev.APIURL + "/openapi.json")
	if _, body := get(dev.APIAdminURL + "/metrics"); !hasSeries(body, "sellmigrate_api_request_duration_seconds_count", `route="GET /openapi.json"`) {
		t.Errorf("API admin /metrics lacks the latency of GET /openapi.json:\n%s", body)
	}
	for _, path := range []string{"/metrics", "/readyz"} {
		if code, body := get(dev.APIURL + path); code != http.StatusNotFound {
			t.Errorf("public API %s = %d; want 404 (it is on api.admin_listen):\n%s", path, code, body)
		}
	}
	if code, _ := get(dev.APIURL + "/healthz"); code != http.StatusOK {
		t.Errorf("public API /healthz = %d; want 200", code)
	}
	if banner := dev.Banner(); !strings.Contains(banner, dev.APIAdminURL+"/metrics") {
		t.Errorf("dev's banner does not print the API admin address %s:\n%s", dev.APIAdminURL, banner)
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
