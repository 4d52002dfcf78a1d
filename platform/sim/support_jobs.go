package sim

import (
	"context"
	"crypto/rand"
	"database/sql"
	"encoding/hex"
	"encoding/json"
	"errors"
	"fmt"
	"net/http"
)

// Bulk calls run their whole job inside the request's transaction, so a job is either
// fully applied or (on a crash or a fault) not at all. The POST still answers "queued",
// as Zendesk does, and GET /api/v2/job_statuses/{id} answers "completed" with the results.

// maxBulkUsers is how many users one create_many or update_many may carry.
const maxBulkUsers = 100

// jobResult is one row of a job's results.
type jobResult struct {
	ID      int64  `json:"id,omitempty"`
	Index   int    `json:"index"`
	Email   string `json:"email,omitempty"`
	Status  string `json:"status"` // Created | Updated | Failed
	Error   string `json:"error,omitempty"`
	Details string `json:"details,omitempty"`
}

// jobStatusJSON is a job_status object.
type jobStatusJSON struct {
	ID       string      `json:"id"`
	URL      string      `json:"url"`
	Status   string      `json:"status"`
	Progress int         `json:"progress"`
	Total    int         `json:"total"`
	Message  *string     `json:"message"`
	Results  []jobResult `json:"results"`
}

func (s *Sim) jobURL(r *http.Request, acct supportAccount, id string) string {
	return s.supportBase(r, acct.Subdomain) + "/api/v2/job_statuses/" + id + ".json"
}

// newJobID is a 32-hex-digit id like Zendesk's. It uses crypto/rand, not the fault RNG,
// so creating jobs does not shift the fault sequence.
func newJobID() (string, error) {
	b := make([]byte, 16)
	if _, err := rand.Read(b); err != nil {
		return "", fmt.Errorf("generate job id: %w", err)
	}
	return hex.EncodeToString(b), nil
}

// runJob stores a finished job in tx and returns the queued job_status response.
func (s *Sim) runJob(ctx context.Context, tx *sql.Tx, r *http.Request, acct supportAccount, results []jobResult) (storedResponse, error) {
	id, err := newJobID()
	if err != nil {
		return storedResponse{}, err
	}
	raw, err := json.Marshal(results)
	if err != nil {
		return storedResponse{}, fmt.Errorf("encode job results: %w", err)
	}
	if _, err := tx.ExecContext(ctx, `INSERT INTO job_statuses (id, account_id, total, results, created_at) VALUES (?, ?, ?, ?, ?)`,
		id, acct.ID, len(results), string(raw), s.nowString()); err != nil {
		return storedResponse{}, fmt.Errorf("store job %s: %w", id, err)
	}
	return jsonResponse(http.StatusOK, map[string]jobStatusJSON{"job_status": {
		ID: id, URL: s.jobURL(r, acct, id), Status: "queued", Total: len(results),
	}}), nil
}

// answerJob builds a job's results in one write transaction, stores the job and
// answers with its job_status (500 if any step fails).
func (s *Sim) answerJob(w http.ResponseWriter, r *http.Request, acct supportAccount, build func(tx *sql.Tx) ([]jobResult, error)) {
	var resp storedResponse
	err := s.store.write(r.Context(), func(tx *sql.Tx) error {
		results, err := build(tx)
		if err != nil {
			return err
		}
		resp, err = s.runJob(r.Context(), tx, r, acct, results)
		return err
	})
	if err != nil {
		s.internalError(w, r, err)
		return
	}
	writeStored(w, resp, false)
}

// newUserRequest is one user of POST /api/v2/users/create_many.
type newUserRequest struct {
	Name         string  `json:"name"`
	Email        string  `json:"email"`
	Role         string  `json:"role"`
	CustomRoleID *int64  `json:"custom_role_id"`
	Verified     bool    `json:"verified"`
	ExternalID   *string `json:"external_id"`
}

// handleCreateMany serves POST /api/v2/users/create_many. A user whose email already
// exists in the account is a Failed row and is left exactly as it was. An account whose
// bulk imports are off answers 403 (bulkImportsAllowed).
func (s *Sim) handleCreateMany(w http.ResponseWriter, r *http.Request, acct supportAccount, _ supportUser) {
	if !s.bulkImportsAllowed(w, r, acct) {
		return
	}
	var body struct {
		Users []newUserRequest `json:"users"`
	}
	if err := json.NewDecoder(http.MaxBytesReader(w, r.Body, 4<<20)).Decode(&body); err != nil {
		supportBadRequest(w, "InvalidJSON", `Request body must be {"users":[...]}: `+err.Error())
		return
	}
	if len(body.Users) == 0 || len(body.Users) > maxBulkUsers {
		supportBadRequest(w, "InvalidValue", fmt.Sprintf("users must hold 1 to %d users; got %d", maxBulkUsers, len(body.Users)))
		return
	}
	s.answerJob(w, r, acct, func(tx *sql.Tx) ([]jobResult, error) {
		results := make([]jobResult, 0, len(body.Users))
		for i, nu := range body.Users {
			res, err := s.createOne(r.Context(), tx, acct, i, nu)
			if err != nil {
				return nil, err
			}
			results = append(results, res)
		}
		return results, nil
	})
}

// createOne creates one user of a create_many job (newUser does the work) and says so
// in a row. A Failed row carries its index and no email, as on Zendesk: the caller maps
// it back to what it sent by position. An email already in use is the row error
// EmailAlreadyTaken, as Zendesk's job results name it.
func (s *Sim) createOne(ctx context.Context, tx *sql.Tx, acct supportAccount, i int, nu newUserRequest) (jobResult, error) {
	u, prob, err := s.newUser(ctx, tx, acct, nu)
	switch {
	case err != nil:
		return jobResult{}, err
	case prob != nil && prob.Field == "email" && prob.Code == "DuplicateValue":
		return jobResult{Index: i, Status: "Failed", Error: "EmailAlreadyTaken", Details: prob.Description}, nil
	case prob != nil:
		return jobResult{Index: i, Status: "Failed", Error: prob.Code, Details: prob.Description}, nil
	}
	return jobResult{ID: u.ID, Index: i, Email: u.Email, Status: "Created"}, nil
}

// handleUpdateMany serves PUT /api/v2/users/update_many: either ?ids=1,2 with one
// {"user":{...}} applied to each, or {"users":[{"id":1,...},...]} with one update each.
func (s *Sim) handleUpdateMany(w http.ResponseWriter, r *http.Request, acct supportAccount, _ supportUser) {
	var body struct {
		User  map[string]json.RawMessage   `json:"user"`
		Users []map[string]json.RawMessage `json:"users"`
	}
	if err := json.NewDecoder(http.MaxBytesReader(w, r.Body, 4<<20)).Decode(&body); err != nil {
		supportBadRequest(w, "InvalidJSON", `Request body must be {"user":{...}} or {"users":[...]}: `+err.Error())
		return
	}
	type item struct {
		id    int64
		patch map[string]json.RawMessage
	}
	var items []item
	if body.User != nil {
		ids, err := parseIDs(r.URL.Query().Get("ids"))
		if err != nil {
			supportBadRequest(w, "InvalidValue", err.Error())
			return
		}
		for _, id := range ids {
			items = append(items, item{id, body.User})
		}
	} else {
		if len(body.Users) == 0 || len(body.Users) > maxBulkUsers {
			supportBadRequest(w, "InvalidValue", fmt.Sprintf("users must hold 1 to %d users; got %d", maxBulkUsers, len(body.Users)))
			return
		}
		for _, u := range body.Users {
			var id int64
			if err := json.Unmarshal(u["id"], &id); err != nil {
				supportBadRequest(w, "InvalidValue", "every entry of users needs a numeric id")
				return
			}
			items = append(items, item{id, u})
		}
	}
	s.answerJob(w, r, acct, func(tx *sql.Tx) ([]jobResult, error) {
		results := make([]jobResult, 0, len(items))
		for i, it := range items {
			res := jobResult{ID: it.id, Index: i, Status: "Updated"}
			patch, prob := parseUserPatch(it.patch)
			u, err := userByID(r.Context(), tx, acct.ID, it.id)
			switch {
			case prob != nil:
				res.Status, res.Error, res.Details = "Failed", prob.Code, prob.Description
			case errors.Is(err, errNotFound):
				res.Status, res.Error, res.Details = "Failed", "RecordNotFound", fmt.Sprintf("User %d not found", it.id)
			case err != nil:
				return nil, err
			default:
				updated, prob, err := s.applyUserPatch(r.Context(), tx, acct, u, patch)
				if err != nil {
					return nil, err
				}
				if prob != nil {
					res.Status, res.Error, res.Details = "Failed", prob.Code, prob.Description
				} else {
					res.Email = updated.Email
				}
			}
			results = append(results, res)
		}
		return results, nil
	})
}

// handleJobStatus serves GET /api/v2/job_statuses/{id}: the job, completed.
func (s *Sim) handleJobStatus(w http.ResponseWriter, r *http.Request, acct supportAccount, _ supportUser) {
	id := r.PathValue("id")
	var total int
	var raw, createdAt string
	err := s.store.db.QueryRowContext(r.Context(), `SELECT total, results, created_at FROM job_statuses
		WHERE id = ? AND account_id = ?`, id, acct.ID).Scan(&total, &raw, &createdAt)
	if errors.Is(err, sql.ErrNoRows) {
		supportNotFound(w)
		return
	}
	if err != nil {
		s.internalError(w, r, err)
		return
	}
	var results []jobResult
	if err := json.Unmarshal([]byte(raw), &results); err != nil {
		s.internalError(w, r, fmt.Errorf("decode results of job %s: %w", id, err))
		return
	}
	msg := "Completed at " + createdAt
	writeJSON(w, http.StatusOK, map[string]jobStatusJSON{"job_status": {
		ID: id, URL: s.jobURL(r, acct, id), Status: "completed", Progress: total, Total: total,
		Message: &msg, Results: results,
	}})
}
