package serverconfig

import (
	"context"
	stdsql "database/sql"
	"fmt"
	"slices"
	"strings"
	"unicode"

	commonpb "go.temporal.io/api/common/v1"
	enumspb "go.temporal.io/api/enums/v1"
	"go.temporal.io/server/common/config"
	"go.temporal.io/server/common/persistence/serialization"
	sqliteschema "go.temporal.io/server/schema/sqlite"
)

// baseVisibilityIndexes are the indexes on Temporal's own visibility columns that the
// lists here filter or sort on: the default order (the Web UI's list, `sellmigrate
// list` and the dashboard), workflow ID and type, execution status, execution time,
// and the namespace division the server's own schedule lists filter on. Besides
// them, the index of each custom search-attribute slot a namespace maps an attribute
// to is kept (slotIndex): which Keyword or Datetime slot holds which of this project's
// attributes is the namespace's choice, made when it is created.
//
// The schema has 58. Every visibility write (a start, each search-attribute upsert, a
// close) updates every index of the row, so the others, on columns nothing here
// queries (history length and size, parent and root IDs, deployments, the slots no
// attribute is mapped to, the pre-allocated Temporal slots), cost CPU on each write for
// no read. A query that does filter on one of them still answers, by scanning the table.
var baseVisibilityIndexes = []string{
	"default_idx", "by_execution_time", "by_workflow_id", "by_workflow_type", "by_status",
	"by_temporal_namespace_division",
}

// IndexChanges is what PrepareVisibilityTable did to the visibility table's indexes.
type IndexChanges struct {
	// Dropped are indexes no list here uses; Created, indexes of slots a namespace
	// mapped an attribute to since the last start (an attribute added at run time).
	Dropped, Created int
}

// PrepareVisibilityTable keeps exactly the visibility indexes the lists here use (the
// base ones and one per mapped search-attribute slot) and writes the table's planner
// statistics (visibility_planner_stats.go), on one connection to the file before the
// server opens it. Run it after EnsureNamespace, so a new file's namespace has its
// slots.
func PrepareVisibilityTable(ctx context.Context, cfg *config.SQL) (IndexChanges, error) {
	db, err := openTemporalFile(cfg)
	if err != nil {
		return IndexChanges{}, err
	}
	defer func() { _ = db.Close() }()
	changes, err := fitVisibilityIndexes(ctx, db, cfg)
	if err != nil {
		return IndexChanges{}, err
	}
	return changes, writeVisibilityPlannerStats(ctx, db, cfg)
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

// fitVisibilityIndexes drops the visibility indexes not wanted (wantedVisibilityIndexes)
// and creates the wanted ones missing, with the statements of Temporal's own schema, in
// one transaction, in a new database and an older one alike. A second call changes
// nothing. (Temporal's SQLite store sets its schema up only in an empty file and never
// migrates it, so no later step expects a dropped index.)
func fitVisibilityIndexes(ctx context.Context, db *stdsql.DB, cfg *config.SQL) (IndexChanges, error) {
	have, err := visibilityIndexes(ctx, db)
	if err != nil {
		return IndexChanges{}, fmt.Errorf("devstack: list the visibility indexes of %s: %w", cfg.DatabaseName, err)
	}
	wanted, err := wantedVisibilityIndexes(ctx, db)
	if err != nil {
		return IndexChanges{}, fmt.Errorf("devstack: read the search-attribute slots of the namespaces in %s: %w", cfg.DatabaseName, err)
	}
	schema, err := visibilityIndexStatements()
	if err != nil {
		return IndexChanges{}, err
	}
	var changes IndexChanges
	var stmts []string
	for _, name := range have {
		if !slices.Contains(wanted, name) {
			stmts = append(stmts, fmt.Sprintf("DROP INDEX IF EXISTS %q", name))
			changes.Dropped++
		}
	}
	for _, name := range wanted {
		if create, ok := schema[name]; ok && !slices.Contains(have, name) {
			stmts = append(stmts, create)
			changes.Created++
		}
	}
	if len(stmts) == 0 {
		return changes, nil
	}
	// One transaction: all go, or none.
	tx, err := db.BeginTx(ctx, nil)
	if err != nil {
		return IndexChanges{}, fmt.Errorf("devstack: fit the visibility indexes of %s to the lists here: %w", cfg.DatabaseName, err)
	}
	defer func() { _ = tx.Rollback() }() // after Commit, a no-op
	for _, stmt := range stmts {
		if _, err := tx.ExecContext(ctx, stmt); err != nil {
			return IndexChanges{}, fmt.Errorf("devstack: fit the visibility indexes of %s to the lists here (%s): %w", cfg.DatabaseName, stmt, err)
		}
	}
	if err := tx.Commit(); err != nil {
		return IndexChanges{}, fmt.Errorf("devstack: fit the visibility indexes of %s to the lists here: %w", cfg.DatabaseName, err)
	}
	return changes, nil
}

// wantedVisibilityIndexes are the base indexes and the index of every custom slot any
// namespace in the file maps a search attribute to.
func wantedVisibilityIndexes(ctx context.Context, db *stdsql.DB) ([]string, error) {
	wanted := slices.Clone(baseVisibilityIndexes)
	rows, err := db.QueryContext(ctx, "SELECT name, data, data_encoding FROM namespaces")
	if err != nil {
		return nil, err
	}
	defer func() { _ = rows.Close() }()
	serializer := serialization.NewSerializer()
	for rows.Next() {
		var name, encoding string
		var data []byte
		if err := rows.Scan(&name, &data, &encoding); err != nil {
			return nil, err
		}
		enc, err := enumspb.EncodingTypeFromString(encoding)
		if err != nil {
			return nil, fmt.Errorf("namespace %q: %w", name, err)
		}
		detail, err := serializer.NamespaceDetailFromBlob(&commonpb.DataBlob{Data: data, EncodingType: enc})
		if err != nil {
			return nil, fmt.Errorf("decode namespace %q: %w", name, err)
		}
		for field := range detail.GetConfig().GetCustomSearchAttributeAliases() {
			if index := slotIndex(field); !slices.Contains(wanted, index) {
				wanted = append(wanted, index)
			}
		}
	}
	return wanted, rows.Err()
}

// slotIndex is the name of the index Temporal's schema gives a custom slot's column:
// Keyword03 is indexed by by_keyword_03, Datetime01 by by_datetime_01.
func slotIndex(field string) string {
	i := strings.IndexFunc(field, unicode.IsDigit)
	if i < 0 {
		return "by_" + strings.ToLower(field)
	}
	return "by_" + strings.ToLower(field[:i]) + "_" + field[i:]
}

// visibilityIndexStatements are the CREATE INDEX statements of Temporal's SQLite
// visibility schema, by index name.
func visibilityIndexStatements() (map[string]string, error) {
	rec := &statementRecorder{}
	if err := sqliteschema.SetupSchemaOnDB(rec); err != nil {
		return nil, fmt.Errorf("devstack: read Temporal's SQLite schema: %w", err)
	}
	out := map[string]string{}
	for _, stmt := range rec.statements {
		f := strings.Fields(stmt)
		if len(f) > 4 && strings.EqualFold(f[0], "CREATE") && strings.EqualFold(f[1], "INDEX") &&
			strings.EqualFold(f[3], "ON") && f[4] == "executions_visibility" {
			out[f[2]] = stmt
		}
	}
	if len(out) == 0 {
		return nil, fmt.Errorf("devstack: Temporal's SQLite schema has no index on executions_visibility; its layout changed, check visibility_indexes.go")
	}
	return out, nil
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
