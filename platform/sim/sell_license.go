package sim

import (
	"context"
	"database/sql"
	"encoding/json"
	"errors"
	"fmt"
	"net/http"
	"strconv"
	"strings"

	"go.uber.org/zap"
)

// errUnknownSellAccount and errInvalidLicense let the /_sim handler pick a status.
var (
	errUnknownSellAccount = errors.New("no such Sell account")
	errInvalidLicense     = errors.New("invalid Sell user")
)

// AssignSellLicense gives email a Sell license in the account, as a Sell admin would
// (our assumption: holding a license means being an active Sell user). An existing
// inactive user is reactivated; an active one is left as it is.
func (s *Sim) AssignSellLicense(ctx context.Context, accountID int64, name, email string) error {
	_, _, err := s.assignSellLicense(ctx, accountID, name, email, sellRoleUser)
	if err != nil {
		return fmt.Errorf("sim: assign Sell license to %s in account %d: %w", email, accountID, err)
	}
	return nil
}

// assignSellLicense returns the user and whether it was created.
func (s *Sim) assignSellLicense(ctx context.Context, accountID int64, name, email, role string) (sellUser, bool, error) {
	email = normalizeEmail(email)
	name = strings.TrimSpace(name)
	if !validEmail(email) {
		return sellUser{}, false, fmt.Errorf("%w: email %q is not a valid address", errInvalidLicense, email)
	}
	if role != sellRoleUser && role != sellRoleAdmin {
		return sellUser{}, false, fmt.Errorf("%w: role %q is not user or admin", errInvalidLicense, role)
	}
	if name == "" {
		name, _, _ = strings.Cut(email, "@")
	}
	var out sellUser
	created := false
	err := s.store.write(ctx, func(tx *sql.Tx) error {
		if _, err := sellAccountByID(ctx, tx, accountID); errors.Is(err, errNotFound) {
			return fmt.Errorf("%w: %d", errUnknownSellAccount, accountID)
		} else if err != nil {
			return err
		}
		now := s.nowString()
		u, err := sellUserByEmail(ctx, tx, accountID, email)
		switch {
		case err == nil && u.Status == sellStatusActive:
			out = u
			return nil
		case err == nil:
			if _, err := tx.ExecContext(ctx, `UPDATE sell_users SET status = 'active', updated_at = ? WHERE id = ?`, now, u.ID); err != nil {
				return fmt.Errorf("reactivate sell user %s: %w", email, err)
			}
			u.Status, u.UpdatedAt = sellStatusActive, now
			out = u
			return nil
		case !errors.Is(err, errNotFound):
			return err
		}
		u = sellUser{AccountID: accountID, Name: name, Email: email, Role: role, Status: sellStatusActive,
			Confirmed: true, CreatedAt: now, UpdatedAt: now}
		if u.ID, err = insertSellUser(ctx, tx, u); err != nil {
			return err
		}
		out, created = u, true
		return nil
	})
	if err != nil {
		return sellUser{}, false, err
	}
	s.log.Info("sell license assigned", zap.Int64("sellAccountId", accountID), zap.String("email", email),
		zap.Bool("created", created))
	return out, created, nil
}

// handleAssignSellLicense serves POST /_sim/sell/{accountID}/users: 201 with the new
// Sell user, or 200 with the existing one (reactivated if it was inactive).
func (s *Sim) handleAssignSellLicense(w http.ResponseWriter, r *http.Request) {
	id, err := strconv.ParseInt(r.PathValue("accountID"), 10, 64)
	if err != nil {
		writeJSON(w, http.StatusNotFound, map[string]string{"error": "Sell account id must be a number"})
		return
	}
	var body struct {
		Name  string `json:"name"`
		Email string `json:"email"`
		Role  string `json:"role"`
	}
	if err := json.NewDecoder(http.MaxBytesReader(w, r.Body, 1<<16)).Decode(&body); err != nil {
		writeJSON(w, http.StatusBadRequest, map[string]string{"error": `body must be {"name","email","role"}: ` + err.Error()})
		return
	}
	if body.Role == "" {
		body.Role = sellRoleUser
	}
	u, created, err := s.assignSellLicense(r.Context(), id, body.Name, body.Email, body.Role)
	switch {
	case errors.Is(err, errUnknownSellAccount):
		writeJSON(w, http.StatusNotFound, map[string]string{"error": err.Error()})
	case errors.Is(err, errInvalidLicense):
		writeJSON(w, http.StatusUnprocessableEntity, map[string]string{"error": err.Error()})
	case err != nil:
		s.simError(w, r, err)
	case created:
		writeJSON(w, http.StatusCreated, sellEnvelope("user", toSellUserJSON(u)))
	default:
		writeJSON(w, http.StatusOK, sellEnvelope("user", toSellUserJSON(u)))
	}
}
