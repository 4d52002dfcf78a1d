package sim

import (
	"context"
	"sync"
	"time"

	"go.uber.org/zap"
)

// jobRunner completes queued jobs when they are due, whether or not anyone polls them,
// as Zendesk's workers do. It sleeps until the next due job or until a new job is
// queued; a GET of a due job also completes it at once (handleJobStatus), so what a
// client sees never depends on the runner's timing.
type jobRunner struct {
	wakeCh chan struct{}
	cancel context.CancelFunc
	done   chan struct{}
	once   sync.Once
}

// idleRecheck bounds how long the runner sleeps with nothing queued, in case a wake-up
// was missed.
const idleRecheck = time.Minute

// startJobRunner starts the runner; it first runs every job that fell due while no
// simulator was running on this file.
func (s *Sim) startJobRunner() *jobRunner {
	ctx, cancel := context.WithCancel(context.Background())
	jr := &jobRunner{wakeCh: make(chan struct{}, 1), cancel: cancel, done: make(chan struct{})}
	// The clock is read here, not through s.now in the goroutine, so a test that swaps
	// s.now after New does not race with the runner.
	clock := s.now
	go func() {
		defer close(jr.done)
		for {
			next, err := s.completeDueJobs(ctx, clock())
			if ctx.Err() != nil {
				return
			}
			wait := idleRecheck
			switch {
			case err != nil:
				s.log.Warn("running due jobs failed; trying again", zap.Error(err))
				wait = time.Second
			case !next.IsZero():
				wait = max(next.Sub(clock()), time.Millisecond)
			}
			t := time.NewTimer(wait)
			select {
			case <-ctx.Done():
				t.Stop()
				return
			case <-jr.wakeCh:
				t.Stop()
			case <-t.C:
			}
		}
	}()
	return jr
}

// wake makes the runner look again (a job was queued).
func (jr *jobRunner) wake() {
	select {
	case jr.wakeCh <- struct{}{}:
	default:
	}
}

// stop ends the runner and waits for it; jobs still queued stay queued in the file.
func (jr *jobRunner) stop() {
	jr.once.Do(func() {
		jr.cancel()
		<-jr.done
	})
}
