package platform

import (
	"context"
	"errors"
	"fmt"
	"net/http"
	"net/url"
	"time"

	"go.uber.org/zap"
)

// Job statuses Zendesk reports; completed, failed and killed are final.
const (
	JobQueued    = "queued"
	JobWorking   = "working"
	JobCompleted = "completed"
	JobFailed    = "failed"
	JobKilled    = "killed"
)

// WaitJob bounds.
const (
	// MaxJobWait is the longest WaitJob waits by default (Config.JobWaitMax), so a
	// stuck job surfaces as an error (and an activity retry) instead of an endless poll.
	MaxJobWait = 10 * time.Minute
	// maxJobPollErrors is how many retryable poll failures in a row WaitJob rides out.
	// Each poll is a read, itself tried up to 1 + Config.ReadRetries times.
	maxJobPollErrors = 5
)

var (
	// ErrJobFailed marks a job that ended failed or killed; its JobStatus is returned
	// alongside. Retrying the wait will not help; the job's message says why.
	ErrJobFailed = errors.New("job failed")
	// ErrJobPending marks a job still unfinished when WaitJob gave up; waiting again
	// later may succeed.
	ErrJobPending = errors.New("job still pending")
)

// JobStatus reads a background job (GET /api/v2/job_statuses/{id}).
func (s *Support) JobStatus(ctx context.Context, id string) (JobStatus, error) {
	if id == "" {
		return JobStatus{}, fmt.Errorf("platform: JobStatus needs a job id")
	}
	var out struct {
		JobStatus JobStatus `json:"job_status"`
	}
	err := s.ep.do(ctx, request{method: http.MethodGet, path: "/api/v2/job_statuses/" + url.PathEscape(id), out: &out})
	return out.JobStatus, err
}

// JobPollFunc is told of every poll WaitJob makes: the job's latest known status and
// the poll's error (nil when it answered). A caller that must show it is alive while
// it waits (an activity's heartbeat) does so here.
type JobPollFunc func(last JobStatus, err error)

// WaitJob waits until a job is completed, failed or killed and returns its final
// status; a failed or killed job also returns an error wrapping ErrJobFailed. It polls
// with backoff: the first poll Config.JobPollInitial after it starts, each wait then
// doubling up to Config.JobPollMax, or longer when a 429 or 503 asks for it with
// Retry-After. It rides out a few retryable poll failures in a row, calls onPoll (if
// not nil) after every poll, stops when ctx ends, and gives up after Config.JobWaitMax with
// ErrJobPending.
func (s *Support) WaitJob(ctx context.Context, id string, onPoll JobPollFunc) (JobStatus, error) {
	limit := s.ep.c.jobWaitMax
	giveUp := time.Now().Add(limit)
	var last JobStatus
	pollErrors := 0
	interval := s.ep.c.jobPollInitial
	wait := interval
	for {
		remaining := time.Until(giveUp)
		if remaining <= 0 {
			return last, fmt.Errorf("zendesk support job %s is still %q after %s; check it later with JobStatus: %w",
				id, last.Status, limit, ErrJobPending)
		}
		// The last sleep is cut short so the final poll happens at the bound.
		t := time.NewTimer(min(wait, remaining))
		select {
		case <-ctx.Done():
			t.Stop()
			return last, fmt.Errorf("waiting for zendesk support job %s (last %q): %w", id, last.Status, ctx.Err())
		case <-t.C:
		}

		js, err := s.JobStatus(ctx, id)
		if err == nil {
			last, pollErrors = js, 0
		}
		if onPoll != nil {
			onPoll(last, err)
		}
		interval = min(interval*2, s.ep.c.jobPollMax)
		wait = interval
		switch {
		case err == nil:
			switch js.Status {
			case JobCompleted:
				return js, nil
			case JobFailed, JobKilled:
				why := ""
				if js.Message != "" {
					why = ": " + js.Message
				}
				return js, fmt.Errorf("zendesk support job %s ended %s%s: %w", id, js.Status, why, ErrJobFailed)
			}
		case IsRetryable(err) && pollErrors < maxJobPollErrors && ctx.Err() == nil:
			pollErrors++
			if ae, ok := AsAPIError(err); ok && ae.RetryAfter > wait {
				wait = ae.RetryAfter
			}
			s.ep.c.log.Debug("zendesk job poll failed; polling again", zap.String("job", id), zap.Duration("wait", wait), zap.Error(err))
		default:
			return last, err
		}
	}
}
