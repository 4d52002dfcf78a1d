package workflows

import (
	"fmt"

	"go.temporal.io/sdk/workflow"

	"github.com/sellmigrate/sellmigrate/contract"
)

// registerControls registers pause, resume, cancel and add as updates. Each validator
// refuses a bad or untimely control with the reason and changes nothing; an accepted
// one changes the state and wakes the loop.
func (c *campaign) registerControls(ctx workflow.Context) error {
	closed := func() error {
		if c.canceled != nil {
			return fmt.Errorf("campaign %s was cancelled by %s; start a new campaign for more rows", c.in.Name, c.canceled.By)
		}
		if c.state == contract.CampaignDone {
			return fmt.Errorf("campaign %s is over; start a new campaign for more rows", c.in.Name)
		}
		return nil
	}
	// admissible is every control's first check: its own fields, then a campaign that
	// can still take it.
	admissible := func(check func() error) error {
		if err := check(); err != nil {
			return err
		}
		return closed()
	}
	reg := func(name string, handler, validator any) error {
		if err := workflow.SetUpdateHandlerWithOptions(ctx, name, handler, workflow.UpdateHandlerOptions{Validator: validator}); err != nil {
			return fmt.Errorf("register the %s control: %w", name, err)
		}
		return nil
	}
	if err := reg(contract.CampaignPauseName,
		func(ctx workflow.Context, in contract.CampaignControlInput) error {
			c.paused, c.woken = true, true
			c.logger.Info("campaign paused", "by", in.By)
			return nil
		},
		func(ctx workflow.Context, in contract.CampaignControlInput) error {
			if err := admissible(in.Check); err != nil {
				return err
			}
			if c.paused {
				return fmt.Errorf("campaign %s is already paused; resume it to start migrations again", c.in.Name)
			}
			return nil
		}); err != nil {
		return err
	}
	if err := reg(contract.CampaignResumeName,
		func(ctx workflow.Context, in contract.CampaignControlInput) error {
			c.paused, c.woken = false, true
			c.resetPace(ctx)
			c.logger.Info("campaign resumed", "by", in.By)
			return nil
		},
		func(ctx workflow.Context, in contract.CampaignControlInput) error {
			if err := admissible(in.Check); err != nil {
				return err
			}
			if !c.paused {
				return fmt.Errorf("campaign %s is not paused; nothing to resume", c.in.Name)
			}
			return nil
		}); err != nil {
		return err
	}
	if err := reg(contract.CampaignCancelName,
		func(ctx workflow.Context, in contract.CampaignCancel) error {
			c.canceled, c.woken = &in, true
			c.logger.Info("campaign cancelled", "by", in.By, "cancelStarted", in.CancelStarted)
			return nil
		},
		func(ctx workflow.Context, in contract.CampaignCancel) error {
			return admissible(in.Check)
		}); err != nil {
		return err
	}
	return reg(contract.CampaignAddName,
		func(ctx workflow.Context, in contract.CampaignAddInput) (contract.CampaignAddResult, error) {
			first, last := c.admit(in.Rows)
			c.woken = true
			c.logger.Info("rows added to the campaign", "by", in.By, "rows", len(in.Rows))
			return contract.CampaignAddResult{FirstLine: first, LastLine: last}, nil
		},
		func(ctx workflow.Context, in contract.CampaignAddInput) error {
			if err := admissible(in.Check); err != nil {
				return err
			}
			if room := contract.MaxCampaignQueued - c.counts.Queued; len(in.Rows) > room {
				return fmt.Errorf("campaign %s holds %d rows not yet started and queues at most %d (its state must stay under Temporal's payload limit); add at most %d rows now, the rest once more have started",
					c.in.Name, c.counts.Queued, contract.MaxCampaignQueued, max(room, 0))
			}
			// By size too, in runs from before the budget as well: a validator is not
			// part of the replay.
			queued, adding := contract.RowsBytes(c.pending[c.head:]), contract.RowsBytes(in.Rows)
			if queued+adding > contract.MaxCampaignQueuedBytes {
				return contract.QueueRoomError(c.in.Name, c.counts.Queued, queued, adding)
			}
			return nil
		})
}

// snapshot is the progress query's answer.
func (c *campaign) snapshot(ctx workflow.Context) contract.CampaignProgress {
	now := workflow.Now(ctx)
	p := contract.CampaignProgress{
		WorkflowID:        c.id,
		Name:              c.in.Name,
		State:             c.state,
		Paused:            c.paused,
		Counts:            c.counts,
		ByStatus:          map[contract.Status]int{},
		Active:            c.last.Active,
		MaxActive:         c.in.MaxActive,
		RatePerMinute:     c.in.RatePerMinute,
		AchievedPerMinute: c.achieved(now),
		Windows:           c.in.Windows,
		NextWindow:        c.nextWindow,
		StartedAt:         c.startedAt,
		Runs:              c.runs,
		Reports:           []contract.CampaignRowReport{},
		Omitted:           c.omitted,
	}
	for _, s := range contract.Statuses {
		if n, ok := c.last.ByStatus[s]; ok {
			p.ByStatus[s] = n
		}
	}
	for _, r := range c.reports {
		if r.Outcome != contract.OutcomeStarted {
			p.Reports = append(p.Reports, r)
		}
	}
	return p
}
