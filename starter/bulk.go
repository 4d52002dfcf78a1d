package starter

import (
	"context"
	"fmt"
	"io"

	"golang.org/x/sync/errgroup"
)

// BulkResult is the outcome of one row of a bulk start.
type BulkResult struct {
	Line       int    `json:"line"`
	AccountID  string `json:"accountId"`
	WorkflowID string `json:"workflowId,omitempty"`
	RunID      string `json:"runId,omitempty"`
	// Err is why the row was not started; nil means it was.
	Err error `json:"-"`
}

// OK reports whether the row's migration was started.
func (r BulkResult) OK() bool { return r.Err == nil }

// StartCSV parses a bulk-start file and starts every good row, concurrently with a
// bounded pool. Results come back in file order; a bad row never stops the others.
// The error is only for a file that cannot be read or has a bad header.
func (s *Starter) StartCSV(ctx context.Context, r io.Reader) ([]BulkResult, error) {
	rows, err := ParseCSV(r)
	if err != nil {
		return nil, err
	}
	return s.StartRows(ctx, rows), nil
}

// StartRows starts the rows that parsed cleanly and reports every row.
func (s *Starter) StartRows(ctx context.Context, rows []CSVRow) []BulkResult {
	results := make([]BulkResult, len(rows))
	var g errgroup.Group
	g.SetLimit(s.opts.BulkConcurrency)
	for i, row := range rows {
		results[i] = BulkResult{Line: row.Line, AccountID: row.Request.AccountID, Err: row.Err}
		if row.Err != nil {
			continue
		}
		g.Go(func() error {
			if err := ctx.Err(); err != nil {
				results[i].Err = fmt.Errorf("not started: interrupted (%v)", err)
				return nil
			}
			started, err := s.Start(ctx, row.Request)
			results[i].Err = err
			results[i].WorkflowID = started.WorkflowID
			results[i].RunID = started.RunID
			return nil
		})
	}
	_ = g.Wait() // the goroutines report through results, never through the group
	return results
}
