package sim

import (
	"context"
	"database/sql"
	"path/filepath"
	"testing"
)

func openCachedForTest(t *testing.T) *sql.DB {
	t.Helper()
	db, err := openWithStmtCache(filepath.Join(t.TempDir(), "cache.db") + "?_pragma=journal_mode(WAL)")
	if err != nil {
		t.Fatal(err)
	}
	db.SetMaxOpenConns(1) // one connection: every statement meets the same cache
	t.Cleanup(func() { _ = db.Close() })
	ctx := context.Background()
	if _, err := db.ExecContext(ctx, `CREATE TABLE t (id INTEGER PRIMARY KEY, v TEXT NOT NULL)`); err != nil {
		t.Fatal(err)
	}
	return db
}

// cacheStats reads the one connection's cache: statements prepared for it, cached,
// and busy now.
func cacheStats(t *testing.T, db *sql.DB) (prepared, cached, busy int) {
	t.Helper()
	conn, err := db.Conn(context.Background())
	if err != nil {
		t.Fatal(err)
	}
	defer func() { _ = conn.Close() }()
	if err := conn.Raw(func(dc any) error {
		c := dc.(*stmtCachingConn)
		prepared, cached = c.prepared, len(c.stmts)
		for _, s := range c.stmts {
			if s.busy {
				busy++
			}
		}
		return nil
	}); err != nil {
		t.Fatal(err)
	}
	return prepared, cached, busy
}

// A statement run again is the one prepared the first time.
func TestStatementsArePreparedOncePerConnection(t *testing.T) {
	db := openCachedForTest(t)
	ctx := context.Background()
	const insert = `INSERT INTO t (v) VALUES (?)`
	for i := range 50 {
		if _, err := db.ExecContext(ctx, insert, string(rune('a'+i%26))); err != nil {
			t.Fatal(err)
		}
	}
	var n int
	if err := db.QueryRowContext(ctx, `SELECT count(*) FROM t WHERE v = ?`, "a").Scan(&n); err != nil || n != 2 {
		t.Fatalf("count of 'a': %d, %v; want 2", n, err)
	}
	prepared, cached, _ := cacheStats(t, db)
	// CREATE TABLE, the insert and the count: each prepared once.
	if prepared != 3 || cached != 3 {
		t.Fatalf("%d statements prepared, %d cached, for 52 runs of 3 distinct ones; want 3 and 3", prepared, cached)
	}
}

// The same SQL run while rows read from it are still open (a lookup or an Exec inside
// an iteration, in one transaction) must not reset those rows, and the statement is
// reused once they close.
func TestSameQueryWhileItsRowsAreOpen(t *testing.T) {
	db := openCachedForTest(t)
	ctx := context.Background()
	for _, v := range []string{"x", "y", "z"} {
		if _, err := db.ExecContext(ctx, `INSERT INTO t (v) VALUES (?)`, v); err != nil {
			t.Fatal(err)
		}
	}
	tx, err := db.BeginTx(ctx, nil)
	if err != nil {
		t.Fatal(err)
	}
	defer func() { _ = tx.Rollback() }()
	const list = `SELECT v FROM t WHERE id >= ? ORDER BY id`
	rows, err := tx.QueryContext(ctx, list, 1)
	if err != nil {
		t.Fatal(err)
	}
	var outer, inner []string
	for rows.Next() {
		var v, w string
		if err := rows.Scan(&v); err != nil {
			t.Fatal(err)
		}
		outer = append(outer, v)
		if err := tx.QueryRowContext(ctx, list, 3).Scan(&w); err != nil {
			t.Fatal(err)
		}
		inner = append(inner, w)
		if _, err := tx.ExecContext(ctx, list, 3); err != nil {
			t.Fatalf("the same SQL as an Exec while its rows are open: %v", err)
		}
	}
	if err := rows.Err(); err != nil {
		t.Fatal(err)
	}
	_ = rows.Close()
	if got := outer; len(got) != 3 || got[0] != "x" || got[1] != "y" || got[2] != "z" {
		t.Fatalf("the open rows read %q, want [x y z]", got)
	}
	for _, w := range inner {
		if w != "z" {
			t.Fatalf("the lookups read %q, want z each time", inner)
		}
	}
	// Once closed, the statement is used again.
	var first string
	if err := tx.QueryRowContext(ctx, list, 2).Scan(&first); err != nil || first != "y" {
		t.Fatalf("after the rows closed: %q, %v; want y", first, err)
	}
	if err := tx.Rollback(); err != nil {
		t.Fatal(err)
	}
	before, _, _ := cacheStats(t, db)
	if err := db.QueryRowContext(ctx, list, 3).Scan(&first); err != nil || first != "z" {
		t.Fatalf("after the transaction: %q, %v; want z", first, err)
	}
	if prepared, _, busy := cacheStats(t, db); prepared != before || busy != 0 {
		t.Fatalf("after the rows closed: %d prepared (was %d), %d busy; want the cached statement reused and none busy", prepared, before, busy)
	}
}

// A cached insert that fails (a constraint) is ready for the next run.
func TestCachedStatementAfterAnError(t *testing.T) {
	db := openCachedForTest(t)
	ctx := context.Background()
	const insert = `INSERT INTO t (id, v) VALUES (?, ?)`
	if _, err := db.ExecContext(ctx, insert, 1, "a"); err != nil {
		t.Fatal(err)
	}
	if _, err := db.ExecContext(ctx, insert, 1, "again"); err == nil {
		t.Fatal("a second row with id 1 was accepted")
	}
	if _, err := db.ExecContext(ctx, insert, 2, "b"); err != nil {
		t.Fatalf("the insert after a refused one: %v", err)
	}
	var n int
	if err := db.QueryRowContext(ctx, `SELECT count(*) FROM t`).Scan(&n); err != nil || n != 2 {
		t.Fatalf("rows: %d, %v; want 2", n, err)
	}
}

// A script (several statements) runs whole, as without the cache, and is not cached.
func TestScriptsRunWhole(t *testing.T) {
	db := openCachedForTest(t)
	ctx := context.Background()
	_, before, _ := cacheStats(t, db)
	for range 2 {
		if _, err := db.ExecContext(ctx, `INSERT INTO t (v) VALUES ('s1'); INSERT INTO t (v) VALUES ('s2');`); err != nil {
			t.Fatal(err)
		}
	}
	var n int
	if err := db.QueryRowContext(ctx, `SELECT count(*) FROM t`).Scan(&n); err != nil || n != 4 {
		t.Fatalf("rows after the script twice: %d, %v; want 4", n, err)
	}
	// The count is the one statement added.
	if _, cached, _ := cacheStats(t, db); cached != before+1 {
		t.Fatalf("%d statements cached, was %d before the script and a count; want the count alone added", cached, before)
	}
}
