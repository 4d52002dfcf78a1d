package serverconfig

import (
	"fmt"
	"slices"
	"strings"
	"time"

	"go.temporal.io/server/common/config"
	"go.temporal.io/server/common/log"
	"go.temporal.io/server/common/metrics"
	"go.temporal.io/server/common/persistence/sql"
	"go.temporal.io/server/common/persistence/sql/sqlplugin"
	sqliteplugin "go.temporal.io/server/common/persistence/sql/sqlplugin/sqlite"
	"go.temporal.io/server/common/resolver"
	sqliteschema "go.temporal.io/server/schema/sqlite"
	"google.golang.org/protobuf/types/known/durationpb"

	"github.com/sellmigrate/sellmigrate/contract"
)

// SQLite settings. One connection in WAL mode measured fastest for this workload (35-43
// migration-shaped workflows/s with synchronous=normal, against 17/s with 4 connections
// and 10-12/s for the stock dev server): SQLite serialises writers to one file anyway,
// and extra connections only add lock contention. busy_timeout only matters when another process (a sqlite3 shell, a
// backup) holds the file briefly: the server then waits instead of failing.
const (
	// DefaultMaxConns is the SQL connections to the file unless told otherwise.
	DefaultMaxConns     = 1
	sqliteBusyTimeoutMS = "10000"
	namespaceRetention  = 7 * 24 * time.Hour
	clusterName         = "active"
)

// requiredTables are present in every complete Temporal SQLite database; an existing
// file lacking them is not one we may start on.
var requiredTables = []string{"cluster_metadata_info", "namespaces", "executions", "executions_visibility"}

// SQL is the one SQL store backing both persistence and visibility.
func SQL(dbPath, synchronous string, maxConns int) (*config.SQL, error) {
	// The plugin pastes the path into a file: URI unescaped, so these would be misparsed.
	if strings.ContainsAny(dbPath, "?#%") {
		return nil, fmt.Errorf("devstack: data dir path %q contains ?, # or %%, which SQLite URIs cannot carry; choose another --data-dir", dbPath)
	}
	return &config.SQL{
		PluginName:   sqliteplugin.PluginName,
		DatabaseName: dbPath,
		ConnectAttributes: map[string]string{
			"mode":         "rwc",
			"journal_mode": "wal",
			"synchronous":  synchronous,
			"busy_timeout": sqliteBusyTimeoutMS,
		},
		MaxConns:     maxConns,
		MaxIdleConns: maxConns,
	}, nil
}

// EnsureSchema creates the Temporal schema in an empty database and leaves an existing
// Temporal database untouched. It reports whether it created the schema.
func EnsureSchema(cfg *config.SQL, logger log.Logger) (bool, error) {
	db, err := sql.NewSQLAdminDB(sqlplugin.DbKindUnknown, cfg, resolver.NewNoopResolver(), logger, metrics.NoopMetricsHandler)
	if err != nil {
		return false, fmt.Errorf("devstack: open %s: %w", cfg.DatabaseName, err)
	}
	defer func() { _ = db.Close() }()
	tables, err := db.ListTables(cfg.DatabaseName)
	if err != nil {
		return false, fmt.Errorf("devstack: read tables of %s: %w; if it is not a SQLite database, move it away", cfg.DatabaseName, err)
	}
	if len(tables) > 0 {
		for _, want := range requiredTables {
			if !slices.Contains(tables, want) {
				return false, fmt.Errorf("devstack: %s is not a Temporal database (no table %q); move it away or choose another --data-dir", cfg.DatabaseName, want)
			}
		}
		return false, nil
	}
	rec := &statementRecorder{AdminDB: db}
	if err := sqliteschema.SetupSchemaOnDB(rec); err != nil {
		return false, fmt.Errorf("devstack: load Temporal schema: %w", err)
	}
	// One transaction, so a crash during the first start leaves an empty file (set up
	// again next time) instead of a half schema that would be mistaken for a database.
	script := "BEGIN IMMEDIATE;\n" + strings.Join(rec.statements, ";\n") + ";\nCOMMIT;"
	if err := db.Exec(script); err != nil {
		_ = db.Exec("ROLLBACK")
		return false, fmt.Errorf("devstack: create Temporal schema in %s: %w", cfg.DatabaseName, err)
	}
	return true, nil
}

// statementRecorder collects the statements the server's schema setup would run one by
// one; every other AdminDB method is the real one.
type statementRecorder struct {
	sqlplugin.AdminDB
	statements []string
}

func (r *statementRecorder) Exec(stmt string, args ...any) error {
	if len(args) > 0 {
		return fmt.Errorf("devstack: schema statement with arguments cannot be batched: %q", stmt)
	}
	r.statements = append(r.statements, strings.TrimSuffix(strings.TrimSpace(stmt), ";"))
	return nil
}

// EnsureNamespace writes namespace, with the migration search attributes and a 7-day
// retention, straight into the database before the server starts, as the Temporal CLI
// dev server does: every service then loads it at startup, with no cache-refresh lag
// before the first workflow may upsert the attributes. An existing namespace is left
// as it is; devstack's Start then adds any missing attribute through the operator
// service.
func EnsureNamespace(cfg *config.SQL, namespace string) error {
	ns, err := sqliteschema.NewNamespaceConfig(clusterName, namespace, false, contract.SearchAttributes)
	if err != nil {
		return fmt.Errorf("devstack: describe namespace %q: %w", namespace, err)
	}
	ns.Detail.Config.Retention = durationpb.New(namespaceRetention)
	if err := sqliteschema.CreateNamespaces(cfg, ns); err != nil {
		return fmt.Errorf("devstack: create namespace %q in %s: %w", namespace, cfg.DatabaseName, err)
	}
	return nil
}
