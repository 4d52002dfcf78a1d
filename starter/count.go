package starter

import (
	"context"
	"fmt"

	"go.temporal.io/api/workflowservice/v1"
	"golang.org/x/sync/errgroup"

	"github.com/sellmigrate/sellmigrate/contract"
)

// Counts is how many migrations there are in each status.
type Counts struct {
	// ByStatus has every status of contract.Statuses, zero included, so a dashboard
	// shows the same tiles every time.
	ByStatus map[string]int64 `json:"byStatus"`
	Total    int64            `json:"total"`
}

// Counts counts migrations by status in Temporal visibility. SQL visibility groups
// only by ExecutionStatus, so each status is one count query, run concurrently.
func (s *Starter) Counts(ctx context.Context) (Counts, error) {
	statuses := contract.Statuses
	n := make([]int64, len(statuses)+1)
	g, gctx := errgroup.WithContext(ctx)
	count := func(i int, f ListFilter) {
		g.Go(func() error {
			query, err := f.Query()
			if err != nil {
				return err
			}
			resp, err := s.c.CountWorkflow(gctx, &workflowservice.CountWorkflowExecutionsRequest{Query: query})
			if err != nil {
				return fmt.Errorf("count migrations (%s): %w", query, err)
			}
			n[i] = resp.GetCount()
			return nil
		})
	}
	for i, st := range statuses {
		count(i, ListFilter{Status: string(st)})
	}
	count(len(statuses), ListFilter{})
	if err := g.Wait(); err != nil {
		return Counts{}, err
	}
	c := Counts{ByStatus: make(map[string]int64, len(statuses)), Total: n[len(statuses)]}
	for i, st := range statuses {
		c.ByStatus[string(st)] = n[i]
	}
	return c, nil
}
