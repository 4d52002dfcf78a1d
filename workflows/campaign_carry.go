package workflows

import (
	"go.temporal.io/sdk/workflow"

	"github.com/sellmigrate/sellmigrate/contract"
)

// continueAsNewDue says whether this run's history is long enough to hand over: past
// the policy's limit (the one migrations use), or when Temporal suggests it.
func (c *campaign) continueAsNewDue(ctx workflow.Context) bool {
	info := workflow.GetInfo(ctx)
	return info.GetContinueAsNewSuggested() || info.GetCurrentHistoryLength() >= c.in.Policy.HistoryLimit()
}

// continueAsNew hands the next run the rows not yet started and the counts, flags,
// pace and report lines: started rows travel only as counts and (capped) report lines,
// so what is carried shrinks as the campaign goes on. Started migrations have no
// parent (or, started before ChangeCampaignStartActivity, an abandoning one) and go on
// untouched.
func (c *campaign) continueAsNew(ctx workflow.Context) error {
	next := c.in
	next.Rows = append([]contract.CampaignRow(nil), c.pending[c.head:]...)
	next.Carry = &contract.CampaignCarry{
		Counts:     c.counts,
		Paused:     c.paused,
		Canceled:   c.canceled,
		NextLine:   c.nextLine,
		Reports:    c.reports,
		Omitted:    c.omitted,
		PaceSince:  c.paceSince,
		PaceStarts: c.paceStarts,
		RateSince:  c.rateSince,
		RateStarts: c.rateStarts,
		Recent:     c.recent,
		StartedAt:  c.startedAt,
		Runs:       c.runs,
	}
	c.logger.Info("continuing as new", "historyLength", workflow.GetInfo(ctx).GetCurrentHistoryLength(),
		"run", c.runs, "queued", len(next.Rows), "started", c.counts.Started)
	return workflow.NewContinueAsNewError(ctx, contract.CampaignWorkflowName, next)
}

// restore takes over what the previous run carried; its rows are queued again as they
// were (already numbered and checked), without being counted twice.
func (c *campaign) restore(cr contract.CampaignCarry) {
	c.counts = cr.Counts
	c.paused = cr.Paused
	c.canceled = cr.Canceled
	c.nextLine = max(cr.NextLine, 1)
	c.omitted = cr.Omitted
	if c.bounded {
		// Through report, so rows carried by a run from before the budget are clipped
		// and kept within it too.
		for _, r := range cr.Reports {
			c.report(r)
		}
	} else {
		c.reports = cr.Reports
	}
	c.paceSince, c.paceStarts = cr.PaceSince, cr.PaceStarts
	c.rateSince, c.rateStarts = cr.RateSince, cr.RateStarts
	c.recent = cr.Recent
	c.startedAt = cr.StartedAt
	c.runs = cr.Runs + 1
	c.pending = c.in.Rows
	for _, r := range c.pending {
		c.queued[r.AccountID] = r.Line
	}
}
