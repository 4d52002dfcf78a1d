package harness

import (
	"context"
	"fmt"
	"net/http"

	"github.com/sellmigrate/sellmigrate/contract"
	"github.com/sellmigrate/sellmigrate/internal/simsignin"
	"github.com/sellmigrate/sellmigrate/starter"
)

// Person is who answers a migration's waits: the Sell account's admin and, for an
// existing Zendesk account, its owner.
type Person struct {
	SellAccountID int64
	Subdomain     string
	Admin, Owner  string
}

// API is where the stack's API answers and an admin token of it: the owner's answers
// go through its owner-login page, whose signed link an admin asks it for.
type API struct {
	URL        string
	AdminToken string
}

// Answer gives the input a person gives when a migration waits in status: the admin
// picks the subdomain again, the owner signs in on the simulator through the API's
// owner login page (which stores the grant and sends owner-login with it), the admin
// gives the owner a Sell license and says so, or accepts the disclaimers. Another
// status needs no answer.
func Answer(ctx context.Context, st *starter.Starter, sim Sim, api API, p Person, status contract.Status) error {
	ref := fmt.Sprint(p.SellAccountID)
	var err error
	switch status {
	case contract.StatusNeedsSubdomain:
		_, err = st.Send(ctx, ref, contract.ChooseSubdomainName, contract.ChooseSubdomainInput{Subdomain: p.Subdomain, By: p.Admin})
	case contract.StatusAwaitingOwnerLogin:
		var link string
		if link, err = OwnerLoginLink(ctx, api.URL, api.AdminToken, ref); err == nil {
			_, err = simsignin.OwnerLogin(ctx, nil, link, p.Owner, DemoPassword)
		}
	case contract.StatusOwnerNeedsSellLicense:
		err = sim.Do(http.MethodPost, fmt.Sprintf("/_sim/sell/%d/users", p.SellAccountID),
			map[string]string{"name": "Owner", "email": p.Owner, "role": "user"}, nil, []int{http.StatusCreated, http.StatusOK})
		if err == nil {
			_, err = st.Send(ctx, ref, contract.LicenseAssignedName, contract.LicenseAssignedInput{By: p.Admin})
		}
	case contract.StatusAwaitingDisclaimers:
		_, err = st.Send(ctx, ref, contract.AcceptDisclaimersName, contract.AcceptDisclaimersInput{By: p.Admin})
	}
	return err
}
