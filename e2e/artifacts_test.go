package e2e

import (
	"os"
	"path/filepath"
	"testing"

	"github.com/sellmigrate/sellmigrate/e2e/harness"
)

// artifactsEnv names where tests keep what a person looks at after a run (screenshots,
// chaos.json); .ci/run sets it to artifacts/, relative to the repository root.
const artifactsEnv = "SELLMIGRATE_ARTIFACTS_DIR"

// artifactsDir is $SELLMIGRATE_ARTIFACTS_DIR as an absolute path, created; "" when unset.
func artifactsDir(t *testing.T) string {
	t.Helper()
	dir := os.Getenv(artifactsEnv)
	if dir == "" {
		return ""
	}
	if !filepath.IsAbs(dir) {
		root, err := harness.ModuleRoot()
		if err != nil {
			t.Fatal(err)
		}
		dir = filepath.Join(root, dir)
	}
	if err := os.MkdirAll(dir, 0o755); err != nil {
		t.Fatalf("create the artifacts directory %s: %v", dir, err)
	}
	return dir
}
