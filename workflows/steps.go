package workflows

import (
	"fmt"

	"go.temporal.io/sdk/workflow"

	"github.com/sellmigrate/sellmigrate/activities"
	"github.com/sellmigrate/sellmigrate/contract"
)

// acts is only used for method references: the worker registers the real Activities.
var acts *activities.Activities

func (m *migration) preflight(ctx workflow.Context) (activities.PreflightResult, error) {
	var res activities.PreflightResult
	err := workflow.ExecuteActivity(m.stepCtx(ctx), acts.Preflight, activities.PreflightInput{
		SellAccountID: m.in.SellAccountID, RequestedBy: m.in.RequestedBy,
	}).Get(ctx, &res)
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
	m.enterStep(ctx, contract.StepSubdomain)
	candidate, problem := m.in.Subdomain, ""
	if m.subdomainChoices > 0 || m.progress.CreatedSubdomain != "" {
		candidate = "" // after "back" the admin picks again
	}
	for {
		if candidate == "" {
			if problem == "" {
				problem = "a subdomain for the Zendesk account"
			}
			if err := m.awaitInput(ctx, contract.StatusNeedsSubdomain, problem, func() bool { return m.inbox.subdomain != nil }); err != nil {
				return err
			}
			candidate = m.inbox.subdomain.Subdomain
			m.inbox.subdomain = nil
		}
		m.subdomainChoices++
		if err := contract.ValidateSubdomain(candidate); err != nil {
			m.progress.LastError = err.Error()
			candidate, problem = "", "a valid subdomain: "+err.Error()
			continue
		}
		ok, why, err := m.claimSubdomain(ctx, candidate)
		if err != nil {
			return err
		}
		if !ok {
			m.progress.LastError = why
			candidate, problem = "", "another subdomain: "+why
			continue
		}
		m.progress.Subdomain = candidate
		m.progress.LastError = ""
		m.endStep(ctx)
		return nil
	}
}

// claimSubdomain creates the account (new mode) or checks it exists (existing mode).
func (m *migration) claimSubdomain(ctx workflow.Context, subdomain string) (bool, string, error) {
	if m.in.Mode == contract.ModeExisting {
		var exists bool
		if err := workflow.ExecuteActivity(m.stepCtx(ctx), acts.CheckSubdomainExists, subdomain).Get(ctx, &exists); err != nil {
			return false, "", err
		}
		if !exists {
			return false, fmt.Sprintf("no Zendesk account answers at %s; enter the subdomain of the existing account", subdomain), nil
		}
		return true, "", nil
	}
	var res activities.ReserveSubdomainResult
	err := workflow.ExecuteActivity(m.stepCtx(ctx), acts.ReserveSubdomain, activities.ReserveSubdomainInput{
		AccountName:    m.accountName(),
		Subdomain:      subdomain,
		OwnerName:      m.adminName,
		OwnerEmail:     m.in.RequestedBy,
		IdempotencyKey: fmt.Sprintf("%s/account/%s/%d", m.progress.WorkflowID, subdomain, m.subdomainChoices),
	}).Get(ctx, &res)
	if err != nil {
		return false, "", err
	}
	if !res.Created {
		return false, res.Reason, nil
	}
	m.progress.CreatedSubdomain = subdomain
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
	m.enterStep(ctx, contract.StepOwnerLogin)
	for {
		err := m.awaitInput(ctx, contract.StatusAwaitingOwnerLogin, "the Zendesk account owner of "+m.progress.Subdomain+" to log in",
			func() bool { return m.inbox.ownerLogin != nil || m.inbox.back != nil })
		if err != nil {
			return err
		}
		if m.inbox.back != nil {
			return errWentBack
		}
		login := *m.inbox.ownerLogin
		m.inbox.ownerLogin = nil
		res, err := m.verifyOwner(ctx, login.UserEmail)
		if err != nil {
			return err
		}
		if !res.IsOwner {
			m.finishLogin(login.UserEmail, res.Reason)
			continue
		}
		m.progress.OwnerEmail = login.UserEmail
		m.finishLogin(login.UserEmail, "")
		for !res.HasSellLicense {
			m.progress.LastError = res.Reason
			err := m.awaitInput(ctx, contract.StatusOwnerNeedsSellLicense, "a Sell license for the owner "+login.UserEmail+" (then license-assigned)",
				func() bool { return m.inbox.license != nil || m.inbox.back != nil })
			if err != nil {
				return err
			}
			if m.inbox.back != nil {
				return errWentBack
			}
			m.inbox.license = nil
			if res, err = m.recheckLicense(ctx, login.UserEmail); err != nil {
				return err
			}
			if !res.HasSellLicense {
				m.progress.LastError = res.Reason
				m.recordLastInputOutcome(contract.LicenseAssignedName, res.Reason)
			}
		}
		m.progress.LastError = ""
		m.endStep(ctx)
		return nil
	}
}

func (m *migration) verifyOwner(ctx workflow.Context, email string) (activities.VerifyOwnerResult, error) {
	m.setStatus(ctx, contract.StatusRunning, "")
	var res activities.VerifyOwnerResult
	err := workflow.ExecuteActivity(m.stepCtx(ctx), acts.VerifyOwner, activities.VerifyOwnerInput{
		SellAccountID: m.in.SellAccountID, Subdomain: m.progress.Subdomain, UserEmail: email,
	}).Get(ctx, &res)
	return res, err
}

// recheckLicense checks the verified owner's Sell license again after license-assigned.
// Guarded by ChangeLicenseRecheck: runs recorded before the change re-ran VerifyOwner.
func (m *migration) recheckLicense(ctx workflow.Context, email string) (activities.VerifyOwnerResult, error) {
	if workflow.GetVersion(ctx, ChangeLicenseRecheck, workflow.DefaultVersion, 1) == workflow.DefaultVersion {
		return m.verifyOwner(ctx, email)
	}
	m.setStatus(ctx, contract.StatusRunning, "")
	var lic activities.CheckSellLicenseResult
	err := workflow.ExecuteActivity(m.stepCtx(ctx), acts.CheckSellLicense, activities.CheckSellLicenseInput{
		SellAccountID: m.in.SellAccountID, Email: email,
	}).Get(ctx, &lic)
	return activities.VerifyOwnerResult{IsOwner: true, HasSellLicense: lic.HasSellLicense, Reason: lic.Reason}, err
}

// disclaimers waits until the admin accepts the disclaimers of the policy's version.
func (m *migration) disclaimers(ctx workflow.Context) error {
	m.enterStep(ctx, contract.StepDisclaimers)
	err := m.awaitInput(ctx, contract.StatusAwaitingDisclaimers, "the disclaimers (version "+m.in.Policy.DisclaimerVersion+") to be accepted",
		func() bool { return m.inbox.disclaimers != nil || m.inbox.back != nil })
	if err != nil {
		return err
	}
	if m.inbox.back != nil {
		return errWentBack
	}
	m.progress.DisclaimerVersion = m.inbox.disclaimers.Version
	m.endStep(ctx)
	return nil
}

// goBack returns to the subdomain choice: an account this migration created for the
// abandoned choice is released first, so nothing is left behind.
func (m *migration) goBack(ctx workflow.Context) error {
	m.inbox.back = nil
	m.inbox.disclaimers = nil
	m.inbox.ownerLogin = nil
	m.inbox.license = nil
	m.progress.OwnerEmail = ""
	m.endStep(ctx)
	if err := m.releaseCreated(ctx); err != nil {
		return err
	}
	m.progress.Subdomain = ""
	return nil
}

func (m *migration) link(ctx workflow.Context) error {
	m.enterStep(ctx, contract.StepLink)
	var res activities.LinkResult
	err := workflow.ExecuteActivity(m.stepCtx(ctx), acts.LinkAccounts, activities.LinkInput{
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

func (m *migration) convertContributors(ctx workflow.Context) (*contract.ContributorCounts, error) {
	m.enterStep(ctx, contract.StepContributors)
	acting := m.in.RequestedBy
	if m.in.Mode == contract.ModeExisting {
		acting = m.progress.OwnerEmail
	}
	var res contract.ContributorCursor
	err := workflow.ExecuteActivity(m.contributorCtx(ctx), acts.ConvertContributors, activities.ConvertContributorsInput{
		SellAccountID: m.in.SellAccountID, Subdomain: m.progress.Subdomain, ActingEmail: acting,
	}).Get(ctx, &res)
	if err != nil {
		return nil, err
	}
	counts := &contract.ContributorCounts{
		SellUsers: res.SellUsers, Converted: res.Converted, AlreadyAgents: res.AlreadyAgents,
		NeedsReactivation: append([]string{}, res.NeedsReactivation...),
	}
	m.progress.Contributors = counts
	m.endStep(ctx)
	return counts, nil
}
