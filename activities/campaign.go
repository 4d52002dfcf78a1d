package activities

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"strings"

	enumspb "go.temporal.io/api/enums/v1"
	"go.temporal.io/api/serviceerror"
	"go.temporal.io/api/workflowservice/v1"
	"go.temporal.io/sdk/activity"
	"go.temporal.io/sdk/client"
	"go.temporal.io/sdk/converter"
	"golang.org/x/sync/errgroup"

	"github.com/sellmigrate/sellmigrate/contract"
	"github.com/sellmigrate/sellmigrate/internal/outcome"
)

// CampaignActivities are what a campaign asks of Temporal itself: counting, cancelling
// and reading its migrations. They are apart from the migration's activities, which
// talk to Zendesk and have no business holding a Temporal client.
type CampaignActivities struct {
	c client.Client
	// dc decodes what the client's data converter encoded (a started migration's memo).
	dc converter.DataConverter
}

// NewCampaignActivities builds the campaign's activities on a Temporal client and the
// data converter it was dialled with (nil: the SDK's default, for a client without a
// codec).
func NewCampaignActivities(c client.Client, dc converter.DataConverter) (*CampaignActivities, error) {
	if c == nil {
		return nil, fmt.Errorf("campaign activities: a Temporal client is required")
	}
	if dc == nil {
		dc = converter.GetDefaultDataConverter()
	}
	return &CampaignActivities{c: c, dc: dc}, nil
}

// CampaignCount is how many of a campaign's migrations run, by status, as visibility
// shows them now.
type CampaignCount struct {
	// ByStatus counts running migrations in each status that is not an outcome.
	ByStatus map[contract.Status]int `json:"byStatus"`
	// Active is the sum over contract.ActiveStatuses: what MaxActive bounds.
	Active int `json:"active"`
	// Running counts every running migration of the campaign, waiting ones included.
	Running int `json:"running"`
}

func campaignClause(campaignID string) string {
	// Campaign IDs are campaign-<label> (contract.ValidateCampaignName): no quote can
	// reach the query.
	return fmt.Sprintf("WorkflowType = '%s' AND %s = '%s' AND ExecutionStatus = 'Running'",
		contract.WorkflowName, contract.SearchAttrCampaignID.GetName(), campaignID)
}

// checkCampaignID keeps anything but campaign-<name> out of a query.
func checkCampaignID(campaignID string) error {
	if !strings.HasPrefix(campaignID, contract.CampaignWorkflowIDPrefix) || contract.ValidateCampaignName(strings.TrimPrefix(campaignID, contract.CampaignWorkflowIDPrefix)) != nil {
		return fmt.Errorf("campaign ID %q is not campaign-<name>", campaignID)
	}
	return nil
}

// CampaignActiveQuery is the visibility query of the campaign's migrations in active
// steps (contract.ActiveStatuses), what MaxActive bounds, as one count: for an
// observer such as the benchmark, which samples it every second. CountCampaign counts
// status by status instead, for the progress's breakdown.
func CampaignActiveQuery(campaignID string) (string, error) {
	if err := checkCampaignID(campaignID); err != nil {
		return "", err
	}
	active := contract.ActiveStatuses()
	quoted := make([]string, len(active))
	for i, s := range active {
		quoted[i] = "'" + string(s) + "'"
	}
	return fmt.Sprintf("%s AND %s IN (%s)", campaignClause(campaignID), contract.SearchAttrStatus.GetName(), strings.Join(quoted, ", ")), nil
}

// CountCampaign counts the campaign's running migrations by MigrationStatus. SQL
// visibility groups only by ExecutionStatus, so each status is one count query, run
// concurrently.
func (a *CampaignActivities) CountCampaign(ctx context.Context, campaignID string) (CampaignCount, error) {
	if err := checkCampaignID(campaignID); err != nil {
		return CampaignCount{}, err
	}
	var statuses []contract.Status
	for _, s := range contract.Statuses {
		if !s.Final() {
			statuses = append(statuses, s)
		}
	}
	n := make([]int64, len(statuses)+1)
	g, gctx := errgroup.WithContext(ctx)
	count := func(i int, query string) {
		g.Go(func() error {
			resp, err := a.c.CountWorkflow(gctx, &workflowservice.CountWorkflowExecutionsRequest{Query: query})
			if err != nil {
				return fmt.Errorf("count the migrations of %s (%s): %w; check the Temporal frontend and that the namespace has the CampaignID search attribute", campaignID, query, err)
			}
			n[i] = resp.GetCount()
			return nil
		})
	}
	base := campaignClause(campaignID)
	for i, s := range statuses {
		count(i, fmt.Sprintf("%s AND %s = '%s'", base, contract.SearchAttrStatus.GetName(), s))
	}
	count(len(statuses), base)
	if err := g.Wait(); err != nil {
		return CampaignCount{}, err
	}
	out := CampaignCount{ByStatus: map[contract.Status]int{}, Running: int(n[len(statuses)])}
	for i, s := range statuses {
		out.ByStatus[s] = int(n[i])
		if !s.Waiting() {
			out.Active += int(n[i])
		}
	}
	return out, nil
}

// CampaignPace is what a campaign's pacing needs, in three counts rather than one per
// status (CountCampaign, for the progress's breakdown).
type CampaignPace struct {
	// Active is the running migrations in active steps: what MaxActive bounds.
	Active int `json:"active"`
	// Running counts every running migration of the campaign, waiting ones included.
	Running int `json:"running"`
	// Seen counts the campaign's migrations visibility shows, running or closed, one
	// per migration (runs that continued as new are left out). The campaign's starts
	// minus Seen are those visibility does not show yet.
	Seen int `json:"seen"`
}

// PaceCampaign counts what the campaign's pacing needs. Seen is counted before the
// others: a start that becomes visible in between then counts as active twice rather
// than not at all, so MaxActive holds.
func (a *CampaignActivities) PaceCampaign(ctx context.Context, campaignID string) (CampaignPace, error) {
	active, err := CampaignActiveQuery(campaignID)
	if err != nil {
		return CampaignPace{}, err
	}
	count := func(ctx context.Context, query string) (int, error) {
		resp, err := a.c.CountWorkflow(ctx, &workflowservice.CountWorkflowExecutionsRequest{Query: query})
		if err != nil {
			return 0, fmt.Errorf("count the migrations of %s (%s): %w; check the Temporal frontend and that the namespace has the CampaignID search attribute", campaignID, query, err)
		}
		return int(resp.GetCount()), nil
	}
	var out CampaignPace
	seen := fmt.Sprintf("WorkflowType = '%s' AND %s = '%s' AND ExecutionStatus != 'ContinuedAsNew'",
		contract.WorkflowName, contract.SearchAttrCampaignID.GetName(), campaignID)
	if out.Seen, err = count(ctx, seen); err != nil {
		return CampaignPace{}, err
	}
	g, gctx := errgroup.WithContext(ctx)
	g.Go(func() (err error) { out.Active, err = count(gctx, active); return err })
	g.Go(func() (err error) { out.Running, err = count(gctx, campaignClause(campaignID)); return err })
	if err := g.Wait(); err != nil {
		return CampaignPace{}, err
	}
	return out, nil
}

// CancelCampaignMigrations cancels the campaign's running migrations that are not yet
// linked (contract.UnlinkedSteps), as "sellmigrate cancel" does one: each releases
// what it created and records its outcome. A migration past the link is left to
// finish. It returns how many were asked to stop.
func (a *CampaignActivities) CancelCampaignMigrations(ctx context.Context, campaignID string) (int, error) {
	if contract.ValidateCampaignName(strings.TrimPrefix(campaignID, contract.CampaignWorkflowIDPrefix)) != nil {
		return 0, fmt.Errorf("campaign ID %q is not campaign-<name>", campaignID)
	}
	steps := make([]string, len(contract.UnlinkedSteps))
	for i, s := range contract.UnlinkedSteps {
		steps[i] = "'" + string(s) + "'"
	}
	query := fmt.Sprintf("%s AND %s IN (%s)", campaignClause(campaignID), contract.SearchAttrStep.GetName(), strings.Join(steps, ", "))
	cancelled := 0
	var token []byte
	for {
		resp, err := a.c.ListWorkflow(ctx, &workflowservice.ListWorkflowExecutionsRequest{Query: query, PageSize: 500, NextPageToken: token})
		if err != nil {
			return cancelled, fmt.Errorf("list the unlinked migrations of %s: %w; check the Temporal frontend", campaignID, err)
		}
		for _, info := range resp.GetExecutions() {
			ex := info.GetExecution()
			// Visibility lags: read the step again from the migration itself, so one that
			// reached the link meanwhile is left alone.
			desc, err := a.c.DescribeWorkflowExecution(ctx, ex.GetWorkflowId(), ex.GetRunId())
			if err != nil {
				var nf *serviceerror.NotFound
				if errors.As(err, &nf) {
					continue
				}
				return cancelled, fmt.Errorf("describe %s: %w", ex.GetWorkflowId(), err)
			}
			di := desc.GetWorkflowExecutionInfo()
			if di.GetStatus() != enumspb.WORKFLOW_EXECUTION_STATUS_RUNNING || !unlinked(contract.KeywordOf(di.GetSearchAttributes(), contract.SearchAttrStep)) {
				continue
			}
			if err := a.c.CancelWorkflow(ctx, ex.GetWorkflowId(), ex.GetRunId()); err != nil {
				var nf *serviceerror.NotFound
				if errors.As(err, &nf) {
					continue
				}
				return cancelled, fmt.Errorf("cancel %s: %w", ex.GetWorkflowId(), err)
			}
			cancelled++
			activity.RecordHeartbeat(ctx, cancelled)
		}
		if token = resp.GetNextPageToken(); len(token) == 0 {
			return cancelled, nil
		}
	}
}

func unlinked(step string) bool {
	for _, s := range contract.UnlinkedSteps {
		if string(s) == step {
			return true
		}
	}
	return false
}

// MigrationOutcome is what became of one started migration, for a campaign's report
// (outcome.Migration, which the starter reads too).
type MigrationOutcome = outcome.Migration

// MigrationRef names one started migration for ReadMigrationOutcomes: its account and
// the run its campaign row started ("" reads the latest run).
type MigrationRef struct {
	AccountID string `json:"accountId"`
	RunID     string `json:"runId,omitempty"`
}

// UnmarshalJSON also reads a bare account ID: campaigns scheduled the activity with
// account IDs alone before their rows recorded runs, and such an activity, retried
// after an upgrade, still reads the latest run of each.
func (r *MigrationRef) UnmarshalJSON(b []byte) error {
	var id string
	if err := json.Unmarshal(b, &id); err == nil {
		*r = MigrationRef{AccountID: id}
		return nil
	}
	type fields MigrationRef // without this method
	return json.Unmarshal(b, (*fields)(r))
}

// ReadMigrationOutcomes reads each migration's status from Temporal and, for one that
// completed, its result; a migration that cannot be read says why on its line.
func (a *CampaignActivities) ReadMigrationOutcomes(ctx context.Context, migrations []MigrationRef) ([]MigrationOutcome, error) {
	out := make([]MigrationOutcome, len(migrations))
	for i, m := range migrations {
		out[i] = outcome.Read(ctx, a.c, m.AccountID, m.RunID)
		activity.RecordHeartbeat(ctx, i)
		if ctx.Err() != nil {
			return nil, ctx.Err()
		}
	}
	return out, nil
}
