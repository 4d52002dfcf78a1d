// Package outcome reads what became of a migration from Temporal, for a campaign's
// report: the campaign workflow's end-of-campaign read (an activity) and the starter's
// completion of a report past contract.MaxCampaignReportRows (from visibility) both
// read it here, so a row says the same whoever builds it.
package outcome

import (
	"context"
	"fmt"

	enumspb "go.temporal.io/api/enums/v1"
	"go.temporal.io/api/workflowservice/v1"
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

// maxRunsFollowed bounds the walk along one migration's continue-as-new runs. A
// migration continues as new every few hundred events, so a real chain is far
// shorter; the bound only keeps a broken history from holding a report forever.
const maxRunsFollowed = 1000

// Read reads the migration's status from Temporal and, for one that completed, its
// result. runID is a run of the migration: the one a campaign row started, read
// through the runs it continued as new into; "" is the latest run. A migration that
// cannot be read says why in Error: one unreadable row does not fail a whole report.
func Read(ctx context.Context, c client.Client, accountID, runID string) Migration {
	o := Migration{AccountID: accountID}
	wid := contract.WorkflowID(accountID)
	desc, err := lastRunOf(ctx, c, wid, runID)
	if err != nil {
		o.Error = fmt.Sprintf("could not read the migration %s: %v", wid, err)
		return o
	}
	info := desc.GetWorkflowExecutionInfo()
	sa := info.GetSearchAttributes()
	o.Status = contract.Status(contract.KeywordOf(sa, contract.SearchAttrStatus))
	o.Subdomain = contract.KeywordOf(sa, contract.SearchAttrSubdomain)
	switch info.GetStatus() {
	case enumspb.WORKFLOW_EXECUTION_STATUS_TERMINATED:
		o.Status, o.Error = contract.StatusFailed, "the migration was terminated"
		return o
	case enumspb.WORKFLOW_EXECUTION_STATUS_TIMED_OUT:
		o.Status, o.Error = contract.StatusFailed, "the migration timed out"
		return o
	case enumspb.WORKFLOW_EXECUTION_STATUS_COMPLETED, enumspb.WORKFLOW_EXECUTION_STATUS_FAILED, enumspb.WORKFLOW_EXECUTION_STATUS_CANCELED:
		// Closed with a result or a failure: read it below.
	default:
		// Running, or paused: still open, so its status is what it is now. (Waiting
		// for its result would hold the whole report.)
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

// lastRunOf describes the run that ends the chain runID began. The latest run is asked
// first: when the chain is the migration's latest one (its first run is runID), that
// one call answers, even when the runs before it are already gone past the
// namespace's retention. Otherwise (the account was started again later) runID is
// followed, from run to the run it continued as new into, until one that did not.
func lastRunOf(ctx context.Context, c client.Client, wid, runID string) (*workflowservice.DescribeWorkflowExecutionResponse, error) {
	latest, err := c.DescribeWorkflowExecution(ctx, wid, "")
	if err != nil {
		return nil, err
	}
	if info := latest.GetWorkflowExecutionInfo(); runID == "" || info.GetFirstRunId() == runID || info.GetExecution().GetRunId() == runID {
		return latest, nil
	}
	for range maxRunsFollowed {
		desc, err := c.DescribeWorkflowExecution(ctx, wid, runID)
		if err != nil {
			return nil, err
		}
		info := desc.GetWorkflowExecutionInfo()
		if info.GetStatus() != enumspb.WORKFLOW_EXECUTION_STATUS_CONTINUED_AS_NEW {
			return desc, nil
		}
		if runID, err = continuedAs(ctx, c, wid, info.GetExecution().GetRunId()); err != nil {
			return nil, err
		}
	}
	return nil, fmt.Errorf("it continued as new more than %d times after the run the report names; read it with \"sellmigrate status\"", maxRunsFollowed)
}

// continuedAs is the run that runID of wid continued as new into, from its close event.
func continuedAs(ctx context.Context, c client.Client, wid, runID string) (string, error) {
	events := c.GetWorkflowHistory(ctx, wid, runID, false, enumspb.HISTORY_EVENT_FILTER_TYPE_CLOSE_EVENT)
	for events.HasNext() {
		ev, err := events.Next()
		if err != nil {
			return "", fmt.Errorf("read the close event of run %s: %w", runID, err)
		}
		if next := ev.GetWorkflowExecutionContinuedAsNewEventAttributes().GetNewExecutionRunId(); next != "" {
			return next, nil
		}
	}
	return "", fmt.Errorf("run %s continued as new, but its history names no next run", runID)
}
