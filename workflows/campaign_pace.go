package workflows

import (
	"time"

	"go.temporal.io/sdk/workflow"

	"github.com/sellmigrate/sellmigrate/contract"
)

// zone is the row's tenant zone, or nil for the windows' own. A zone that fails to
// load here passed the row's check, so it cannot; nil then falls back to the windows'.
func (c *campaign) zone(r contract.CampaignRow) *time.Location {
	if r.TimeZone == "" {
		return nil
	}
	if loc, ok := c.zones[r.TimeZone]; ok {
		return loc
	}
	loc, err := contract.LoadZone(r.TimeZone)
	if err != nil {
		loc = nil
	}
	c.zones[r.TimeZone] = loc
	return loc
}

// pickOpen brings to the head of the queue a row whose window is open at now: the
// head itself, or the first of the next windowLookAhead rows (a tenant in another
// zone), swapped with the head. It says whether there is one.
func (c *campaign) pickOpen(now time.Time) bool {
	if len(c.windows) == 0 {
		return c.head < len(c.pending)
	}
	end := min(len(c.pending), c.head+1+windowLookAhead)
	for i := c.head; i < end; i++ {
		if open, _ := c.windows.State(now, c.zone(c.pending[i])); open {
			c.pending[c.head], c.pending[i] = c.pending[i], c.pending[c.head]
			return true
		}
	}
	return false
}

// nextOpening is the soonest a window opens for one of the rows pickOpen looks at.
func (c *campaign) nextOpening(now time.Time) time.Time {
	var next time.Time
	end := min(len(c.pending), c.head+1+windowLookAhead)
	for i := c.head; i < end; i++ {
		if _, n := c.windows.State(now, c.zone(c.pending[i])); !n.IsZero() && (next.IsZero() || n.Before(next)) {
			next = n
		}
	}
	if next.IsZero() || !next.After(now) {
		// Unreachable with parsed windows; look again in a minute rather than spin.
		next = now.Add(time.Minute)
	}
	return next
}

// allowance is how many starts the rate allows at now: one at once, then one more
// every minute/RatePerMinute since paceSince.
func (c *campaign) allowance(now time.Time) int {
	elapsed := max(now.Sub(c.paceSince), 0)
	allowed := 1 + int(int64(c.in.RatePerMinute)*int64(elapsed)/int64(time.Minute))
	return allowed - c.paceStarts
}

// nextToken is when the rate allows the next start.
func (c *campaign) nextToken() time.Time {
	per := int64(time.Minute)
	d := (int64(c.paceStarts)*per + int64(c.in.RatePerMinute) - 1) / int64(c.in.RatePerMinute)
	return c.paceSince.Add(time.Duration(d))
}

// resetPace starts the rate's reference afresh (after a pause or a closed window), so
// the time stopped gives no burst of starts.
func (c *campaign) resetPace(ctx workflow.Context) {
	c.paceSince, c.paceStarts = workflow.Now(ctx), 0
}

// unseen counts the starts recent enough that a count asked at asked may not show
// them; they are taken as active on top of it. Older ones are forgotten.
func (c *campaign) unseen(asked time.Time) int {
	cut := asked.Add(-visibilityLag)
	keep := c.recent[:0]
	for _, t := range c.recent {
		if !t.Before(cut) {
			keep = append(keep, t)
		}
	}
	c.recent = keep
	return len(c.recent)
}

// achieved is the starts a minute since paceSince.
func (c *campaign) achieved(now time.Time) float64 {
	elapsed := now.Sub(c.paceSince)
	if elapsed < time.Second || c.paceStarts == 0 {
		return 0
	}
	return float64(c.paceStarts) / elapsed.Minutes()
}
