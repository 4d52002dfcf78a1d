package sim

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"time"
)

// seedTime stamps every demo row, so two fresh simulators serve identical data.
const seedTime = "2024-01-15T09:00:00Z"

// First ids handed out, so Support user ids, custom role ids and Sell user ids live in
// visibly different ranges (a client that mixes them up fails loudly, not by luck).
var idFloors = map[string]int64{
	"support_accounts": 100,
	"custom_roles":     360000000000,
	"support_users":    10000000000,
	"sell_users":       200000,
}

type seedPerson struct{ name, email string }

type seedSellAccount struct {
	id        int64
	name      string
	subdomain string // "" while legacy
	admin     seedPerson
	users     []seedPerson
	// jobDuration, when set, is how long bulk jobs take in the Zendesk account linked
	// to it; only Stark sets one (2 s, slow as real jobs are, once its bulk imports are
	// turned on); the others follow sim.job_duration.
	jobDuration time.Duration
}

// seedSupportAccount is a Zendesk account that exists before any migration runs.
type seedSupportAccount struct {
	subdomain, name string
	owner           seedPerson
	endUsers        []seedPerson
	contributors    []seedPerson
	linkedSellID    int64
	// bulkImportsDisabled leaves create_many answering 403, as Zendesk ships new
	// accounts (support_imports.go); only Stark's demo account has it.
	bulkImportsDisabled bool
}

var demoSellAccounts = []seedSellAccount{
	{id: 1001, name: "Acme", admin: seedPerson{"Acme Admin", "admin@acme.test"}, users: []seedPerson{
		{"Ana Alvarez", "ana@acme.test"}, {"Ben Brooks", "ben@acme.test"},
		{"Carla Chen", "carla@acme.test"}, {"Dan Diaz", "dan@acme.test"},
	}},
	{id: 1002, name: "Globex", admin: seedPerson{"Globex Admin", "admin@globex.test"}, users: []seedPerson{
		{"Olivia Owner", "owner@globex.test"}, {"Lee Lambert", "lee@globex.test"},
		{"Mia Moreau", "mia@globex.test"}, {"Noah Novak", "noah@globex.test"},
		{"Priya Patel", "priya@globex.test"}, {"Quinn Quade", "quinn@globex.test"},
		{"Rosa Rossi", "rosa@globex.test"},
	}},
	{id: 1003, name: "Initech", admin: seedPerson{"Initech Admin", "admin@initech.test"}, users: []seedPerson{
		{"Peter Gibbons", "peter@initech.test"}, {"Samir Nagheenanajar", "samir@initech.test"},
		{"Milton Waddams", "milton@initech.test"},
	}},
	{id: 1004, name: "Umbrella", subdomain: "umbrella", admin: seedPerson{"Umbrella Admin", "admin@umbrella.test"}, users: []seedPerson{
		{"Jill Valentine", "jill@umbrella.test"}, {"Chris Redfield", "chris@umbrella.test"},
	}},
	{id: 1005, name: "Hooli", admin: seedPerson{"Hooli Admin", "admin@hooli.test"}},
	{id: 1007, name: "Stark", admin: seedPerson{"Stark Admin", "admin@stark.test"}, jobDuration: 2 * time.Second},
}

// hooliUsers is how many Sell users Hooli has in total (its admin included).
const hooliUsers = 2500

// starkUsers is how many Sell users Stark has in total: its admin, the owner of its
// Zendesk account and user0001..user0298@stark.test.
const starkUsers = 300

var demoSupportAccounts = []seedSupportAccount{
	{subdomain: "globex", name: "Globex", owner: seedPerson{"Olivia Owner", "owner@globex.test"},
		endUsers: []seedPerson{{"Lee Lambert", "lee@globex.test"}}},
	{subdomain: "initech", name: "Initech", owner: seedPerson{"Bill Lumbergh", "owner@initech.test"}},
	{subdomain: "umbrella", name: "Umbrella", owner: seedPerson{"Umbrella Admin", "admin@umbrella.test"},
		contributors: []seedPerson{{"Jill Valentine", "jill@umbrella.test"}, {"Chris Redfield", "chris@umbrella.test"}},
		linkedSellID: 1004},
	{subdomain: "taken", name: "Taken", owner: seedPerson{"Tess Taken", "owner@taken.test"}},
	// Stark's Zendesk account was never asked to allow bulk imports: its contributors
	// are created one at a time.
	{subdomain: "stark", name: "Stark", owner: seedPerson{"Pepper Potts", "owner@stark.test"}, bulkImportsDisabled: true},
}

// seedIfEmpty loads the demo data once, in one transaction: a crash mid-seed leaves an
// empty database that the next start seeds again, never a half-seeded one.
func (s *store) seedIfEmpty(ctx context.Context) (bool, error) {
	seeded := false
	err := s.write(ctx, func(tx *sql.Tx) error {
		var v string
		err := tx.QueryRowContext(ctx, `SELECT value FROM meta WHERE key = 'seeded_at'`).Scan(&v)
		if err == nil {
			return nil
		}
		if !errors.Is(err, sql.ErrNoRows) {
			return err
		}
		if err := seedDemo(ctx, tx); err != nil {
			return err
		}
		seeded = true
		_, err = tx.ExecContext(ctx, `INSERT INTO meta (key, value) VALUES ('seeded_at', ?)`, seedTime)
		return err
	})
	if err != nil {
		return false, fmt.Errorf("sim: seed demo data: %w", err)
	}
	return seeded, nil
}

func seedDemo(ctx context.Context, tx *sql.Tx) error {
	for table, floor := range idFloors {
		if _, err := tx.ExecContext(ctx, `INSERT INTO sqlite_sequence (name, seq) VALUES (?, ?)`, table, floor); err != nil {
			return fmt.Errorf("set id floor of %s: %w", table, err)
		}
	}
	if err := seedSell(ctx, tx); err != nil {
		return err
	}
	for _, a := range demoSupportAccounts {
		if err := seedSupport(ctx, tx, a); err != nil {
			return err
		}
	}
	return nil
}

func seedSell(ctx context.Context, tx *sql.Tx) error {
	stmt, err := tx.PrepareContext(ctx, `INSERT INTO sell_users
		(account_id, name, email, role, status, confirmed, created_at, updated_at) VALUES (?, ?, ?, ?, 'active', 1, ?, ?)`)
	if err != nil {
		return err
	}
	defer stmt.Close()
	for _, a := range demoSellAccounts {
		var sub, linkedAt any
		if a.subdomain != "" {
			sub, linkedAt = a.subdomain, seedTime
		}
		if _, err := tx.ExecContext(ctx, `INSERT INTO sell_accounts (id, name, subdomain, linked_at, currency, time_zone, created_at, job_duration_ms)
			VALUES (?, ?, ?, ?, 'USD', 'UTC', ?, ?)`, a.id, a.name, sub, linkedAt, seedTime, jobDurationColumn(a.jobDuration.Milliseconds())); err != nil {
			return fmt.Errorf("insert sell account %d: %w", a.id, err)
		}
		if _, err := stmt.ExecContext(ctx, a.id, a.admin.name, a.admin.email, sellRoleAdmin, seedTime, seedTime); err != nil {
			return fmt.Errorf("insert sell admin of %d: %w", a.id, err)
		}
		users := a.users
		switch a.id {
		case 1005:
			users = hooliPeople()
		case 1007:
			users = starkPeople()
		}
		for _, u := range users {
			if _, err := stmt.ExecContext(ctx, a.id, u.name, u.email, sellRoleUser, seedTime, seedTime); err != nil {
				return fmt.Errorf("insert sell user %s: %w", u.email, err)
			}
		}
	}
	return nil
}

// hooliPeople are user0001..user2499@hooli.test; with the admin, 2,500 Sell users.
func hooliPeople() []seedPerson {
	out := make([]seedPerson, 0, hooliUsers-1)
	for i := 1; i < hooliUsers; i++ {
		out = append(out, seedPerson{fmt.Sprintf("Hooli User %04d", i), fmt.Sprintf("user%04d@hooli.test", i)})
	}
	return out
}

// starkPeople are Stark's Sell users besides its admin: the owner of its Zendesk
// account (who holds a Sell license) and user0001..user0298@stark.test.
func starkPeople() []seedPerson {
	out := make([]seedPerson, 0, starkUsers-1)
	out = append(out, seedPerson{"Pepper Potts", "owner@stark.test"})
	for i := 1; i < starkUsers-1; i++ {
		out = append(out, seedPerson{fmt.Sprintf("Stark User %04d", i), fmt.Sprintf("user%04d@stark.test", i)})
	}
	return out
}

func seedSupport(ctx context.Context, tx *sql.Tx, a seedSupportAccount) error {
	acct, err := insertSeededAccount(ctx, tx, a.subdomain, a.name, a.owner.name, a.owner.email, seedTime)
	if err != nil {
		return err
	}
	if a.bulkImportsDisabled {
		if err := setBulkImports(ctx, tx, acct.ID, false); err != nil {
			return err
		}
	}
	for _, p := range a.endUsers {
		if _, err := insertUser(ctx, tx, supportUser{AccountID: acct.ID, Name: p.name, Email: p.email, Role: roleEndUser,
			Active: true, Verified: true, CreatedAt: seedTime, UpdatedAt: seedTime}); err != nil {
			return err
		}
	}
	if err := insertContributors(ctx, tx, acct, a.contributors, seedTime); err != nil {
		return err
	}
	if a.linkedSellID != 0 {
		if _, err := tx.ExecContext(ctx, `UPDATE support_accounts SET linked_sell_id = ? WHERE id = ?`,
			a.linkedSellID, acct.ID); err != nil {
			return fmt.Errorf("link %s to sell %d: %w", a.subdomain, a.linkedSellID, err)
		}
	}
	return nil
}

// insertContributors adds people to a Support account as agents with its Contributor
// role, as a finished migration leaves them.
func insertContributors(ctx context.Context, tx *sql.Tx, acct supportAccount, people []seedPerson, now string) error {
	if len(people) == 0 {
		return nil
	}
	var roleID int64
	if err := tx.QueryRowContext(ctx, `SELECT id FROM custom_roles WHERE account_id = ? AND name = ?`,
		acct.ID, contributorRoleName).Scan(&roleID); err != nil {
		return fmt.Errorf("find contributor role of %s: %w", acct.Subdomain, err)
	}
	for _, p := range people {
		if _, err := insertUser(ctx, tx, supportUser{AccountID: acct.ID, Name: p.name, Email: p.email, Role: roleAgent,
			CustomRoleID: sql.NullInt64{Int64: roleID, Valid: true},
			RoleType:     sql.NullInt64{Int64: roleTypeContributor, Valid: true},
			Active:       true, Verified: true, CreatedAt: now, UpdatedAt: now}); err != nil {
			return err
		}
	}
	return nil
}

// insertSuspendedAgents adds people to a Support account as agents (no custom role) whom
// an admin has suspended: they exist, but cannot sign in or work there.
func insertSuspendedAgents(ctx context.Context, tx *sql.Tx, acct supportAccount, people []seedPerson, now string) error {
	for _, p := range people {
		if _, err := insertUser(ctx, tx, supportUser{AccountID: acct.ID, Name: p.name, Email: p.email, Role: roleAgent,
			Active: true, Suspended: true, Verified: true, CreatedAt: now, UpdatedAt: now}); err != nil {
			return err
		}
	}
	return nil
}
