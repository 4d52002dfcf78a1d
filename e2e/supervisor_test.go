package e2e

import (
	"context"
	"sync"
	"testing"
	"time"

	"github.com/sellmigrate/sellmigrate/e2e/harness"
)

// supervisor keeps one `sellmigrate worker` process running, as systemd or Kubernetes
// would: when it dies (killed by the test, or failing because the stack is down) it is
// started again.
type supervisor struct {
	t      *testing.T
	d      *harness.Dev
	logDir string
	name   string
	extra  harness.Settings

	mu       sync.Mutex
	current  *harness.Proc
	readyURL string // the current worker's /readyz
	kills    int
	restarts int
	stopped  bool
	wg       sync.WaitGroup
}

func superviseWorker(t *testing.T, d *harness.Dev, logDir, name string, extra harness.Settings) *supervisor {
	t.Helper()
	s := &supervisor{t: t, d: d, logDir: logDir, name: name, extra: extra}
	s.mu.Lock()
	s.current, s.readyURL = s.spawn()
	s.mu.Unlock()
	s.wg.Add(1)
	go s.loop()
	return s
}

// spawn starts a worker without waiting for it to poll: while the stack restarts it
// may exit at once, and the loop starts another.
func (s *supervisor) spawn() (*harness.Proc, string) {
	p, ready, err := s.d.SpawnWorker(s.logDir, s.name, s.extra)
	if err != nil {
		s.t.Error(err)
		return nil, ""
	}
	// A test that stops early leaves no process behind; stop() stops it cleanly first.
	s.t.Cleanup(p.Kill)
	return p, ready
}

// loop restarts the worker whenever it exits, until stop.
func (s *supervisor) loop() {
	defer s.wg.Done()
	for {
		s.mu.Lock()
		c := s.current
		s.mu.Unlock()
		if c == nil {
			return
		}
		<-c.Done()
		time.Sleep(200 * time.Millisecond)
		s.mu.Lock()
		if s.stopped {
			s.mu.Unlock()
			return
		}
		s.current, s.readyURL = s.spawn()
		s.restarts++
		s.mu.Unlock()
	}
}

// readyWithin bounds the wait for one worker's /readyz: a worker that cannot serve it
// (its metrics port taken) still polls, and is then killed without the signal.
const readyWithin = 20 * time.Second

// waitReady waits until the current worker polls (its /readyz answers), checking every
// 100 ms, and returns it; nil once ctx ends. A worker restarted while the stack is down
// exits and is replaced; the wait follows the replacement. One that has not answered
// within readyWithin is returned as it is.
func (s *supervisor) waitReady(ctx context.Context) *harness.Proc {
	var waiting *harness.Proc
	var since time.Time
	for {
		s.mu.Lock()
		c, url := s.current, s.readyURL
		s.mu.Unlock()
		if c != waiting {
			waiting, since = c, time.Now()
		}
		if c != nil && !c.Exited() && url != "" {
			if harness.Ready(url) {
				return c
			}
			if time.Since(since) > readyWithin {
				s.t.Logf("worker not ready after %s (%s); killing it all the same", readyWithin, url)
				return c
			}
		}
		select {
		case <-ctx.Done():
			return nil
		case <-time.After(100 * time.Millisecond):
		}
	}
}

// killIf SIGKILLs p if it is still the running worker, and counts the kill; the loop
// starts another. A worker that has exited or been replaced meanwhile (the stack
// restarted under it) is left alone and not counted, so only real kills count.
func (s *supervisor) killIf(p *harness.Proc) {
	s.mu.Lock()
	defer s.mu.Unlock()
	if p == nil || s.current != p || p.Exited() {
		return
	}
	s.kills++
	p.Kill()
}

func (s *supervisor) counts() (kills, restarts int) {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.kills, s.restarts
}

// logTail is the end of the current worker's log.
func (s *supervisor) logTail() string {
	s.mu.Lock()
	defer s.mu.Unlock()
	if s.current == nil {
		return ""
	}
	return s.current.LogTail()
}

// stop ends supervision and stops the worker cleanly (exit code 0).
func (s *supervisor) stop() error {
	s.mu.Lock()
	s.stopped = true
	c := s.current
	s.mu.Unlock()
	var err error
	if c != nil && !c.Exited() { // a worker killed just before is already gone
		err = c.Stop(harness.StopTimeout)
	}
	s.wg.Wait()
	return err
}
