package devstack_test

import (
	"bufio"
	"context"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"net"
	"net/http"
	"os"
	"os/exec"
	"path/filepath"
	"strconv"
	"strings"
	"testing"
	"time"

	enumspb "go.temporal.io/api/enums/v1"
	"go.temporal.io/api/operatorservice/v1"
	"go.temporal.io/api/workflowservice/v1"
	"go.temporal.io/sdk/client"
	sdklog "go.temporal.io/sdk/log"
	"go.temporal.io/sdk/worker"
	"go.temporal.io/sdk/workflow"
	"go.uber.org/zap"
	"go.uber.org/zap/exp/zapslog"
	"go.uber.org/zap/zaptest"

	"github.com/sellmigrate/sellmigrate/contract"
	"github.com/sellmigrate/sellmigrate/devstack"
	"github.com/sellmigrate/sellmigrate/workflows/searchattr"
)

const (
	taskQueue    = "devstack-test"
	workflowName = "WaitForSignal"
	signalName   = "proceed"
	queryName    = "state"
	probeAttr    = "DevstackProbe"
)

// waitForSignal blocks durably until one signal arrives: the shape of a migration
// waiting for a person, across a server restart.
func waitForSignal(ctx workflow.Context) (string, error) {
	state := "waiting"
	if err := workflow.SetQueryHandler(ctx, queryName, func() (string, error) { return state, nil }); err != nil {
		return "", err
	}
	var msg string
	workflow.GetSignalChannel(ctx, signalName).Receive(ctx, &msg)
	state = "done"
	return "got " + msg, nil
}

func TestStackKeepsWorkflowsAcrossRestart(t *testing.T) {
	ctx, cancel := context.WithTimeout(context.Background(), 4*time.Minute)
	defer cancel()
	logger := zaptest.NewLogger(t, zaptest.Level(zap.InfoLevel))
	opts := devstack.Options{
		DataDir:      t.TempDir(),
		FrontendPort: freePort(t),
		UIPort:       freePort(t),
		Logger:       logger,
	}

	first := startStack(ctx, t, opts)
	c := dial(ctx, t, first, logger)
	checkSearchAttributes(ctx, t, c, contract.SearchAttributes)
	// The operator-service path: an attribute the namespace lacks is added, idempotently.
	probe := map[string]enumspb.IndexedValueType{probeAttr: enumspb.INDEXED_VALUE_TYPE_KEYWORD}
	for range 2 {
		if err := searchattr.Ensure(ctx, c, devstack.DefaultNamespace, probe); err != nil {
			t.Fatalf("Ensure probe attribute: %v", err)
		}
	}
	wrongType := map[string]enumspb.IndexedValueType{probeAttr: enumspb.INDEXED_VALUE_TYPE_INT}
	if err := searchattr.Ensure(ctx, c, devstack.DefaultNamespace, wrongType); err == nil || !strings.Contains(err.Error(), "wrong type") {
		t.Fatalf("Ensure with a conflicting type: got %v, want a wrong-type error", err)
	}
	checkUI(ctx, t, first.UIURL())

	w := startWorker(t, c)
	run, err := c.ExecuteWorkflow(ctx, client.StartWorkflowOptions{ID: "devstack-restart", TaskQueue: taskQueue}, workflowName)
	if err != nil {
		t.Fatalf("start workflow: %v", err)
	}
	waitState(ctx, t, c, run, "waiting")
	w.Stop()
	c.Close()
	if err := first.Stop(); err != nil {
		t.Fatalf("Stop: %v", err)
	}
	if err := first.Stop(); err != nil {
		t.Fatalf("second Stop: %v", err)
	}
	checkWALMode(t, filepath.Join(opts.DataDir, "temporal.db"))

	second := startStack(ctx, t, opts)
	c = dial(ctx, t, second, logger)
	defer c.Close()
	checkSearchAttributes(ctx, t, c, probe)
	w = startWorker(t, c)
	defer w.Stop()
	if err := c.SignalWorkflow(ctx, run.GetID(), run.GetRunID(), signalName, "hello"); err != nil {
		t.Fatalf("signal workflow started before the restart: %v", err)
	}
	var out string
	if err := c.GetWorkflow(ctx, run.GetID(), run.GetRunID()).Get(ctx, &out); err != nil {
		t.Fatalf("workflow result: %v", err)
	}
	if out != "got hello" {
		t.Fatalf("workflow result = %q, want %q", out, "got hello")
	}
}

// Environment of the child process TestStackSurvivesCrash starts and kills.
const (
	crashDirEnv  = "DEVSTACK_CRASH_DIR"
	crashPortEnv = "DEVSTACK_CRASH_PORT"
	crashReady   = "workflow waiting"
)

// TestStackSurvivesCrash kills (SIGKILL, no Stop, no WAL checkpoint) a process that
// holds a waiting workflow, then resumes that workflow on the same data dir.
func TestStackSurvivesCrash(t *testing.T) {
	ctx, cancel := context.WithTimeout(context.Background(), 3*time.Minute)
	defer cancel()
	dir, port := t.TempDir(), freePort(t)
	child := exec.CommandContext(ctx, os.Args[0], "-test.run=^TestCrashChild$", "-test.count=1")
	child.Env = append(os.Environ(), crashDirEnv+"="+dir, crashPortEnv+"="+strconv.Itoa(port))
	child.Stderr = os.Stderr
	out, err := child.StdoutPipe()
	if err != nil {
		t.Fatal(err)
	}
	if err := child.Start(); err != nil {
		t.Fatalf("start child: %v", err)
	}
	lines := bufio.NewScanner(out)
	ready := false
	for !ready && lines.Scan() {
		ready = strings.Contains(lines.Text(), crashReady)
	}
	if err := child.Process.Kill(); err != nil {
		t.Fatalf("kill child: %v", err)
	}
	_ = child.Wait()
	if !ready {
		t.Fatalf("child exited before its workflow was waiting (%v)", lines.Err())
	}

	logger := zaptest.NewLogger(t, zaptest.Level(zap.InfoLevel))
	s := startStack(ctx, t, devstack.Options{DataDir: dir, FrontendPort: port, UIPort: -1, Logger: logger})
	c := dial(ctx, t, s, logger)
	defer c.Close()
	w := startWorker(t, c)
	defer w.Stop()
	if err := c.SignalWorkflow(ctx, "devstack-crash", "", signalName, "after crash"); err != nil {
		t.Fatalf("signal workflow started before the crash: %v", err)
	}
	var result string
	if err := c.GetWorkflow(ctx, "devstack-crash", "").Get(ctx, &result); err != nil {
		t.Fatalf("workflow result: %v", err)
	}
	if result != "got after crash" {
		t.Fatalf("workflow result = %q, want %q", result, "got after crash")
	}
}

// TestCrashChild is the process TestStackSurvivesCrash kills; it does nothing when run
// on its own.
func TestCrashChild(t *testing.T) {
	dir := os.Getenv(crashDirEnv)
	if dir == "" {
		t.Skip("runs only as the child of TestStackSurvivesCrash")
	}
	port, err := strconv.Atoi(os.Getenv(crashPortEnv))
	if err != nil {
		t.Fatalf("bad %s: %v", crashPortEnv, err)
	}
	ctx, cancel := context.WithTimeout(context.Background(), 2*time.Minute)
	defer cancel()
	logger := zaptest.NewLogger(t, zaptest.Level(zap.WarnLevel))
	s := startStack(ctx, t, devstack.Options{DataDir: dir, FrontendPort: port, UIPort: -1, Logger: logger})
	c := dial(ctx, t, s, logger)
	startWorker(t, c)
	run, err := c.ExecuteWorkflow(ctx, client.StartWorkflowOptions{ID: "devstack-crash", TaskQueue: taskQueue}, workflowName)
	if err != nil {
		t.Fatalf("start workflow: %v", err)
	}
	waitState(ctx, t, c, run, "waiting")
	fmt.Println(crashReady)
	<-ctx.Done() // the parent kills this process long before
}

func TestStartExplainsBadSetup(t *testing.T) {
	ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
	defer cancel()
	busy, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	defer func() { _ = busy.Close() }()
	busyPort := busy.Addr().(*net.TCPAddr).Port

	file := filepath.Join(t.TempDir(), "not-a-dir")
	if err := os.WriteFile(file, nil, 0o600); err != nil {
		t.Fatal(err)
	}
	cases := []struct {
		name string
		opts devstack.Options
		want []string
	}{
		{"frontend port taken", devstack.Options{DataDir: t.TempDir(), FrontendPort: busyPort, UIPort: -1},
			[]string{"Temporal frontend port", "--temporal-port", "dev.temporal_port"}},
		{"ui port taken", devstack.Options{DataDir: t.TempDir(), FrontendPort: freePort(t), UIPort: busyPort},
			[]string{"Temporal Web UI port", "--ui-port", "dev.ui_port"}},
		{"data dir unusable", devstack.Options{DataDir: filepath.Join(file, "sub"), FrontendPort: freePort(t), UIPort: -1},
			[]string{"data dir", "--data-dir"}},
		{"bad synchronous", devstack.Options{DataDir: t.TempDir(), SQLiteSynchronous: "off"},
			[]string{`"normal" or "full"`}},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			s, err := devstack.Start(ctx, tc.opts)
			if err == nil {
				_ = s.Stop()
				t.Fatal("Start succeeded, want an error")
			}
			for _, w := range tc.want {
				if !strings.Contains(err.Error(), w) {
					t.Errorf("error %q does not mention %q", err, w)
				}
			}
		})
	}
}

func startStack(ctx context.Context, t *testing.T, opts devstack.Options) *devstack.Stack {
	t.Helper()
	begin := time.Now()
	s, err := devstack.Start(ctx, opts)
	if err != nil {
		t.Fatalf("Start: %v", err)
	}
	t.Cleanup(func() { _ = s.Stop() })
	t.Logf("stack up in %s: frontend %s, UI %s", time.Since(begin).Round(time.Millisecond), s.FrontendAddress(), s.UIURL())
	return s
}

func dial(ctx context.Context, t *testing.T, s *devstack.Stack, logger *zap.Logger) client.Client {
	t.Helper()
	c, err := client.DialContext(ctx, client.Options{
		HostPort:  s.FrontendAddress(),
		Namespace: devstack.DefaultNamespace,
		Logger:    sdklog.NewStructuredLogger(slog.New(zapslog.NewHandler(logger.Core()))),
	})
	if err != nil {
		t.Fatalf("dial %s: %v", s.FrontendAddress(), err)
	}
	return c
}

func startWorker(t *testing.T, c client.Client) worker.Worker {
	t.Helper()
	w := worker.New(c, taskQueue, worker.Options{})
	w.RegisterWorkflowWithOptions(waitForSignal, workflow.RegisterOptions{Name: workflowName})
	if err := w.Start(); err != nil {
		t.Fatalf("start worker: %v", err)
	}
	return w
}

func checkSearchAttributes(ctx context.Context, t *testing.T, c client.Client, want map[string]enumspb.IndexedValueType) {
	t.Helper()
	ns, err := c.WorkflowService().DescribeNamespace(ctx, &workflowservice.DescribeNamespaceRequest{Namespace: devstack.DefaultNamespace})
	if err != nil {
		t.Fatalf("describe namespace: %v", err)
	}
	if got := ns.GetConfig().GetWorkflowExecutionRetentionTtl().AsDuration(); got != 7*24*time.Hour {
		t.Errorf("namespace retention = %s, want 168h", got)
	}
	resp, err := c.OperatorService().ListSearchAttributes(ctx, &operatorservice.ListSearchAttributesRequest{Namespace: devstack.DefaultNamespace})
	if err != nil {
		t.Fatalf("list search attributes: %v", err)
	}
	for name, typ := range want {
		if got, ok := resp.GetCustomAttributes()[name]; !ok || got != typ {
			t.Errorf("search attribute %s: got %v (present %v), want %v", name, got, ok, typ)
		}
	}
}

// checkUI fetches the UI's start page, following its redirect into the namespace.
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
	defer func() { _ = resp.Body.Close() }()
	body, err := io.ReadAll(resp.Body)
	if err != nil {
		t.Fatalf("read UI page: %v", err)
	}
	if resp.StatusCode != http.StatusOK || !strings.Contains(strings.ToLower(string(body)), "<html") {
		t.Fatalf("GET %s/: %s, %d bytes; want 200 with an HTML page", base, resp.Status, len(body))
	}
}

// waitState polls the workflow's query until it reports want, proving a worker has run
// it up to its wait.
func waitState(ctx context.Context, t *testing.T, c client.Client, run client.WorkflowRun, want string) {
	t.Helper()
	for {
		var got string
		v, err := c.QueryWorkflow(ctx, run.GetID(), run.GetRunID(), queryName)
		if err == nil {
			err = v.Get(&got)
		}
		if err == nil && got == want {
			return
		}
		select {
		case <-ctx.Done():
			t.Fatalf("workflow never reached state %q (last %q, %v)", want, got, errors.Join(err, ctx.Err()))
		case <-time.After(100 * time.Millisecond):
		}
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
	defer func() { _ = f.Close() }()
	header := make([]byte, 20)
	if _, err := io.ReadFull(f, header); err != nil {
		t.Fatalf("read database header: %v", err)
	}
	if header[18] != 2 || header[19] != 2 {
		t.Fatalf("%s is not in WAL mode (header versions %d/%d)", path, header[18], header[19])
	}
}

func freePort(t *testing.T) int {
	t.Helper()
	l, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	defer func() { _ = l.Close() }()
	return l.Addr().(*net.TCPAddr).Port
}
