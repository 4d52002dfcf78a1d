package harness

import (
	"fmt"
	"net/http"
	"strings"
	"testing"

	"github.com/sellmigrate/sellmigrate/contract"
	"github.com/sellmigrate/sellmigrate/starter"
)

// Shape is one of the demo paths a chaos migration takes. The embedded stack's chaos
// run and the cluster's share these, so both prove the same paths.
type Shape string

const (
	ShapeNewSmall       Shape = "new, few users"
	ShapeNewPaged       Shape = "new, 300 Sell users (paged)"
	ShapeExisting       Shape = "existing, licensed owner"
	ShapeOwnerUnlicense Shape = "existing, owner licensed later"
	ShapeConnected      Shape = "already connected"
	ShapeTakenThenFixed Shape = "taken subdomain, then corrected"
)

// ShapeCount is how many migrations of one shape a run starts.
type ShapeCount struct {
	Shape Shape
	N     int
}

// ChaosMix is the demo mix of 50 migrations: every shape, in the proportions of the
// demo accounts. Scale it with ScaleMix.
var ChaosMix = []ShapeCount{
	{ShapeNewSmall, 16}, {ShapeNewPaged, 4}, {ShapeExisting, 10},
	{ShapeOwnerUnlicense, 8}, {ShapeConnected, 6}, {ShapeTakenThenFixed, 6},
}

// ScaleMix gives total migrations in ChaosMix's proportions, every shape at least once.
func ScaleMix(total int) []ShapeCount {
	base := 0
	for _, m := range ChaosMix {
		base += m.N
	}
	out := make([]ShapeCount, len(ChaosMix))
	given := 0
	for i, m := range ChaosMix {
		out[i] = ShapeCount{m.Shape, max(1, m.N*total/base)}
		given += out[i].N
	}
	// The rounding's remainder goes to the commonest shape.
	if given < total {
		out[0].N += total - given
	}
	return out
}

// ChaosAccount is one simulated Sell account and what its migration must end with.
type ChaosAccount struct {
	ID        int64
	Shape     Shape
	Users     int // Sell users besides the admin (and a licensed owner)
	Subdomain string
	Admin     string
	Owner     string
	// The expected outcome, users converted and already agents, and ledger effects.
	Outcome       contract.Status
	Converted     int
	AlreadyAgents int
	Created       bool
	Linked        bool
}

// LayOut lays out a run of mix: ids from firstID, subdomains prefix+id, shapes
// interleaved so every stretch of the run (and every fault in it) meets some of each.
func LayOut(firstID int64, prefix string, mix []ShapeCount) []ChaosAccount {
	var order []Shape
	left := map[Shape]int{}
	for _, m := range mix {
		left[m.Shape] = m.N
	}
	for more := true; more; {
		more = false
		for _, m := range mix {
			if left[m.Shape] > 0 {
				order = append(order, m.Shape)
				left[m.Shape]--
				more = true
			}
		}
	}
	out := make([]ChaosAccount, len(order))
	for i, shape := range order {
		id := firstID + int64(i)
		slug := fmt.Sprintf("%s%d", prefix, id)
		a := ChaosAccount{ID: id, Shape: shape, Users: 3, Subdomain: slug, Admin: "admin@" + slug + ".test",
			Outcome: contract.StatusCompleted, AlreadyAgents: 1, Created: true, Linked: true}
		switch shape {
		case ShapeNewSmall, ShapeTakenThenFixed:
			a.Converted = a.Users // the admin owns the new account: already an agent
		case ShapeNewPaged:
			a.Users = 299 // with the admin, 300 Sell users: three pages of 100
			a.Converted = a.Users
		case ShapeExisting, ShapeOwnerUnlicense:
			a.Owner = "owner@" + slug + ".test"
			a.Converted = a.Users + 1 // the Sell admin too; the owner is already an agent
			a.Created = false
		case ShapeConnected:
			a.Outcome, a.AlreadyAgents, a.Created, a.Linked = contract.StatusAlreadyConnected, 0, false, false
		}
		out[i] = a
	}
	return out
}

// WorkflowID is the migration's workflow ID.
func (a ChaosAccount) WorkflowID() string { return contract.WorkflowID(fmt.Sprint(a.ID)) }

// Spec is the POST /_sim/accounts body that creates the account.
func (a ChaosAccount) Spec() map[string]any {
	// The simulator names the admin after the account: admin@<name, lower case>.test.
	name := strings.ToUpper(a.Subdomain[:1]) + a.Subdomain[1:]
	body := map[string]any{"sellAccountId": a.ID, "name": name, "users": a.Users}
	switch a.Shape {
	case ShapeConnected:
		body["connectedSubdomain"] = a.Subdomain
	case ShapeExisting, ShapeOwnerUnlicense:
		body["existingSupport"] = map[string]any{"subdomain": a.Subdomain, "ownerEmail": a.Owner,
			"ownerHasSellLicense": a.Shape == ShapeExisting}
	}
	return body
}

// Start is how ops start the migration.
func (a ChaosAccount) Start() starter.StartRequest {
	r := starter.StartRequest{AccountID: fmt.Sprint(a.ID), Mode: "new", Subdomain: a.Subdomain, RequestedBy: a.Admin}
	switch a.Shape {
	case ShapeExisting, ShapeOwnerUnlicense:
		r.Mode, r.OwnerEmail = "existing", a.Owner
	case ShapeTakenThenFixed:
		r.Subdomain = "taken" // the demo's taken subdomain: the migration must ask again
	}
	return r
}

// Person is who answers the migration's waits.
func (a ChaosAccount) Person() Person {
	return Person{SellAccountID: a.ID, Subdomain: a.Subdomain, Admin: a.Admin, Owner: a.Owner}
}

// Waits are the statuses the account's path waits in, in order.
func (a ChaosAccount) Waits() []contract.Status {
	switch a.Shape {
	case ShapeNewSmall, ShapeNewPaged:
		return []contract.Status{contract.StatusAwaitingDisclaimers}
	case ShapeExisting:
		return []contract.Status{contract.StatusAwaitingOwnerLogin, contract.StatusAwaitingDisclaimers}
	case ShapeOwnerUnlicense:
		return []contract.Status{contract.StatusAwaitingOwnerLogin, contract.StatusOwnerNeedsSellLicense, contract.StatusAwaitingDisclaimers}
	case ShapeTakenThenFixed:
		return []contract.Status{contract.StatusNeedsSubdomain, contract.StatusAwaitingDisclaimers}
	}
	return nil
}

// AddChaosAccounts creates every account in the simulator. An already connected account
// gets an operator's API token through addToken: the migration neither created it nor
// gets an owner's sign-in for it, so it acts there only with what an operator stored.
func AddChaosAccounts(t testing.TB, sim Sim, accounts []ChaosAccount, addToken func(subdomain, email string)) {
	t.Helper()
	for _, a := range accounts {
		if err := sim.Do(http.MethodPost, "/_sim/accounts", a.Spec(), nil, []int{http.StatusCreated}); err != nil {
			t.Fatalf("add account %d: %v", a.ID, err)
		}
		if a.Shape == ShapeConnected {
			addToken(a.Subdomain, a.Admin)
		}
	}
}

// ChaosFaults is what the simulator injects during a chaos run: 20% 5xx, 10% 429.
var ChaosFaults = map[string]any{"error_rate": 0.2, "rate_limit_rate": 0.1, "retry_after_seconds": 1, "latency_ms": 2}

// InjectedFaults reads how many failures the running simulator has injected.
func InjectedFaults(sim Sim) (int64, error) {
	var f struct {
		ServerErrors int64 `json:"injected_server_errors"`
		RateLimited  int64 `json:"injected_rate_limited"`
	}
	err := sim.Do(http.MethodGet, "/_sim/faults", nil, &f, nil)
	return f.ServerErrors + f.RateLimited, err
}
