package credstore

import (
	"context"
	"database/sql"
	"errors"
	"time"
)

// Get returns the credential with its secret decrypted, or ErrNotFound.
func (s *Store) Get(ctx context.Context, id string) (Credential, error) {
	r, err := s.getRow(ctx, id)
	if err != nil {
		return Credential{}, err
	}
	return r.credential(s.keys)
}

func (s *Store) getRow(ctx context.Context, id string) (row, error) {
	r, err := scanRow(s.db.QueryRowContext(ctx, s.dialect.rebind(`SELECT `+columns+` FROM credentials WHERE id = ?`), id))
	if errors.Is(err, sql.ErrNoRows) {
		return row{}, notFound("no credential %s; \"sellmigrate credentials list\" shows them", id)
	}
	if err != nil {
		return row{}, s.dbErr("read credential "+id, err)
	}
	return r, nil
}

// List returns every credential of subdomain ("" = all), newest first, without secrets.
func (s *Store) List(ctx context.Context, subdomain string) ([]Info, error) {
	q, args := `SELECT `+columns+` FROM credentials`, []any{}
	if subdomain != "" {
		q, args = q+` WHERE subdomain = ?`, append(args, subdomain)
	}
	rs, err := s.query(ctx, q+` ORDER BY created_at DESC, id DESC`, args...)
	if err != nil {
		return nil, s.dbErr("list credentials", err)
	}
	rows, err := scanRows(rs)
	if err != nil {
		return nil, s.dbErr("list credentials", err)
	}
	out := make([]Info, len(rows))
	for i, r := range rows {
		out[i] = r.info
	}
	return out, nil
}

// Revoke marks id revoked at at. Revoking again keeps the first time, so a retried
// revocation does not move it.
func (s *Store) Revoke(ctx context.Context, id string, at time.Time) (Info, error) {
	if at.IsZero() {
		at = time.Now()
	}
	if _, err := s.exec(ctx, `UPDATE credentials SET revoked_at = ? WHERE id = ? AND revoked_at = 0`, toNanos(utc(at)), id); err != nil {
		return Info{}, s.dbErr("revoke credential "+id, err)
	}
	r, err := s.getRow(ctx, id)
	if err != nil {
		return Info{}, err
	}
	return r.info, nil
}

// ActiveFor is the newest credential for subdomain of one of kinds (none given: any
// kind except KindOwnerGrant, which belongs to one migration) that is usable at now,
// or ErrNotFound.
func (s *Store) ActiveFor(ctx context.Context, subdomain string, now time.Time, kinds ...Kind) (Credential, error) {
	if len(kinds) == 0 {
		kinds = []Kind{KindCreatedAccount, KindOperatorToken}
	}
	n := toNanos(now)
	args := []any{subdomain, n, n}
	for _, k := range kinds {
		args = append(args, string(k))
	}
	rs, err := s.query(ctx, `SELECT `+columns+` FROM credentials
		WHERE subdomain = ? AND (revoked_at = 0 OR revoked_at > ?) AND (expires_at = 0 OR expires_at > ?)
		AND kind IN (`+placeholders(len(kinds))+`)
		ORDER BY created_at DESC, id DESC LIMIT 1`, args...)
	if err != nil {
		return Credential{}, s.dbErr("find a credential for "+subdomain, err)
	}
	rows, err := scanRows(rs)
	if err != nil {
		return Credential{}, s.dbErr("find a credential for "+subdomain, err)
	}
	if len(rows) == 0 {
		return Credential{}, notFound("no usable %v credential for subdomain %s; add one with \"sellmigrate credentials add --subdomain %s ...\"", kinds, subdomain, subdomain)
	}
	return rows[0].credential(s.keys)
}
