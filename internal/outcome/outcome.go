// Package outcome reads what became of a migration from Temporal, for a campaign's
// report: the campaign workflow's end-of-campaign read (an activity) and the starter's
// completion of a report past contract.MaxCampaignReportRows (from visibility) both
// read it here, so a row says the same whoever builds it.
package outcome

import (
	"context"
	"fmt"

	enumspb "go.temporal.io/api/enums/v1"
	"go.temporal.io/sdk/client"

	"github.com/sellmigrate/sellmigrate/contract"
)

// Migration is what became of one started migration, for a campaign's report.
type Migration struct {
	AccountID         string          `json:"accountId"`
	Status            contract.Status `json:"status"`
	Subdomain         string          `json:"subdomain,omitempty"`
	UsersConverted    int             `json:"usersConverted,omitempty"`
	NeedsReactivation int             `json:"needsReactivation,omitempty"`
	Error             string          `json:"error,omitempty"`
}

// Read reads the migration's status from Temporal and, for one that completed, its
// result; runID "" is its latest run. A migration that cannot be read says why in
// Error: one unreadable row does not fail a whole report.
func Read(ctx context.Context, c client.Client, accountID, runID string) Migration {
	o := Migration{AccountID: accountID}
	wid := contract.WorkflowID(accountID)
	desc, err := c.DescribeWorkflowExecution(ctx, wid, runID)
	if err != nil {
		o.Error = fmt.Sprintf("could not read the migration %s: %v", wid, err)
		return o
	}
	info := desc.GetWorkflowExecutionInfo()
	sa := info.GetSearchAttributes()
	o.Status = contract.Status(contract.KeywordOf(sa, contract.SearchAttrStatus))
	o.Subdomain = contract.KeywordOf(sa, contract.SearchAttrSubdomain)
	switch info.GetStatus() {
	case enumspb.WORKFLOW_EXECUTION_STATUS_RUNNING:
		return o
	case enumspb.WORKFLOW_EXECUTION_STATUS_TERMINATED:
		o.Status, o.Error = contract.StatusFailed, "the migration was terminated"
		return o
	case enumspb.WORKFLOW_EXECUTION_STATUS_TIMED_OUT:
		o.Status, o.Error = contract.StatusFailed, "the migration timed out"
		return o
	}
	var res contract.Result
	if err := c.GetWorkflow(ctx, wid, info.GetExecution().GetRunId()).Get(ctx, &res); err != nil {
		if !o.Status.Final() {
			o.Status = contract.StatusFailed
		}
		o.Error = contract.RootMessage(err)
		return o
	}
	if res.Outcome != "" {
		o.Status = res.Outcome
	}
	if res.Subdomain != "" {
		o.Subdomain = res.Subdomain
	}
	o.UsersConverted, o.NeedsReactivation = res.UsersConverted, res.NeedsReactivationCount
	return o
}

// Apply writes the migration's outcome on its report row, as the campaign's report
// gives it: the status as the row's outcome, and its subdomain, counts and error.
func Apply(r *contract.CampaignRowReport, o Migration) {
	if o.Status != "" {
		r.Outcome = contract.CampaignOutcome(o.Status)
	}
	if o.Subdomain != "" {
		r.Subdomain = o.Subdomain
	}
	r.UsersConverted, r.NeedsReactivation, r.Error = o.UsersConverted, o.NeedsReactivation, o.Error
}
