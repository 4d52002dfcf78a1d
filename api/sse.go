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

// openStream takes one of the bounded stream slots, starts the event stream and gives
// the stream's context (see streamContext). The returned done ends the context and
// frees the slot; call it when the stream ends.
func (s *Server) openStream(w http.ResponseWriter, r *http.Request) (*sseWriter, context.Context, func(), error) {
	sw, release, err := s.startStream(w)
	if err != nil {
		return nil, nil, nil, err
	}
	ctx, cancel := s.streamContext(r)
	return sw, ctx, func() { cancel(); release() }, nil
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
// changes, `: keepalive` comments, and `end` once the workflow has closed.
func (s *Server) migrationEvents(w http.ResponseWriter, r *http.Request, _ principal) error {
	// The first report is read before the stream opens, so an unknown migration is a
	// plain 404 rather than an event.
	id, rep, err := s.reportOf(r)
	if err != nil {
		return err
	}
	sw, ctx, done, err := s.openStream(w, r)
	if err != nil {
		return err
	}
	defer done()

	poll := time.NewTicker(s.opts.PollInterval)
	defer poll.Stop()
	keep := time.NewTicker(s.opts.KeepAlive)
	defer keep.Stop()
	var last []byte
	var lastErr string
	for {
		if rep.Execution.WorkflowID != "" {
			body, err := s.reportJSON(rep)
			if err != nil {
				return nil // the stream is open; nothing sensible can be sent
			}
			if !bytes.Equal(body, last) {
				if sw.event("progress", body) != nil {
					return nil
				}
				last = body
			}
			if rep.Execution.Status != "Running" {
				end, _ := json.Marshal(map[string]string{"workflowId": rep.Execution.WorkflowID, "status": string(rep.Status)})
				_ = sw.event("end", end)
				return nil
			}
		}
		select {
		case <-ctx.Done():
			return nil
		case <-keep.C:
			if sw.keepalive() != nil {
				return nil
			}
			continue
		case <-poll.C:
		}
		next, err := s.starter.Status(ctx, id)
		switch {
		case err == nil:
			rep, lastErr = next, ""
		case ctx.Err() != nil:
			return nil
		default:
			var nf *starter.NotFoundError
			if errors.As(err, &nf) {
				// Removed by retention while watched: there is nothing more to follow.
				end, _ := json.Marshal(map[string]string{"workflowId": rep.Execution.WorkflowID, "status": "not_found"})
				_ = sw.event("end", end)
				return nil
			}
			// A passing Temporal outage is reported once, and polling goes on.
			if msg := err.Error(); msg != lastErr {
				lastErr = msg
				s.log.Warn("live stream could not read the migration", zap.String("ref", id), zap.Error(err))
				body, _ := json.Marshal(struct {
					Error *apiError `json:"error"`
				}{toAPIError(err)})
				if sw.event("error", body) != nil {
					return nil
				}
			}
		}
	}
}
