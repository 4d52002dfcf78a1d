package workflows

import (
	"fmt"
	"time"

	"go.temporal.io/sdk/temporal"
	"go.temporal.io/sdk/workflow"

	"github.com/sellmigrate/sellmigrate/activities"
	"github.com/sellmigrate/sellmigrate/contract"
)

// preflightParallel is how many rows are checked at once. Each check's calls go
// through the worker's rate limiters, so this bounds only the worker's slots a list
// takes, not Zendesk's load.
const preflightParallel = 8

// PreflightWorkflow checks every row of a list without changing anything and returns a
// verdict per row. Its checks are activities, so a list survives a worker's crash
// and each call keeps to the rate limits; the verdicts are decided here (verdict.go).
func PreflightWorkflow(ctx workflow.Context, in contract.PreflightInput) (contract.PreflightReport, error) {
	p := &preflight{in: in}
	return p.run(ctx)
}

// PreflightRegisterOptions registers PreflightWorkflow under its contract name.
func PreflightRegisterOptions() workflow.RegisterOptions {
	return workflow.RegisterOptions{Name: contract.PreflightWorkflowName}
}

// preflight is the workflow's state: the rows and their reports as they come in.
type preflight struct {
	in     contract.PreflightInput
	report contract.PreflightReport
}

func (p *preflight) run(ctx workflow.Context) (contract.PreflightReport, error) {
	if n := len(p.in.Rows); n == 0 || n > contract.MaxPreflightRows {
		return p.report, temporal.NewNonRetryableApplicationError(
			fmt.Sprintf("a preflight takes 1 to %d rows, not %d; split the list", contract.MaxPreflightRows, len(p.in.Rows)), contract.ErrTypeInvalidInput, nil)
	}
	ctx = workflow.WithActivityOptions(ctx, workflow.ActivityOptions{
		StartToCloseTimeout: 5 * time.Minute,
		// Each check beats between its calls, so a dead worker's rows are retried
		// elsewhere within a minute.
		HeartbeatTimeout: time.Minute,
		RetryPolicy: &temporal.RetryPolicy{
			InitialInterval:        time.Second,
			BackoffCoefficient:     2,
			MaximumInterval:        time.Minute,
			MaximumAttempts:        5,
			NonRetryableErrorTypes: contract.NonRetryableErrorTypes,
		},
		Summary: "Check a row of the list",
	})
	p.report.Rows = make([]contract.PreflightRowReport, len(p.in.Rows))
	futures := make([]workflow.Future, len(p.in.Rows))
	// A sliding window: row i starts once row i-preflightParallel has reported.
	for i, row := range p.in.Rows {
		if i >= preflightParallel {
			p.collect(ctx, i-preflightParallel, futures)
		}
		if row.Invalid == "" {
			futures[i] = workflow.ExecuteActivity(ctx, acts.CheckPreflightRow, row)
		}
	}
	for i := max(0, len(p.in.Rows)-preflightParallel); i < len(p.in.Rows); i++ {
		p.collect(ctx, i, futures)
	}
	p.report.Count()
	return p.report, nil
}

// collect waits for row i's check and judges it. A check that failed is reported on
// its row; it never stops the others.
func (p *preflight) collect(ctx workflow.Context, i int, futures []workflow.Future) {
	row := p.in.Rows[i]
	if futures[i] == nil {
		p.report.Rows[i] = invalidRow(row)
		return
	}
	var facts activities.RowFacts
	err := futures[i].Get(ctx, &facts)
	p.report.Rows[i] = judge(row, facts, err)
}
