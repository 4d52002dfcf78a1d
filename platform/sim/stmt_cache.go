package sim

import (
	"context"
	"database/sql"
	"database/sql/driver"
	"errors"
	"fmt"
	"strings"
)

// The simulator's SQLite driver prepares every statement anew: database/sql hands it
// the SQL of each Exec and Query, and it parses, plans and finalizes it each time.
// That parsing was a fifth of the CPU of the activities' tests (the job runner
// creating thousands of users) and about 6% of a 2,000-migration bench. Each
// connection therefore keeps its prepared statements by their SQL and reuses them
// (the driver resets a statement after each Exec and when its rows close), through
// a connector that wraps the driver's connections, so no query site changes.

// maxCachedStatements bounds each connection's cache. The simulator's statements are
// a fixed set (IN lists aside), far fewer than this; past it a statement is prepared
// and finalized as before.
const maxCachedStatements = 256

// stmtCachingConnector opens the driver's connections and wraps each in a
// stmtCachingConn.
type stmtCachingConnector struct {
	dsn string
	drv driver.Driver
}

// openWithStmtCache opens dsn with the registered sqlite driver, every connection
// keeping its prepared statements.
func openWithStmtCache(dsn string) (*sql.DB, error) {
	probe, err := sql.Open("sqlite", "")
	if err != nil {
		return nil, fmt.Errorf("find the sqlite driver: %w", err)
	}
	drv := probe.Driver()
	_ = probe.Close()
	return sql.OpenDB(stmtCachingConnector{dsn: dsn, drv: drv}), nil
}

func (c stmtCachingConnector) Connect(context.Context) (driver.Conn, error) {
	conn, err := c.drv.Open(c.dsn)
	if err != nil {
		return nil, err
	}
	inner, ok := conn.(sqliteConn)
	if !ok {
		_ = conn.Close()
		return nil, fmt.Errorf("the sqlite driver's connection (%T) lacks the context methods this cache needs", conn)
	}
	return &stmtCachingConn{inner: inner, stmts: map[string]*cachedStmt{}}, nil
}

func (c stmtCachingConnector) Driver() driver.Driver { return c.drv }

// sqliteConn is what the driver's connection offers and the cache passes on.
type sqliteConn interface {
	driver.Conn
	driver.ConnBeginTx
	driver.ConnPrepareContext
	driver.ExecerContext
	driver.QueryerContext
	driver.Pinger
	driver.SessionResetter
	driver.Validator
}

// cachedStmt is one prepared statement; busy while rows read from it are open, when
// the same SQL on the same connection (a lookup while iterating, in a transaction)
// goes to the driver uncached instead of resetting the rows' statement.
type cachedStmt struct {
	stmt driver.Stmt
	busy bool
}

// stmtCachingConn is used by one goroutine at a time, as database/sql guarantees for
// a driver.Conn, so its map needs no lock.
type stmtCachingConn struct {
	inner sqliteConn
	stmts map[string]*cachedStmt
	// prepared counts the statements prepared for the cache.
	prepared int
}

// reusable returns the connection's statement for query, preparing it on first use;
// nil, for the driver to run query uncached, when query is a script (several
// statements, which the driver parses one by one at each run), the cache is full, or
// the statement's rows are open.
func (c *stmtCachingConn) reusable(ctx context.Context, query string) (*cachedStmt, error) {
	if s, ok := c.stmts[query]; ok {
		if s.busy {
			return nil, nil
		}
		return s, nil
	}
	if strings.Contains(query, ";") || len(c.stmts) >= maxCachedStatements {
		return nil, nil
	}
	st, err := c.inner.PrepareContext(ctx, query)
	if err != nil {
		return nil, err
	}
	s := &cachedStmt{stmt: st}
	c.stmts[query] = s
	c.prepared++
	return s, nil
}

func (c *stmtCachingConn) ExecContext(ctx context.Context, query string, args []driver.NamedValue) (driver.Result, error) {
	s, err := c.reusable(ctx, query)
	switch {
	case err != nil:
		return nil, err
	case s == nil:
		return c.inner.ExecContext(ctx, query, args)
	}
	return s.stmt.(driver.StmtExecContext).ExecContext(ctx, args)
}

func (c *stmtCachingConn) QueryContext(ctx context.Context, query string, args []driver.NamedValue) (driver.Rows, error) {
	s, err := c.reusable(ctx, query)
	switch {
	case err != nil:
		return nil, err
	case s == nil:
		return c.inner.QueryContext(ctx, query, args)
	}
	rows, err := s.stmt.(driver.StmtQueryContext).QueryContext(ctx, args)
	if err != nil {
		return nil, err
	}
	s.busy = true
	return &cachedRows{Rows: rows, stmt: s}, nil
}

// Close finalizes the cached statements, then closes the connection.
func (c *stmtCachingConn) Close() error {
	var errs []error
	for _, s := range c.stmts {
		errs = append(errs, s.stmt.Close())
	}
	c.stmts = nil
	return errors.Join(append(errs, c.inner.Close())...)
}

func (c *stmtCachingConn) Prepare(query string) (driver.Stmt, error) { return c.inner.Prepare(query) }

func (c *stmtCachingConn) PrepareContext(ctx context.Context, query string) (driver.Stmt, error) {
	return c.inner.PrepareContext(ctx, query)
}

// Begin is driver.Conn's; database/sql calls BeginTx.
func (c *stmtCachingConn) Begin() (driver.Tx, error) { return c.inner.Begin() }

func (c *stmtCachingConn) BeginTx(ctx context.Context, opts driver.TxOptions) (driver.Tx, error) {
	return c.inner.BeginTx(ctx, opts)
}

func (c *stmtCachingConn) Ping(ctx context.Context) error { return c.inner.Ping(ctx) }

func (c *stmtCachingConn) ResetSession(ctx context.Context) error {
	return c.inner.ResetSession(ctx)
}

func (c *stmtCachingConn) IsValid() bool { return c.inner.IsValid() }

// cachedRows frees its statement for the next use when closed (the driver resets
// the statement then). It offers Columns, Next and Close only: Rows.ColumnTypes
// reports no database types for a cached query, which nothing here asks for.
type cachedRows struct {
	driver.Rows
	stmt *cachedStmt
}

func (r *cachedRows) Close() error {
	err := r.Rows.Close()
	r.stmt.busy = false
	return err
}
