package starter

import (
	"context"
	"errors"
	"fmt"
	"sort"
	"time"

	"go.temporal.io/api/workflowservice/v1"
	"golang.org/x/sync/errgroup"

	"github.com/sellmigrate/sellmigrate/contract"
	"github.com/sellmigrate/sellmigrate/internal/outcome"
)

// refusedOutcomes are the outcomes of rows that never started a migration of this
// campaign; every other outcome is a started row's (its migration's status).
var refusedOutcomes = map[contract.CampaignOutcome]bool{
	contract.OutcomeInvalid: true, contract.OutcomeDuplicate: true,
	contract.OutcomeAlreadyExists: true, contract.OutcomeNotStarted: true,
}

// omittedStart is a started migration of the campaign that its report lacks.
type omittedStart struct {
	account, runID string
	line           int
}

// completeReport adds to a closed campaign's report the started rows the campaign only
// counted (past contract.MaxCampaignReportRows or its byte budgets): it lists the campaign's migrations in
// visibility by CampaignID and reads each one missing from the report as the campaign
// reads its own (outcome.Read), at most Options.ReportConcurrency at once and within
// Options.ReportTimeout. A row's line comes from its migration's memo
// (contract.CampaignLineMemo); a migration started before campaigns recorded it has
// line 0. The added rows follow the campaign's own, by line. Refused rows past the cap
// started nothing visibility could show: they stay counted in Omitted.
func (s *Starter) completeReport(ctx context.Context, name string, rep *contract.CampaignReport) error {
	if rep.Omitted == 0 {
		return nil
	}
	// The caller's deadline may come first (the API's, under its write timeout).
	limit := s.opts.ReportTimeout
	if dl, ok := ctx.Deadline(); ok && time.Until(dl) < limit {
		limit = time.Until(dl).Round(time.Second)
	}
	ctx, cancel := context.WithTimeout(ctx, s.opts.ReportTimeout)
	defer cancel()
	missing, err := s.omittedStarts(ctx, name, rep.Rows, limit)
	if err != nil {
		return err
	}
	added := make([]contract.CampaignRowReport, len(missing))
	g, gctx := errgroup.WithContext(ctx)
	g.SetLimit(s.opts.ReportConcurrency)
	for i, m := range missing {
		g.Go(func() error {
			if gctx.Err() != nil {
				return gctx.Err()
			}
			row := contract.CampaignRowReport{Line: m.line, AccountID: m.account, Outcome: contract.OutcomeStarted}
			outcome.Apply(&row, outcome.Read(gctx, s.c, m.account, m.runID))
			added[i] = row
			return nil
		})
	}
	_ = g.Wait() // its functions fail only once ctx has ended, checked here
	if err := ctx.Err(); err != nil {
		return s.reportUnfinished(name, err, limit)
	}
	sort.SliceStable(added, func(i, j int) bool { return added[i].Line < added[j].Line })
	rep.Rows = append(rep.Rows, added...)
	rep.Omitted = max(rep.Omitted-len(added), 0)
	return nil
}

// reportUnfinished says why the report could not be completed: out of time (the
// caller's or Options.ReportTimeout) or cancelled.
func (s *Starter) reportUnfinished(name string, err error, limit time.Duration) error {
	if errors.Is(err, context.DeadlineExceeded) {
		return fmt.Errorf("the report of campaign %s is longer than the rows the campaign keeps (%d, and at most %d KiB), and reading the rest of its migrations from visibility did not finish within %s; try again when Temporal is less busy, or read it with \"sellmigrate campaign report %s\", which waits up to %s",
			name, contract.MaxCampaignReportRows, contract.MaxCampaignResultBytes/1024, limit, name, s.opts.ReportTimeout)
	}
	return fmt.Errorf("complete the report of campaign %s from visibility: %w", name, err)
}

// rowKey is a started row: its account and line. An account may be started twice in
// one campaign (added again after its first migration failed); its line, which each
// of its migration's runs carries in its memo, tells its two rows apart.
type rowKey struct {
	account string
	line    int
}

// omittedStarts lists the campaign's migrations in visibility and keeps those with no
// started row in rows. A migration that continued as new is listed by its latest run
// only. One without a line in its memo (started before campaigns recorded it) is
// matched by its account alone.
func (s *Starter) omittedStarts(ctx context.Context, name string, rows []contract.CampaignRowReport, limit time.Duration) ([]omittedStart, error) {
	have := map[rowKey]bool{}
	for _, r := range rows {
		if !refusedOutcomes[r.Outcome] {
			have[rowKey{r.AccountID, r.Line}] = true
			have[rowKey{r.AccountID, 0}] = true
		}
	}
	// Campaign names are labels (checked by the caller): nothing to escape.
	query := fmt.Sprintf("WorkflowType = '%s' AND %s = '%s' AND ExecutionStatus != 'ContinuedAsNew'",
		contract.WorkflowName, contract.SearchAttrCampaignID.GetName(), contract.CampaignWorkflowID(name))
	var out []omittedStart
	var token []byte
	for {
		resp, err := s.c.ListWorkflow(ctx, &workflowservice.ListWorkflowExecutionsRequest{Query: query, PageSize: MaxPageSize, NextPageToken: token})
		if err != nil {
			if ctx.Err() != nil {
				return nil, s.reportUnfinished(name, ctx.Err(), limit)
			}
			return nil, fmt.Errorf("list the migrations of campaign %s (%s) to complete its report: %w; check the Temporal frontend and that the namespace has the CampaignID search attribute", name, query, err)
		}
		for _, info := range resp.GetExecutions() {
			account := contract.KeywordOf(info.GetSearchAttributes(), contract.SearchAttrSellAccountID)
			if account == "" {
				continue
			}
			m := omittedStart{account: account, runID: info.GetExecution().GetRunId()}
			if p, ok := info.GetMemo().GetFields()[contract.CampaignLineMemo]; ok {
				if err := s.opts.DataConverter.FromPayload(p, &m.line); err != nil {
					m.line = 0
				}
			}
			key := rowKey{account, m.line}
			if have[key] {
				continue
			}
			have[key] = true
			have[rowKey{account, 0}] = true
			out = append(out, m)
		}
		if token = resp.GetNextPageToken(); len(token) == 0 {
			return out, nil
		}
	}
}
