package credstore

import (
	"crypto/rand"
	"database/sql"
	"encoding/base32"
	"fmt"
	"strings"
	"time"
)

const columns = `id, kind, scheme, subdomain, email, workflow_id, created_at, expires_at, revoked_at, key_id, sealed`

// row is one stored credential, its secret still sealed.
type row struct {
	info   Info
	sealed string
}

func scanRow(rs interface{ Scan(...any) error }) (row, error) {
	var r row
	var kind, scheme string
	var created, expires, revoked int64
	if err := rs.Scan(&r.info.ID, &kind, &scheme, &r.info.Subdomain, &r.info.Email, &r.info.WorkflowID,
		&created, &expires, &revoked, &r.info.KeyID, &r.sealed); err != nil {
		return row{}, err
	}
	r.info.Kind, r.info.Scheme = Kind(kind), AuthScheme(scheme)
	r.info.CreatedAt, r.info.ExpiresAt, r.info.RevokedAt = fromNanos(created), fromNanos(expires), fromNanos(revoked)
	return r, nil
}

func scanRows(rs *sql.Rows) ([]row, error) {
	defer rs.Close()
	var out []row
	for rs.Next() {
		r, err := scanRow(rs)
		if err != nil {
			return nil, err
		}
		out = append(out, r)
	}
	return out, rs.Err()
}

func (r row) binding() rowBinding {
	i := r.info
	return rowBinding{ID: i.ID, Kind: string(i.Kind), Subdomain: i.Subdomain, Email: i.Email, WorkflowID: i.WorkflowID}
}

// credential opens the row's secret.
func (r row) credential(k Keyring) (Credential, error) {
	secret, err := k.open(r.info.KeyID, r.sealed, r.binding())
	if err != nil {
		return Credential{}, err
	}
	i := r.info
	return Credential{
		ID: i.ID, Kind: i.Kind, Scheme: i.Scheme, Subdomain: i.Subdomain, Email: i.Email,
		WorkflowID: i.WorkflowID, Secret: secret, CreatedAt: i.CreatedAt, ExpiresAt: i.ExpiresAt,
		RevokedAt: i.RevokedAt, KeyID: i.KeyID,
	}, nil
}

// Times are stored as UTC Unix nanoseconds, 0 for the zero time, so both dialects
// compare and sort them as integers.
func toNanos(t time.Time) int64 {
	if t.IsZero() {
		return 0
	}
	return t.UnixNano()
}

func fromNanos(n int64) time.Time {
	if n == 0 {
		return time.Time{}
	}
	return time.Unix(0, n).UTC()
}

// newID is "cred_" and 26 base32 characters: 128 random bits, opaque to every reader.
func newID() (string, error) {
	var b [16]byte
	if _, err := rand.Read(b[:]); err != nil {
		return "", fmt.Errorf("credentials: read random bytes for an ID: %w", err)
	}
	return "cred_" + strings.ToLower(base32.StdEncoding.WithPadding(base32.NoPadding).EncodeToString(b[:])), nil
}
