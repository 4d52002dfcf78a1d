package sim

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"strings"
)

// Zendesk users carry an optional external_id, "a unique identifier from another
// system" that the API treats case-insensitively. The simulator keeps it as written,
// compares it without regard to case, and lets no two users of an account share one
// (Zendesk publishes no error for that; see the package doc).

// externalIDValue turns a requested external_id into what is stored: surrounding
// spaces are dropped and an empty value means none, as a null does.
func externalIDValue(raw *string) sql.NullString {
	if raw == nil {
		return sql.NullString{}
	}
	v := strings.TrimSpace(*raw)
	return sql.NullString{String: v, Valid: v != ""}
}

func userByExternalID(ctx context.Context, q queryer, accountID int64, externalID string) (supportUser, error) {
	return scanUser(q.QueryRowContext(ctx, `SELECT `+userColumns+` FROM support_users
		WHERE account_id = ? AND external_id = ? COLLATE NOCASE`, accountID, externalID))
}

// externalIDProblem reports the external_id as taken when another user of the account
// (any user but exceptID) already has it.
func externalIDProblem(ctx context.Context, q queryer, accountID int64, externalID sql.NullString, exceptID int64) (*fieldProblem, error) {
	if !externalID.Valid {
		return nil, nil
	}
	other, err := userByExternalID(ctx, q, accountID, externalID.String)
	switch {
	case errors.Is(err, errNotFound):
		return nil, nil
	case err != nil:
		return nil, err
	case other.ID == exceptID:
		return nil, nil
	}
	return &fieldProblem{"external_id", "DuplicateValue",
		"External ID: " + externalID.String + " has already been taken by another user"}, nil
}

// parseExternalIDs reads ?external_ids=a,b,c. A comma cannot be part of an id here,
// since the list is comma-separated, as on Zendesk.
func parseExternalIDs(raw string) ([]string, error) {
	var ids []string
	for part := range strings.SplitSeq(raw, ",") {
		if part = strings.TrimSpace(part); part != "" {
			ids = append(ids, part)
		}
	}
	if len(ids) == 0 {
		return nil, errors.New("external_ids is empty; give a comma-separated list such as external_ids=crm-1,crm-2")
	}
	if len(ids) > maxShowMany {
		return nil, fmt.Errorf("%d external ids given; at most %d are allowed", len(ids), maxShowMany)
	}
	return ids, nil
}

// usersByExternalIDs returns the account's users whose external_id is one of ids (in
// any case), ordered by id; ids no user has are left out.
func (s *Sim) usersByExternalIDs(ctx context.Context, accountID int64, ids []string) ([]supportUser, error) {
	args := []any{accountID}
	for _, id := range ids {
		args = append(args, id)
	}
	rows, err := s.store.db.QueryContext(ctx, `SELECT `+userColumns+` FROM support_users
		WHERE account_id = ? AND external_id COLLATE NOCASE IN (?`+strings.Repeat(",?", len(ids)-1)+`) ORDER BY id`, args...)
	if err != nil {
		return nil, err
	}
	return scanUsers(rows)
}
