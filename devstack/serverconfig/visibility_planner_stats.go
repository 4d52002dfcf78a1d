package serverconfig

import (
	"context"
	stdsql "database/sql"
	"fmt"
	"strings"

	"go.temporal.io/server/common/config"
)

// SQLite chooses an index by how many rows it expects each to match, and without
// statistics it expects every equality on an index's leading columns to match alike.
// Temporal adds "TemporalNamespaceDivision IS NULL" to every list it is sent, so the
// index on the namespace division (and the one on the workflow type, which every list
// here names) looked as selective as the one on workflow ID or on a Keyword slot, and
// won because it also gives the list's order without sorting. Both match nearly every
// row: a migration's status page, which lists that migration's runs by workflow ID,
// walked the whole table, and its cost grew with the number of migrations (21 ms on a
// 2,000-migration file, against 0.9 ms through the workflow ID index).
//
// Running ANALYZE would not help: devstack starts on an empty file, and the table's
// shape only appears as it fills. Instead devstack writes the shape into sqlite_stat1,
// as SQLite documents for steering its planner by hand: a table of a million rows in
// one namespace and one division, a handful of statuses and workflow types, a workflow
// ID shared by a run or two, a Keyword value shared by about a thousand rows, a time,
// an Int or a Double by about ten, and a Bool by half the table. Only the relative
// sizes matter to the planner, not the million.
const assumedVisibilityRows = 1_000_000

// visibilityIndexStat is the sqlite_stat1 "stat" of each kept visibility index: the
// rows, then the rows sharing each leading column (namespace, then the indexed
// column, then the close time, start time and run ID that order every list).
func visibilityIndexStat(index string) (string, bool) {
	rows := func(perValue int) string {
		return fmt.Sprintf("%d %d %d 1 1 1", assumedVisibilityRows, assumedVisibilityRows, perValue)
	}
	switch {
	case index == visibilityPrimaryKey: // (namespace, run ID)
		return fmt.Sprintf("%d %d 1", assumedVisibilityRows, assumedVisibilityRows), true
	case index == "default_idx": // (namespace, close time, start time, run ID)
		return fmt.Sprintf("%d %d 2 1 1", assumedVisibilityRows, assumedVisibilityRows), true
	case index == "by_workflow_id":
		return rows(2), true
	case index == "by_execution_time", strings.HasPrefix(index, "by_datetime_"):
		return rows(10), true
	case strings.HasPrefix(index, "by_keyword_"):
		return rows(1_000), true
	case strings.HasPrefix(index, "by_int_"), strings.HasPrefix(index, "by_double_"):
		return rows(10), true
	case strings.HasPrefix(index, "by_bool_"):
		return rows(assumedVisibilityRows / 2), true
	case index == "by_status":
		return rows(assumedVisibilityRows / 5), true
	case index == "by_workflow_type":
		return rows(assumedVisibilityRows / 4), true
	case index == "by_temporal_namespace_division":
		return rows(assumedVisibilityRows), true
	}
	return "", false
}

// visibilityPrimaryKey is SQLite's own index of the table's primary key (namespace,
// run ID), which has no SQL of its own.
const visibilityPrimaryKey = "sqlite_autoindex_executions_visibility_1"

// writeVisibilityPlannerStats replaces the visibility table's rows of sqlite_stat1 with
// the assumed shape above, before the server opens the file (SQLite reads the
// statistics when a connection opens). Idempotent. Every visibility index must have a
// row: once the table has statistics, SQLite takes an index without any for a very
// selective one, and would walk the table through it.
func writeVisibilityPlannerStats(ctx context.Context, db *stdsql.DB, cfg *config.SQL) error {
	names, err := visibilityIndexes(ctx, db)
	if err != nil {
		return fmt.Errorf("devstack: list the visibility indexes of %s: %w", cfg.DatabaseName, err)
	}
	stats := map[string]string{}
	for _, name := range append(names, visibilityPrimaryKey) {
		stat, ok := visibilityIndexStat(name)
		if !ok {
			return fmt.Errorf("devstack: %s has visibility index %s, for which devstack has no planner statistics; add it to visibilityIndexStat", cfg.DatabaseName, name)
		}
		stats[name] = stat
	}
	// ANALYZE of the (small) schema table creates sqlite_stat1 when it is missing.
	if _, err := db.ExecContext(ctx, "ANALYZE sqlite_schema"); err != nil {
		return fmt.Errorf("devstack: create sqlite_stat1 in %s: %w", cfg.DatabaseName, err)
	}
	// One transaction, so the planner never sees half the rows.
	tx, err := db.BeginTx(ctx, nil)
	if err != nil {
		return fmt.Errorf("devstack: write the visibility table's planner statistics into %s: %w", cfg.DatabaseName, err)
	}
	defer func() { _ = tx.Rollback() }() // after Commit, a no-op
	if _, err := tx.ExecContext(ctx, "DELETE FROM sqlite_stat1 WHERE tbl = 'executions_visibility'"); err != nil {
		return fmt.Errorf("devstack: clear the visibility table's planner statistics in %s: %w", cfg.DatabaseName, err)
	}
	for name, stat := range stats {
		if _, err := tx.ExecContext(ctx, "INSERT INTO sqlite_stat1 (tbl, idx, stat) VALUES ('executions_visibility', ?, ?)", name, stat); err != nil {
			return fmt.Errorf("devstack: write the planner statistics of %s into %s: %w", name, cfg.DatabaseName, err)
		}
	}
	if err := tx.Commit(); err != nil {
		return fmt.Errorf("devstack: write the visibility table's planner statistics into %s: %w", cfg.DatabaseName, err)
	}
	return nil
}
