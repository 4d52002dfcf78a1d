package sim

import (
	"context"
	"database/sql"
	"encoding/json"
	"errors"
	"fmt"
	"net/http"
	"strconv"
	"strings"
	"time"
	"unicode"

	"go.uber.org/zap"
)

// AccountSpec describes one more legacy Sell account, beyond the six demo accounts,
// so tests can run many migrations of every demo shape. It follows the demo naming:
// the admin is admin@<slug>.test and the users user0001@<slug>.test…, where slug is the
// name in lowercase letters and digits only.
type AccountSpec struct {
	SellAccountID int64  `json:"sellAccountId"`
	Name          string `json:"name"`
	// Users is how many Sell users the account has besides its admin.
	Users int `json:"users"`
	// InactiveUsers is how many of those users are deactivated in Sell (the last ones,
	// up to user<Users>): no Sell license, so not converted, only reported.
	InactiveUsers int `json:"inactiveUsers,omitempty"`
	// ConnectedSubdomain, when set, makes the account already connected to a Zendesk
	// account of that subdomain (created here, owned by the admin, every other Sell user
	// a contributor there): a finished migration, like demo 1004.
	ConnectedSubdomain string `json:"connectedSubdomain,omitempty"`
	// ExistingSupport, when set, creates a Zendesk account the Sell account can join
	// in existing mode, like demos 1002 and 1003.
	ExistingSupport *ExistingSupportSpec `json:"existingSupport,omitempty"`
	// JobDurationMs, when set, is how long bulk jobs take (in milliseconds) in the
	// Zendesk account this Sell account is linked to, instead of the simulator's
	// sim.job_duration: a slow Zendesk for one account. 0 means the simulator's.
	JobDurationMs int64 `json:"jobDurationMs,omitempty"`
}

// maxJobDurationMs bounds JobDurationMs: an hour, after which Zendesk forgets a job.
const maxJobDurationMs = int64(time.Hour / time.Millisecond)

// ExistingSupportSpec is a Zendesk account that exists before the migration.
type ExistingSupportSpec struct {
	Subdomain  string `json:"subdomain"`
	OwnerEmail string `json:"ownerEmail"`
	// OwnerHasSellLicense makes the owner also an active Sell user of the account.
	OwnerHasSellLicense bool `json:"ownerHasSellLicense"`
	// SuspendedAgents makes the first that many Sell users (user0001…) agents of this
	// Zendesk account already, suspended there: the conversion reports them.
	SuspendedAgents int `json:"suspendedAgents,omitempty"`
	// BulkImportsDisabled leaves the account's bulk user imports off, as Zendesk ships
	// new accounts: create_many answers 403 "Data imports are not enabled", like demo
	// 1007 Stark.
	BulkImportsDisabled bool `json:"bulkImportsDisabled,omitempty"`
}

// AccountAdded is what AddAccount created.
type AccountAdded struct {
	SellAccountID int64  `json:"sellAccountId"`
	Name          string `json:"name"`
	AdminEmail    string `json:"adminEmail"`
	// SellUsers counts every Sell user, the admin (and a licensed owner) included.
	SellUsers int    `json:"sellUsers"`
	SellToken string `json:"sellToken"`
	// SupportSubdomain is the Zendesk account created with it, if any, and
	// SupportAPIToken that account's API token (DemoAPIToken of the subdomain).
	SupportSubdomain string `json:"supportSubdomain,omitempty"`
	SupportAPIToken  string `json:"supportApiToken,omitempty"`
}

// Errors AddAccount wraps, so the HTTP handler can choose 422 or 409.
var (
	errBadAccountSpec = errors.New("invalid account")
	errAccountExists  = errors.New("already exists")
)

// maxSpecUsers bounds one account's users, keeping one request's transaction short.
const maxSpecUsers = 10_000

// AddAccount creates the Sell account, its users and (if asked) its Zendesk account in
// one transaction, so a failure leaves nothing behind. It writes no ledger entry: the
// ledger records what migrations do, and this is test set-up.
func (s *Sim) AddAccount(ctx context.Context, spec AccountSpec) (AccountAdded, error) {
	slug, err := spec.check()
	if err != nil {
		return AccountAdded{}, fmt.Errorf("sim: add account: %w", err)
	}
	now := s.nowString()
	out := AccountAdded{SellAccountID: spec.SellAccountID, Name: spec.Name, AdminEmail: "admin@" + slug + ".test",
		SellToken: strings.Replace(s.cfg.SellTokenTemplate, accountIDPlaceholder, strconv.FormatInt(spec.SellAccountID, 10), 1)}
	err = s.store.write(ctx, func(tx *sql.Tx) error {
		if err := specFree(ctx, tx, spec); err != nil {
			return err
		}
		var sub, linkedAt any
		if spec.ConnectedSubdomain != "" {
			sub, linkedAt = spec.ConnectedSubdomain, now
		}
		if _, err := tx.ExecContext(ctx, `INSERT INTO sell_accounts (id, name, subdomain, linked_at, currency, time_zone, created_at, job_duration_ms)
			VALUES (?, ?, ?, ?, 'USD', 'UTC', ?, ?)`, spec.SellAccountID, spec.Name, sub, linkedAt, now, jobDurationColumn(spec.JobDurationMs)); err != nil {
			return fmt.Errorf("insert sell account %d: %w", spec.SellAccountID, err)
		}
		people := spec.people(slug)
		for i, p := range people {
			role := sellRoleUser
			if i == 0 {
				role = sellRoleAdmin
			}
			status := sellStatusActive
			if spec.inactive(i) {
				status = sellStatusInactive
			}
			if _, err := insertSellUser(ctx, tx, sellUser{AccountID: spec.SellAccountID, Name: p.name, Email: p.email,
				Role: role, Status: status, Confirmed: true, CreatedAt: now, UpdatedAt: now}); err != nil {
				return err
			}
		}
		out.SellUsers = len(people)
		return spec.addSupport(ctx, tx, people, &out, now)
	})
	if err != nil {
		return AccountAdded{}, fmt.Errorf("sim: add account %d: %w", spec.SellAccountID, err)
	}
	s.log.Info("account added", zap.Int64("sellAccountId", spec.SellAccountID), zap.Int("sellUsers", out.SellUsers),
		zap.String("supportSubdomain", out.SupportSubdomain))
	return out, nil
}

// check validates the spec and returns the slug its emails use.
func (spec *AccountSpec) check() (string, error) {
	spec.Name = strings.TrimSpace(spec.Name)
	spec.ConnectedSubdomain = strings.ToLower(strings.TrimSpace(spec.ConnectedSubdomain))
	slug := strings.Map(func(r rune) rune {
		if r < unicode.MaxASCII && (unicode.IsLetter(r) || unicode.IsDigit(r)) {
			return unicode.ToLower(r)
		}
		return -1
	}, spec.Name)
	bad := func(format string, args ...any) (string, error) {
		return "", fmt.Errorf("%w: "+format, append([]any{errBadAccountSpec}, args...)...)
	}
	switch {
	case spec.SellAccountID < 1:
		return bad("sellAccountId %d must be a positive number, e.g. 2001", spec.SellAccountID)
	case slug == "":
		return bad("name %q needs at least one ASCII letter or digit (the emails are admin@<name>.test)", spec.Name)
	case spec.Users < 0 || spec.Users > maxSpecUsers:
		return bad("users %d must be from 0 to %d", spec.Users, maxSpecUsers)
	case spec.InactiveUsers < 0 || spec.InactiveUsers > spec.Users:
		return bad("inactiveUsers %d must be from 0 to users (%d)", spec.InactiveUsers, spec.Users)
	case spec.ConnectedSubdomain != "" && spec.ExistingSupport != nil:
		return bad("give connectedSubdomain or existingSupport, not both")
	case spec.JobDurationMs < 0 || spec.JobDurationMs > maxJobDurationMs:
		return bad("jobDurationMs %d must be from 0 (the simulator's job duration) to %d (an hour), e.g. 2000", spec.JobDurationMs, maxJobDurationMs)
	}
	if spec.ConnectedSubdomain != "" {
		if p := subdomainProblem(spec.ConnectedSubdomain); p != "" {
			return bad("connectedSubdomain %q: %s", spec.ConnectedSubdomain, p)
		}
	}
	if e := spec.ExistingSupport; e != nil {
		e.Subdomain = strings.ToLower(strings.TrimSpace(e.Subdomain))
		e.OwnerEmail = normalizeEmail(e.OwnerEmail)
		if p := subdomainProblem(e.Subdomain); p != "" {
			return bad("existingSupport.subdomain %q: %s", e.Subdomain, p)
		}
		if !validEmail(e.OwnerEmail) {
			return bad("existingSupport.ownerEmail %q is not an email address", e.OwnerEmail)
		}
		if e.SuspendedAgents < 0 || e.SuspendedAgents > spec.Users {
			return bad("existingSupport.suspendedAgents %d must be from 0 to users (%d)", e.SuspendedAgents, spec.Users)
		}
	}
	return slug, nil
}

// inactive reports whether people()[i] is deactivated in Sell: one of the last
// InactiveUsers users (index 0 is the admin, a licensed owner comes after the users).
func (spec AccountSpec) inactive(i int) bool {
	return i > spec.Users-spec.InactiveUsers && i <= spec.Users
}

// people are the admin first, then the users, then a licensed owner.
func (spec AccountSpec) people(slug string) []seedPerson {
	out := make([]seedPerson, 0, spec.Users+2)
	out = append(out, seedPerson{spec.Name + " Admin", "admin@" + slug + ".test"})
	for i := 1; i <= spec.Users; i++ {
		out = append(out, seedPerson{fmt.Sprintf("%s User %04d", spec.Name, i), fmt.Sprintf("user%04d@%s.test", i, slug)})
	}
	if e := spec.ExistingSupport; e != nil && e.OwnerHasSellLicense && e.OwnerEmail != out[0].email {
		out = append(out, seedPerson{spec.Name + " Owner", e.OwnerEmail})
	}
	return out
}

// addSupport creates the connected or existing Zendesk account, if the spec asks for one.
func (spec AccountSpec) addSupport(ctx context.Context, tx *sql.Tx, people []seedPerson, out *AccountAdded, now string) error {
	admin := people[0]
	switch {
	case spec.ConnectedSubdomain != "":
		acct, err := insertSeededAccount(ctx, tx, spec.ConnectedSubdomain, spec.Name, admin.name, admin.email, now)
		if err != nil {
			return err
		}
		if err := insertContributors(ctx, tx, acct, people[1:], now); err != nil {
			return err
		}
		if _, err := tx.ExecContext(ctx, `UPDATE support_accounts SET linked_sell_id = ? WHERE id = ?`,
			spec.SellAccountID, acct.ID); err != nil {
			return fmt.Errorf("link %s to sell %d: %w", spec.ConnectedSubdomain, spec.SellAccountID, err)
		}
		out.SupportSubdomain, out.SupportAPIToken = spec.ConnectedSubdomain, DemoAPIToken(spec.ConnectedSubdomain)
	case spec.ExistingSupport != nil:
		e := spec.ExistingSupport
		acct, err := insertSeededAccount(ctx, tx, e.Subdomain, spec.Name, spec.Name+" Owner", e.OwnerEmail, now)
		if err != nil {
			return err
		}
		if err := insertSuspendedAgents(ctx, tx, acct, people[1:1+e.SuspendedAgents], now); err != nil {
			return err
		}
		if e.BulkImportsDisabled {
			if err := setBulkImports(ctx, tx, acct.ID, false); err != nil {
				return err
			}
		}
		out.SupportSubdomain, out.SupportAPIToken = e.Subdomain, DemoAPIToken(e.Subdomain)
	}
	return nil
}

// specFree refuses a Sell id or a subdomain already in use, naming which.
func specFree(ctx context.Context, tx *sql.Tx, spec AccountSpec) error {
	if _, err := sellAccountByID(ctx, tx, spec.SellAccountID); err == nil {
		return fmt.Errorf("%w: Sell account %d exists; pick another sellAccountId", errAccountExists, spec.SellAccountID)
	} else if !errors.Is(err, errNotFound) {
		return err
	}
	sub := spec.ConnectedSubdomain
	if spec.ExistingSupport != nil {
		sub = spec.ExistingSupport.Subdomain
	}
	if sub == "" {
		return nil
	}
	if _, err := accountBySubdomain(ctx, tx, sub); err == nil {
		return fmt.Errorf("%w: Zendesk account %s exists; pick another subdomain", errAccountExists, sub)
	} else if !errors.Is(err, errNotFound) {
		return err
	}
	return nil
}

// handleAddAccount serves POST /_sim/accounts: 201 with AccountAdded, 422 for a bad
// spec, 409 when the id or subdomain is taken, 400 for a body that is not the spec.
func (s *Sim) handleAddAccount(w http.ResponseWriter, r *http.Request) {
	var spec AccountSpec
	dec := json.NewDecoder(http.MaxBytesReader(w, r.Body, 1<<16))
	dec.DisallowUnknownFields()
	if err := dec.Decode(&spec); err != nil {
		writeJSON(w, http.StatusBadRequest, map[string]string{"error": `body must be {"sellAccountId","name","users",` +
			`"inactiveUsers","connectedSubdomain","existingSupport":{"subdomain","ownerEmail","ownerHasSellLicense","suspendedAgents","bulkImportsDisabled"}}: ` + err.Error()})
		return
	}
	out, err := s.AddAccount(r.Context(), spec)
	switch {
	case errors.Is(err, errBadAccountSpec):
		writeJSON(w, http.StatusUnprocessableEntity, map[string]string{"error": err.Error()})
	case errors.Is(err, errAccountExists):
		writeJSON(w, http.StatusConflict, map[string]string{"error": err.Error()})
	case err != nil:
		s.simError(w, r, err)
	default:
		writeJSON(w, http.StatusCreated, out)
	}
}

// jobDurationColumn is job_duration_ms for a duration in milliseconds: NULL for none.
func jobDurationColumn(ms int64) any {
	if ms <= 0 {
		return nil
	}
	return ms
}
