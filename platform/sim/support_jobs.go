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

// The bulk user calls: their requests are checked at once and queued as jobs
// (jobs_queue.go), which run them later with createUsers and updateUsers.

// Job kinds, stored with each job so the runner knows how to apply its request.
const (
	jobCreateUsers = "create_many"
	jobUpdateUsers = "update_many"
)

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
	s.enqueueJob(w, r, acct, jobCreateUsers, body.Users, len(body.Users))
}

// createUsers runs a create_many job: one row per user, in the order sent.
func (s *Sim) createUsers(ctx context.Context, tx *sql.Tx, acct supportAccount, users []newUserRequest) ([]jobResult, error) {
	results := make([]jobResult, 0, len(users))
	for i, nu := range users {
		res, err := s.createOne(ctx, tx, acct, i, nu)
		if err != nil {
			return nil, err
		}
		results = append(results, res)
	}
	return results, nil
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
	var items []userUpdate
	if body.User != nil {
		ids, err := parseIDs(r.URL.Query().Get("ids"))
		if err != nil {
			supportBadRequest(w, "InvalidValue", err.Error())
			return
		}
		for _, id := range ids {
			items = append(items, userUpdate{ID: id, Patch: body.User})
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
			items = append(items, userUpdate{ID: id, Patch: u})
		}
	}
	s.enqueueJob(w, r, acct, jobUpdateUsers, items, len(items))
}

// userUpdate is one user of an update_many job: its id and the fields to change.
type userUpdate struct {
	ID    int64                      `json:"id"`
	Patch map[string]json.RawMessage `json:"patch"`
}

// updateUsers runs an update_many job: one row per update, in the order sent.
func (s *Sim) updateUsers(ctx context.Context, tx *sql.Tx, acct supportAccount, items []userUpdate) ([]jobResult, error) {
	results := make([]jobResult, 0, len(items))
	for i, it := range items {
		res := jobResult{ID: it.ID, Index: i, Status: "Updated"}
		patch, prob := parseUserPatch(it.Patch)
		u, err := userByID(ctx, tx, acct.ID, it.ID)
		switch {
		case prob != nil:
			res.Status, res.Error, res.Details = "Failed", prob.Code, prob.Description
		case errors.Is(err, errNotFound):
			res.Status, res.Error, res.Details = "Failed", "RecordNotFound", fmt.Sprintf("User %d not found", it.ID)
		case err != nil:
			return nil, err
		default:
			updated, prob, err := s.applyUserPatch(ctx, tx, acct, u, patch)
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
}
