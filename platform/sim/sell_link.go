package sim

import (
	"database/sql"
	"encoding/json"
	"errors"
	"fmt"
	"net/http"
	"strings"

	"go.uber.org/zap"
)

// linkJSON is the data of POST /v2/accounts/self/zendesk_link.
type linkJSON struct {
	SellAccountID int64  `json:"sell_account_id"`
	Subdomain     string `json:"subdomain"`
	LinkedAt      string `json:"linked_at"`
}

// handleSellLink serves POST /v2/accounts/self/zendesk_link (our assumption; Zendesk
// does not publish this call). Linking is idempotent three ways: an Idempotency-Key
// replays the first response; linking again to the same subdomain answers 200 with the
// original link; and the ledger gains a row only for the first link.
func (s *Sim) handleSellLink(w http.ResponseWriter, r *http.Request, acct sellAccount) {
	var body struct {
		Data struct {
			Subdomain string `json:"subdomain"`
		} `json:"data"`
	}
	if err := json.NewDecoder(http.MaxBytesReader(w, r.Body, 1<<16)).Decode(&body); err != nil {
		sellError(w, http.StatusBadRequest, "bad_request", `Request body must be {"data":{"subdomain":"..."}}: `+err.Error(), "")
		return
	}
	sub := strings.ToLower(strings.TrimSpace(body.Data.Subdomain))
	if sub == "" {
		sellInvalid(w, "invalid", "subdomain can't be blank", "subdomain")
		return
	}
	key := r.Header.Get("Idempotency-Key")
	scope := idemScopeSellLink(acct.ID)
	var resp storedResponse
	replayed, linked := false, false
	err := s.store.write(r.Context(), func(tx *sql.Tx) error {
		prev, err := lookupIdempotent(r.Context(), tx, scope, key)
		if err != nil || prev != nil {
			if prev != nil {
				resp, replayed = *prev, true
			}
			return err
		}
		cur, err := sellAccountByID(r.Context(), tx, acct.ID)
		if err != nil {
			return err
		}
		if cur.Subdomain.Valid {
			if cur.Subdomain.String != sub {
				resp = jsonResponse(http.StatusUnprocessableEntity, sellErrorBody(http.StatusUnprocessableEntity, "already_linked",
					fmt.Sprintf("Sell account %d is already linked to Zendesk account %s", cur.ID, cur.Subdomain.String), "subdomain"))
				return nil
			}
			resp = linkResponse(cur.ID, sub, cur.LinkedAt.String)
			return saveIdempotent(r.Context(), tx, scope, key, sub, resp, s.nowString())
		}
		target, err := accountBySubdomain(r.Context(), tx, sub)
		if errors.Is(err, errNotFound) {
			resp = jsonResponse(http.StatusUnprocessableEntity, sellErrorBody(http.StatusUnprocessableEntity, "unknown_subdomain",
				"No Zendesk account has the subdomain "+sub, "subdomain"))
			return nil
		}
		if err != nil {
			return err
		}
		if target.LinkedSellID.Valid {
			resp = jsonResponse(http.StatusUnprocessableEntity, sellErrorBody(http.StatusUnprocessableEntity, "already_linked",
				fmt.Sprintf("Zendesk account %s is already linked to another Sell account", sub), "subdomain"))
			return nil
		}
		now := s.nowString()
		if _, err := tx.ExecContext(r.Context(), `UPDATE sell_accounts SET subdomain = ?, linked_at = ? WHERE id = ?`,
			sub, now, cur.ID); err != nil {
			return fmt.Errorf("link sell account %d: %w", cur.ID, err)
		}
		if _, err := tx.ExecContext(r.Context(), `UPDATE support_accounts SET linked_sell_id = ? WHERE id = ?`,
			cur.ID, target.ID); err != nil {
			return fmt.Errorf("link support account %s: %w", sub, err)
		}
		if err := appendLedger(r.Context(), tx, LedgerAccountLinked, fmt.Sprintf("%d->%s", cur.ID, sub),
			"sell="+cur.Name+" subdomain="+sub, now); err != nil {
			return err
		}
		linked = true
		resp = linkResponse(cur.ID, sub, now)
		return saveIdempotent(r.Context(), tx, scope, key, sub, resp, now)
	})
	if err != nil {
		s.internalError(w, r, err)
		return
	}
	if linked {
		s.log.Info("sell account linked", zap.Int64("sellAccountId", acct.ID), zap.String("subdomain", sub))
	}
	writeStored(w, resp, replayed)
}

func linkResponse(sellID int64, sub, linkedAt string) storedResponse {
	return jsonResponse(http.StatusOK, sellEnvelope("zendesk_link", linkJSON{SellAccountID: sellID, Subdomain: sub, LinkedAt: linkedAt}))
}
