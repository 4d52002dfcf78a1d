package e2e

import (
	"context"
	"encoding/json"
	"io"
	"net"
	"net/http"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"testing"
	"time"

	enumspb "go.temporal.io/api/enums/v1"
	"go.temporal.io/api/operatorservice/v1"
	"go.temporal.io/api/workflowservice/v1"
	"go.temporal.io/sdk/client"
	"google.golang.org/grpc"

	"github.com/sellmigrate/sellmigrate/contract"
	"github.com/sellmigrate/sellmigrate/e2e/harness"
	"github.com/sellmigrate/sellmigrate/workflows/searchattr"
)

// TestStackSurvivesRestartAndCrash checks the embedded server `sellmigrate dev` runs:
// the namespace with its retention and the migration search attributes (and one added
// through the operator service, idempotently), the Web UI; a migration waiting for a
// person survives a clean stop (exit 0, the SQLite file in WAL mode) and then a crash
// (SIGKILL: no clean-up, no WAL checkpoint), and takes its answer afterwards.
func TestStackSurvivesRestartAndCrash(t *testing.T) {
	t.Parallel()
	dataDir := t.TempDir()
	d := harness.DevT(t, binaries(t), harness.DevOptions{Name: "restart-dev", DataDir: dataDir, UI: true})
	c := harness.MustClient(t, d)
	ctx, cancel := context.WithTimeout(context.Background(), 4*time.Minute)
	defer cancel()

	checkNamespace(ctx, t, c, contract.SearchAttributes)
	// The operator-service path: an attribute the namespace lacks is added, idempotently.
	probe := map[string]enumspb.IndexedValueType{"E2EProbe": enumspb.INDEXED_VALUE_TYPE_KEYWORD}
	for range 2 {
		if err := searchattr.Ensure(ctx, c, "default", probe); err != nil {
			t.Fatalf("Ensure probe attribute: %v", err)
		}
	}
	wrongType := map[string]enumspb.IndexedValueType{"E2EProbe": enumspb.INDEXED_VALUE_TYPE_INT}
	if err := searchattr.Ensure(ctx, c, "default", wrongType); err == nil || !strings.Contains(err.Error(), "wrong type") {
		t.Fatalf("Ensure with a conflicting type: got %v, want a wrong-type error", err)
	}
	checkUI(ctx, t, d.UIURL)
	checkUICodec(ctx, t, d)

	harness.MustCLI(t, d, "start", "--account", "1001", "--mode", "new", "--subdomain", "acme", "--requested-by", "admin@acme.test")
	harness.AwaitStatus(t, d, "1001", "awaiting_disclaimers")

	if err := d.Stop(); err != nil { // exit code 0 is checked
		t.Fatal(err)
	}
	checkWALMode(t, filepath.Join(dataDir, "temporal.db"))
	if err := d.Start(); err != nil {
		t.Fatal(err)
	}
	checkNamespace(ctx, t, c, probe)
	harness.AwaitStatus(t, d, "1001", "awaiting_disclaimers")

	d.Kill()
	if _, err := os.Stat(filepath.Join(dataDir, "temporal.db-wal")); err != nil {
		t.Errorf("after the crash the write-ahead log is gone (%v); the crash must leave it unchecked-pointed", err)
	}
	if err := d.Start(); err != nil {
		t.Fatal(err)
	}
	s := harness.AwaitStatus(t, d, "1001", "awaiting_disclaimers")
	if s.Step != "disclaimers" || len(s.Timeline) < 3 {
		t.Errorf("after the crash 1001 is at %s with timeline %+v", s.Step, s.Timeline)
	}
	harness.MustCLI(t, d, "signal", "1001", "accept-disclaimers", "--by", "admin@acme.test")
	if s := harness.AwaitStatus(t, d, "1001", "completed"); s.Result == nil || s.Result.UsersConverted != 4 {
		t.Errorf("1001 after the crash: %+v", s.Result)
	}
	byKind, bySubject := d.Sim().LedgerCounts(t)
	if byKind["account_created"] != 1 || byKind["account_linked"] != 1 || byKind["user_converted"] != 4 {
		t.Errorf("ledger %v, want 1 account created, 1 linked, 4 users converted", byKind)
	}
	for subject, n := range bySubject {
		if n != 1 {
			t.Errorf("side effect %q happened %d times", subject, n)
		}
	}
}

// checkNamespace checks the default namespace's retention and that it has the search
// attributes with the types given.
func checkNamespace(ctx context.Context, t *testing.T, c client.Client, want map[string]enumspb.IndexedValueType) {
	t.Helper()
	// After a restart the client's connection may still be backing off from the refused
	// dials of the stop; waiting for it to be ready (within ctx) is what a long-lived
	// client of a restarted server sees, rather than failing on the last refused dial.
	ready := grpc.WaitForReady(true)
	ns, err := c.WorkflowService().DescribeNamespace(ctx, &workflowservice.DescribeNamespaceRequest{Namespace: "default"}, ready)
	if err != nil {
		t.Fatalf("describe namespace: %v", err)
	}
	if got := ns.GetConfig().GetWorkflowExecutionRetentionTtl().AsDuration(); got != 7*24*time.Hour {
		t.Errorf("namespace retention = %s, want 168h", got)
	}
	resp, err := c.OperatorService().ListSearchAttributes(ctx, &operatorservice.ListSearchAttributesRequest{Namespace: "default"}, ready)
	if err != nil {
		t.Fatalf("list search attributes: %v", err)
	}
	for name, typ := range want {
		if got, ok := resp.GetCustomAttributes()[name]; !ok || got != typ {
			t.Errorf("search attribute %s: got %v (present %v), want %v", name, got, ok, typ)
		}
	}
}

// checkUI fetches the Web UI's start page, following its redirect into the namespace.
func checkUI(ctx context.Context, t *testing.T, base string) {
	t.Helper()
	req, err := http.NewRequestWithContext(ctx, http.MethodGet, base+"/", nil)
	if err != nil {
		t.Fatal(err)
	}
	resp, err := (&http.Client{Timeout: 10 * time.Second}).Do(req)
	if err != nil {
		t.Fatalf("GET UI: %v", err)
	}
	defer resp.Body.Close()
	body, err := io.ReadAll(resp.Body)
	if err != nil {
		t.Fatalf("read UI page: %v", err)
	}
	if resp.StatusCode != http.StatusOK || !strings.Contains(strings.ToLower(string(body)), "<html") {
		t.Fatalf("GET %s/: %s, %d bytes; want 200 with an HTML page", base, resp.Status, len(body))
	}
}

// checkUICodec: the Web UI tells the browser to decode payloads through the API's codec
// endpoint, sending its cookies (the dashboard's session).
func checkUICodec(ctx context.Context, t *testing.T, d *harness.Dev) {
	t.Helper()
	req, err := http.NewRequestWithContext(ctx, http.MethodGet, d.UIURL+"/api/v1/settings", nil)
	if err != nil {
		t.Fatal(err)
	}
	resp, err := (&http.Client{Timeout: 10 * time.Second}).Do(req)
	if err != nil {
		t.Fatalf("GET UI settings: %v", err)
	}
	defer resp.Body.Close()
	var settings struct {
		Codec struct {
			Endpoint           string
			IncludeCredentials bool
		}
	}
	if err := json.NewDecoder(resp.Body).Decode(&settings); err != nil {
		t.Fatalf("UI settings are not JSON: %v", err)
	}
	if want := d.APIURL + "/codec"; settings.Codec.Endpoint != want || !settings.Codec.IncludeCredentials {
		t.Errorf("the Web UI's codec: %+v; want endpoint %s with credentials", settings.Codec, want)
	}
}

// checkWALMode reads the SQLite header: bytes 18 and 19 (file format write and read
// versions) are 2 once a database is in WAL mode.
func checkWALMode(t *testing.T, path string) {
	t.Helper()
	f, err := os.Open(path)
	if err != nil {
		t.Fatalf("open database file: %v", err)
	}
	defer f.Close()
	header := make([]byte, 20)
	if _, err := io.ReadFull(f, header); err != nil {
		t.Fatalf("read database header: %v", err)
	}
	if header[18] != 2 || header[19] != 2 {
		t.Fatalf("%s is not in WAL mode (header versions %d/%d)", path, header[18], header[19])
	}
}

// TestDevExplainsBadSetup starts `sellmigrate dev` wrongly: each refusal is one line
// that names what to change, and nothing is left running.
func TestDevExplainsBadSetup(t *testing.T) {
	t.Parallel()
	bin := binaries(t).Full // dev is in the full build only
	busy, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { _ = busy.Close() }) // after the parallel subtests, unlike a defer
	busyPort := strconv.Itoa(busy.Addr().(*net.TCPAddr).Port)
	file := filepath.Join(t.TempDir(), "not-a-dir")
	if err := os.WriteFile(file, nil, 0o600); err != nil {
		t.Fatal(err)
	}
	cases := []struct {
		name     string
		args     []string
		settings harness.Settings
		want     []string
	}{
		{"frontend port taken", []string{"--temporal-port", busyPort}, nil,
			[]string{"Temporal frontend port", "--temporal-port", "dev.temporal_port"}},
		{"ui port taken", []string{"--ui-port", busyPort}, nil,
			[]string{"Temporal Web UI port", "--ui-port", "dev.ui_port"}},
		{"data dir unusable", []string{"--data-dir", filepath.Join(file, "sub")}, nil,
			[]string{"data dir", "--data-dir"}},
		{"bad synchronous", nil, harness.Settings{"dev.sqlite_synchronous": "off"},
			[]string{"dev.sqlite_synchronous", "normal, full"}},
		{"positional argument", []string{"now"}, nil, []string{"takes no arguments besides flags"}},
		{"one port for two servers", []string{"--temporal-port", "9000", "--ui-port", "9000"}, nil,
			[]string{"dev.ui_port 9000 must differ from dev.temporal_port 9000"}},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			args := []string{"dev", "--data-dir", t.TempDir(), "--temporal-port", freePort(t), "--ui-port", "-1",
				"--sim-listen", "127.0.0.1:" + freePort(t), "--sim-smtp-listen", "127.0.0.1:" + freePort(t),
				"--api-listen", "127.0.0.1:" + freePort(t)}
			args = append(args, tc.args...) // a flag given twice: the later one counts
			r := harness.Run(bin, harness.Env(harness.Settings{"worker.metrics_listen": "127.0.0.1:" + freePort(t)}, tc.settings), args...)
			wantOneLineError(t, r.Code, r.Stderr, tc.want[0])
			for _, w := range tc.want[1:] {
				if !strings.Contains(r.Stderr, w) {
					t.Errorf("error %q does not mention %q", r.Stderr, w)
				}
			}
		})
	}
}
