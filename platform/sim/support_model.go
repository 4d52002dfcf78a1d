package sim

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"strings"
)

// supportAccount is one simulated Zendesk account (a subdomain).
type supportAccount struct {
	ID           int64
	Subdomain    string
	Name         string
	OwnerID      int64
	LinkedSellID sql.NullInt64
	CreatedAt    string
}

// supportUser is one row of support_users.
type supportUser struct {
	ID           int64
	AccountID    int64
	Name         string
	Email        string
	Role         string
	CustomRoleID sql.NullInt64
	RoleType     sql.NullInt64
	Active       bool
	Suspended    bool
	Verified     bool
	CreatedAt    string
	UpdatedAt    string
	// ExternalID is kept as the client wrote it and matched without regard to case.
	ExternalID sql.NullString
}

// customRole is one row of custom_roles.
type customRole struct {
	ID          int64
	AccountID   int64
	Name        string
	RoleType    int
	Description string
	CreatedAt   string
}

// Zendesk roles and role types the simulator knows.
const (
	roleEndUser = "end-user"
	roleAgent   = "agent"
	roleAdmin   = "admin"

	roleTypeLightAgent  = 1
	roleTypeContributor = 3
	roleTypeAdmin       = 4

	contributorRoleName = "Contributor"
)

// defaultCustomRoles exist in every Support account, seeded or created through the API.
var defaultCustomRoles = []struct {
	name, description string
	roleType          int
}{
	{contributorRoleName, "Can view tickets and add internal notes; no paid agent seat (Sell users added to Zendesk).", roleTypeContributor},
	{"Light Agent", "Can view tickets and add private comments.", roleTypeLightAgent},
}

var errNotFound = errors.New("not found")

const accountColumns = `id, subdomain, name, COALESCE(owner_id, 0), linked_sell_id, created_at`

func scanAccount(row interface{ Scan(...any) error }) (supportAccount, error) {
	var a supportAccount
	err := row.Scan(&a.ID, &a.Subdomain, &a.Name, &a.OwnerID, &a.LinkedSellID, &a.CreatedAt)
	if errors.Is(err, sql.ErrNoRows) {
		return a, errNotFound
	}
	return a, err
}

func accountBySubdomain(ctx context.Context, q queryer, subdomain string) (supportAccount, error) {
	return scanAccount(q.QueryRowContext(ctx,
		`SELECT `+accountColumns+` FROM support_accounts WHERE subdomain = ?`, strings.ToLower(subdomain)))
}

const userColumns = `id, account_id, name, email, role, custom_role_id, role_type, active, suspended, verified, created_at, updated_at, external_id`

func scanUser(row interface{ Scan(...any) error }) (supportUser, error) {
	var u supportUser
	var active, suspended, verified int
	err := row.Scan(&u.ID, &u.AccountID, &u.Name, &u.Email, &u.Role, &u.CustomRoleID, &u.RoleType,
		&active, &suspended, &verified, &u.CreatedAt, &u.UpdatedAt, &u.ExternalID)
	if errors.Is(err, sql.ErrNoRows) {
		return u, errNotFound
	}
	u.Active, u.Suspended, u.Verified = active == 1, suspended == 1, verified == 1
	return u, err
}

func scanUsers(rows *sql.Rows) ([]supportUser, error) {
	defer rows.Close()
	var out []supportUser
	for rows.Next() {
		u, err := scanUser(rows)
		if err != nil {
			return nil, err
		}
		out = append(out, u)
	}
	return out, rows.Err()
}

func userByID(ctx context.Context, q queryer, accountID, id int64) (supportUser, error) {
	return scanUser(q.QueryRowContext(ctx,
		`SELECT `+userColumns+` FROM support_users WHERE account_id = ? AND id = ?`, accountID, id))
}

func userByEmail(ctx context.Context, q queryer, accountID int64, email string) (supportUser, error) {
	return scanUser(q.QueryRowContext(ctx,
		`SELECT `+userColumns+` FROM support_users WHERE account_id = ? AND email = ?`, accountID, normalizeEmail(email)))
}

// insertUser adds a user and returns its id; the UNIQUE (account_id, email) constraint
// and the unique external_id index reject a duplicate even under concurrency.
func insertUser(ctx context.Context, q queryer, u supportUser) (int64, error) {
	res, err := q.ExecContext(ctx, `INSERT INTO support_users
		(account_id, name, email, role, custom_role_id, role_type, active, suspended, verified, created_at, updated_at, external_id)
		VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`,
		u.AccountID, u.Name, normalizeEmail(u.Email), u.Role, u.CustomRoleID, u.RoleType,
		boolInt(u.Active), boolInt(u.Suspended), boolInt(u.Verified), u.CreatedAt, u.UpdatedAt, u.ExternalID)
	if err != nil {
		return 0, fmt.Errorf("insert support user %s: %w", u.Email, err)
	}
	return res.LastInsertId()
}

func updateUser(ctx context.Context, q queryer, u supportUser) error {
	_, err := q.ExecContext(ctx, `UPDATE support_users SET name = ?, email = ?, role = ?, custom_role_id = ?,
		role_type = ?, active = ?, suspended = ?, verified = ?, updated_at = ?, external_id = ? WHERE id = ?`,
		u.Name, normalizeEmail(u.Email), u.Role, u.CustomRoleID, u.RoleType,
		boolInt(u.Active), boolInt(u.Suspended), boolInt(u.Verified), u.UpdatedAt, u.ExternalID, u.ID)
	if err != nil {
		return fmt.Errorf("update support user %d: %w", u.ID, err)
	}
	return nil
}

func customRoles(ctx context.Context, q queryer, accountID int64) ([]customRole, error) {
	rows, err := q.QueryContext(ctx, `SELECT id, account_id, name, role_type, description, created_at
		FROM custom_roles WHERE account_id = ? ORDER BY id`, accountID)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	var out []customRole
	for rows.Next() {
		var r customRole
		if err := rows.Scan(&r.ID, &r.AccountID, &r.Name, &r.RoleType, &r.Description, &r.CreatedAt); err != nil {
			return nil, err
		}
		out = append(out, r)
	}
	return out, rows.Err()
}

func customRoleByID(ctx context.Context, q queryer, accountID, id int64) (customRole, error) {
	var r customRole
	err := q.QueryRowContext(ctx, `SELECT id, account_id, name, role_type, description, created_at
		FROM custom_roles WHERE account_id = ? AND id = ?`, accountID, id).
		Scan(&r.ID, &r.AccountID, &r.Name, &r.RoleType, &r.Description, &r.CreatedAt)
	if errors.Is(err, sql.ErrNoRows) {
		return r, errNotFound
	}
	return r, err
}

// insertAccount creates an account, its default custom roles and its owner (an admin).
func insertAccount(ctx context.Context, q queryer, subdomain, name, ownerName, ownerEmail, now string) (supportAccount, error) {
	res, err := q.ExecContext(ctx, `INSERT INTO support_accounts (subdomain, name, created_at) VALUES (?, ?, ?)`,
		subdomain, name, now)
	if err != nil {
		return supportAccount{}, fmt.Errorf("insert support account %s: %w", subdomain, err)
	}
	id, err := res.LastInsertId()
	if err != nil {
		return supportAccount{}, err
	}
	for _, r := range defaultCustomRoles {
		if _, err := q.ExecContext(ctx, `INSERT INTO custom_roles (account_id, name, role_type, description, created_at)
			VALUES (?, ?, ?, ?, ?)`, id, r.name, r.roleType, r.description, now); err != nil {
			return supportAccount{}, fmt.Errorf("insert custom role %s for %s: %w", r.name, subdomain, err)
		}
	}
	ownerID, err := insertUser(ctx, q, supportUser{
		AccountID: id, Name: ownerName, Email: ownerEmail, Role: roleAdmin,
		RoleType: sql.NullInt64{Int64: roleTypeAdmin, Valid: true},
		Active:   true, Verified: true, CreatedAt: now, UpdatedAt: now,
	})
	if err != nil {
		return supportAccount{}, err
	}
	if _, err := q.ExecContext(ctx, `UPDATE support_accounts SET owner_id = ? WHERE id = ?`, ownerID, id); err != nil {
		return supportAccount{}, fmt.Errorf("set owner of %s: %w", subdomain, err)
	}
	return supportAccount{ID: id, Subdomain: subdomain, Name: name, OwnerID: ownerID, CreatedAt: now}, nil
}

func normalizeEmail(email string) string { return strings.ToLower(strings.TrimSpace(email)) }

// validEmail is the simulator's deliberately simple address check: no spaces, one @,
// something before it and a dotted domain after it.
func validEmail(e string) bool {
	if strings.ContainsAny(e, " \t\r\n") {
		return false
	}
	local, domain, ok := strings.Cut(e, "@")
	return ok && local != "" && !strings.Contains(domain, "@") && strings.Contains(domain, ".") &&
		!strings.HasPrefix(domain, ".") && !strings.HasSuffix(domain, ".")
}
