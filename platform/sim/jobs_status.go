package sim

import (
	"context"
	"database/sql"
	"encoding/json"
	"errors"
	"fmt"
	"net/http"
	"time"
)

// storedJob is one row of job_statuses, as GET job_statuses/{id} needs it.
type storedJob struct {
	total         int
	results       string
	status        string
	message       string
	queuedAt, due time.Time
}

func readJob(ctx context.Context, q queryer, accountID int64, id string) (storedJob, error) {
	var j storedJob
	var queuedMs, dueMs int64
	err := q.QueryRowContext(ctx, `SELECT total, results, status, message, queued_at_ms, due_at_ms FROM job_statuses
		WHERE id = ? AND account_id = ?`, id, accountID).Scan(&j.total, &j.results, &j.status, &j.message, &queuedMs, &dueMs)
	if errors.Is(err, sql.ErrNoRows) {
		return j, errNotFound
	}
	j.queuedAt, j.due = time.UnixMilli(queuedMs), time.UnixMilli(dueMs)
	return j, err
}

// jobStatusTTL is how long a job's status can be read after the job was created, as
// Zendesk documents ("for one day after a particular job is created"); after that the
// status answers 404.
const jobStatusTTL = 24 * time.Hour

// handleJobStatus serves GET /api/v2/job_statuses/{id}. A queued job shows "queued"
// for the first half of its time and "working" with a growing progress for the
// second; a due job is completed before answering, so a client polling at the due
// time sees the results whatever the runner is doing.
func (s *Sim) handleJobStatus(w http.ResponseWriter, r *http.Request, acct supportAccount, _ supportUser) {
	id := r.PathValue("id")
	j, err := readJob(r.Context(), s.store.db, acct.ID, id)
	// Jobs stored before queue times were kept (queued_at_ms 0) never expire.
	if err == nil && j.queuedAt.UnixMilli() > 0 && !s.now().Before(j.queuedAt.Add(jobStatusTTL)) {
		err = errNotFound
	}
	if err == nil && j.status == jobStateQueued && !s.now().Before(j.due) {
		if err = s.completeJob(r.Context(), id); err == nil {
			j, err = readJob(r.Context(), s.store.db, acct.ID, id)
		}
	}
	if errors.Is(err, errNotFound) {
		supportNotFound(w)
		return
	}
	if err != nil {
		s.internalError(w, r, err)
		return
	}
	out := jobStatusJSON{ID: id, URL: s.jobURL(r, acct, id), Status: j.status, Total: j.total}
	switch j.status {
	case jobStateQueued:
		out.Status, out.Progress = queuedView(j, s.now())
	case jobStateCompleted:
		if err := json.Unmarshal([]byte(j.results), &out.Results); err != nil {
			s.internalError(w, r, fmt.Errorf("decode results of job %s: %w", id, err))
			return
		}
		out.Progress = j.total
		out.Message = &j.message
	default:
		out.Message = &j.message
	}
	writeJSON(w, http.StatusOK, map[string]jobStatusJSON{"job_status": out})
}

// queuedView is how a job not yet run looks at now: queued with no progress for the
// first half of its time, then working, its progress growing but never reaching the
// total (the results only exist once it completes).
func queuedView(j storedJob, now time.Time) (status string, progress int) {
	span := j.due.Sub(j.queuedAt)
	elapsed := now.Sub(j.queuedAt)
	if span <= 0 || elapsed < span/2 {
		return jobStateQueued, 0
	}
	done := int(float64(j.total) * float64(elapsed-span/2) / float64(span-span/2))
	return "working", min(max(done, 0), j.total-1)
}
