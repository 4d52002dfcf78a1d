package sim

import (
	"database/sql"
	"encoding/json"
	"errors"
	"net/http"
	"strings"

	"go.uber.org/zap"
)

// accountJSON is an account as POST /api/v2/accounts and GET /api/v2/account return it.
type accountJSON struct {
	Name      string `json:"name"`
	Subdomain string `json:"subdomain"`
	URL       string `json:"url"`
	OwnerID   int64  `json:"owner_id"`
}

func (s *Sim) accountJSON(r *http.Request, a supportAccount) accountJSON {
	return accountJSON{Name: a.Name, Subdomain: a.Subdomain, URL: s.supportBase(r, a.Subdomain), OwnerID: a.OwnerID}
}

// handleAccountAvailable serves GET /api/v2/accounts/available?subdomain=X (a partner call):
// success is true only for a well-formed subdomain no account uses.
func (s *Sim) handleAccountAvailable(w http.ResponseWriter, r *http.Request) {
	sub := r.URL.Query().Get("subdomain")
	if subdomainProblem(sub) != "" {
		writeJSON(w, http.StatusOK, map[string]bool{"success": false})
		return
	}
	_, err := accountBySubdomain(r.Context(), s.store.db, sub)
	switch {
	case errors.Is(err, errNotFound):
		writeJSON(w, http.StatusOK, map[string]bool{"success": true})
	case err != nil:
		s.internalError(w, r, err)
	default:
		writeJSON(w, http.StatusOK, map[string]bool{"success": false})
	}
}

// createdAccountJSON is the 201 of POST /api/v2/accounts: the account and a token of
// its owner (oauth_owner_token.go).
type createdAccountJSON struct {
	Account    accountJSON    `json:"account"`
	OwnerToken ownerTokenJSON `json:"owner_token"`
}

// createAccountRequest is the body of POST /api/v2/accounts.
type createAccountRequest struct {
	Account struct {
		Name      string `json:"name"`
		Subdomain string `json:"subdomain"`
	} `json:"account"`
	Owner struct {
		Name  string `json:"name"`
		Email string `json:"email"`
	} `json:"owner"`
}

// handleCreateAccount serves POST /api/v2/accounts (a partner call). The owner
// becomes the account's admin and is given an OAuth token (read write) on it; the
// account gets the default custom roles and no API token. With an
// Idempotency-Key, a repeat replays the first 201 and creates nothing.
func (s *Sim) handleCreateAccount(w http.ResponseWriter, r *http.Request) {
	var req createAccountRequest
	if err := json.NewDecoder(http.MaxBytesReader(w, r.Body, 1<<20)).Decode(&req); err != nil {
		supportBadRequest(w, "InvalidJSON", "Request body is not valid JSON: "+err.Error())
		return
	}
	key := r.Header.Get("Idempotency-Key")
	sub := strings.TrimSpace(req.Account.Subdomain)
	name := strings.TrimSpace(req.Account.Name)
	ownerEmail := normalizeEmail(req.Owner.Email)
	ownerName := strings.TrimSpace(req.Owner.Name)
	if ownerName == "" {
		ownerName, _, _ = strings.Cut(ownerEmail, "@")
	}
	if name == "" {
		name = sub
	}

	var resp storedResponse
	replayed := false
	err := s.store.write(r.Context(), func(tx *sql.Tx) error {
		prev, err := lookupIdempotent(r.Context(), tx, idemScopeAccounts, key)
		if err != nil || prev != nil {
			if prev != nil {
				resp, replayed = *prev, true
			}
			return err
		}
		if invalid := validateNewAccount(sub, ownerEmail); invalid != nil {
			resp = jsonResponse(http.StatusUnprocessableEntity, invalid)
			return nil
		}
		if _, err := accountBySubdomain(r.Context(), tx, sub); err == nil {
			resp = jsonResponse(http.StatusUnprocessableEntity,
				supportInvalidBody("subdomain", "DuplicateValue", "Subdomain has already been taken"))
			return nil
		} else if !errors.Is(err, errNotFound) {
			return err
		}
		now := s.nowString()
		acct, err := insertAccount(r.Context(), tx, sub, name, ownerName, ownerEmail, now)
		if err != nil {
			return err
		}
		if err := appendLedger(r.Context(), tx, LedgerAccountCreated, sub, "name="+name+" owner="+ownerEmail, now); err != nil {
			return err
		}
		owner, err := issueOwnerToken(r.Context(), tx, acct, now)
		if err != nil {
			return err
		}
		// Stored under the Idempotency-Key with the token in it, so a retried creation
		// gets the same working credential rather than one it never saw.
		resp = jsonResponse(http.StatusCreated, createdAccountJSON{Account: s.accountJSON(r, acct), OwnerToken: owner})
		return saveIdempotent(r.Context(), tx, idemScopeAccounts, key, sub, resp, now)
	})
	if err != nil {
		s.internalError(w, r, err)
		return
	}
	if resp.Status == http.StatusCreated && !replayed {
		s.log.Info("support account created", zap.String("subdomain", sub), zap.String("owner", ownerEmail))
	}
	if resp.Status == http.StatusCreated {
		w.Header().Set("Cache-Control", "no-store") // it carries the owner's token
	}
	writeStored(w, resp, replayed)
}

// validateNewAccount returns a RecordInvalid body, or nil when the request is acceptable.
func validateNewAccount(sub, ownerEmail string) any {
	if sub == "" {
		return supportInvalidBody("subdomain", "BlankValue", "Subdomain cannot be blank")
	}
	if problem := subdomainProblem(sub); problem != "" {
		return supportInvalidBody("subdomain", "InvalidValue", problem)
	}
	if ownerEmail == "" {
		return supportInvalidBody("email", "BlankValue", "Owner email cannot be blank")
	}
	if !validEmail(ownerEmail) {
		return supportInvalidBody("email", "InvalidValue", "Owner email "+ownerEmail+" is not properly formatted")
	}
	return nil
}

// handleReleaseAccount serves DELETE /api/v2/accounts/{subdomain} (our assumption; not
// public): the account owner deletes an account that is not linked to Sell, e.g. a new
// subdomain a cancelled migration created. Releasing also forgets the Idempotency-Key
// that created it, so a restarted migration can create the subdomain again.
func (s *Sim) handleReleaseAccount(w http.ResponseWriter, r *http.Request) {
	acct, ok := s.supportAccountFor(w, r, r.PathValue("subdomain"))
	if !ok {
		return
	}
	me, err := s.authenticateSupport(r.Context(), r, acct)
	if errors.Is(err, errUnauthenticated) {
		supportUnauthorized(w)
		return
	}
	if errors.Is(err, errScopeForbidden) {
		supportForbidden(w, "You do not have access to this page: the OAuth token's scope does not allow this request.")
		return
	}
	if err != nil {
		s.internalError(w, r, err)
		return
	}
	if me.ID != acct.OwnerID {
		supportForbidden(w, "Only the account owner can release the account")
		return
	}
	var resp storedResponse
	err = s.store.write(r.Context(), func(tx *sql.Tx) error {
		cur, err := accountBySubdomain(r.Context(), tx, acct.Subdomain)
		if errors.Is(err, errNotFound) || err == nil && cur.ID != acct.ID {
			resp = jsonResponse(http.StatusNotFound, supportErrorBody{Error: "RecordNotFound", Description: "Not found"})
			return nil
		}
		if err != nil {
			return err
		}
		if cur.LinkedSellID.Valid {
			resp = jsonResponse(http.StatusConflict, supportErrorBody{Error: "AccountLinked",
				Description: "Account " + cur.Subdomain + " is linked to a Sell account and cannot be released"})
			return nil
		}
		if _, err := tx.ExecContext(r.Context(), `DELETE FROM support_accounts WHERE id = ?`, cur.ID); err != nil {
			return err
		}
		if _, err := tx.ExecContext(r.Context(), `DELETE FROM idempotency_keys WHERE scope = ? AND resource = ?`,
			idemScopeAccounts, cur.Subdomain); err != nil {
			return err
		}
		resp = storedResponse{Status: http.StatusNoContent}
		return appendLedger(r.Context(), tx, LedgerAccountReleased, cur.Subdomain, "by="+me.Email, s.nowString())
	})
	if err != nil {
		s.internalError(w, r, err)
		return
	}
	if resp.Status == http.StatusNoContent {
		s.log.Info("support account released", zap.String("subdomain", acct.Subdomain))
		w.WriteHeader(http.StatusNoContent)
		return
	}
	writeStored(w, resp, false)
}

// handleGetAccount serves GET /api/v2/account (our assumption): the account and its owner.
func (s *Sim) handleGetAccount(w http.ResponseWriter, r *http.Request, acct supportAccount, _ supportUser) {
	writeJSON(w, http.StatusOK, map[string]accountJSON{"account": s.accountJSON(r, acct)})
}

// handleAccountSettings serves a small GET /api/v2/account/settings, with the account's
// bulk imports setting under imports.bulk_user_imports (our assumption: Zendesk
// documents no field for it).
func (s *Sim) handleAccountSettings(w http.ResponseWriter, r *http.Request, acct supportAccount, _ supportUser) {
	bulk, err := bulkImportsEnabled(r.Context(), s.store.db, acct.ID)
	if err != nil {
		s.internalError(w, r, err)
		return
	}
	writeJSON(w, http.StatusOK, map[string]any{"settings": map[string]any{
		"imports": map[string]bool{"bulk_user_imports": bulk},
		"branding": map[string]string{
			"header_color": "03363D", "page_background_color": "FFFFFF",
			"tab_background_color": "7FA239", "text_color": "FFFFFF",
		},
		"active_features": map[string]bool{
			"sell": acct.LinkedSellID.Valid, "chat": false, "voice": false, "sandbox": false,
		},
		"localization": map[string]string{"locale_ids": "1", "time_zone": "UTC"},
	}})
}

// customRoleJSON is one entry of GET /api/v2/custom_roles.
type customRoleJSON struct {
	ID          int64  `json:"id"`
	Name        string `json:"name"`
	Description string `json:"description"`
	RoleType    int    `json:"role_type"`
	// TeamMemberCount is how many users hold the role.
	TeamMemberCount int    `json:"team_member_count"`
	CreatedAt       string `json:"created_at"`
	UpdatedAt       string `json:"updated_at"`
}

// handleCustomRoles serves GET /api/v2/custom_roles.
func (s *Sim) handleCustomRoles(w http.ResponseWriter, r *http.Request, acct supportAccount, _ supportUser) {
	roles, err := customRoles(r.Context(), s.store.db, acct.ID)
	if err != nil {
		s.internalError(w, r, err)
		return
	}
	out := make([]customRoleJSON, 0, len(roles))
	for _, cr := range roles {
		members, err := roleMemberCount(r.Context(), s.store.db, acct.ID, cr.ID)
		if err != nil {
			s.internalError(w, r, err)
			return
		}
		out = append(out, toCustomRoleJSON(cr, members))
	}
	writeJSON(w, http.StatusOK, map[string]any{"custom_roles": out})
}
