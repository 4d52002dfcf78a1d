//go:build cluster

package deploy_test

import (
	"fmt"

	"github.com/sellmigrate/sellmigrate/contract"
	"github.com/sellmigrate/sellmigrate/starter"
)

// kind is one of the demo paths a migration takes on the cluster.
type kind string

const (
	kindNewSmall       kind = "new, few users"
	kindNewPaged       kind = "new, 300 Sell users (paged)"
	kindExisting       kind = "existing, licensed owner"
	kindOwnerUnlicense kind = "existing, owner licensed later"
	kindConnected      kind = "already connected"
	kindTakenThenFixed kind = "taken subdomain, then corrected"
)

// kinds leaves out kindConnected: an account already connected whose Sell users are not
// all contributors now stops in needs_attention until an operator stores an API token of
// one of its admins (NoZendeskCredential), a person's step this run does not play yet.
var kinds = []kind{kindNewSmall, kindNewPaged, kindExisting, kindOwnerUnlicense, kindTakenThenFixed}

// account is one simulated Sell account and what its migration must end with.
type account struct {
	id        int64
	kind      kind
	users     int // Sell users besides the admin (and a licensed owner)
	subdomain string
	admin     string
	owner     string
	// The expected outcome, users converted and already agents, and ledger effects.
	outcome       contract.Status
	converted     int
	alreadyAgents int
	created       bool
	linked        bool
}

// accounts lays out perKind migrations of every kind, interleaved so every stretch of
// the run, and so every fault, meets some of each.
func accounts(firstID int64, perKind int) []account {
	var out []account
	for i := 0; i < perKind; i++ {
		for _, k := range kinds {
			id := firstID + int64(len(out))
			slug := fmt.Sprintf("cl%d", id)
			a := account{id: id, kind: k, users: 3, subdomain: slug, admin: "admin@" + slug + ".test",
				outcome: contract.StatusCompleted, alreadyAgents: 1, created: true, linked: true}
			switch k {
			case kindNewSmall, kindTakenThenFixed:
				a.converted = a.users // the admin owns the new account: already an agent
			case kindNewPaged:
				a.users = 299 // with the admin, 300 Sell users: three pages of 100
				a.converted = a.users
			case kindExisting, kindOwnerUnlicense:
				a.owner = "owner@" + slug + ".test"
				a.converted = a.users + 1 // the Sell admin too; the owner is already an agent
				a.created = false
			case kindConnected:
				a.outcome, a.alreadyAgents, a.created, a.linked = contract.StatusAlreadyConnected, 0, false, false
			}
			out = append(out, a)
		}
	}
	return out
}

// spec is the POST /_sim/accounts body that creates the account.
func (a account) spec() map[string]any {
	body := map[string]any{"sellAccountId": a.id, "name": fmt.Sprintf("Cl%d", a.id), "users": a.users}
	switch a.kind {
	case kindConnected:
		body["connectedSubdomain"] = a.subdomain
	case kindExisting, kindOwnerUnlicense:
		body["existingSupport"] = map[string]any{"subdomain": a.subdomain, "ownerEmail": a.owner,
			"ownerHasSellLicense": a.kind == kindExisting}
	}
	return body
}

// start is how ops start the migration.
func (a account) start() starter.StartRequest {
	r := starter.StartRequest{AccountID: fmt.Sprint(a.id), Mode: "new", Subdomain: a.subdomain, RequestedBy: a.admin}
	switch a.kind {
	case kindExisting, kindOwnerUnlicense:
		r.Mode, r.OwnerEmail = "existing", a.owner
	case kindTakenThenFixed:
		r.Subdomain = "taken" // the demo's taken subdomain: the migration must ask again
	}
	return r
}

// faults is what the simulator injects: the 20% 5xx and 10% 429.
var faults = map[string]any{"error_rate": 0.2, "rate_limit_rate": 0.1, "retry_after_seconds": 1, "latency_ms": 2}
