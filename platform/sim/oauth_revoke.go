package sim

import (
	"database/sql"
	"errors"
	"net/http"
	"strings"

	"go.uber.org/zap"
)

// handleRevokeCurrentToken serves DELETE /api/v2/oauth/tokens/current (documented by
// Zendesk: revokes the OAuth token that authenticated the request; 204). The token must
// still work and, as for any DELETE, carry a write scope. With an API token there is no
// OAuth token to revoke: 404 (our assumption; Zendesk publishes no answer for it).
func (s *Sim) handleRevokeCurrentToken(w http.ResponseWriter, r *http.Request) {
	acct, ok := s.supportAccountFor(w, r, r.PathValue("sub"))
	if !ok {
		return
	}
	me, err := s.authenticateSupport(r.Context(), r, acct)
	switch {
	case errors.Is(err, errUnauthenticated):
		supportUnauthorized(w)
		return
	case errors.Is(err, errScopeForbidden):
		supportForbidden(w, "You do not have access to this page: the OAuth token's scope does not allow this request.")
		return
	case err != nil:
		s.internalError(w, r, err)
		return
	}
	scheme, cred, _ := strings.Cut(r.Header.Get("Authorization"), " ")
	if !strings.EqualFold(scheme, "bearer") {
		supportError(w, http.StatusNotFound, "RecordNotFound",
			"No OAuth token authenticated this request (it used an API token); send the bearer token to revoke")
		return
	}
	var revoked int64
	err = s.store.write(r.Context(), func(tx *sql.Tx) error {
		res, err := tx.ExecContext(r.Context(), `DELETE FROM oauth_tokens WHERE token_hash = ? AND account_id = ?`,
			secretDigest(strings.TrimSpace(cred)), acct.ID)
		if err != nil {
			return err
		}
		revoked, err = res.RowsAffected()
		return err
	})
	if err != nil {
		s.internalError(w, r, err)
		return
	}
	if revoked == 0 {
		// A concurrent request revoked it after this one authenticated.
		supportUnauthorized(w)
		return
	}
	s.log.Info("OAuth token revoked", zap.String("subdomain", acct.Subdomain), zap.Int64("userId", me.ID))
	w.WriteHeader(http.StatusNoContent)
}
