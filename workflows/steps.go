package workflows

import (
	"errors"
	"fmt"

	"go.temporal.io/sdk/temporal"

	"go.temporal.io/sdk/workflow"

	"github.com/sellmigrate/sellmigrate/activities"
	"github.com/sellmigrate/sellmigrate/contract"
)

// acts is only used for method references: the worker registers the real Activities.
var acts *activities.Activities

func (m *migration) preflight(ctx workflow.Context) (activities.PreflightResult, error) {
	var res activities.PreflightResult
	err := m.readOnly(ctx, "Check the requester is a Sell admin", "Preflight", activities.PreflightInput{
		SellAccountID: m.in.SellAccountID, RequestedBy: m.in.RequestedBy,
	}, &res)
	if err != nil {
		return res, err
	}
	m.progress.AccountName = res.AccountName
	m.adminName = res.AdminName
	m.loginURL = res.LoginURL
	return res, nil
}

// chooseSubdomain settles the subdomain: a valid, free name that this migration then
// creates (new mode), or the name of an existing account (existing mode). Whatever is
// wrong with a name, the migration says why and waits for another.
func (m *migration) chooseSubdomain(ctx workflow.Context) error {
	candidate, problem := m.in.Subdomain, ""
	if m.resuming(contract.StepSubdomain) {
		candidate, problem = "", m.progress.WaitingFor
	} else {
		m.enterStep(ctx, contract.StepSubdomain)
		if m.subdomainChoices > 0 || m.progress.CreatedSubdomain != "" {
			candidate = "" // after "back" the admin picks again
		}
	}
	for {
		var choice *pending
		if candidate == "" {
			if problem == "" {
				problem = "a subdomain for the Zendesk account"
			}
			if err := m.awaitInput(ctx, contract.StatusNeedsSubdomain, problem, audienceAdmin,
				func() bool { return m.inbox.has(contract.ChooseSubdomainName) }); err != nil {
				return err
			}
			choice = m.inbox.get(contract.ChooseSubdomainName)
			candidate = choice.payload.(contract.ChooseSubdomainInput).Subdomain
		}
		m.subdomainChoices++
		if err := contract.ValidateSubdomain(candidate); err != nil {
			m.progress.LastError = err.Error()
			m.settle(choice, "the subdomain was not accepted: "+err.Error())
			candidate, problem = "", "a valid subdomain: "+err.Error()
			continue
		}
		ok, why, err := m.claimSubdomain(ctx, candidate)
		if err != nil {
			return err
		}
		if !ok {
			m.progress.LastError = why
			m.settle(choice, "the subdomain was not accepted: "+why)
			candidate, problem = "", "another subdomain: "+why
			continue
		}
		m.progress.Subdomain = candidate
		m.progress.LastError = ""
		m.settle(choice, "")
		m.endStep(ctx)
		return nil
	}
}

// claimSubdomain creates the account (new mode) or checks it exists (existing mode).
func (m *migration) claimSubdomain(ctx workflow.Context, subdomain string) (bool, string, error) {
	if m.in.Mode == contract.ModeExisting {
		var exists bool
		if err := m.readOnly(ctx, "Check Zendesk account "+subdomain+" exists", "CheckSubdomainExists", subdomain, &exists); err != nil {
			return false, "", err
		}
		if !exists {
			return false, fmt.Sprintf("no Zendesk account answers at %s; enter the subdomain of the existing account", subdomain), nil
		}
		return true, "", nil
	}
	var res activities.ReserveSubdomainResult
	key := fmt.Sprintf("%s/account/%s/%d", m.progress.WorkflowID, subdomain, m.subdomainChoices)
	err := workflow.ExecuteActivity(m.sideEffectCtx(ctx, "Create Zendesk account "+subdomain), acts.ReserveSubdomain, activities.ReserveSubdomainInput{
		AccountName:    m.accountName(),
		Subdomain:      subdomain,
		OwnerName:      m.adminName,
		OwnerEmail:     m.in.RequestedBy,
		IdempotencyKey: key,
	}).Get(ctx, &res)
	if err != nil {
		// Unless Zendesk refused it outright, the account may exist now (an attempt
		// timed out, or retries ran out): compensation checks and releases it if ours.
		var appErr *temporal.ApplicationError
		if !errors.As(err, &appErr) || appErr.Type() != contract.ErrTypeZendeskClient {
			m.reserving, m.reservingKey = subdomain, key
		}
		return false, "", err
	}
	if !res.Created {
		return false, res.Reason, nil
	}
	m.progress.CreatedSubdomain = subdomain
	m.accountCredential = res.CredentialID
	m.publish(ctx)
	return true, "", nil
}

func (m *migration) accountName() string {
	if m.progress.AccountName != "" {
		return m.progress.AccountName
	}
	return "Sell account " + m.in.SellAccountID
}

// ownerLogin waits for the Zendesk account owner to log in, verifies them, and if they
// have no Sell license waits until an admin assigns one and checks again.
func (m *migration) ownerLogin(ctx workflow.Context) error {
	verified := false
	if m.resuming(contract.StepOwnerLogin) {
		verified = m.progress.Status == contract.StatusOwnerNeedsSellLicense
	} else {
		m.enterStep(ctx, contract.StepOwnerLogin)
	}
	var res activities.VerifyOwnerResult
	for !verified {
		err := m.awaitInput(ctx, contract.StatusAwaitingOwnerLogin, "the Zendesk account owner of "+m.progress.Subdomain+" to log in", audienceOwner,
			func() bool { return m.inbox.has(contract.OwnerLoginName) || m.inbox.has(contract.BackName) })
		if err != nil {
			return err
		}
		if m.inbox.has(contract.BackName) {
			return errWentBack
		}
		login := m.inbox.get(contract.OwnerLoginName)
		payload := login.payload.(contract.OwnerLoginInput)
		if res, err = m.verifyOwner(ctx, payload); err != nil {
			return err
		}
		if !res.IsOwner {
			m.progress.LastError = res.Reason
			m.settle(login, res.Reason)
			continue
		}
		m.progress.OwnerEmail = res.Email
		if res.Email == "" { // recorded before grants: the email was all there was
			m.progress.OwnerEmail = payload.UserEmail
		}
		m.ownerGrant = payload.GrantID
		m.settle(login, "")
		verified = true
	}
	if m.progress.Status == contract.StatusOwnerNeedsSellLicense {
		res.Reason = m.progress.LastError // resumed while waiting for the license
	} else if res.HasSellLicense {
		m.progress.LastError = ""
		m.endStep(ctx)
		return nil
	}
	for {
		m.progress.LastError = res.Reason
		err := m.awaitInput(ctx, contract.StatusOwnerNeedsSellLicense, "a Sell license for the owner "+m.progress.OwnerEmail+" (then license-assigned)", audienceAdmin,
			func() bool { return m.inbox.has(contract.LicenseAssignedName) || m.inbox.has(contract.BackName) })
		if err != nil {
			return err
		}
		if m.inbox.has(contract.BackName) {
			return errWentBack
		}
		assigned := m.inbox.get(contract.LicenseAssignedName)
		if res, err = m.recheckLicense(ctx, m.progress.OwnerEmail); err != nil {
			return err
		}
		if res.HasSellLicense {
			m.settle(assigned, "")
			m.progress.LastError = ""
			m.endStep(ctx)
			return nil
		}
		m.settle(assigned, "the license is not there yet: "+res.Reason)
	}
}

func (m *migration) verifyOwner(ctx workflow.Context, login contract.OwnerLoginInput) (activities.VerifyOwnerResult, error) {
	m.setStatus(ctx, contract.StatusRunning, "")
	var res activities.VerifyOwnerResult
	// A regular activity even under ChangeLocalChecks: the owner's sign-in is checked
	// while an owner-login update waits for the answer, and the check shows in the
	// pending activities (and can be cancelled there) as the step the person waits on.
	err := workflow.ExecuteActivity(m.stepCtx(ctx, "Verify who logged in owns Zendesk account "+m.progress.Subdomain), acts.VerifyOwner, activities.VerifyOwnerInput{
		SellAccountID: m.in.SellAccountID, Subdomain: m.progress.Subdomain, GrantID: login.GrantID, UserEmail: login.UserEmail,
	}).Get(ctx, &res)
	return res, err
}

// recheckLicense checks the verified owner's Sell license again after license-assigned.
// Guarded by ChangeLicenseRecheck: runs recorded before the change re-ran VerifyOwner.
func (m *migration) recheckLicense(ctx workflow.Context, email string) (activities.VerifyOwnerResult, error) {
	if m.version(ctx, ChangeLicenseRecheck, 1) == workflow.DefaultVersion {
		return m.verifyOwner(ctx, contract.OwnerLoginInput{GrantID: m.ownerGrant, UserEmail: email})
	}
	m.setStatus(ctx, contract.StatusRunning, "")
	var lic activities.CheckSellLicenseResult
	err := m.readOnly(ctx, "Check the owner's Sell license", "CheckSellLicense", activities.CheckSellLicenseInput{
		SellAccountID: m.in.SellAccountID, Email: email,
	}, &lic)
	return activities.VerifyOwnerResult{IsOwner: true, HasSellLicense: lic.HasSellLicense, Reason: lic.Reason}, err
}

// disclaimers waits until the admin accepts the disclaimers of the policy's version,
// and records the version with the SHA-256 of its embedded text: the words accepted,
// whatever the client sent.
func (m *migration) disclaimers(ctx workflow.Context) error {
	if !m.resuming(contract.StepDisclaimers) {
		m.enterStep(ctx, contract.StepDisclaimers)
	}
	m.progress.RequiredDisclaimerVersion = m.in.Policy.DisclaimerVersion
	for {
		err := m.awaitInput(ctx, contract.StatusAwaitingDisclaimers, "the disclaimers (version "+m.in.Policy.DisclaimerVersion+") to be accepted", audienceAdmin,
			func() bool { return m.inbox.has(contract.AcceptDisclaimersName) || m.inbox.has(contract.BackName) })
		if err != nil {
			return err
		}
		if m.inbox.has(contract.BackName) {
			return errWentBack
		}
		accepted := m.inbox.get(contract.AcceptDisclaimersName)
		text, err := acceptedDisclaimer(m.in.Policy, accepted.payload.(contract.AcceptDisclaimersInput))
		if err != nil {
			// The validator refuses such an input before it is queued; this only guards
			// against recording a version without its hash, and waits on.
			m.settle(accepted, err.Error())
			continue
		}
		m.progress.DisclaimerVersion, m.progress.DisclaimerSHA256 = text.Version, text.SHA256
		m.settle(accepted, "")
		m.endStep(ctx)
		return nil
	}
}

// goBack returns to the subdomain choice: an account this migration created for the
// abandoned choice is released first, so nothing is left behind.
func (m *migration) goBack(ctx workflow.Context) error {
	back := m.inbox.get(contract.BackName)
	m.inbox.remove(back)
	m.settleAll(func(name string) string {
		return fmt.Sprintf("%s was superseded: the admin went back to choose another subdomain", name)
	})
	m.progress.OwnerEmail = ""
	m.endStep(ctx)
	m.revokeOwnerGrant(ctx) // the owner of the next subdomain signs in for themselves
	if err := m.releaseCreated(ctx); err != nil {
		m.inbox.slots = append(m.inbox.slots, back)
		return err
	}
	m.progress.Subdomain = ""
	m.settle(back, "")
	return nil
}

// link is "connect now": the point of no return. The activity waits for its own
// cancellation, so when the migration is cancelled meanwhile the workflow learns
// whether the accounts were linked after all.
func (m *migration) link(ctx workflow.Context) error {
	m.enterStep(ctx, contract.StepLink)
	m.linkAttempted = true
	var res activities.LinkResult
	err := workflow.ExecuteActivity(m.sideEffectCtx(ctx, "Link Sell account "+m.in.SellAccountID+" to "+m.progress.Subdomain), acts.LinkAccounts, activities.LinkInput{
		SellAccountID:  m.in.SellAccountID,
		Subdomain:      m.progress.Subdomain,
		IdempotencyKey: m.progress.WorkflowID + "/link/" + m.progress.Subdomain,
	}).Get(ctx, &res)
	if err != nil {
		return err
	}
	m.progress.Linked = true
	m.loginURL = res.LoginURL
	m.endStep(ctx)
	return nil
}

// revokeOwnerGrant gives back the verified owner's Zendesk sign-in, at Zendesk and in
// the credential store. A failure is logged, not fatal: the grant is bound to this
// migration and subdomain, so no other migration can use it, and it expires.
func (m *migration) revokeOwnerGrant(ctx workflow.Context) {
	if m.ownerGrant == "" {
		return
	}
	if m.version(ctx, ChangeRevokeGrant, 1) == workflow.DefaultVersion {
		return
	}
	const summary = "Revoke the owner's Zendesk sign-in"
	in := activities.RevokeGrantInput{CredentialID: m.ownerGrant}
	var err error
	if m.version(ctx, ChangeLocalRevoke, 1) == 1 {
		// Safe to run twice: a grant already revoked is skipped, and Zendesk's 401 for
		// a revoked token counts as done.
		err = m.localFirst(ctx, summary, "RevokeGrant", in, nil)
	} else {
		err = workflow.ExecuteActivity(m.stepCtx(ctx, summary), acts.RevokeGrant, in).Get(ctx, nil)
	}
	if err != nil {
		m.logger.Warn("could not revoke the owner's Zendesk sign-in; it expires on its own", "grant", m.ownerGrant, "error", err)
		return
	}
	m.ownerGrant = ""
}
