package harness

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"time"
)

// buildTimeout bounds each build of the binary: the full build links the Temporal
// server and the Web UI in 10–25 s here (more while other tests run), a cold cache some
// minutes; the lean build links in a third of that (over unchanged code, see build).
const buildTimeout = 10 * time.Minute

// Binaries are the two builds of ./cmd/sellmigrate the tests run, as they ship.
type Binaries struct {
	// Full is the default build: it also has dev and bench, which embed the Temporal
	// server and the Web UI.
	Full string
	// Lean is the -tags lean build the Docker image ships: the worker and api roles and
	// every client command. It starts in a third of the full build's CPU (no Temporal
	// server or Kubernetes packages to initialise), which a test that runs hundreds of
	// commands and restarts its worker dozens of times notices.
	Lean string
}

// Build compiles both builds of ./cmd/sellmigrate into dir, side by side. It runs the
// go command that runs the tests, from the module root.
func Build(dir string) (Binaries, error) {
	b := Binaries{Full: filepath.Join(dir, "sellmigrate"), Lean: filepath.Join(dir, "sellmigrate-lean")}
	errs := make(chan error, 2)
	go func() { errs <- build(b.Full) }()
	go func() { errs <- build(b.Lean, "-tags", "lean") }()
	if err := errors.Join(<-errs, <-errs); err != nil {
		return Binaries{}, err
	}
	return b, nil
}

// build links ./cmd/sellmigrate into out with the extra flags given. It asks go run,
// not go build, for the binary: go run keeps the executables it links in the build
// cache, so a test run over unchanged code (the usual case of go test -count=1 ./...)
// copies them in a second instead of linking 200 MB again (about 20 CPU-s here). -exec
// cp makes go run copy the executable to out instead of running it.
func build(out string, flags ...string) error {
	goCmd, err := goTool()
	if err != nil {
		return err
	}
	root, err := ModuleRoot()
	if err != nil {
		return err
	}
	cp, err := exec.LookPath("cp")
	if err != nil {
		return fmt.Errorf("no cp command on PATH to copy the built binary with: %w", err)
	}
	ctx, cancel := context.WithTimeout(context.Background(), buildTimeout)
	defer cancel()
	// -s -w: no symbol table or DWARF, which nobody debugs here and which cost about a
	// fifth of the link; panics still print function names and lines.
	args := append(append([]string{"run"}, flags...), "-ldflags=-s -w", "-exec", cp, "./cmd/sellmigrate", out)
	cmd := exec.CommandContext(ctx, goCmd, args...)
	cmd.Dir = root
	var stderr bytes.Buffer
	cmd.Stdout, cmd.Stderr = &stderr, &stderr
	began := time.Now()
	if err := cmd.Run(); err != nil {
		return fmt.Errorf("go %s (in %s) failed after %s: %v\n%s", strings.Join(args, " "), root, time.Since(began).Round(time.Second), err, stderr.String())
	}
	return nil
}

// goTool is the go command: $GOROOT/bin/go when go test set GOROOT, else go on PATH.
func goTool() (string, error) {
	if root := os.Getenv("GOROOT"); root != "" {
		if p := filepath.Join(root, "bin", "go"); fileExists(p) {
			return p, nil
		}
	}
	p, err := exec.LookPath("go")
	if err != nil {
		return "", errors.New("no go command on PATH to build ./cmd/sellmigrate with")
	}
	return p, nil
}

// ModuleRoot is the directory holding the sellmigrate module's go.mod, found upwards
// from the working directory (a test runs in its package's directory).
func ModuleRoot() (string, error) {
	dir, err := os.Getwd()
	if err != nil {
		return "", err
	}
	for {
		b, err := os.ReadFile(filepath.Join(dir, "go.mod"))
		if err == nil && strings.Contains(string(b), "module github.com/sellmigrate/sellmigrate\n") {
			return dir, nil
		}
		parent := filepath.Dir(dir)
		if parent == dir {
			return "", errors.New("no go.mod of github.com/sellmigrate/sellmigrate above the working directory")
		}
		dir = parent
	}
}

func fileExists(p string) bool {
	_, err := os.Stat(p)
	return err == nil
}
