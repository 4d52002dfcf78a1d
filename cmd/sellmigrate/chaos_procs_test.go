package main

import (
	"context"
	"encoding/json"
	"fmt"
	"net/http"
	"os"
	"os/exec"
	"os/signal"
	"path/filepath"
	"strings"
	"sync"
	"syscall"
	"testing"
	"time"

	"github.com/sellmigrate/sellmigrate/config"
)

// The chaos tests run the stack and the workers as separate processes, so they can be
// killed for real. A child is this test binary re-executed: with chaosChildEnv set,
// TestChaosChildProcess runs one sellmigrate command line and exits with its code.
// Re-executing the already-built test binary starts a child in milliseconds, where
// `go build` of the binary (which links the Temporal server) takes tens of seconds.
const chaosChildEnv = "SELLMIGRATE_CHAOS_CHILD_ARGS"

// TestChaosChildProcess is not a test: it is the entry point of the child processes.
func TestChaosChildProcess(t *testing.T) {
	raw := os.Getenv(chaosChildEnv)
	if raw == "" {
		t.Skip("entry point of the chaos tests' child processes; runs only inside one")
	}
	var args []string
	if err := json.Unmarshal([]byte(raw), &args); err != nil {
		fmt.Fprintf(os.Stderr, "error: %s is not a JSON list of arguments: %v\n", chaosChildEnv, err)
		os.Exit(2)
	}
	// SIGTERM is the clean stop (as Ctrl-C is for a person); SIGKILL needs no handling.
	ctx, stop := signal.NotifyContext(context.Background(), syscall.SIGINT, syscall.SIGTERM)
	code := executeContext(ctx, args, os.Stdout, os.Stderr)
	stop()
	os.Exit(code)
}

// child is one sellmigrate process started by a chaos test.
type child struct {
	name string
	cmd  *exec.Cmd
	log  string
	done chan struct{}
	err  error // the exit, once done is closed
}

// startChild runs `sellmigrate <args>` as a child process with extra environment
// (KEY=VALUE) on top of the test's; its output goes to a log file in logDir.
func startChild(t *testing.T, logDir, name string, args []string, env ...string) *child {
	t.Helper()
	raw, err := json.Marshal(args)
	if err != nil {
		t.Fatal(err)
	}
	logPath := filepath.Join(logDir, name+".log")
	f, err := os.OpenFile(logPath, os.O_CREATE|os.O_WRONLY|os.O_APPEND, 0o644)
	if err != nil {
		t.Fatalf("open child log: %v", err)
	}
	cmd := exec.Command(os.Args[0], "-test.run=^TestChaosChildProcess$", "-test.count=1")
	cmd.Env = append(append(os.Environ(), chaosChildEnv+"="+string(raw)), env...)
	cmd.Stdout, cmd.Stderr = f, f
	if err := cmd.Start(); err != nil {
		f.Close()
		t.Fatalf("start child %s: %v", name, err)
	}
	c := &child{name: name, cmd: cmd, log: logPath, done: make(chan struct{})}
	go func() {
		c.err = cmd.Wait()
		f.Close()
		close(c.done)
	}()
	// A test that stops early (t.Fatal) leaves no process behind. Tests stop their
	// children cleanly themselves first; this only catches what is left.
	t.Cleanup(func() {
		if !c.exited() {
			c.kill()
		}
	})
	return c
}

func (c *child) pid() int { return c.cmd.Process.Pid }

func (c *child) exited() bool {
	select {
	case <-c.done:
		return true
	default:
		return false
	}
}

// kill is a crash: SIGKILL, no chance to clean up.
func (c *child) kill() {
	_ = c.cmd.Process.Signal(syscall.SIGKILL)
	<-c.done
}

// terminate is a clean stop: SIGTERM, then the process must exit 0 within the timeout.
func (c *child) terminate(timeout time.Duration) error {
	_ = c.cmd.Process.Signal(syscall.SIGTERM)
	select {
	case <-c.done:
		if c.err != nil {
			return fmt.Errorf("%s stopped with %v after SIGTERM; see %s", c.name, c.err, c.log)
		}
		return nil
	case <-time.After(timeout):
		c.kill()
		return fmt.Errorf("%s did not stop within %s of SIGTERM; see %s", c.name, timeout, c.log)
	}
}

// logTail is the end of the child's log, for failure messages.
func (c *child) logTail() string {
	b, _ := os.ReadFile(c.log)
	if len(b) > 4000 {
		b = b[len(b)-4000:]
	}
	return string(b)
}

// chaosEnv prepares a chaos test: fresh log and data directories, free Temporal and
// simulator ports, the e2e environment (e2eEnv) and then the given settings on top.
func chaosEnv(t *testing.T, settings map[string]string) (logDir, dataDir string, temporalPort, simPort int) {
	t.Helper()
	logDir, dataDir = t.TempDir(), t.TempDir()
	temporalPort, simPort = freePort(t), freePort(t)
	e2eEnv(t, temporalPort)
	for k, v := range settings {
		t.Setenv(config.EnvVar(k), v)
	}
	return logDir, dataDir, temporalPort, simPort
}

// stackProc is `sellmigrate dev --no-worker` in a child process: embedded Temporal on a
// SQLite file and the simulator, with no worker of its own.
type stackProc struct {
	*child
	simURL string
}

// startStack starts the stack on dataDir and waits until Temporal and the simulator answer.
func startStack(t *testing.T, logDir, dataDir string, temporalPort, simPort int) *stackProc {
	t.Helper()
	s := &stackProc{simURL: fmt.Sprintf("http://127.0.0.1:%d", simPort)}
	s.child = startChild(t, logDir, "stack", []string{"dev", "--no-worker", "--data-dir", dataDir,
		"--temporal-port", fmt.Sprint(temporalPort), "--ui-port", "-1",
		"--sim-listen", fmt.Sprintf("127.0.0.1:%d", simPort)},
		// Other roles dev may serve take free ports, never the fixed defaults.
		"SELLMIGRATE_API_LISTEN="+fmt.Sprintf("127.0.0.1:%d", freePort(t)))
	deadline := time.Now().Add(90 * time.Second)
	for {
		b, _ := os.ReadFile(s.log)
		if strings.Contains(string(b), "sellmigrate dev is running") && httpOK(s.simURL+"/_sim/healthz") {
			return s
		}
		if s.exited() {
			t.Fatalf("the stack exited (%v) before it was ready:\n%s", s.err, s.logTail())
		}
		if time.Now().After(deadline) {
			s.kill()
			t.Fatalf("the stack was not ready after 90s:\n%s", s.logTail())
		}
		time.Sleep(50 * time.Millisecond)
	}
}

func httpOK(url string) bool {
	c := http.Client{Timeout: 2 * time.Second}
	resp, err := c.Get(url)
	if err != nil {
		return false
	}
	resp.Body.Close()
	return resp.StatusCode == http.StatusOK
}

// workerEnv points a worker process at the simulator with the demo credentials. Each
// worker gets its own free metrics port, so two can run side by side.
func workerEnv(t *testing.T, simURL string) []string {
	return []string{
		"SELLMIGRATE_ZENDESK_SUPPORT_URL=" + simURL + "/zendesk/{subdomain}",
		"SELLMIGRATE_ZENDESK_SELL_URL=" + simURL + "/sell",
		"SELLMIGRATE_ZENDESK_API_TOKEN=demo-token",
		"SELLMIGRATE_ZENDESK_SELL_TOKEN_TEMPLATE=sell-demo-{account_id}",
		fmt.Sprintf("SELLMIGRATE_WORKER_METRICS_LISTEN=127.0.0.1:%d", freePort(t)),
	}
}

// supervisor keeps one worker process running, as systemd or Kubernetes would: when
// it dies (killed by the test, or failing because the stack is down) it is started again.
type supervisor struct {
	t      *testing.T
	logDir string
	name   string
	simURL string

	mu       sync.Mutex
	current  *child
	kills    int
	restarts int
	stopped  bool
	wg       sync.WaitGroup
}

func superviseWorker(t *testing.T, logDir, name, simURL string) *supervisor {
	s := &supervisor{t: t, logDir: logDir, name: name, simURL: simURL}
	s.mu.Lock()
	s.current = s.spawn()
	s.mu.Unlock()
	s.wg.Add(1)
	go s.loop()
	return s
}

func (s *supervisor) spawn() *child {
	return startChild(s.t, s.logDir, s.name, []string{"worker"}, workerEnv(s.t, s.simURL)...)
}

// loop restarts the worker whenever it exits, until stop.
func (s *supervisor) loop() {
	defer s.wg.Done()
	for {
		s.mu.Lock()
		c := s.current
		s.mu.Unlock()
		<-c.done
		time.Sleep(200 * time.Millisecond)
		s.mu.Lock()
		if s.stopped {
			s.mu.Unlock()
			return
		}
		s.current = s.spawn()
		s.restarts++
		s.mu.Unlock()
	}
}

// kill SIGKILLs the running worker; the loop starts another.
func (s *supervisor) kill() {
	s.mu.Lock()
	c := s.current
	s.kills++
	s.mu.Unlock()
	c.kill()
}

func (s *supervisor) counts() (kills, restarts int) {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.kills, s.restarts
}

// stop ends supervision and stops the worker cleanly.
func (s *supervisor) stop() error {
	s.mu.Lock()
	s.stopped = true
	c := s.current
	s.mu.Unlock()
	var err error
	if !c.exited() { // a worker killed just before is already gone
		err = c.terminate(30 * time.Second)
	}
	s.wg.Wait()
	return err
}
