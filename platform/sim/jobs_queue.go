package sim

import (
	"context"
	"database/sql"
	"encoding/json"
	"errors"
	"fmt"
	"net/http"
	"strconv"
	"time"

	"go.uber.org/zap"
)

// Bulk calls are queued, as on Zendesk: the POST (or PUT) stores the request and answers
// a "queued" job_status; the job runs when it is due (its account's job duration after
// it was queued), in one transaction, so it is either fully applied or not at all. The
// users and ledger entries appear then, not at the POST. Queued jobs live in SQLite and
// a simulator started on the same file runs the ones still due, as Zendesk's durable
// job queue would after one of its workers restarted.

// DefaultJobDuration is how long a bulk job takes when Config.JobDuration is zero.
// Zendesk's take seconds; the default is short so the demo stays quick, and an account
// can be given a longer one (AccountSpec.JobDurationMs).
const DefaultJobDuration = 200 * time.Millisecond

// maxActiveJobs is how many queued or running jobs Zendesk allows one account.
const maxActiveJobs = 30

// Job states as stored; the API also shows "working" for a queued job past half its time.
const (
	jobStateQueued    = "queued"
	jobStateCompleted = "completed"
	jobStateFailed    = "failed"
)

// errTooManyJobs is an enqueue refused because the account has maxActiveJobs in flight.
type errTooManyJobs struct{ retryAfter time.Duration }

func (e errTooManyJobs) Error() string {
	return fmt.Sprintf("account has %d queued or running jobs", maxActiveJobs)
}

// enqueueJob stores a job of kind with its request and answers its queued job_status,
// or 429 when the account already has maxActiveJobs queued or running.
func (s *Sim) enqueueJob(w http.ResponseWriter, r *http.Request, acct supportAccount, kind string, request any, total int) {
	raw, err := json.Marshal(request)
	if err != nil {
		s.internalError(w, r, fmt.Errorf("encode %s job request: %w", kind, err))
		return
	}
	id, err := newJobID()
	if err != nil {
		s.internalError(w, r, err)
		return
	}
	ctx := r.Context()
	err = s.store.write(ctx, func(tx *sql.Tx) error {
		if err := activeJobsBelowCap(ctx, tx, acct.ID, s.now()); err != nil {
			return err
		}
		d, err := s.jobDuration(ctx, tx, acct)
		if err != nil {
			return err
		}
		now := s.now()
		_, err = tx.ExecContext(ctx, `INSERT INTO job_statuses (id, account_id, total, results, created_at, status, kind, request, queued_at_ms, due_at_ms)
			VALUES (?, ?, ?, '[]', ?, ?, ?, ?, ?, ?)`,
			id, acct.ID, total, formatTime(now), jobStateQueued, kind, string(raw), now.UnixMilli(), now.Add(d).UnixMilli())
		if err != nil {
			return fmt.Errorf("store job %s: %w", id, err)
		}
		return nil
	})
	var tooMany errTooManyJobs
	if errors.As(err, &tooMany) {
		secs := retryAfterSeconds(tooMany.retryAfter)
		w.Header().Set("Retry-After", strconv.Itoa(secs))
		supportError(w, http.StatusTooManyRequests, "TooManyJobs",
			fmt.Sprintf("Number of allowed queued or running jobs (%d) exceeded for this account; retry after %ds", maxActiveJobs, secs))
		return
	}
	if err != nil {
		s.internalError(w, r, err)
		return
	}
	s.jobs.wake()
	writeJSON(w, http.StatusOK, map[string]jobStatusJSON{"job_status": {
		ID: id, URL: s.jobURL(r, acct, id), Status: jobStateQueued, Total: total,
	}})
}

// activeJobsBelowCap returns errTooManyJobs, with the wait until the account's next job
// is due, when the account already has maxActiveJobs queued or running.
func activeJobsBelowCap(ctx context.Context, tx *sql.Tx, accountID int64, now time.Time) error {
	var n int
	var nextDue sql.NullInt64
	err := tx.QueryRowContext(ctx, `SELECT COUNT(*), MIN(due_at_ms) FROM job_statuses WHERE account_id = ? AND status = ?`,
		accountID, jobStateQueued).Scan(&n, &nextDue)
	if err != nil {
		return fmt.Errorf("count queued jobs: %w", err)
	}
	if n < maxActiveJobs {
		return nil
	}
	return errTooManyJobs{retryAfter: time.UnixMilli(nextDue.Int64).Sub(now)}
}

// jobDuration is how long a job of acct takes: the linked Sell account's own duration
// if it has one, else the simulator's.
func (s *Sim) jobDuration(ctx context.Context, tx *sql.Tx, acct supportAccount) (time.Duration, error) {
	if acct.LinkedSellID.Valid {
		var ms sql.NullInt64
		err := tx.QueryRowContext(ctx, `SELECT job_duration_ms FROM sell_accounts WHERE id = ?`, acct.LinkedSellID.Int64).Scan(&ms)
		if err != nil && !errors.Is(err, sql.ErrNoRows) {
			return 0, fmt.Errorf("read the job duration of sell account %d: %w", acct.LinkedSellID.Int64, err)
		}
		if ms.Valid && ms.Int64 > 0 {
			return time.Duration(ms.Int64) * time.Millisecond, nil
		}
	}
	return s.cfg.JobDuration, nil
}

// completeDueJobs runs every queued job due at now and returns when the next one will
// be (zero if none is queued).
func (s *Sim) completeDueJobs(ctx context.Context, now time.Time) (time.Time, error) {
	rows, err := s.store.db.QueryContext(ctx, `SELECT id FROM job_statuses WHERE status = ? AND due_at_ms <= ? ORDER BY due_at_ms`,
		jobStateQueued, now.UnixMilli())
	if err != nil {
		return time.Time{}, fmt.Errorf("list due jobs: %w", err)
	}
	var due []string
	for rows.Next() {
		var id string
		if err := rows.Scan(&id); err != nil {
			rows.Close()
			return time.Time{}, fmt.Errorf("list due jobs: %w", err)
		}
		due = append(due, id)
	}
	rows.Close()
	if err := rows.Err(); err != nil {
		return time.Time{}, fmt.Errorf("list due jobs: %w", err)
	}
	for _, id := range due {
		if err := s.completeJob(ctx, id); err != nil {
			return time.Time{}, err
		}
	}
	var next sql.NullInt64
	if err := s.store.db.QueryRowContext(ctx, `SELECT MIN(due_at_ms) FROM job_statuses WHERE status = ?`, jobStateQueued).Scan(&next); err != nil {
		return time.Time{}, fmt.Errorf("find the next due job: %w", err)
	}
	if !next.Valid {
		return time.Time{}, nil
	}
	return time.UnixMilli(next.Int64), nil
}

// completeJob runs a queued job in one transaction and stores its results. A job whose
// run fails (a database error, not a refused row) is stored failed with the reason,
// as Zendesk reports a job that broke, so nobody waits on it forever.
func (s *Sim) completeJob(ctx context.Context, id string) error {
	runErr := s.store.write(ctx, func(tx *sql.Tx) error {
		var accountID int64
		var status, kind, request string
		err := tx.QueryRowContext(ctx, `SELECT account_id, status, kind, request FROM job_statuses WHERE id = ?`, id).
			Scan(&accountID, &status, &kind, &request)
		if errors.Is(err, sql.ErrNoRows) || (err == nil && status != jobStateQueued) {
			return nil // done already, or its account was released
		}
		if err != nil {
			return fmt.Errorf("read job %s: %w", id, err)
		}
		acct, err := scanAccount(tx.QueryRowContext(ctx, `SELECT `+accountColumns+` FROM support_accounts WHERE id = ?`, accountID))
		if err != nil {
			return fmt.Errorf("read the account of job %s: %w", id, err)
		}
		results, err := s.runJobRequest(ctx, tx, acct, kind, request)
		if err != nil {
			return fmt.Errorf("run job %s: %w", id, err)
		}
		raw, err := json.Marshal(results)
		if err != nil {
			return fmt.Errorf("encode results of job %s: %w", id, err)
		}
		_, err = tx.ExecContext(ctx, `UPDATE job_statuses SET status = ?, results = ?, message = ? WHERE id = ?`,
			jobStateCompleted, string(raw), "Completed at "+s.nowString(), id)
		return err
	})
	if runErr == nil || ctx.Err() != nil {
		return ctx.Err()
	}
	s.log.Warn("job failed", zap.String("job", id), zap.Error(runErr))
	return s.store.write(ctx, func(tx *sql.Tx) error {
		_, err := tx.ExecContext(ctx, `UPDATE job_statuses SET status = ?, message = ? WHERE id = ? AND status = ?`,
			jobStateFailed, "Failed: "+runErr.Error(), id, jobStateQueued)
		return err
	})
}

// runJobRequest applies a stored bulk request and returns its rows.
func (s *Sim) runJobRequest(ctx context.Context, tx *sql.Tx, acct supportAccount, kind, request string) ([]jobResult, error) {
	switch kind {
	case jobCreateUsers:
		var users []newUserRequest
		if err := json.Unmarshal([]byte(request), &users); err != nil {
			return nil, fmt.Errorf("decode create_many request: %w", err)
		}
		return s.createUsers(ctx, tx, acct, users)
	case jobUpdateUsers:
		var items []userUpdate
		if err := json.Unmarshal([]byte(request), &items); err != nil {
			return nil, fmt.Errorf("decode update_many request: %w", err)
		}
		return s.updateUsers(ctx, tx, acct, items)
	}
	return nil, fmt.Errorf("unknown job kind %q", kind)
}
