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

// buildTimeout bounds `go build` of the binary: linking the Temporal server and the Web
// UI takes 10–25 s on a warm cache here (more while other tests run), a cold cache some
// minutes.
const buildTimeout = 10 * time.Minute

// Build compiles ./cmd/sellmigrate (the full build, with dev) into dir and returns the
// binary's path. It runs the go command that runs the tests, from the module root.
func Build(dir string) (string, error) {
	goCmd, err := goTool()
	if err != nil {
		return "", err
	}
	root, err := ModuleRoot()
	if err != nil {
		return "", err
	}
	out := filepath.Join(dir, "sellmigrate")
	ctx, cancel := context.WithTimeout(context.Background(), buildTimeout)
	defer cancel()
	// -s -w: no symbol table or DWARF, which nobody debugs here and which cost about a
	// fifth of the link; panics still print function names and lines.
	cmd := exec.CommandContext(ctx, goCmd, "build", "-ldflags=-s -w", "-o", out, "./cmd/sellmigrate")
	cmd.Dir = root
	var stderr bytes.Buffer
	cmd.Stdout, cmd.Stderr = &stderr, &stderr
	began := time.Now()
	if err := cmd.Run(); err != nil {
		return "", fmt.Errorf("go build ./cmd/sellmigrate (in %s) failed after %s: %v\n%s", root, time.Since(began).Round(time.Second), err, stderr.String())
	}
	return out, nil
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
