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
// every minute/RatePerMinute since paceSince. Unused starts pile up to a few seconds'
// worth at most (burstCap), so a wait for MaxActive gives no burst past the rate.
func (c *campaign) allowance(now time.Time) int {
	allowed := 1 + c.tokens(now)
	if avail, burst := allowed-c.paceStarts, c.burstCap(); avail > burst {
		// Move the reference to now with burst starts in hand.
		c.paceSince, c.paceStarts = now, 1-burst
	}
	return 1 + c.tokens(now) - c.paceStarts
}

// tokens is the starts the rate has earned since paceSince, counted in milliseconds so
// a campaign running for years at the highest rate stays far from overflowing.
func (c *campaign) tokens(now time.Time) int {
	ms := max(now.Sub(c.paceSince), 0).Milliseconds()
	return int(ms * int64(c.in.RatePerMinute) / 60_000)
}

// burstCap is the most starts that go at once: a second's worth of the rate, at least
// one; since ChangeCampaignExactPace five seconds' worth, because one step of the loop
// (a count, a batch of starts, their answers) can take longer than a second on a busy
// server, and a one-second cap then threw away the tokens earned meanwhile: a campaign
// at 360 a minute reached 271.
func (c *campaign) burstCap() int {
	if c.exactPace {
		return max(1, c.in.RatePerMinute*burstSeconds/60)
	}
	return max(1, c.in.RatePerMinute/60)
}

// nextToken is when the rate allows the next start.
func (c *campaign) nextToken() time.Time {
	ms := (int64(c.paceStarts)*60_000 + int64(c.in.RatePerMinute) - 1) / int64(c.in.RatePerMinute)
	return c.paceSince.Add(time.Duration(ms) * time.Millisecond)
}

// resetPace starts the rate's reference afresh (after a pause or a closed window), so
// the time stopped gives no burst of starts and the achieved rate is that of the
// current stretch.
func (c *campaign) resetPace(ctx workflow.Context) {
	now := workflow.Now(ctx)
	c.paceSince, c.paceStarts = now, 0
	c.rateSince, c.rateStarts = now, 0
}

// noteStart counts a start in the bucket of its second.
func (c *campaign) noteStart(at time.Time) {
	sec := at.Truncate(time.Second)
	if n := len(c.recent); n > 0 && c.recent[n-1].At.Equal(sec) {
		c.recent[n-1].N++
		return
	}
	c.recent = append(c.recent, contract.StartBucket{At: sec, N: 1})
}

// unseen counts the starts recent enough that a count asked at asked may not show
// them; they are taken as active on top of it. Older buckets are forgotten, so at most
// visibilityLag's seconds of buckets are kept.
func (c *campaign) unseen(asked time.Time) int {
	cut := asked.Add(-visibilityLag - time.Second)
	keep := c.recent[:0]
	n := 0
	for _, b := range c.recent {
		if b.At.After(cut) {
			keep = append(keep, b)
			n += b.N
		}
	}
	c.recent = keep
	return n
}

// achieved is the starts a minute since pacing last began. The first start goes as
// pacing begins, without waiting for the rate, so it is not counted: counted, it read
// 57.5 a minute two seconds into a campaign paced at 30. (The progress query alone
// reads it; no decision does, so it needs no version.)
func (c *campaign) achieved(now time.Time) float64 {
	elapsed := now.Sub(c.rateSince)
	if elapsed < time.Second || c.rateStarts < 2 {
		return 0
	}
	return float64(c.rateStarts-1) / elapsed.Minutes()
}
