package activities

import (
	"context"
	"sync"
	"time"

	"go.temporal.io/sdk/activity"

	"github.com/sellmigrate/sellmigrate/contract"
)

// defaultKeepAlive is how often a page in progress heartbeats when the activity has no
// heartbeat timeout to derive it from.
const defaultKeepAlive = 10 * time.Second

// cursorBox holds the committed cursor: the one every heartbeat and every error carries.
// A page in progress shows in it only as the create_many job it submitted
// (CreateJobID): a retry redoes that page from its start, once that job has finished.
type cursorBox struct {
	ctx context.Context
	mu  sync.Mutex
	cur contract.ContributorCursor
}

// newCursorBox records the starting cursor at once, so a retry of an attempt that dies
// before its first page finds it as heartbeat details even when it came from Resume.
func newCursorBox(ctx context.Context, cur contract.ContributorCursor) *cursorBox {
	b := &cursorBox{ctx: ctx, cur: cur}
	b.beat()
	return b
}

// get returns a copy, safe to keep while the box moves on.
func (b *cursorBox) get() contract.ContributorCursor {
	b.mu.Lock()
	defer b.mu.Unlock()
	return b.cur.Clone()
}

// commit makes next the cursor and heartbeats it.
func (b *cursorBox) commit(next contract.ContributorCursor) {
	b.mu.Lock()
	b.cur = next
	b.mu.Unlock()
	b.beat()
}

// recordJob commits the cursor with the create_many job just submitted for its page,
// tallies unchanged, so a retry after a crash mid-wait waits for that job instead of
// submitting the page again; "" forgets the job.
func (b *cursorBox) recordJob(jobID string) {
	b.mu.Lock()
	b.cur.CreateJobID = jobID
	b.mu.Unlock()
	b.beat()
}

// beat heartbeats the committed cursor: a page in progress (waiting on a Zendesk job)
// shows it is alive without showing its partial counts.
func (b *cursorBox) beat() {
	activity.RecordHeartbeat(b.ctx, b.get())
}

// keepAlive heartbeats the committed cursor at a third of the heartbeat timeout until
// stop is called. A page may wait minutes on a Zendesk job; without these beats the
// heartbeat timeout would end a healthy attempt, and a cancellation, which the activity
// only learns through a heartbeat, would wait for the page to end. The SDK throttles
// the calls that reach the server.
func (b *cursorBox) keepAlive(ctx context.Context) (stop func()) {
	every := defaultKeepAlive
	if hb := activity.GetInfo(ctx).HeartbeatTimeout; hb > 0 {
		every = max(hb/3, 10*time.Millisecond)
	}
	done := make(chan struct{})
	var wg sync.WaitGroup
	wg.Add(1)
	go func() {
		defer wg.Done()
		t := time.NewTicker(every)
		defer t.Stop()
		for {
			select {
			case <-done:
				return
			case <-ctx.Done():
				return
			case <-t.C:
				b.beat()
			}
		}
	}()
	return func() { close(done); wg.Wait() }
}
