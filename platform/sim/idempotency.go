package sim

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"net/http"
)

// Idempotency scopes: a key is only meaningful for the endpoint (and Sell account) it
// was sent to.
const idemScopeAccounts = "support:accounts"

func idemScopeSellLink(sellAccountID int64) string {
	return fmt.Sprintf("sell:%d:zendesk_link", sellAccountID)
}

// storedResponse is a response recorded under an Idempotency-Key.
type storedResponse struct {
	Status int
	Body   []byte
}

// lookupIdempotent returns the response first given for (scope, key), if any. Callers
// run it inside the write transaction that would otherwise perform the effect, so two
// concurrent requests with one key cannot both get past it.
func lookupIdempotent(ctx context.Context, q queryer, scope, key string) (*storedResponse, error) {
	if key == "" {
		return nil, nil
	}
	var resp storedResponse
	err := q.QueryRowContext(ctx, `SELECT status, body FROM idempotency_keys WHERE scope = ? AND key = ?`, scope, key).
		Scan(&resp.Status, &resp.Body)
	if errors.Is(err, sql.ErrNoRows) {
		return nil, nil
	}
	if err != nil {
		return nil, fmt.Errorf("look up idempotency key: %w", err)
	}
	return &resp, nil
}

// saveIdempotent records a successful response under (scope, key). resource names what
// the response is about (a subdomain), so releasing that resource can forget the key.
func saveIdempotent(ctx context.Context, q queryer, scope, key, resource string, resp storedResponse, now string) error {
	if key == "" {
		return nil
	}
	if _, err := q.ExecContext(ctx, `INSERT INTO idempotency_keys (scope, key, resource, status, body, created_at)
		VALUES (?, ?, ?, ?, ?, ?)`, scope, key, resource, resp.Status, resp.Body, now); err != nil {
		return fmt.Errorf("save idempotency key: %w", err)
	}
	return nil
}

// writeStored answers with a recorded response; Idempotent-Replayed says it is a replay.
func writeStored(w http.ResponseWriter, resp storedResponse, replayed bool) {
	w.Header().Set("Content-Type", "application/json; charset=utf-8")
	if replayed {
		w.Header().Set("Idempotent-Replayed", "true")
	}
	w.WriteHeader(resp.Status)
	_, _ = w.Write(resp.Body)
}
