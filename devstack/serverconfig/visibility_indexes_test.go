package serverconfig

import (
	"context"
	stdsql "database/sql"
	"path/filepath"
	"slices"
	"strings"
	"testing"

	"go.temporal.io/server/common/config"
	"go.temporal.io/server/common/log"
)

// A new database keeps exactly the visibility indexes the lists here use; a second
// trim, as at every later start, drops nothing.
func TestTrimVisibilityIndexesKeepsWhatListsUse(t *testing.T) {
	cfg := newTemporalFile(t)
	before := indexNames(t, cfg.DatabaseName)
	for _, kept := range keptVisibilityIndexes {
		if !slices.Contains(before, kept) {
			t.Errorf("Temporal's schema has no index %s: keptVisibilityIndexes names one that does not exist", kept)
		}
	}
	db := openT(t, cfg)
	n, err := trimVisibilityIndexes(context.Background(), db, cfg)
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
	if again, err := trimVisibilityIndexes(context.Background(), db, cfg); err != nil || again != 0 {
		t.Errorf("second trim dropped %d (%v), want none", again, err)
	}
}

// newTemporalFile is a new SQLite file with Temporal's schema, as devstack's first
// start makes it.
func newTemporalFile(t *testing.T) *config.SQL {
	t.Helper()
	cfg, err := SQL(filepath.Join(t.TempDir(), "temporal.db"), "normal", 1)
	if err != nil {
		t.Fatal(err)
	}
	if _, err := EnsureSchema(cfg, log.NewNoopLogger()); err != nil {
		t.Fatal(err)
	}
	return cfg
}

// openT opens the file as devstack does, for the test's length.
func openT(t *testing.T, cfg *config.SQL) *stdsql.DB {
	t.Helper()
	db, err := openTemporalFile(cfg)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { _ = db.Close() })
	return db
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

// The lists this project sends plan on their selective index, not on one that matches
// every row: a migration's runs by workflow ID, a status page's wait list by its Keyword
// slot. Temporal adds the namespace-division clause to each.
func TestVisibilityListsPlanOnASelectiveIndex(t *testing.T) {
	cfg := newTemporalFile(t)
	ctx := context.Background()
	for i := range 2 { // the second start's preparation must leave the same rows
		if _, err := PrepareVisibilityTable(ctx, cfg); err != nil {
			t.Fatalf("start %d: %v", i+1, err)
		}
	}
	// Opened after the writes: SQLite reads the statistics when a connection opens.
	db := openT(t, cfg)
	var rows int
	if err := db.QueryRowContext(ctx, "SELECT count(*) FROM sqlite_stat1 WHERE tbl = 'executions_visibility'").Scan(&rows); err != nil {
		t.Fatal(err)
	}
	if want := len(keptVisibilityIndexes) + 1; rows != want { // + the primary key's
		t.Errorf("sqlite_stat1 holds %d rows for the visibility table after two writes, want one per index: %d", rows, want)
	}
	const (
		where = "WHERE namespace_id = 'ns' AND TemporalNamespaceDivision IS NULL AND "
		order = " ORDER BY coalesce(close_time, '9999-12-31 23:59:59+00:00') DESC, start_time DESC, run_id LIMIT 10"
	)
	for query, wantIndex := range map[string]string{
		where + "(workflow_type_name = 'MigrationWorkflow' AND status != 6 AND workflow_id IN ('sell-migration-1001'))" + order: "by_workflow_id",
		where + "(workflow_type_name = 'MigrationWorkflow' AND status = 1 AND Keyword02 = 'awaiting_owner_login')" + order:      "by_keyword_02",
		where + "(workflow_type_name = 'MigrationWorkflow' AND status != 6)" + order:                                            "by_workflow_type",
	} {
		var plan []string
		rows, err := db.QueryContext(ctx, "EXPLAIN QUERY PLAN SELECT run_id FROM executions_visibility "+query)
		if err != nil {
			t.Fatal(err)
		}
		for rows.Next() {
			var id, parent, unused int
			var detail string
			if err := rows.Scan(&id, &parent, &unused, &detail); err != nil {
				t.Fatal(err)
			}
			plan = append(plan, detail)
		}
		_ = rows.Close()
		if got := strings.Join(plan, "; "); !strings.Contains(got, "USING INDEX "+wantIndex+" ") {
			t.Errorf("plan of %s\n= %s\nwant it on %s", query, got, wantIndex)
		}
	}
}
