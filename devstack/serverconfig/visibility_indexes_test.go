package serverconfig

import (
	"context"
	stdsql "database/sql"
	"fmt"
	"path/filepath"
	"slices"
	"strings"
	"testing"

	"go.temporal.io/server/common/config"
	"go.temporal.io/server/common/log"
	sqliteschema "go.temporal.io/server/schema/sqlite"

	"github.com/sellmigrate/sellmigrate/contract"
)

// A new database keeps exactly the base visibility indexes and those of the slots its
// namespace maps this project's search attributes to; a second start changes nothing;
// a namespace that maps more slots (an attribute added at run time) gets their indexes
// back at the next start, built by Temporal's own statements.
func TestVisibilityIndexesFollowTheNamespaceSlots(t *testing.T) {
	cfg := newTemporalFile(t)
	ctx := context.Background()
	before := indexNames(t, cfg.DatabaseName)
	for _, base := range baseVisibilityIndexes {
		if !slices.Contains(before, base) {
			t.Errorf("Temporal's schema has no index %s: baseVisibilityIndexes names one that does not exist", base)
		}
	}
	slots := createNamespace(t, cfg, "default", nil)
	if len(slots) != len(contract.SearchAttributes) {
		t.Fatalf("the namespace maps %d slots, want one per attribute: %v", len(slots), slots)
	}
	want := slices.Clone(baseVisibilityIndexes)
	for field := range slots {
		want = append(want, slotIndex(field))
	}
	ch, err := PrepareVisibilityTable(ctx, cfg)
	if err != nil {
		t.Fatal(err)
	}
	requireIndexes(t, cfg, want)
	if ch.Dropped != len(before)-len(want) || ch.Created != 0 {
		t.Errorf("first start: %+v, want %d dropped of %d and none created", ch, len(before)-len(want), len(before))
	}
	if again, err := PrepareVisibilityTable(ctx, cfg); err != nil || again != (IndexChanges{}) {
		t.Errorf("second start: %+v (%v), want no change", again, err)
	}

	// A second namespace maps a Keyword slot the first left free, and an Int slot.
	var freeKeyword string
	for i := 10; i >= 1 && freeKeyword == ""; i-- {
		if f := fmt.Sprintf("Keyword%02d", i); slots[f] == "" {
			freeKeyword = f
		}
	}
	createNamespace(t, cfg, "other", map[string]string{freeKeyword: "Extra", "Int02": "Count"})
	ch, err = PrepareVisibilityTable(ctx, cfg)
	if err != nil || ch != (IndexChanges{Created: 2}) {
		t.Fatalf("start after a namespace mapped two more slots: %+v (%v), want 2 created", ch, err)
	}
	requireIndexes(t, cfg, append(want, slotIndex(freeKeyword), "by_int_02"))
}

// createNamespace writes a namespace into the file as EnsureNamespace does, with this
// project's search attributes in the slots Temporal picks, or, if aliases is given,
// in exactly those slots (field name to attribute). It returns the slots mapped.
func createNamespace(t *testing.T, cfg *config.SQL, name string, aliases map[string]string) map[string]string {
	t.Helper()
	ns, err := sqliteschema.NewNamespaceConfig(clusterName, name, false, contract.SearchAttributes)
	if err != nil {
		t.Fatal(err)
	}
	if aliases != nil {
		ns.Detail.Config.CustomSearchAttributeAliases = aliases
	}
	if err := sqliteschema.CreateNamespaces(cfg, ns); err != nil {
		t.Fatal(err)
	}
	return ns.Detail.Config.CustomSearchAttributeAliases
}

func requireIndexes(t *testing.T, cfg *config.SQL, want []string) {
	t.Helper()
	got := indexNames(t, cfg.DatabaseName)
	slices.Sort(got)
	want = slices.Clone(want)
	slices.Sort(want)
	if !slices.Equal(got, want) {
		t.Errorf("visibility indexes = %v, want %v", got, want)
	}
}

func TestSlotIndex(t *testing.T) {
	for field, want := range map[string]string{"Keyword03": "by_keyword_03", "Datetime01": "by_datetime_01", "Int10": "by_int_10", "Bool02": "by_bool_02"} {
		if got := slotIndex(field); got != want {
			t.Errorf("slotIndex(%q) = %q, want %q", field, got, want)
		}
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
	slots := createNamespace(t, cfg, "default", nil)
	var statusSlot string
	for field, attr := range slots {
		if attr == contract.SearchAttrStatus.GetName() {
			statusSlot = field
		}
	}
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
	if want := len(indexNames(t, cfg.DatabaseName)) + 1; rows != want { // + the primary key's
		t.Errorf("sqlite_stat1 holds %d rows for the visibility table after two writes, want one per index: %d", rows, want)
	}
	const (
		where = "WHERE namespace_id = 'ns' AND TemporalNamespaceDivision IS NULL AND "
		order = " ORDER BY coalesce(close_time, '9999-12-31 23:59:59+00:00') DESC, start_time DESC, run_id LIMIT 10"
	)
	for query, wantIndex := range map[string]string{
		where + "(workflow_type_name = 'MigrationWorkflow' AND status != 6 AND workflow_id IN ('sell-migration-1001'))" + order:     "by_workflow_id",
		where + "(workflow_type_name = 'MigrationWorkflow' AND status = 1 AND " + statusSlot + " = 'awaiting_owner_login')" + order: slotIndex(statusSlot),
		where + "(workflow_type_name = 'MigrationWorkflow' AND status != 6)" + order:                                                "by_workflow_type",
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
