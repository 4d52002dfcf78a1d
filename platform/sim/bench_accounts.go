package sim

import (
	"context"
	"database/sql"
	"fmt"
)

// BenchAccounts describes synthetic accounts for load runs: Count legacy Sell accounts
// with ids FirstID, FirstID+1, …, each with an admin, an owner who holds a Sell license
// and UsersPerAccount-2 further users, plus a Support account per Sell account whose
// owner is that owner. They follow the demo naming: Sell account i is "Bench<i>", its
// admin admin@bench<i>.test, its owner owner@bench<i>.test, its Zendesk subdomain
// bench<i>. So an existing-mode migration of each runs the whole procedure, owner login
// included.
type BenchAccounts struct {
	FirstID         int64
	Count           int
	UsersPerAccount int
}

// BenchSubdomain is the Zendesk subdomain AddBenchAccounts creates for Sell account id.
func BenchSubdomain(id int64) string { return fmt.Sprintf("bench%d", id) }

// BenchOwnerEmail is the Zendesk owner (and licensed Sell user) of bench account id.
func BenchOwnerEmail(id int64) string { return fmt.Sprintf("owner@bench%d.test", id) }

// BenchAdminEmail is the Sell admin of bench account id.
func BenchAdminEmail(id int64) string { return fmt.Sprintf("admin@bench%d.test", id) }

// AddBenchAccounts creates the accounts in one transaction (thousands in a second or
// two, where one HTTP call per account would dominate a benchmark's setup). An id
// already in use fails the whole batch and changes nothing.
func (s *Sim) AddBenchAccounts(ctx context.Context, b BenchAccounts) error {
	if b.FirstID < 1 || b.Count < 1 {
		return fmt.Errorf("sim: bench accounts need FirstID >= 1 and Count >= 1, got %d and %d", b.FirstID, b.Count)
	}
	if b.UsersPerAccount < 2 {
		b.UsersPerAccount = 2 // the admin and the owner
	}
	now := s.nowString()
	err := s.store.write(ctx, func(tx *sql.Tx) error {
		for i := 0; i < b.Count; i++ {
			if err := addBenchAccount(ctx, tx, b.FirstID+int64(i), b.UsersPerAccount, now); err != nil {
				return err
			}
		}
		return nil
	})
	if err != nil {
		return fmt.Errorf("sim: add %d bench accounts from id %d (pick a FirstID above the ids in use): %w", b.Count, b.FirstID, err)
	}
	return nil
}

func addBenchAccount(ctx context.Context, tx *sql.Tx, id int64, users int, now string) error {
	name := fmt.Sprintf("Bench%d", id)
	if _, err := tx.ExecContext(ctx, `INSERT INTO sell_accounts (id, name, subdomain, linked_at, currency, time_zone, created_at)
		VALUES (?, ?, NULL, NULL, 'USD', 'UTC', ?)`, id, name, now); err != nil {
		return fmt.Errorf("insert sell account %d: %w", id, err)
	}
	people := []seedPerson{{name + " Admin", BenchAdminEmail(id)}, {name + " Owner", BenchOwnerEmail(id)}}
	for u := 2; u < users; u++ {
		people = append(people, seedPerson{fmt.Sprintf("%s User %d", name, u), fmt.Sprintf("user%d@bench%d.test", u, id)})
	}
	for i, p := range people {
		role := sellRoleUser
		if i == 0 {
			role = sellRoleAdmin
		}
		if _, err := tx.ExecContext(ctx, `INSERT INTO sell_users
			(account_id, name, email, role, status, confirmed, created_at, updated_at) VALUES (?, ?, ?, ?, 'active', 1, ?, ?)`,
			id, p.name, p.email, role, now, now); err != nil {
			return fmt.Errorf("insert sell user %s: %w", p.email, err)
		}
	}
	if _, err := insertSeededAccount(ctx, tx, BenchSubdomain(id), name, people[1].name, people[1].email, now); err != nil {
		return err
	}
	return nil
}
