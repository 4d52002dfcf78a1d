package workflows

import (
	"testing"
	"time"

	"github.com/stretchr/testify/mock"
	"github.com/stretchr/testify/require"
	"go.temporal.io/sdk/temporal"

	"github.com/sellmigrate/sellmigrate/activities"
	"github.com/sellmigrate/sellmigrate/contract"
)

// Reminders go to the person who must act: the owner for the owner login, the admin
// for the license and the subdomain; a channel that fails is recorded and the wait goes on.
func TestRemindersReachWhoMustAct(t *testing.T) {
	h := newHarness(t)
	h.preflightLegacy()
	h.env.OnActivity(h.a.CheckSubdomainExists, mock.Anything, "initech").Return(true, nil).Once()
	h.env.OnActivity(h.a.VerifyOwner, mock.Anything, mock.Anything).
		Return(activities.VerifyOwnerResult{IsOwner: true, Reason: "the account owner owner@initech.test has no Sell license"}, nil).Once()
	h.env.OnActivity(h.a.CheckSellLicense, mock.Anything, mock.Anything).Return(activities.CheckSellLicenseResult{HasSellLicense: true}, nil).Once()
	h.linkAndConvert("initech", 3)
	h.webhookErr = temporal.NewNonRetryableApplicationError("post the reminder to the webhook: 404", contract.ErrTypeNotifyRefused, nil)
	h.at(90*time.Minute, func() { h.update(contract.OwnerLoginName, ownerLoginAs("owner@initech.test")) })
	h.at(180*time.Minute, func() {
		h.update(contract.LicenseAssignedName, contract.LicenseAssignedInput{By: "admin@initech.test"})
	})
	h.at(181*time.Minute, func() { h.update(contract.AcceptDisclaimersName, accept("admin@initech.test")) })
	in := newInput("1003", contract.ModeExisting, "initech")
	in.RequestedBy = "admin@initech.test"
	in.OwnerEmail = "owner@initech.test"
	h.run(in)

	require.Equal(t, contract.StatusCompleted, h.result().Outcome)
	require.Len(t, h.reminded, 2)
	require.Equal(t, "owner", h.reminded[0].Audience)
	require.Equal(t, []string{"owner@initech.test"}, h.reminded[0].To)
	require.Equal(t, string(contract.StatusAwaitingOwnerLogin), h.reminded[0].Status)
	require.Equal(t, "admin", h.reminded[1].Audience)
	require.Equal(t, []string{"admin@initech.test"}, h.reminded[1].To)
	require.Equal(t, string(contract.StatusOwnerNeedsSellLicense), h.reminded[1].Status)
	p := h.progress()
	require.Equal(t, 2, p.RemindersSent)
	var emails, failed int
	for _, n := range p.Notifications {
		switch {
		case n.Channel == "email" && n.Error == "":
			emails++
		case n.Channel == "webhook" && n.Error != "":
			failed++
		}
	}
	require.Equal(t, 2, emails)
	require.Equal(t, 2, failed)
}
