package harness

import (
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"sync/atomic"
	"syscall"
	"time"
)

// Proc is one sellmigrate child process; its stdout and stderr go to a log file.
type Proc struct {
	Name string
	Log  string
	cmd  *exec.Cmd
	done chan struct{}
	err  error // how it exited, once done is closed
	// killed is set by Kill: the test crashed it on purpose.
	killed atomic.Bool
}

// StartProc runs bin with args and the environment given, logging to logDir/name.log.
func StartProc(bin, logDir, name string, args, env []string) (*Proc, error) {
	logPath := filepath.Join(logDir, name+".log")
	f, err := os.OpenFile(logPath, os.O_CREATE|os.O_WRONLY|os.O_APPEND, 0o644)
	if err != nil {
		return nil, fmt.Errorf("open the log of %s: %w", name, err)
	}
	cmd := exec.Command(bin, args...)
	cmd.Env = env
	cmd.Stdout, cmd.Stderr = f, f
	if err := cmd.Start(); err != nil {
		_ = f.Close()
		return nil, fmt.Errorf("start %s (%s %s): %w", name, bin, strings.Join(args, " "), err)
	}
	p := &Proc{Name: name, Log: logPath, cmd: cmd, done: make(chan struct{})}
	go func() {
		p.err = cmd.Wait()
		_ = f.Close()
		close(p.done)
	}()
	return p, nil
}

// Pid is the process id; the SDK's default worker identity starts with it.
func (p *Proc) Pid() int { return p.cmd.Process.Pid }

// Exited reports whether the process has ended.
func (p *Proc) Exited() bool {
	select {
	case <-p.done:
		return true
	default:
		return false
	}
}

// ExitErr is how the process ended (nil for exit code 0); only meaningful once Exited.
func (p *Proc) ExitErr() error {
	<-p.done
	return p.err
}

// Done is closed when the process ends.
func (p *Proc) Done() <-chan struct{} { return p.done }

// Kill is a crash: SIGKILL, no chance to clean up. It waits until the process is gone.
func (p *Proc) Kill() {
	if p.Exited() {
		return
	}
	p.killed.Store(true)
	_ = p.cmd.Process.Signal(syscall.SIGKILL)
	<-p.done
}

// Stop is a clean stop, as Ctrl-C is for a person: SIGTERM, and the process must exit
// with code 0 within the timeout. One that does not is killed, and that is an error.
func (p *Proc) Stop(timeout time.Duration) error {
	if p.killed.Load() {
		return nil
	}
	if p.Exited() {
		if p.err != nil {
			return fmt.Errorf("%s had already exited: %v; see %s", p.Name, p.err, p.Log)
		}
		return nil
	}
	_ = p.cmd.Process.Signal(syscall.SIGTERM)
	select {
	case <-p.done:
		if p.err != nil {
			return fmt.Errorf("%s stopped with %v after SIGTERM, want exit code 0; its log %s ends:\n%s", p.Name, p.err, p.Log, p.LogTail())
		}
		return nil
	case <-time.After(timeout):
		p.Kill()
		return fmt.Errorf("%s did not stop within %s of SIGTERM (killed); its log %s ends:\n%s", p.Name, timeout, p.Log, p.LogTail())
	}
}

// LogText is everything the process wrote so far.
func (p *Proc) LogText() string {
	b, _ := os.ReadFile(p.Log)
	return string(b)
}

// LogTail is the end of the log, for failure messages.
func (p *Proc) LogTail() string {
	s := p.LogText()
	if len(s) <= 4000 {
		return s
	}
	cut := len(s) - 4000
	tail := "…" + s[cut:]
	// A fatal error's stack trace alone can fill the tail and hide the error itself.
	if line := lastFailure(s[:cut]); line != "" {
		tail = "last error before the tail: " + line + "\n" + tail
	}
	return tail
}

// lastFailure is the last line of log that reports a failure (FATAL, ERROR or a
// panic), shortened to 1,000 characters; "" if none does.
func lastFailure(log string) string {
	lines := strings.Split(log, "\n")
	for i := len(lines) - 1; i >= 0; i-- {
		l := lines[i]
		if strings.Contains(l, "FATAL") || strings.Contains(l, "ERROR") || strings.HasPrefix(l, "panic:") {
			if len(l) > 1000 {
				l = l[:1000] + "…"
			}
			return l
		}
	}
	return ""
}

// waitFor polls ok every 50 ms until it holds, the process exits, or the timeout passes.
func (p *Proc) waitFor(what string, timeout time.Duration, ok func() bool) error {
	deadline := time.Now().Add(timeout)
	for !ok() {
		if p.Exited() {
			return fmt.Errorf("%s exited (%v) before %s; its log ends:\n%s", p.Name, p.ExitErr(), what, p.LogTail())
		}
		if time.Now().After(deadline) {
			return fmt.Errorf("%s: %s did not happen within %s; its log ends:\n%s", p.Name, what, timeout, p.LogTail())
		}
		time.Sleep(50 * time.Millisecond)
	}
	return nil
}
