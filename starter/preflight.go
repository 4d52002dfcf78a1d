package starter

import (
	"context"
	"errors"
	"fmt"
	"strings"
	"time"

	enumspb "go.temporal.io/api/enums/v1"
	"go.temporal.io/sdk/client"

	"github.com/sellmigrate/sellmigrate/contract"
)

// PreflightRows turns parsed rows (ParseCSV, CheckRows) into the preflight's rows: a
// row that could not be started is carried with its reason and reported blocked.
func PreflightRows(rows []CSVRow) []contract.PreflightRow {
	out := make([]contract.PreflightRow, len(rows))
	for i, r := range rows {
		out[i] = contract.PreflightRow{Line: r.Line, AccountID: r.Request.AccountID, Mode: r.Request.Mode,
			Subdomain: r.Request.Subdomain, RequestedBy: r.Request.RequestedBy, OwnerEmail: r.Request.OwnerEmail}
		if r.Err != nil {
			out[i].Invalid = r.Err.Error()
		}
	}
	return out
}

// Preflight runs the read-only checks of a list in its preflight workflow and waits for
// the report, at most Options.PreflightTimeout. The workflow ID is
// preflight-<name>, or preflight-<hash of the rows> without a name: a second run of
// the same list while the first is running waits for that one instead of checking
// twice; once it is done, running it again checks again.
func (s *Starter) Preflight(ctx context.Context, name string, rows []CSVRow) (contract.PreflightReport, string, error) {
	if len(rows) == 0 {
		return contract.PreflightReport{}, "", inputErr("rows", "the list has no rows; give one row per Sell account with the header %s", joinColumns())
	}
	if len(rows) > contract.MaxPreflightRows {
		return contract.PreflightReport{}, "", inputErr("rows", "%d rows is more than %d per preflight; split the list", len(rows), contract.MaxPreflightRows)
	}
	if name != "" && contract.ValidateSubdomain(name) != nil {
		return contract.PreflightReport{}, "", inputErr("name", "preflight name %q must be lowercase letters, digits and hyphens, e.g. wave-1", name)
	}
	in := contract.PreflightInput{Rows: PreflightRows(rows)}
	id := contract.PreflightWorkflowID(name, in.Rows)
	run, err := s.c.ExecuteWorkflow(ctx, client.StartWorkflowOptions{
		ID:                       id,
		TaskQueue:                contract.TaskQueue,
		WorkflowIDReusePolicy:    enumspb.WORKFLOW_ID_REUSE_POLICY_ALLOW_DUPLICATE,
		WorkflowIDConflictPolicy: enumspb.WORKFLOW_ID_CONFLICT_POLICY_USE_EXISTING,
		// A preflight nobody waits for any more is worth nothing after an hour.
		WorkflowExecutionTimeout: time.Hour,
		StaticSummary:            fmt.Sprintf("Preflight of %d rows", len(rows)),
	}, contract.PreflightWorkflowName, in)
	if err != nil {
		return contract.PreflightReport{}, id, fmt.Errorf("start preflight %s: %w", id, err)
	}
	wait, cancel := context.WithTimeout(ctx, s.opts.PreflightTimeout)
	defer cancel()
	var report contract.PreflightReport
	if err := run.Get(wait, &report); err != nil {
		if errors.Is(wait.Err(), context.DeadlineExceeded) {
			return report, id, fmt.Errorf("preflight %s is still running (it goes on; %w); send the same list again to wait for its report, or watch it in the Temporal UI", id, wait.Err())
		}
		return report, id, fmt.Errorf("preflight %s: %w", id, err)
	}
	return report, id, nil
}

func joinColumns() string { return strings.Join(CSVColumns, ",") }
