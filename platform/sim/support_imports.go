package sim

import (
	"context"
	"fmt"
	"net/http"
)

// Zendesk ships bulk user imports disabled: until the account owner asks Zendesk
// Customer Support to enable them, POST /api/v2/users/create_many answers 403
// "Data imports are not enabled". Each simulated account carries the setting in
// support_accounts.bulk_imports_enabled. The demo accounts and the accounts created
// through POST /api/v2/accounts have it on (so their demo outcomes keep the bulk path);
// demo 1007 Stark's account `stark` and AccountSpec's existingSupport.bulkImportsDisabled
// have it off. docs/ZENDESK.md says which and why.

// bulkImportsDisabledDescription is Zendesk's description in the 403 body.
const bulkImportsDisabledDescription = "Data imports are not enabled"

// bulkImportsEnabled reads the account's setting.
func bulkImportsEnabled(ctx context.Context, q queryer, accountID int64) (bool, error) {
	var on bool
	if err := q.QueryRowContext(ctx, `SELECT bulk_imports_enabled FROM support_accounts WHERE id = ?`, accountID).Scan(&on); err != nil {
		return false, fmt.Errorf("read bulk imports setting of support account %d: %w", accountID, err)
	}
	return on, nil
}

// setBulkImports switches the account's bulk imports on or off.
func setBulkImports(ctx context.Context, q queryer, accountID int64, on bool) error {
	if _, err := q.ExecContext(ctx, `UPDATE support_accounts SET bulk_imports_enabled = ? WHERE id = ?`, on, accountID); err != nil {
		return fmt.Errorf("set bulk imports of support account %d: %w", accountID, err)
	}
	return nil
}

// bulkImportsAllowed answers 403 with Zendesk's body and returns false when the
// account's bulk imports are off.
func (s *Sim) bulkImportsAllowed(w http.ResponseWriter, r *http.Request, acct supportAccount) bool {
	on, err := bulkImportsEnabled(r.Context(), s.store.db, acct.ID)
	if err != nil {
		s.internalError(w, r, err)
		return false
	}
	if !on {
		supportForbidden(w, bulkImportsDisabledDescription)
	}
	return on
}
