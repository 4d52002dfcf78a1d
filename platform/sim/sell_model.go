package sim

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
)

// sellAccount is one simulated Zendesk Sell account; Subdomain is NULL while it is legacy.
type sellAccount struct {
	ID        int64
	Name      string
	Subdomain sql.NullString
	LinkedAt  sql.NullString
	Currency  string
	TimeZone  string
}

// sellUser is one row of sell_users. An active Sell user holds a Sell license.
type sellUser struct {
	ID        int64
	AccountID int64
	Name      string
	Email     string
	Role      string // user | admin
	Status    string // active | inactive
	Confirmed bool
	CreatedAt string
	UpdatedAt string
}

// Sell roles and statuses.
const (
	sellRoleUser       = "user"
	sellRoleAdmin      = "admin"
	sellStatusActive   = "active"
	sellStatusInactive = "inactive"
)

func sellAccountByID(ctx context.Context, q queryer, id int64) (sellAccount, error) {
	var a sellAccount
	err := q.QueryRowContext(ctx, `SELECT id, name, subdomain, linked_at, currency, time_zone
		FROM sell_accounts WHERE id = ?`, id).
		Scan(&a.ID, &a.Name, &a.Subdomain, &a.LinkedAt, &a.Currency, &a.TimeZone)
	if errors.Is(err, sql.ErrNoRows) {
		return a, errNotFound
	}
	return a, err
}

const sellUserColumns = `id, account_id, name, email, role, status, confirmed, created_at, updated_at`

func scanSellUser(row interface{ Scan(...any) error }) (sellUser, error) {
	var u sellUser
	var confirmed int
	err := row.Scan(&u.ID, &u.AccountID, &u.Name, &u.Email, &u.Role, &u.Status, &confirmed, &u.CreatedAt, &u.UpdatedAt)
	if errors.Is(err, sql.ErrNoRows) {
		return u, errNotFound
	}
	u.Confirmed = confirmed == 1
	return u, err
}

func sellUserByID(ctx context.Context, q queryer, accountID, id int64) (sellUser, error) {
	return scanSellUser(q.QueryRowContext(ctx,
		`SELECT `+sellUserColumns+` FROM sell_users WHERE account_id = ? AND id = ?`, accountID, id))
}

func sellUserByEmail(ctx context.Context, q queryer, accountID int64, email string) (sellUser, error) {
	return scanSellUser(q.QueryRowContext(ctx,
		`SELECT `+sellUserColumns+` FROM sell_users WHERE account_id = ? AND email = ?`, accountID, normalizeEmail(email)))
}

// sellAdmin is the user /v2/users/self answers with: the token identifies the account,
// and the account's first admin is the person holding it.
func sellAdmin(ctx context.Context, q queryer, accountID int64) (sellUser, error) {
	return scanSellUser(q.QueryRowContext(ctx, `SELECT `+sellUserColumns+` FROM sell_users
		WHERE account_id = ? AND role = 'admin' AND status = 'active' ORDER BY id LIMIT 1`, accountID))
}

func insertSellUser(ctx context.Context, q queryer, u sellUser) (int64, error) {
	res, err := q.ExecContext(ctx, `INSERT INTO sell_users
		(account_id, name, email, role, status, confirmed, created_at, updated_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?)`,
		u.AccountID, u.Name, normalizeEmail(u.Email), u.Role, u.Status, boolInt(u.Confirmed), u.CreatedAt, u.UpdatedAt)
	if err != nil {
		return 0, fmt.Errorf("insert sell user %s: %w", u.Email, err)
	}
	return res.LastInsertId()
}
