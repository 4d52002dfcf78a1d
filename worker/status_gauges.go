package worker

import (
	"context"
	"fmt"
	"time"

	"go.temporal.io/api/workflowservice/v1"
	"go.temporal.io/sdk/client"
	"go.uber.org/zap"

	"github.com/sellmigrate/sellmigrate/contract"
)

// Gauges read from Temporal visibility: how many migrations are in each status, and
// how many running ones are at each step. Visibility is the one place that sees every
// migration, whichever worker last ran it, so the figures are the same on every worker.
const (
	metricByStatus = "sellmigrate_migrations"         // gauge {status}
	metricByStep   = "sellmigrate_migrations_running" // gauge {step}: open migrations by step
)

// DefaultGaugeInterval is how often the gauges are refreshed: one count query per status
// and per step, cheap even for tens of thousands of migrations.
const DefaultGaugeInterval = 15 * time.Second

// RunStatusGauges refreshes the gauges every interval until ctx ends.
func RunStatusGauges(ctx context.Context, c client.Client, h client.MetricsHandler, interval time.Duration, logger *zap.Logger) {
	if interval <= 0 {
		interval = DefaultGaugeInterval
	}
	t := time.NewTicker(interval)
	defer t.Stop()
	for {
		if err := refreshStatusGauges(ctx, c, h); err != nil && ctx.Err() == nil {
			logger.Warn("could not refresh migration gauges from visibility", zap.Error(err))
		}
		select {
		case <-ctx.Done():
			return
		case <-t.C:
		}
	}
}

func refreshStatusGauges(ctx context.Context, c client.Client, h client.MetricsHandler) error {
	base := fmt.Sprintf("WorkflowType = '%s'", contract.WorkflowName)
	for _, st := range contract.Statuses {
		n, err := count(ctx, c, fmt.Sprintf("%s AND %s = '%s'", base, contract.SearchAttrStatus.GetName(), st))
		if err != nil {
			return err
		}
		h.WithTags(map[string]string{"status": string(st)}).Gauge(metricByStatus).Update(float64(n))
	}
	for _, step := range contract.Steps {
		n, err := count(ctx, c, fmt.Sprintf("%s AND ExecutionStatus = 'Running' AND %s = '%s'", base, contract.SearchAttrStep.GetName(), step))
		if err != nil {
			return err
		}
		h.WithTags(map[string]string{"step": string(step)}).Gauge(metricByStep).Update(float64(n))
	}
	return nil
}

func count(ctx context.Context, c client.Client, query string) (int64, error) {
	ctx, cancel := context.WithTimeout(ctx, 10*time.Second)
	defer cancel()
	resp, err := c.CountWorkflow(ctx, &workflowservice.CountWorkflowExecutionsRequest{Query: query})
	if err != nil {
		return 0, fmt.Errorf("count %s: %w", query, err)
	}
	return resp.GetCount(), nil
}
