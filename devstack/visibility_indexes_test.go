package devstack

import (
	"context"
	stdsql "database/sql"
	"path/filepath"
	"slices"
	"testing"

	"go.temporal.io/server/common/log"
)

// A new database keeps exactly the visibility indexes the lists here use; a second
// trim, as at every later start, drops nothing.
func TestTrimVisibilityIndexesKeepsWhatListsUse(t *testing.T) {
	cfg, err := sqlConfig(filepath.Join(t.TempDir(), "temporal.db"), "normal", 1)
	if err != nil {
		t.Fatal(err)
	}
	if _, err := ensureSchema(cfg, log.NewNoopLogger()); err != nil {
		t.Fatal(err)
	}
	before := indexNames(t, cfg.DatabaseName)
	for _, kept := range keptVisibilityIndexes {
		if !slices.Contains(before, kept) {
			t.Errorf("Temporal's schema has no index %s: keptVisibilityIndexes names one that does not exist", kept)
		}
	}
	n, err := trimVisibilityIndexes(context.Background(), cfg)
	if err != nil {
		t.Fatal(err)
	}
	after := indexNames(t, cfg.DatabaseName)
	slices.Sort(after)
	want := slices.Clone(keptVisibilityIndexes)
	slices.Sort(want)
	if !slices.Equal(after, want) {
		t.Errorf("indexes after the trim = %v, want %v", after, want)
	}
	if n != len(before)-len(want) || n == 0 {
		t.Errorf("dropped %d of %d, want %d", n, len(before), len(before)-len(want))
	}
	if again, err := trimVisibilityIndexes(context.Background(), cfg); err != nil || again != 0 {
		t.Errorf("second trim dropped %d (%v), want none", again, err)
	}
}

func indexNames(t *testing.T, path string) []string {
	t.Helper()
	db, err := stdsql.Open("sqlite", "file:"+path)
	if err != nil {
		t.Fatal(err)
	}
	defer func() { _ = db.Close() }()
	names, err := visibilityIndexes(context.Background(), db)
	if err != nil {
		t.Fatal(err)
	}
	return names
}
