package api

import (
	"context"
	"errors"
	"sync"
	"time"

	"github.com/sellmigrate/sellmigrate/starter"
)

// migrationHub polls each watched migration once for all the streams that follow it,
// so ten dashboards open on one migration cost one Temporal poll every PollInterval,
// not ten. A migration's poller runs only while someone watches it.
type migrationHub struct {
	s       *Server
	mu      sync.Mutex
	watches map[string]*migrationWatch // by workflow ID
}

// migrationWatch is one migration's poller and its subscribers.
type migrationWatch struct {
	workflowID string
	subs       map[*migrationSub]struct{}
	stop       context.CancelFunc
}

// migrationSub receives a watched migration's updates. The channel holds only the
// newest: each update is a whole report, so a slow reader loses nothing it needs.
type migrationSub struct {
	ch    chan migrationUpdate
	watch *migrationWatch
}

// migrationUpdate is one poll's outcome: the report, or the error reading it.
type migrationUpdate struct {
	rep starter.Report
	err error
}

func newMigrationHub(s *Server) *migrationHub {
	return &migrationHub{s: s, watches: map[string]*migrationWatch{}}
}

// subscribe follows a migration, starting its poller when it is the first to.
func (h *migrationHub) subscribe(workflowID string) *migrationSub {
	h.mu.Lock()
	defer h.mu.Unlock()
	w := h.watches[workflowID]
	if w == nil {
		ctx, cancel := context.WithCancel(context.Background())
		w = &migrationWatch{workflowID: workflowID, subs: map[*migrationSub]struct{}{}, stop: cancel}
		h.watches[workflowID] = w
		go h.poll(ctx, w)
	}
	sub := &migrationSub{ch: make(chan migrationUpdate, 1), watch: w}
	w.subs[sub] = struct{}{}
	return sub
}

// unsubscribe stops following; the last subscriber to leave stops the poller.
func (h *migrationHub) unsubscribe(sub *migrationSub) {
	h.mu.Lock()
	defer h.mu.Unlock()
	w := sub.watch
	delete(w.subs, sub)
	if len(w.subs) == 0 {
		w.stop()
		if h.watches[w.workflowID] == w {
			delete(h.watches, w.workflowID)
		}
	}
}

// poll reads the migration every PollInterval and hands each outcome to every
// subscriber, until the last leaves, the server stops, or the migration is over
// (closed, or gone): then nothing more can change.
func (h *migrationHub) poll(ctx context.Context, w *migrationWatch) {
	ticker := time.NewTicker(h.s.opts.PollInterval)
	defer ticker.Stop()
	for {
		select {
		case <-ctx.Done():
			return
		case <-h.s.stop:
			return
		case <-ticker.C:
		}
		pollCtx, cancel := context.WithTimeout(ctx, 10*time.Second)
		rep, err := h.s.status(pollCtx, w.workflowID)
		cancel()
		if ctx.Err() != nil {
			return
		}
		var notFound *starter.NotFoundError
		over := errors.As(err, &notFound) || (err == nil && rep.Execution.Status != "Running")
		h.publish(w, migrationUpdate{rep: rep, err: err}, over)
		if over {
			return
		}
	}
}

// publish hands an update to every subscriber, replacing one not yet read. When the
// migration is over the watch leaves the map in the same step, so a stream arriving
// later starts a fresh poller rather than joining one that has stopped.
func (h *migrationHub) publish(w *migrationWatch, u migrationUpdate, over bool) {
	h.mu.Lock()
	defer h.mu.Unlock()
	for sub := range w.subs {
		// The poller is the only sender, so after the drain the send cannot block.
		select {
		case <-sub.ch:
		default:
		}
		sub.ch <- u
	}
	if over && h.watches[w.workflowID] == w {
		delete(h.watches, w.workflowID)
	}
}

// watching says how many subscribers a migration's poller serves (tests).
func (h *migrationHub) watching(workflowID string) int {
	h.mu.Lock()
	defer h.mu.Unlock()
	if w := h.watches[workflowID]; w != nil {
		return len(w.subs)
	}
	return 0
}
