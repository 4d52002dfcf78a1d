package api

import (
	"bytes"
	"context"
	"encoding/json"
	"net/http"
	"sort"
	"sync"
	"time"

	"go.uber.org/zap"

	"github.com/sellmigrate/sellmigrate/starter"
)

// listHub polls the counts and the newest migrations once for every list stream open
// and fans the changes out, so a hundred open dashboards cost one poll, not a hundred.
// It runs only while someone is subscribed.
type listHub struct {
	s       *Server
	mu      sync.Mutex
	subs    map[*listSub]struct{}
	running bool
	// counts is the last counts event, sent at once to a new subscriber.
	counts []byte
}

type listEvent struct {
	name string
	data []byte
}

type listSub struct{ ch chan listEvent }

func newListHub(s *Server) *listHub {
	return &listHub{s: s, subs: map[*listSub]struct{}{}}
}

func (h *listHub) subscribe() *listSub {
	h.mu.Lock()
	defer h.mu.Unlock()
	sub := &listSub{ch: make(chan listEvent, 16)}
	h.subs[sub] = struct{}{}
	if h.counts != nil {
		sub.ch <- listEvent{"counts", h.counts}
	}
	if !h.running {
		h.running = true
		go h.run()
	}
	return sub
}

func (h *listHub) unsubscribe(sub *listSub) {
	h.mu.Lock()
	defer h.mu.Unlock()
	if _, ok := h.subs[sub]; ok {
		delete(h.subs, sub)
		close(sub.ch)
	}
}

// broadcast hands an event to every subscriber. One too slow to keep 16 events
// buffered is dropped: its stream ends and the browser reconnects to fresh state.
func (h *listHub) broadcast(ev listEvent) {
	h.mu.Lock()
	defer h.mu.Unlock()
	if ev.name == "counts" {
		h.counts = ev.data
	}
	for sub := range h.subs {
		select {
		case sub.ch <- ev:
		default:
			delete(h.subs, sub)
			close(sub.ch)
		}
	}
}

// run polls until nobody listens or the server stops.
func (h *listHub) run() {
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	go func() {
		select {
		case <-h.s.stop:
			cancel()
		case <-ctx.Done():
		}
	}()
	ticker := time.NewTicker(h.s.opts.ListPollInterval)
	defer ticker.Stop()
	var prev map[string]string
	var lastErr string
	for {
		if err := h.poll(ctx, &prev); err != nil && err.Error() != lastErr && ctx.Err() == nil {
			h.s.log.Warn("list stream could not read migrations", zap.Error(err))
			lastErr = err.Error()
		} else if err == nil {
			lastErr = ""
		}
		select {
		case <-ctx.Done():
		case <-ticker.C:
		}
		h.mu.Lock()
		if len(h.subs) == 0 || ctx.Err() != nil {
			h.running, h.counts = false, nil
			h.mu.Unlock()
			return
		}
		h.mu.Unlock()
	}
}

// poll sends `counts` when they changed and `changed` with the workflow IDs whose
// summary changed since the previous poll.
func (h *listHub) poll(ctx context.Context, prev *map[string]string) error {
	ctx, cancel := context.WithTimeout(ctx, 10*time.Second)
	defer cancel()
	counts, err := h.s.starter.Counts(ctx)
	if err != nil {
		return err
	}
	b, _ := json.Marshal(counts)
	h.mu.Lock()
	same := bytes.Equal(b, h.counts)
	h.mu.Unlock()
	if !same {
		h.broadcast(listEvent{"counts", b})
	}
	limit := h.s.opts.ListWatchLimit
	list, err := h.s.starter.List(ctx, starter.ListFilter{Limit: limit})
	if err != nil {
		return err
	}
	cur := make(map[string]string, len(list))
	for _, m := range list {
		fp, _ := json.Marshal(m)
		cur[m.WorkflowID] = string(fp)
	}
	if *prev != nil {
		var changed []string
		for id, fp := range cur {
			if (*prev)[id] != fp {
				changed = append(changed, id)
			}
		}
		// With fewer than the limit listed, a missing one really went away (retention).
		if len(list) < limit {
			for id := range *prev {
				if _, ok := cur[id]; !ok {
					changed = append(changed, id)
				}
			}
		}
		if len(changed) > 0 {
			sort.Strings(changed)
			data, _ := json.Marshal(map[string][]string{"workflowIds": changed})
			h.broadcast(listEvent{"changed", data})
		}
	}
	*prev = cur
	return nil
}

// listEvents streams the list: `counts` ({byStatus,total}) whenever they change and
// `changed` ({workflowIds}) when any migration's summary changes.
func (s *Server) listEvents(w http.ResponseWriter, r *http.Request, p principal) error {
	sw, ctx, done, err := s.openStream(w, r, p)
	if err != nil {
		return err
	}
	defer done()
	sub := s.list.subscribe()
	defer s.list.unsubscribe(sub)
	keep := time.NewTicker(s.opts.KeepAlive)
	defer keep.Stop()
	for {
		select {
		case <-ctx.Done():
			return nil
		case <-keep.C:
			if sw.keepalive() != nil {
				return nil
			}
		case ev, ok := <-sub.ch:
			if !ok || sw.event(ev.name, ev.data) != nil {
				return nil
			}
		}
	}
}
