package sim

import (
	"context"
	"fmt"
	"net/http"
)

// Ledger kinds: the real side effects a migration can cause. Each one appends exactly
// one row; replays (an idempotency key, a link that already exists, a user that already
// exists) append none, which is what lets tests prove exactly-once behaviour.
const (
	LedgerAccountCreated  = "account_created"
	LedgerAccountReleased = "account_released"
	LedgerAccountLinked   = "account_linked"
	LedgerUserConverted   = "user_converted"
)

var ledgerKinds = []string{LedgerAccountCreated, LedgerAccountReleased, LedgerAccountLinked, LedgerUserConverted}

// LedgerEntry is one side effect the simulator performed.
type LedgerEntry struct {
	Seq     int64  `json:"seq"`
	Kind    string `json:"kind"`
	Subject string `json:"subject"`
	Detail  string `json:"detail"`
	At      string `json:"at"`
}

// appendLedger records a side effect inside the transaction that performed it, so the
// row exists if and only if the effect was committed.
func appendLedger(ctx context.Context, q queryer, kind, subject, detail, at string) error {
	if _, err := q.ExecContext(ctx, `INSERT INTO ledger (kind, subject, detail, at) VALUES (?, ?, ?, ?)`,
		kind, subject, detail, at); err != nil {
		return fmt.Errorf("append ledger %s %s: %w", kind, subject, err)
	}
	return nil
}

// Ledger returns every side effect in the order it happened.
func (s *Sim) Ledger(ctx context.Context) ([]LedgerEntry, error) {
	rows, err := s.store.db.QueryContext(ctx, `SELECT seq, kind, subject, detail, at FROM ledger ORDER BY seq`)
	if err != nil {
		return nil, fmt.Errorf("sim: read ledger: %w", err)
	}
	defer rows.Close()
	out := []LedgerEntry{}
	for rows.Next() {
		var e LedgerEntry
		if err := rows.Scan(&e.Seq, &e.Kind, &e.Subject, &e.Detail, &e.At); err != nil {
			return nil, fmt.Errorf("sim: read ledger: %w", err)
		}
		out = append(out, e)
	}
	if err := rows.Err(); err != nil {
		return nil, fmt.Errorf("sim: read ledger: %w", err)
	}
	return out, nil
}

// handleLedger serves GET /_sim/ledger: every entry plus a count per kind (every kind is
// present, zero included, so a reader can compare counts without checking for absence).
// An optional ?kind= narrows the entries; counts always cover the whole ledger.
func (s *Sim) handleLedger(w http.ResponseWriter, r *http.Request) {
	entries, err := s.Ledger(r.Context())
	if err != nil {
		s.simError(w, r, err)
		return
	}
	counts := make(map[string]int, len(ledgerKinds))
	for _, k := range ledgerKinds {
		counts[k] = 0
	}
	kind := r.URL.Query().Get("kind")
	filtered := make([]LedgerEntry, 0, len(entries))
	for _, e := range entries {
		counts[e.Kind]++
		if kind == "" || e.Kind == kind {
			filtered = append(filtered, e)
		}
	}
	writeJSON(w, http.StatusOK, map[string]any{"entries": filtered, "counts": counts})
}
