package credstore

import (
	"context"
	"fmt"
)

// Rekey re-encrypts every row not under the active key and returns how many it
// changed. Run it after making a new key active; once it reports 0, older keys can
// leave credentials.keys. Each row is updated only if no one rekeyed it meanwhile, so
// two processes may run it at once.
func (s *Store) Rekey(ctx context.Context) (int, error) {
	rs, err := s.query(ctx, `SELECT `+columns+` FROM credentials WHERE key_id <> ?`, s.keys.ActiveID())
	if err != nil {
		return 0, s.dbErr("find credentials to rekey", err)
	}
	rows, err := scanRows(rs)
	if err != nil {
		return 0, s.dbErr("find credentials to rekey", err)
	}
	changed := 0
	for _, r := range rows {
		c, err := r.credential(s.keys)
		if err != nil {
			return changed, fmt.Errorf("credentials: rekey stopped after %d: %w", changed, err)
		}
		keyID, sealed, err := s.keys.seal(c.Secret, r.binding())
		if err != nil {
			return changed, err
		}
		res, err := s.exec(ctx, `UPDATE credentials SET key_id = ?, sealed = ? WHERE id = ? AND key_id = ? AND sealed = ?`,
			keyID, sealed, r.info.ID, r.info.KeyID, r.sealed)
		if err != nil {
			return changed, s.dbErr("rekey credential "+r.info.ID, err)
		}
		if n, err := res.RowsAffected(); err == nil && n == 1 {
			changed++
		}
	}
	return changed, nil
}

// Secrets returns every decrypted secret in the store, for tests that scan workflow
// histories and logs for leaked credentials.
func (s *Store) Secrets(ctx context.Context) ([]string, error) {
	rs, err := s.query(ctx, `SELECT `+columns+` FROM credentials ORDER BY created_at, id`)
	if err != nil {
		return nil, s.dbErr("read secrets", err)
	}
	rows, err := scanRows(rs)
	if err != nil {
		return nil, s.dbErr("read secrets", err)
	}
	out := make([]string, 0, len(rows))
	for _, r := range rows {
		c, err := r.credential(s.keys)
		if err != nil {
			return nil, err
		}
		out = append(out, c.Secret)
	}
	return out, nil
}
