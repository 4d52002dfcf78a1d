package e2e

import (
	"flag"
	"fmt"
	"os"
	"sync"
	"testing"

	"github.com/sellmigrate/sellmigrate/e2e/harness"
)

// parallelTests is how many tests run at once unless -parallel says otherwise. They
// mostly wait on child processes, so the default (GOMAXPROCS: 2 here) would run the
// two-minute reminder test and the rest almost one after another.
const parallelTests = 16

var (
	buildOnce sync.Once
	buildDir  string
	builtBins harness.Binaries
	buildErr  error

	sharedOnce sync.Once
	sharedDir  string
	sharedDev  *harness.Dev
	sharedErr  error
)

func TestMain(m *testing.M) {
	flag.Parse()
	set := false
	flag.Visit(func(f *flag.Flag) { set = set || f.Name == "test.parallel" })
	if !set {
		_ = flag.Set("test.parallel", fmt.Sprint(parallelTests))
	}
	code := m.Run()
	if sharedDev != nil {
		if err := sharedDev.Shutdown(); err != nil {
			fmt.Fprintf(os.Stderr, "e2e: the shared stack did not stop cleanly: %v\n", err)
			code = 1
		}
	}
	if code != 0 && sharedDir != "" {
		fmt.Fprintf(os.Stderr, "e2e: kept the shared stack's data and log in %s\n", sharedDir)
	} else if sharedDir != "" {
		_ = os.RemoveAll(sharedDir)
	}
	if buildDir != "" {
		_ = os.RemoveAll(buildDir)
	}
	os.Exit(code)
}

// endToEnd skips the test under -short: everything here starts servers.
func endToEnd(t *testing.T) {
	t.Helper()
	if testing.Short() {
		t.Skip("end-to-end: builds sellmigrate and runs the embedded Temporal server (skipped with -short)")
	}
}

// binaries are the sellmigrate builds (full and lean), built on first use (about 25 s
// here after a change to the code, a second when go's build cache has them; see
// harness.Build) and shared by every process of every test.
func binaries(t *testing.T) harness.Binaries {
	t.Helper()
	endToEnd(t)
	buildOnce.Do(func() {
		buildDir, buildErr = os.MkdirTemp("", "sellmigrate-e2e-bin-")
		if buildErr == nil {
			builtBins, buildErr = harness.Build(buildDir)
		}
	})
	if buildErr != nil {
		t.Fatalf("build the binaries: %v", buildErr)
	}
	return builtBins
}

// shared is the stack the tests that kill, restart and slow nothing share: started on
// first use, stopped (and checked to stop cleanly) when every test has run.
func shared(t *testing.T) *harness.Dev {
	t.Helper()
	bins := binaries(t)
	sharedOnce.Do(func() {
		sharedDir, sharedErr = os.MkdirTemp("", "sellmigrate-e2e-shared-")
		if sharedErr == nil {
			sharedDev, sharedErr = harness.StartDev(bins, harness.DevOptions{DataDir: sharedDir, Name: "shared-dev"})
		}
	})
	if sharedErr != nil {
		t.Fatalf("start the shared stack: %v", sharedErr)
	}
	t.Cleanup(func() {
		if t.Failed() {
			t.Logf("the shared stack's log: %s", sharedDev.Proc().Log)
		}
	})
	return sharedDev
}
