package serverconfig

import (
	"context"
	stdsql "database/sql"
	"fmt"
	"slices"
	"strings"

	"go.temporal.io/server/common/config"
)

// keptVisibilityIndexes are the indexes of Temporal's SQLite visibility table that the
// lists here filter or sort on: the default order (the Web UI's list, `sellmigrate list`
// and the dashboard), workflow ID and type, execution status, execution time, the
// custom Keyword and Datetime slots where this project's search attributes live (which
// slot each takes is the namespace's choice, so all of them), and the namespace
// division the server's own schedule lists filter on.
//
// The schema has 58. Every visibility write (a start, each search-attribute upsert, a
// close) updates every index of the row, so the other 35, on columns nothing here
// queries (history length and size, parent and root IDs, deployments, the Bool, Int,
// Double and pre-allocated Temporal slots), cost CPU on each write for no read. A query
// that does filter on one of them still answers, by scanning the table.
var keptVisibilityIndexes = []string{
	"default_idx", "by_execution_time", "by_workflow_id", "by_workflow_type", "by_status",
	"by_temporal_namespace_division",
	"by_keyword_01", "by_keyword_02", "by_keyword_03", "by_keyword_04", "by_keyword_05",
	"by_keyword_06", "by_keyword_07", "by_keyword_08", "by_keyword_09", "by_keyword_10",
	"by_datetime_01", "by_datetime_02", "by_datetime_03",
}

// PrepareVisibilityTable trims the visibility table's indexes and writes its planner
// statistics (visibility_planner_stats.go), on one connection to the file before the
// server opens it. It returns how many indexes it dropped.
func PrepareVisibilityTable(ctx context.Context, cfg *config.SQL) (int, error) {
	db, err := openTemporalFile(cfg)
	if err != nil {
		return 0, err
	}
	defer func() { _ = db.Close() }()
	dropped, err := trimVisibilityIndexes(ctx, db, cfg)
	if err != nil {
		return 0, err
	}
	return dropped, writeVisibilityPlannerStats(ctx, db, cfg)
}

// openTemporalFile opens Temporal's SQLite file with the driver Temporal's SQLite
// plugin registers; devstack's own changes run before the server has it open.
func openTemporalFile(cfg *config.SQL) (*stdsql.DB, error) {
	db, err := stdsql.Open("sqlite", "file:"+cfg.DatabaseName+"?_pragma=busy_timeout("+sqliteBusyTimeoutMS+")")
	if err != nil {
		return nil, fmt.Errorf("devstack: open %s: %w", cfg.DatabaseName, err)
	}
	return db, nil
}

// trimVisibilityIndexes drops the visibility indexes not in keptVisibilityIndexes, in a
// new database and in one made before this trim alike, before the server opens it. It
// returns how many it dropped; a second call drops none. (Temporal's SQLite store sets
// its schema up only in an empty file and never migrates it, so no later step expects
// the dropped indexes.)
func trimVisibilityIndexes(ctx context.Context, db *stdsql.DB, cfg *config.SQL) (int, error) {
	names, err := visibilityIndexes(ctx, db)
	if err != nil {
		return 0, fmt.Errorf("devstack: list the visibility indexes of %s: %w", cfg.DatabaseName, err)
	}
	var drops []string
	for _, name := range names {
		if !slices.Contains(keptVisibilityIndexes, name) {
			drops = append(drops, fmt.Sprintf("DROP INDEX IF EXISTS %q", name))
		}
	}
	if len(drops) == 0 {
		return 0, nil
	}
	// One transaction: all go, or none.
	if _, err := db.ExecContext(ctx, "BEGIN IMMEDIATE;\n"+strings.Join(drops, ";\n")+";\nCOMMIT;"); err != nil {
		_, _ = db.ExecContext(ctx, "ROLLBACK")
		return 0, fmt.Errorf("devstack: drop unused visibility indexes in %s: %w", cfg.DatabaseName, err)
	}
	return len(drops), nil
}

// visibilityIndexes names the indexes of the visibility table (not SQLite's own
// automatic ones, which have no SQL).
func visibilityIndexes(ctx context.Context, db *stdsql.DB) ([]string, error) {
	rows, err := db.QueryContext(ctx, "SELECT name FROM sqlite_master WHERE type = 'index' AND tbl_name = 'executions_visibility' AND sql IS NOT NULL")
	if err != nil {
		return nil, err
	}
	defer func() { _ = rows.Close() }()
	var names []string
	for rows.Next() {
		var name string
		if err := rows.Scan(&name); err != nil {
			return nil, err
		}
		names = append(names, name)
	}
	return names, rows.Err()
}
