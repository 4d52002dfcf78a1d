package main

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"io"
	"net"
	"net/http"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/sellmigrate/sellmigrate/config"
)

// devProcess is `sellmigrate dev` running in this test process on free loopback ports.
type devProcess struct {
	t       *testing.T
	cancel  context.CancelFunc
	done    chan int
	logs    *syncBuffer
	simURL  string
	address string
	// apiURL is the HTTP API and dashboard, on a free port of its own.
	apiURL string
	// out is what dev printed (the banner).
	out *syncBuffer
}

// syncBuffer is a bytes.Buffer safe for the dev goroutine and the test to share.
type syncBuffer struct {
	mu  sync.Mutex
	buf bytes.Buffer
}

func (b *syncBuffer) Write(p []byte) (int, error) {
	b.mu.Lock()
	defer b.mu.Unlock()
	return b.buf.Write(p)
}

func (b *syncBuffer) String() string {
	b.mu.Lock()
	defer b.mu.Unlock()
	return b.buf.String()
}

func freePort(t *testing.T) int {
	t.Helper()
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatalf("find a free port: %v", err)
	}
	defer ln.Close()
	return ln.Addr().(*net.TCPAddr).Port
}

// e2eEnv clears SELLMIGRATE_* settings and points every command at the given
// Temporal port, with fast retries so injected faults cost little time.
func e2eEnv(t *testing.T, temporalPort int) {
	t.Setenv(config.FileEnvVar, "")
	for _, k := range config.Keys() {
		t.Setenv(config.EnvVar(k), "")
	}
	t.Setenv(config.EnvVar("temporal.address"), fmt.Sprintf("127.0.0.1:%d", temporalPort))
	t.Setenv(config.EnvVar("migration.retry_initial_interval"), "100ms")
	t.Setenv(config.EnvVar("migration.retry_max_interval"), "1s")
	t.Setenv(config.EnvVar("log.level"), "warn")
}

// startDev runs `sellmigrate dev` on dataDir and waits until its simulator answers
// and its worker has said it is running.
func startDev(t *testing.T, dataDir string, temporalPort, simPort int) *devProcess {
	t.Helper()
	ctx, cancel := context.WithCancel(context.Background())
	apiAddr := fmt.Sprintf("127.0.0.1:%d", freePort(t))
	d := &devProcess{
		t: t, cancel: cancel, done: make(chan int, 1), logs: &syncBuffer{},
		simURL:  fmt.Sprintf("http://127.0.0.1:%d", simPort),
		address: fmt.Sprintf("127.0.0.1:%d", temporalPort),
		apiURL:  "http://" + apiAddr,
	}
	out := &syncBuffer{}
	d.out = out
	go func() {
		d.done <- executeContext(ctx, []string{"dev", "--data-dir", dataDir,
			"--temporal-port", fmt.Sprint(temporalPort), "--ui-port", "-1",
			"--sim-listen", fmt.Sprintf("127.0.0.1:%d", simPort), "--api-listen", apiAddr}, out, d.logs)
	}()
	deadline := time.Now().Add(90 * time.Second)
	for !strings.Contains(out.String(), "sellmigrate dev is running") {
		select {
		case code := <-d.done:
			t.Fatalf("dev exited with %d before it was ready:\n%s", code, d.logs.String())
		case <-time.After(50 * time.Millisecond):
		}
		if time.Now().After(deadline) {
			cancel()
			t.Fatalf("dev not ready after 90s:\n%s", d.logs.String())
		}
	}
	t.Cleanup(func() { d.stop() })
	return d
}

// stop is Ctrl-C: a clean stop, which must end with exit code 0.
func (d *devProcess) stop() {
	if d.cancel == nil {
		return
	}
	d.cancel()
	d.cancel = nil
	select {
	case code := <-d.done:
		if code != 0 {
			d.t.Errorf("dev stopped with exit code %d:\n%s", code, d.logs.String())
		}
	case <-time.After(60 * time.Second):
		d.t.Errorf("dev did not stop within 60s")
	}
}

// cli runs one command line against the dev stack.
func cli(t *testing.T, args ...string) (code int, stdout, stderr string) {
	t.Helper()
	var out, errb bytes.Buffer
	code = executeContext(context.Background(), args, &out, &errb)
	return code, out.String(), errb.String()
}

// mustCLI runs a command that must succeed.
func mustCLI(t *testing.T, args ...string) string {
	t.Helper()
	code, out, errOut := cli(t, args...)
	if code != 0 {
		t.Fatalf("sellmigrate %s: exit %d: %s", strings.Join(args, " "), code, errOut)
	}
	return out
}

// statusJSON is the part of `status --json` the tests read.
type statusJSON struct {
	Step         string  `json:"step"`
	Status       string  `json:"status"`
	WaitingFor   *string `json:"waitingFor"`
	Subdomain    string  `json:"subdomain"`
	LastError    string  `json:"lastError"`
	Compensation string  `json:"compensation"`
	Inputs       []input `json:"inputs"`
	Result       *result `json:"result"`
	Contributors *counts `json:"contributors"`
	OwnerEmail   string  `json:"ownerEmail"`
}

type input struct {
	Name     string `json:"name"`
	By       string `json:"by"`
	Accepted bool   `json:"accepted"`
	Reason   string `json:"reason"`
}

type result struct {
	Outcome           string   `json:"outcome"`
	LoginURL          string   `json:"loginUrl"`
	UsersConverted    int      `json:"usersConverted"`
	AlreadyAgents     int      `json:"alreadyAgents"`
	NeedsReactivation []string `json:"needsReactivation"`
}

type counts struct {
	SellUsers int `json:"sellUsers"`
	Converted int `json:"converted"`
}

func status(t *testing.T, account string) statusJSON {
	t.Helper()
	out := mustCLI(t, "status", account, "--json")
	var s statusJSON
	if err := json.Unmarshal([]byte(out), &s); err != nil {
		t.Fatalf("status --json is not JSON: %v\n%s", err, out)
	}
	if s.WaitingFor == nil {
		t.Fatalf("status --json has no waitingFor field:\n%s", out)
	}
	return s
}

// awaitStatus polls `status --json` until the migration reaches want.
func awaitStatus(t *testing.T, account, want string) statusJSON {
	t.Helper()
	deadline := time.Now().Add(2 * time.Minute)
	for {
		s := status(t, account)
		if s.Status == want {
			return s
		}
		if time.Now().After(deadline) {
			t.Fatalf("migration %s is %s (step %s, last error %q), want %s", account, s.Status, s.Step, s.LastError, want)
		}
		time.Sleep(100 * time.Millisecond)
	}
}

// ledger reads the simulator's side-effect ledger over HTTP, as an operator would.
func ledger(t *testing.T, simURL string) (byKind map[string]int, bySubject map[string]int) {
	t.Helper()
	resp, err := http.Get(simURL + "/_sim/ledger")
	if err != nil {
		t.Fatalf("read the ledger: %v", err)
	}
	defer resp.Body.Close()
	body, _ := io.ReadAll(resp.Body)
	var l struct {
		Entries []struct{ Kind, Subject string } `json:"entries"`
	}
	if err := json.Unmarshal(body, &l); err != nil {
		t.Fatalf("ledger is not JSON: %v", err)
	}
	byKind, bySubject = map[string]int{}, map[string]int{}
	for _, e := range l.Entries {
		byKind[e.Kind]++
		bySubject[e.Kind+" "+e.Subject]++
	}
	return byKind, bySubject
}
