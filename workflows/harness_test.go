package workflows

import (
	"context"
	"fmt"
	"io"
	"log/slog"
	"strings"
	"testing"
	"time"

	"github.com/stretchr/testify/mock"
	"github.com/stretchr/testify/require"
	"go.temporal.io/sdk/log"
	"go.temporal.io/sdk/testsuite"
	"go.temporal.io/sdk/workflow"

	"github.com/sellmigrate/sellmigrate/activities"
	"github.com/sellmigrate/sellmigrate/contract"
)

// harness runs MigrationWorkflow in the SDK's test environment with mocked activities,
// and sends human inputs at moments of the workflow's (skipped) clock.
type harness struct {
	t       *testing.T
	env     *testsuite.TestWorkflowEnvironment
	a       *activities.Activities
	updates []*updateOutcome
	// reminders counts reminder emails sent; reminded are their inputs.
	reminders int
	reminded  []activities.ReminderInput
	// webhookErr, when set, is what every webhook reminder fails with.
	webhookErr error
	// revoked are the owner grants RevokeGrant revoked; revokeErrs are the errors its
	// next calls fail with instead, one per call, first first.
	revoked    []string
	revokeErrs []error
	// adminChecks are the inputs CheckSellAdmin was asked about by the default mock,
	// which says admin for the demo admins (admin@<account>.test), as the simulator's
	// demo data has them, and "not an active admin" for anyone else.
	adminChecks []activities.CheckSellAdminInput
	// checkAdmin, when set, answers CheckSellAdmin instead (a test's failures).
	checkAdmin func(activities.CheckSellAdminInput) (activities.CheckSellAdminResult, error)
}

type updateOutcome struct {
	name     string
	rejected error
	failed   error
	done     bool
}

func newHarness(t *testing.T) *harness {
	t.Helper()
	return newHarnessWith(t, nil)
}

// newHarnessWith lets a test set up the suite (its metrics handler) first.
func newHarnessWith(t *testing.T, configure func(*testsuite.WorkflowTestSuite)) *harness {
	t.Helper()
	var suite testsuite.WorkflowTestSuite
	suite.SetLogger(log.NewStructuredLogger(slog.New(slog.NewTextHandler(io.Discard, nil))))
	if configure != nil {
		configure(&suite)
	}
	env := suite.NewTestWorkflowEnvironment()
	env.SetTestTimeout(30 * time.Second)
	var a *activities.Activities
	env.RegisterActivity(a)
	env.RegisterWorkflowWithOptions(MigrationWorkflow, RegisterOptions())
	h := &harness{t: t, env: env, a: a}
	env.OnActivity(a.SendReminderEmail, mock.Anything, mock.Anything).
		Return(func(_ context.Context, in activities.ReminderInput) (activities.ReminderSent, error) {
			h.reminders++
			h.reminded = append(h.reminded, in)
			return activities.ReminderSent{To: in.To, Subject: "reminder"}, nil
		}).Maybe()
	env.OnActivity(a.RevokeGrant, mock.Anything, mock.Anything).
		Return(func(_ context.Context, in activities.RevokeGrantInput) error {
			if len(h.revokeErrs) > 0 {
				err := h.revokeErrs[0]
				h.revokeErrs = h.revokeErrs[1:]
				return err
			}
			h.revoked = append(h.revoked, in.CredentialID)
			return nil
		}).Maybe()
	env.OnActivity(a.CheckSellAdmin, mock.Anything, mock.Anything).
		Return(func(_ context.Context, in activities.CheckSellAdminInput) (activities.CheckSellAdminResult, error) {
			h.adminChecks = append(h.adminChecks, in)
			if h.checkAdmin != nil {
				return h.checkAdmin(in)
			}
			return demoSellAdmin(in), nil
		}).Maybe()
	env.OnActivity(a.PostReminderWebhook, mock.Anything, mock.Anything).
		Return(func(context.Context, activities.ReminderInput) (activities.ReminderSent, error) {
			return activities.ReminderSent{Subject: "reminder"}, h.webhookErr
		}).Maybe()
	return h
}

func testPolicy() contract.Policy {
	p := contract.DefaultPolicy()
	p.ReminderInterval = time.Hour
	p.WaitDeadline = 5 * time.Hour
	p.RetryInitialInterval = time.Second
	p.RetryMaxInterval = 4 * time.Second
	p.RetryMaxAttempts = 4
	return p
}

func newInput(account string, mode contract.Mode, subdomain string) contract.StartInput {
	return contract.StartInput{SellAccountID: account, Mode: mode, Subdomain: subdomain, RequestedBy: "admin@acme.test", Policy: testPolicy()}
}

// at runs fn when the workflow clock has advanced by d.
func (h *harness) at(d time.Duration, fn func()) { h.env.RegisterDelayedCallback(fn, d) }

// update sends a human input as an update and remembers how it went.
func (h *harness) update(name string, payload any) *updateOutcome {
	out := &updateOutcome{name: name}
	h.updates = append(h.updates, out)
	h.env.UpdateWorkflow(name, fmt.Sprintf("%s-%d", name, len(h.updates)), &testsuite.TestUpdateCallback{
		OnAccept:   func() {},
		OnReject:   func(err error) { out.rejected = err; out.done = true },
		OnComplete: func(_ any, err error) { out.failed = err; out.done = true },
	}, payload)
	return out
}

// progress queries the workflow's progress.
func (h *harness) progress() contract.Progress {
	h.t.Helper()
	v, err := h.env.QueryWorkflow(contract.ProgressQuery)
	require.NoError(h.t, err)
	var p contract.Progress
	require.NoError(h.t, v.Get(&p))
	return p
}

// expectStatus checks the status at a moment of the workflow clock.
func (h *harness) expectStatus(d time.Duration, want contract.Status) {
	h.at(d, func() { require.Equal(h.t, want, h.progress().Status, "status at %s", d) })
}

func (h *harness) run(in contract.StartInput) {
	h.env.ExecuteWorkflow(MigrationWorkflow, in)
	require.True(h.t, h.env.IsWorkflowCompleted())
}

func (h *harness) result() contract.Result {
	h.t.Helper()
	require.NoError(h.t, h.env.GetWorkflowError())
	var r contract.Result
	require.NoError(h.t, h.env.GetWorkflowResult(&r))
	return r
}

// Mocks of the usual happy steps.

func (h *harness) preflightLegacy() {
	h.env.OnActivity(h.a.Preflight, mock.Anything, mock.Anything).
		Return(activities.PreflightResult{AccountName: "Acme", AdminName: "Acme Admin"}, nil).Once()
}

func (h *harness) reserveCreates(subdomain string) {
	h.env.OnActivity(h.a.ReserveSubdomain, mock.Anything, mock.MatchedBy(func(in activities.ReserveSubdomainInput) bool { return in.Subdomain == subdomain })).
		Return(activities.ReserveSubdomainResult{Created: true, LoginURL: "https://" + subdomain + ".zendesk.com"}, nil).Once()
}

// link makes LinkAccounts succeed once for subdomain.
func (h *harness) link(subdomain string) {
	h.env.OnActivity(h.a.LinkAccounts, mock.Anything, mock.MatchedBy(func(in activities.LinkInput) bool { return in.Subdomain == subdomain })).
		Return(activities.LinkResult{LinkedAt: time.Now(), LoginURL: "https://" + subdomain + ".zendesk.com"}, nil).Once()
}

func (h *harness) linkAndConvert(subdomain string, converted int) {
	h.link(subdomain)
	h.env.OnActivity(h.a.ConvertContributors, mock.Anything, mock.MatchedBy(func(in activities.ConvertContributorsInput) bool { return in.Subdomain == subdomain })).
		Return(contract.ContributorCursor{NextPage: 2, SellUsers: converted + 1, Converted: converted, AlreadyAgents: 1}, nil).Once()
}

func accept(by string) contract.AcceptDisclaimersInput {
	return contract.AcceptDisclaimersInput{By: by}
}

// grantOf is the credential ID the tests give the sign-in of email.
func grantOf(email string) string {
	return "cred_grant_" + strings.NewReplacer("@", "_", ".", "-").Replace(email)
}

// ownerLoginAs is the owner-login input of email's Zendesk sign-in.
func ownerLoginAs(email string) contract.OwnerLoginInput {
	return contract.OwnerLoginInput{GrantID: grantOf(email), UserEmail: email}
}

// demoSellAdmin answers CheckSellAdmin as the simulator's demo data would: the demo
// admins are admin@<account>.test, everyone else is an ordinary user or unknown.
func demoSellAdmin(in activities.CheckSellAdminInput) activities.CheckSellAdminResult {
	if strings.HasPrefix(in.Email, "admin@") {
		return activities.CheckSellAdminResult{IsAdmin: true}
	}
	account := "Sell account " + in.SellAccountID
	if in.AccountName != "" {
		account += " (" + in.AccountName + ")"
	}
	return activities.CheckSellAdminResult{Reason: fmt.Sprintf("%s is not an active admin of %s; a Sell admin of the account must send %s", in.Email, account, in.Input)}
}

// beforeOneMarker makes the run one started before ChangeOneMarker, which asks each
// change with its own GetVersion, so that a test can pin a change's old branch.
func (h *harness) beforeOneMarker() {
	h.env.OnGetVersion(ChangeOneMarker, workflow.DefaultVersion, 1).Return(workflow.DefaultVersion)
}
