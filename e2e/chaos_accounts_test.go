package e2e

import (
	"fmt"
	"net/http"
	"testing"

	"github.com/sellmigrate/sellmigrate/contract"
	"github.com/sellmigrate/sellmigrate/e2e/harness"
	"github.com/sellmigrate/sellmigrate/starter"
)

// chaosShape is one of the demo paths a chaos migration takes.
type chaosShape string

const (
	shapeNewSmall       chaosShape = "new, few users"
	shapeNewPaged       chaosShape = "new, 300 Sell users (paged)"
	shapeExisting       chaosShape = "existing, licensed owner"
	shapeOwnerUnlicense chaosShape = "existing, owner licensed later"
	shapeConnected      chaosShape = "already connected"
	shapeTakenThenFixed chaosShape = "taken subdomain, then corrected"
)

// chaosMix is how many migrations of each shape a chaos run starts (50 in all).
var chaosMix = []struct {
	shape chaosShape
	n     int
}{
	{shapeNewSmall, 16}, {shapeNewPaged, 4}, {shapeExisting, 10},
	{shapeOwnerUnlicense, 8}, {shapeConnected, 6}, {shapeTakenThenFixed, 6},
}

// chaosAccount is one simulated Sell account and what its migration must end with.
type chaosAccount struct {
	id        int64
	shape     chaosShape
	users     int // Sell users besides the admin (and a licensed owner)
	subdomain string
	admin     string
	owner     string
	// Expected outcome, users converted and already agents, and ledger effects.
	outcome       contract.Status
	converted     int
	alreadyAgents int
	created       bool
	linked        bool
}

// chaosAccounts lays out the run: ids from firstID, shapes interleaved so every
// stretch of the run has some of each.
func chaosAccounts(firstID int64) []chaosAccount {
	var order []chaosShape
	left := map[chaosShape]int{}
	for _, m := range chaosMix {
		left[m.shape] = m.n
	}
	for more := true; more; {
		more = false
		for _, m := range chaosMix {
			if left[m.shape] > 0 {
				order = append(order, m.shape)
				left[m.shape]--
				more = true
			}
		}
	}
	out := make([]chaosAccount, len(order))
	for i, shape := range order {
		id := firstID + int64(i)
		slug := fmt.Sprintf("chaos%d", id)
		a := chaosAccount{id: id, shape: shape, users: 3, subdomain: slug, admin: "admin@" + slug + ".test",
			outcome: contract.StatusCompleted, alreadyAgents: 1, created: true, linked: true}
		switch shape {
		case shapeNewSmall, shapeTakenThenFixed:
			a.converted = a.users // the admin owns the new account: already an agent
		case shapeNewPaged:
			a.users = 299 // with the admin, 300 Sell users: three pages of 100
			a.converted = a.users
		case shapeExisting, shapeOwnerUnlicense:
			a.owner = "owner@" + slug + ".test"
			a.converted = a.users + 1 // the Sell admin too; the owner is already an agent
			a.created = false
		case shapeConnected:
			a.outcome, a.alreadyAgents, a.created, a.linked = contract.StatusAlreadyConnected, 0, false, false
		}
		out[i] = a
	}
	return out
}

// spec is the POST /_sim/accounts body that creates the account.
func (a chaosAccount) spec() map[string]any {
	body := map[string]any{"sellAccountId": a.id, "name": fmt.Sprintf("Chaos%d", a.id), "users": a.users}
	switch a.shape {
	case shapeConnected:
		body["connectedSubdomain"] = a.subdomain
	case shapeExisting, shapeOwnerUnlicense:
		body["existingSupport"] = map[string]any{"subdomain": a.subdomain, "ownerEmail": a.owner,
			"ownerHasSellLicense": a.shape == shapeExisting}
	}
	return body
}

// start is how ops start the migration.
func (a chaosAccount) start() starter.StartRequest {
	r := starter.StartRequest{AccountID: fmt.Sprint(a.id), Mode: "new", Subdomain: a.subdomain, RequestedBy: a.admin}
	switch a.shape {
	case shapeExisting, shapeOwnerUnlicense:
		r.Mode, r.OwnerEmail = "existing", a.owner
	case shapeTakenThenFixed:
		r.Subdomain = "taken" // the demo's taken subdomain: the migration must ask again
	}
	return r
}

// addChaosAccounts creates every account in the simulator, and stores an operator's
// token for each already connected one: the migrations neither created it nor get an
// owner's sign-in for it, so they act in it only with what an operator stored.
func addChaosAccounts(t *testing.T, d *harness.Dev, accounts []chaosAccount) {
	t.Helper()
	sim := d.Sim()
	for _, a := range accounts {
		if err := sim.Do(http.MethodPost, "/_sim/accounts", a.spec(), nil, []int{http.StatusCreated}); err != nil {
			t.Fatalf("add account %d: %v", a.id, err)
		}
		if a.shape == shapeConnected {
			d.AddOperatorToken(t, a.subdomain, a.admin)
		}
	}
}

// chaosFaults is what the simulator injects during the run.
var chaosFaults = map[string]any{"error_rate": 0.2, "rate_limit_rate": 0.1, "retry_after_seconds": 1, "latency_ms": 2}

// injectedFaults reads how many failures the running simulator has injected.
func injectedFaults(sim harness.Sim) (int64, error) {
	var f struct {
		ServerErrors int64 `json:"injected_server_errors"`
		RateLimited  int64 `json:"injected_rate_limited"`
	}
	err := sim.Do(http.MethodGet, "/_sim/faults", nil, &f, nil)
	return f.ServerErrors + f.RateLimited, err
}
