package api

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"net/http"
	"time"

	"go.uber.org/zap"

	"github.com/sellmigrate/sellmigrate/starter"
)

// sseWriter writes server-sent events and flushes each one.
type sseWriter struct {
	w  http.ResponseWriter
	rc *http.ResponseController
}

// openStream takes one of p's stream slots and one of the server's, starts the event
// stream and gives the stream's context (see streamContext). The returned done ends
// the context and frees both slots; call it when the stream ends.
func (s *Server) openStream(w http.ResponseWriter, r *http.Request, p principal) (*sseWriter, context.Context, func(), error) {
	releaseQuota, err := s.acquireStream(w, p)
	if err != nil {
		return nil, nil, nil, err
	}
	sw, release, err := s.startStream(w)
	if err != nil {
		releaseQuota()
		return nil, nil, nil, err
	}
	ctx, cancel := s.streamContext(r)
	return sw, ctx, func() { cancel(); release(); releaseQuota() }, nil
}

// startStream takes one of the bounded stream slots and starts the event stream. The
// returned release frees the slot.
func (s *Server) startStream(w http.ResponseWriter) (*sseWriter, func(), error) {
	select {
	case s.streams <- struct{}{}:
	default:
		return nil, nil, newPublicError(codeUnavailable, fmt.Sprintf("%d live streams are open, the most this server allows; close some dashboards or retry later", cap(s.streams)))
	}
	release := func() { <-s.streams }
	rc := http.NewResponseController(w)
	// A stream outlives the server's write timeout by design; it ends on disconnect,
	// on shutdown or after the longest stream duration.
	_ = rc.SetWriteDeadline(time.Time{})
	h := w.Header()
	h.Set("Content-Type", "text/event-stream")
	h.Set("Cache-Control", "no-store")
	h.Set("X-Accel-Buffering", "no") // proxies such as nginx must not buffer events
	w.WriteHeader(http.StatusOK)
	sw := &sseWriter{w: w, rc: rc}
	// Browsers reconnect after this many milliseconds when the stream ends.
	if err := sw.raw("retry: 2000\n\n"); err != nil {
		release()
		return nil, nil, err
	}
	return sw, release, nil
}

func (sw *sseWriter) raw(s string) error {
	if _, err := sw.w.Write([]byte(s)); err != nil {
		return err
	}
	return sw.rc.Flush()
}

// event sends one event; data is compact JSON, so it is a single data line.
func (sw *sseWriter) event(name string, data []byte) error {
	return sw.raw("event: " + name + "\ndata: " + string(data) + "\n\n")
}

// keepalive is a comment line that keeps proxies from closing an idle stream.
func (sw *sseWriter) keepalive() error { return sw.raw(": keepalive\n\n") }

// streamContext ends with the request (client disconnect), at shutdown, or after the
// longest stream duration.
func (s *Server) streamContext(r *http.Request) (context.Context, context.CancelFunc) {
	ctx, cancel := context.WithTimeout(r.Context(), s.opts.MaxStreamDuration)
	// The goroutine ends with the stream: the caller's deferred cancel closes ctx.
	go func() {
		select {
		case <-s.stop:
			cancel()
		case <-ctx.Done():
		}
	}()
	return ctx, cancel
}

// migrationEvents streams one migration: `progress` with the report whenever it
// changes, `: keepalive` comments, and `end` once the workflow has closed. Every
// stream on one migration shares its poller (migrationHub).
func (s *Server) migrationEvents(w http.ResponseWriter, r *http.Request, p principal) error {
	// The first report is read before the stream opens, so an unknown migration is a
	// plain 404 rather than an event.
	id, rep, err := s.reportOf(r)
	if err != nil {
		return err
	}
	sw, ctx, done, err := s.openStream(w, r, p)
	if err != nil {
		return err
	}
	defer done()
	ms := &migrationStream{s: s, r: r, sw: sw, ref: id}
	if !ms.report(rep) {
		return nil
	}
	sub := s.watches.subscribe(rep.Execution.WorkflowID)
	defer s.watches.unsubscribe(sub)

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
		case u := <-sub.ch:
			if !ms.update(u) {
				return nil
			}
		}
	}
}

// migrationStream is what one stream sent last, so it sends only changes.
type migrationStream struct {
	s          *Server
	r          *http.Request
	sw         *sseWriter
	ref        string
	workflowID string
	last       []byte
	lastErr    string
}

// report sends the report if it changed, and `end` once the workflow has closed; it
// says whether the stream goes on.
func (ms *migrationStream) report(rep starter.Report) bool {
	if rep.Execution.WorkflowID == "" {
		return true
	}
	ms.workflowID = rep.Execution.WorkflowID
	body, err := ms.s.reportJSON(rep)
	if err != nil {
		return false // the stream is open; nothing sensible can be sent
	}
	if !bytes.Equal(body, ms.last) {
		if ms.sw.event("progress", body) != nil {
			return false
		}
		ms.last = body
	}
	if rep.Execution.Status != "Running" {
		ms.end(string(rep.Status))
		return false
	}
	return true
}

func (ms *migrationStream) end(status string) {
	end, _ := json.Marshal(map[string]string{"workflowId": ms.workflowID, "status": status})
	_ = ms.sw.event("end", end)
}

// update handles one poll's outcome; it says whether the stream goes on.
func (ms *migrationStream) update(u migrationUpdate) bool {
	if u.err == nil {
		ms.lastErr = ""
		return ms.report(u.rep)
	}
	var nf *starter.NotFoundError
	if errors.As(u.err, &nf) {
		// Removed by retention while watched: there is nothing more to follow.
		ms.end("not_found")
		return false
	}
	// A passing Temporal outage is reported once, and polling goes on. The client
	// sees what an error body would show: no internal text on a server-side failure.
	msg := u.err.Error()
	if msg == ms.lastErr {
		return true
	}
	ms.lastErr = msg
	id := requestID(ms.r)
	ms.s.log.Warn("live stream could not read the migration", zap.String("requestId", id), zap.String("ref", ms.ref), zap.Error(u.err))
	ae := toAPIError(u.err)
	if ae.status() >= 500 {
		ae = serverFailure(ae, id)
	}
	body, _ := json.Marshal(errorBody{ae})
	return ms.sw.event("error", body) == nil
}
