package harness

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"os/exec"
	"strings"
	"syscall"
	"time"
)

// CLITimeout bounds one command line; an update waits at most its own timeout inside.
const CLITimeout = 2 * time.Minute

// Result is how a command line ended.
type Result struct {
	Args           []string
	Code           int
	Stdout, Stderr string
}

func (r Result) String() string {
	return fmt.Sprintf("sellmigrate %s: exit %d\nstdout: %s\nstderr: %s", strings.Join(r.Args, " "), r.Code, r.Stdout, r.Stderr)
}

// Run runs `bin args...` with the environment given and returns how it ended; a command
// that does not end within CLITimeout is killed (and reported with code -1).
func Run(bin string, env []string, args ...string) Result {
	ctx, cancel := context.WithTimeout(context.Background(), CLITimeout)
	defer cancel()
	cmd := exec.CommandContext(ctx, bin, args...)
	cmd.Env = env
	// In a process group of its own, so a command that times out is killed with what it
	// started (`sellmigrate bench` runs a worker process).
	cmd.SysProcAttr = &syscall.SysProcAttr{Setpgid: true}
	cmd.Cancel = func() error { return syscall.Kill(-cmd.Process.Pid, syscall.SIGKILL) }
	var out, errb bytes.Buffer
	cmd.Stdout, cmd.Stderr = &out, &errb
	err := cmd.Run()
	r := Result{Args: args, Stdout: out.String(), Stderr: errb.String()}
	var exit *exec.ExitError
	switch {
	case err == nil:
	case errors.As(err, &exit) && ctx.Err() == nil:
		r.Code = exit.ExitCode()
	default:
		r.Code = -1
		r.Stderr += fmt.Sprintf("\n(harness: %v; killed after %s)", err, CLITimeout)
	}
	return r
}

// CLI runs a command line against this stack.
func (d *Dev) CLI(args ...string) Result { return Run(d.Bins.Lean, d.Env(), args...) }

// CLIWith runs a command line against this stack with extra settings in its
// environment (e.g. a policy recorded at start).
func (d *Dev) CLIWith(extra Settings, args ...string) Result {
	return Run(d.Bins.Lean, d.Env(extra), args...)
}
