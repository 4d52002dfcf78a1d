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
	// DefaultJobPoll is the poll interval when WaitJob is given none.
	DefaultJobPoll = 500 * time.Millisecond
	// MaxJobWait is the longest WaitJob waits, so a stuck job surfaces as an error (and
	// an activity retry) instead of an endless poll.
	MaxJobWait = 10 * time.Minute
	// maxJobPollErrors is how many retryable poll failures in a row WaitJob rides out.
	maxJobPollErrors = 5
)

// jobWaitLimit is MaxJobWait, shortened by tests.
var jobWaitLimit = MaxJobWait

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

// WaitJob polls a job every poll (DefaultJobPoll if <= 0) until it is completed, failed
// or killed. It returns the final status; a failed or killed job also returns an error
// wrapping ErrJobFailed. It rides out a few rate-limited or failed polls (honouring
// Retry-After), stops when ctx ends, and gives up after MaxJobWait with ErrJobPending.
func (s *Support) WaitJob(ctx context.Context, id string, poll time.Duration) (JobStatus, error) {
	if poll <= 0 {
		poll = DefaultJobPoll
	}
	giveUp := time.Now().Add(jobWaitLimit)
	var last JobStatus
	pollErrors := 0
	for {
		js, err := s.JobStatus(ctx, id)
		wait := poll
		switch {
		case err == nil:
			last, pollErrors = js, 0
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
		case IsRetryable(err) && pollErrors < maxJobPollErrors:
			pollErrors++
			if ae, ok := AsAPIError(err); ok && ae.RetryAfter > wait {
				wait = ae.RetryAfter
			}
			s.ep.c.log.Debug("zendesk job poll failed; polling again", zap.String("job", id), zap.Duration("wait", wait), zap.Error(err))
		default:
			return last, err
		}
		remaining := time.Until(giveUp)
		if remaining <= 0 {
			return last, fmt.Errorf("zendesk support job %s is still %q after %s; check it later with JobStatus: %w",
				id, last.Status, jobWaitLimit, ErrJobPending)
		}
		// The last sleep is cut short so the final poll happens at the bound.
		wait = min(wait, remaining)
		t := time.NewTimer(wait)
		select {
		case <-ctx.Done():
			t.Stop()
			return last, fmt.Errorf("waiting for zendesk support job %s (last %q): %w", id, last.Status, ctx.Err())
		case <-t.C:
		}
	}
}
