package workflows

import (
	"testing"
	"time"

	"github.com/stretchr/testify/mock"
	"github.com/stretchr/testify/require"
	"go.temporal.io/sdk/workflow"

	"github.com/sellmigrate/sellmigrate/activities"
	"github.com/sellmigrate/sellmigrate/contract"
)

// TestLicenseRecheckOldBranchReverifiesOwner pins the old branch of ChangeLicenseRecheck:
// a run started before the change re-runs VerifyOwner after license-assigned and never
// calls CheckSellLicense. (The new branch is TestOwnerWithoutLicenseWaitsForLicense.)
func TestLicenseRecheckOldBranchReverifiesOwner(t *testing.T) {
	h := newHarness(t)
	h.env.OnGetVersion(ChangeLicenseRecheck, workflow.DefaultVersion, 1).Return(workflow.DefaultVersion)
	h.preflightLegacy()
	h.env.OnActivity(h.a.CheckSubdomainExists, mock.Anything, "initech").Return(true, nil).Once()
	h.env.OnActivity(h.a.VerifyOwner, mock.Anything, mock.Anything).
		Return(activities.VerifyOwnerResult{IsOwner: true, Reason: "the account owner owner@initech.test has no Sell license"}, nil).Once()
	h.env.OnActivity(h.a.VerifyOwner, mock.Anything, mock.Anything).
		Return(activities.VerifyOwnerResult{IsOwner: true, HasSellLicense: true}, nil).Once()
	h.linkAndConvert("initech", 3)
	h.at(time.Minute, func() { h.update(contract.OwnerLoginName, contract.OwnerLoginInput{UserEmail: "owner@initech.test"}) })
	h.at(2*time.Minute, func() {
		h.update(contract.LicenseAssignedName, contract.LicenseAssignedInput{By: "admin@initech.test"})
	})
	h.at(3*time.Minute, func() { h.update(contract.AcceptDisclaimersName, accept("admin@initech.test")) })
	h.run(newInput("1003", contract.ModeExisting, "initech"))
	require.Equal(t, contract.StatusCompleted, h.result().Outcome)
	h.env.AssertNumberOfCalls(t, "VerifyOwner", 2)
	h.env.AssertNumberOfCalls(t, "CheckSellLicense", 0)
}
