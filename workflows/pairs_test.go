package workflows

import (
	"fmt"
	"strings"
	"testing"
	"time"

	"github.com/stretchr/testify/mock"
	"github.com/stretchr/testify/require"
	"go.temporal.io/sdk/temporal"

	"github.com/sellmigrate/sellmigrate/activities"
	"github.com/sellmigrate/sellmigrate/contract"
)

// Inputs that arrive together: each pair is delivered in one workflow task (the first
// buffered without running the workflow, the second with it), in both orders. Whatever
// the workflow makes of the pair, it must be able to go on: a driver then answers
// whatever it waits for, and the migration must complete. Every update sent gets an
// answer.

type signal struct {
	name    string
	payload any
}

var (
	ownerLogin  = signal{contract.OwnerLoginName, ownerLoginAs("owner@globex.test")}
	back        = signal{contract.BackName, contract.BackInput{By: "admin@globex.test"}}
	disclaimers = signal{contract.AcceptDisclaimersName, contract.AcceptDisclaimersInput{By: "admin@globex.test"}}
	license     = signal{contract.LicenseAssignedName, contract.LicenseAssignedInput{By: "admin@globex.test"}}
	chooseOne   = signal{contract.ChooseSubdomainName, contract.ChooseSubdomainInput{Subdomain: "globex", By: "admin@globex.test"}}
	chooseTwo   = signal{contract.ChooseSubdomainName, contract.ChooseSubdomainInput{Subdomain: "globex-two", By: "admin@globex.test"}}
)

// existingHarness mocks an existing-mode migration of Globex whose owner needs a
// license the first time, with every activity answering as often as asked.
func existingHarness(t *testing.T, needsLicense bool, convertErr ...error) *harness {
	h := newHarness(t)
	h.env.OnActivity(h.a.Preflight, mock.Anything, mock.Anything).
		Return(activities.PreflightResult{AccountName: "Globex", AdminName: "Globex Admin"}, nil)
	h.env.OnActivity(h.a.CheckSubdomainExists, mock.Anything, mock.Anything).Return(true, nil)
	reason := ""
	if needsLicense {
		reason = "the account owner owner@globex.test has no Sell license"
	}
	h.env.OnActivity(h.a.VerifyOwner, mock.Anything, mock.Anything).
		Return(activities.VerifyOwnerResult{IsOwner: true, HasSellLicense: !needsLicense, Reason: reason}, nil)
	h.env.OnActivity(h.a.CheckSellLicense, mock.Anything, mock.Anything).
		Return(activities.CheckSellLicenseResult{HasSellLicense: true}, nil)
	h.env.OnActivity(h.a.LinkAccounts, mock.Anything, mock.Anything).Return(activities.LinkResult{LoginURL: "https://globex.zendesk.com"}, nil)
	var err error
	if len(convertErr) > 0 {
		err = convertErr[0]
	}
	h.env.OnActivity(h.a.ConvertContributors, mock.Anything, mock.Anything).
		Return(contract.ContributorCursor{NextPage: 2, SellUsers: 8, Converted: 7, Total: 8}, err)
	return h
}

// drive answers whatever the migration waits for, every minute from start on.
func (h *harness) drive(start time.Duration) {
	for i := 0; i < 30; i++ {
		h.at(start+time.Duration(i)*time.Minute, func() {
			p := h.progress()
			if p.Status.Final() || p.Status == contract.StatusRunning {
				return
			}
			switch p.Status {
			case contract.StatusNeedsSubdomain:
				h.env.SignalWorkflow(chooseOne.name, chooseOne.payload)
			case contract.StatusAwaitingOwnerLogin:
				h.env.SignalWorkflow(ownerLogin.name, ownerLogin.payload)
			case contract.StatusOwnerNeedsSellLicense:
				h.env.SignalWorkflow(license.name, license.payload)
			case contract.StatusAwaitingDisclaimers:
				h.env.SignalWorkflow(disclaimers.name, disclaimers.payload)
			case contract.StatusNeedsAttention:
				h.env.SignalWorkflow(contract.RetryName, contract.RetryInput{By: "ops@example.test"})
			}
		})
	}
}

// together delivers two signals in one workflow task.
func (h *harness) together(a, b signal) {
	h.env.SignalWorkflowSkippingWorkflowTask(a.name, a.payload)
	h.env.SignalWorkflow(b.name, b.payload)
}

func TestInputPairsInOneTaskLeaveTheMigrationAbleToGoOn(t *testing.T) {
	cases := []struct {
		name         string
		at           contract.Status
		needsLicense bool
		subdomain    string
		a, b         signal
	}{
		{"owner-login + back", contract.StatusAwaitingOwnerLogin, false, "globex", ownerLogin, back},
		{"accept-disclaimers + back", contract.StatusAwaitingDisclaimers, false, "globex", disclaimers, back},
		{"license-assigned + back", contract.StatusOwnerNeedsSellLicense, true, "globex", license, back},
		{"choose-subdomain twice", contract.StatusNeedsSubdomain, false, "", chooseOne, chooseTwo},
	}
	for _, c := range cases {
		for _, order := range []string{"in order", "reversed"} {
			t.Run(c.name+" "+order, func(t *testing.T) {
				a, b := c.a, c.b
				if order == "reversed" {
					a, b = b, a
				}
				h := existingHarness(t, c.needsLicense)
				h.reachThen(c.at, func() { h.together(a, b) })
				h.drive(10 * time.Minute)
				in := newInput("1002", contract.ModeExisting, c.subdomain)
				in.RequestedBy = "admin@globex.test"
				h.run(in)
				require.Equal(t, contract.StatusCompleted, h.result().Outcome, "after %s the migration must still complete", c.name)
				p := h.progress()
				require.Empty(t, p.AllowedInputs)
				// Both arrived in one task: the second conflicts with the first, pending,
				// and is refused, saying so.
				conflicts := 0
				for _, rec := range p.Inputs {
					if !rec.Accepted {
						require.NotEmpty(t, rec.Reason, "a refused input says why: %+v", rec)
						if strings.Contains(rec.Reason, "received") {
							conflicts++
						}
					}
				}
				require.Equal(t, 1, conflicts, "inputs: %+v", p.Inputs)
			})
		}
	}
}

// reachThen runs fn once the migration shows status, logging the owner in on the way
// (checked every 10 seconds of the workflow's clock, for its first 5 minutes).
func (h *harness) reachThen(status contract.Status, fn func()) {
	done := false
	for i := 1; i <= 30; i++ {
		h.at(time.Duration(i)*10*time.Second, func() {
			if done {
				return
			}
			switch p := h.progress(); p.Status {
			case status:
				done = true
				fn()
			case contract.StatusAwaitingOwnerLogin:
				h.env.SignalWorkflow(ownerLogin.name, ownerLogin.payload)
			}
		})
	}
}

// Any input together with a cancel, delivered in one task at the wait where the input
// applies, in both orders: the migration ends cancelled, the input is recorded with its
// outcome (a refusal says why), and what was undone matches what happened.
func TestInputWithCancelInOneTask(t *testing.T) {
	retry := signal{contract.RetryName, contract.RetryInput{By: "ops@example.test"}}
	conversionFails := temporal.NewNonRetryableApplicationError("no Contributor role", contract.ErrTypeZendeskClient, nil)
	cases := []struct {
		in           signal
		at           contract.Status
		needsLicense bool
		subdomain    string
		convertErr   []error
	}{
		{ownerLogin, contract.StatusAwaitingOwnerLogin, false, "globex", nil},
		{back, contract.StatusAwaitingDisclaimers, false, "globex", nil},
		{disclaimers, contract.StatusAwaitingDisclaimers, false, "globex", nil},
		{license, contract.StatusOwnerNeedsSellLicense, true, "globex", nil},
		{chooseOne, contract.StatusNeedsSubdomain, false, "", nil},
		{retry, contract.StatusNeedsAttention, false, "globex", []error{conversionFails}},
	}
	for _, c := range cases {
		for _, cancelFirst := range []bool{false, true} {
			t.Run(fmt.Sprintf("%s at %s, cancel first %v", c.in.name, c.at, cancelFirst), func(t *testing.T) {
				h := existingHarness(t, c.needsLicense, c.convertErr...)
				h.env.OnActivity(h.a.ReleaseSubdomain, mock.Anything, mock.Anything).Return(nil).Maybe()
				if c.at == contract.StatusNeedsAttention {
					h.reachThen(contract.StatusAwaitingDisclaimers, func() { h.env.SignalWorkflow(disclaimers.name, disclaimers.payload) })
				}
				reached := false
				h.reachThen(c.at, func() {
					reached = true
					if cancelFirst {
						h.env.CancelWorkflow()
						h.env.SignalWorkflow(c.in.name, c.in.payload)
						return
					}
					h.env.SignalWorkflowSkippingWorkflowTask(c.in.name, c.in.payload)
					h.env.CancelWorkflow()
				})
				in := newInput("1002", contract.ModeExisting, c.subdomain)
				in.RequestedBy = "admin@globex.test"
				h.run(in)
				require.True(t, reached, "the migration never waited in %s", c.at)
				require.True(t, temporal.IsCanceledError(h.env.GetWorkflowError()), "got %v", h.env.GetWorkflowError())
				p := h.progress()
				require.Equal(t, contract.StatusCancelled, p.Status)
				require.Empty(t, p.AllowedInputs)
				recorded := false
				for _, rec := range p.Inputs {
					if !rec.Accepted {
						require.NotEmpty(t, rec.Reason, "a refused input says why: %+v", rec)
					}
					recorded = recorded || rec.Name == c.in.name
				}
				require.True(t, recorded || cancelFirst, "%s, delivered before the cancel, is not in the inputs log: %+v", c.in.name, p.Inputs)
				if c.at == contract.StatusNeedsAttention {
					require.Contains(t, p.Compensation, "stays linked", "past the link nothing is released")
				}
			})
		}
	}
}

// retry + cancel as updates, in both orders: the retry gets an answer either way (an
// accepted one says what became of it, a refused one why), and the account stays linked.
func TestRetryAndCancelTogether(t *testing.T) {
	for _, cancelFirst := range []bool{false, true} {
		t.Run(fmt.Sprintf("cancel first %v", cancelFirst), func(t *testing.T) {
			h := existingHarness(t, false, temporal.NewNonRetryableApplicationError("no Contributor role", contract.ErrTypeZendeskClient, nil))
			h.reachThen(contract.StatusAwaitingDisclaimers, func() { h.env.SignalWorkflow(disclaimers.name, disclaimers.payload) })
			var retry *updateOutcome
			h.at(10*time.Minute, func() {
				require.Equal(t, contract.StatusNeedsAttention, h.progress().Status)
				if cancelFirst {
					h.env.CancelWorkflow()
				}
				retry = h.update(contract.RetryName, contract.RetryInput{By: "ops@example.test"})
				if !cancelFirst {
					h.env.CancelWorkflow()
				}
			})
			h.run(newInput("1002", contract.ModeExisting, "globex"))
			require.True(t, temporal.IsCanceledError(h.env.GetWorkflowError()))
			require.True(t, retry.done, "the retry got no answer")
			p := h.progress()
			answeredDone := retry.rejected == nil && retry.failed == nil
			if cancelFirst {
				require.False(t, answeredDone, "the retry was answered as done, yet the cancel came first")
			}
			// The log agrees with the answer: a retry answered as done was accepted (the
			// step ran again before the cancel stopped it).
			accepted := false
			for _, rec := range p.Inputs {
				accepted = accepted || (rec.Name == contract.RetryName && rec.Accepted)
			}
			require.Equal(t, answeredDone, accepted, "retry answer (rejected %v, failed %v) against the inputs log %+v", retry.rejected, retry.failed, p.Inputs)
			require.Equal(t, contract.StatusCancelled, p.Status)
			require.Contains(t, p.Compensation, "stays linked")
		})
	}
}
