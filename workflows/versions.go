package workflows

// Workflow changes guarded by workflow.GetVersion. Each ID is recorded as a marker in
// the history of runs that take the new branch; runs recorded before the change replay
// the old branch (workflow.DefaultVersion). Histories of both branches are replayed by
// TestReplayRecordedHistories; docs/RELIABILITY.md lists every change.
const (
	// ChangeLicenseRecheck: after license-assigned the workflow checks only the owner's
	// Sell license (activity CheckSellLicense, one Sell API call) instead of re-running
	// VerifyOwner, which signs in to Zendesk again to prove an ownership already proven.
	// Version 1 = CheckSellLicense; DefaultVersion = VerifyOwner (runs started before).
	ChangeLicenseRecheck = "license-recheck-activity"

	// ChangeReminderNotify: a reminder reaches the person who must act, by email
	// (SendReminderEmail) and webhook (PostReminderWebhook), and is recorded in the
	// progress. DefaultVersion = one warn log line (SendReminder).
	ChangeReminderNotify = "reminder-notify"

	// ChangeFinishLinked: an account found already connected is checked for Sell users
	// not yet contributors (CheckContributors) and, if some are missing, the conversion
	// is finished. DefaultVersion = it ends already_connected at once.
	ChangeFinishLinked = "finish-linked"

	// ChangeNeedsAttention: past the link, a step that fails waits in needs_attention
	// for an operator's retry. DefaultVersion = the migration fails.
	ChangeNeedsAttention = "needs-attention"

	// ChangeRevokeGrant: the owner's OAuth grant is revoked (RevokeGrant) when the
	// migration ends or goes back to another subdomain. Only runs whose owner login
	// carried a grant reach it; DefaultVersion = nothing is revoked.
	ChangeRevokeGrant = "revoke-grant"

	// ChangeLocalRevoke: the owner's grant is revoked with a first attempt as a local
	// activity, inside the workflow task that ends the migration or goes back to
	// another subdomain, and again as a regular activity when that attempt fails for a
	// reason a retry may fix (see localFirst): one marker instead of an activity's and
	// a workflow task's six events. Revoking twice is harmless. DefaultVersion = a
	// regular activity.
	ChangeLocalRevoke = "local-revoke"

	// ChangeBoundedQuietWait: when a long history calls for continue-as-new while an
	// input is still pending (accepted early for a later step), the wait for quiet ends
	// at the next reminder or the deadline, which then go on. DefaultVersion = it waited
	// for quiet without bound, so reminders and the deadline stopped.
	ChangeBoundedQuietWait = "bounded-quiet-wait"

	// ChangeSellAdminInputs: an input given on behalf of the customer (choose-subdomain,
	// back, license-assigned, accept-disclaimers) takes effect only if its "by" is an
	// active admin of the migration's Sell account, checked by CheckSellAdmin when the
	// wait takes it; otherwise it is refused and the wait goes on. DefaultVersion = any
	// "by" was taken as given.
	ChangeSellAdminInputs = "sell-admin-inputs"

	// ChangeLocalChecks: the read-only checks (Preflight, CheckSubdomainExists,
	// CheckSellLicense, CheckSellAdmin; not VerifyOwner, which an owner-login update
	// waits on) make their first attempt as a local activity inside the workflow task,
	// and fall back to a regular activity when that attempt fails for a reason a retry
	// may fix (see readOnly). Asked once at the start of each run. DefaultVersion =
	// regular activities only.
	ChangeLocalChecks = "local-read-only-checks"

	// ChangeDrainPollActive: a campaign whose rows have all started counts its
	// migrations again after campaignPoll (30 s) while some are in active steps, and
	// after campaignDrainPoll (5 min) only once all that remain wait for people.
	// DefaultVersion = always campaignDrainPoll, so the report came up to 5 min late.
	ChangeDrainPollActive = "campaign-drain-poll-active"

	// ChangeCoalescedUpserts: the search attributes are upserted once per workflow task,
	// with the task's last state, at the point the workflow blocks (see publish and
	// flush), rather than at every change of step and status. Asked once at the start
	// of each run. DefaultVersion = one upsert per change.
	ChangeCoalescedUpserts = "coalesced-upserts"

	// ChangeCampaignExactPace: a campaign paces with PaceCampaign (active, running, and
	// the migrations visibility shows), counts its starts visibility does not show yet
	// exactly (starts minus shown) rather than every start of the last visibilityLag,
	// counts status by status only every campaignPoll for the progress, and at
	// MaxActive counts again after campaignFullPoll (5 s) rather than campaignPoll, and
	// lets unused starts pile up to five seconds' worth of the rate rather than one.
	// Asked once at the start of each run. DefaultVersion = CountCampaign at every step.
	ChangeCampaignExactPace = "campaign-exact-pace"

	// ChangeOneMarker: a new run records this one marker, first, and takes every change
	// in settledVersions at the version given there without a marker (and a
	// TemporalChangeVersion upsert, a visibility write) of its own; see version.
	// DefaultVersion = each change is asked with its own GetVersion.
	ChangeOneMarker = "one-version-marker"

	// ChangeCampaignBoundedState: a campaign keeps its state under Temporal's payload
	// limit by size, not only by count: a new campaign's first list must fit in
	// contract.MaxCampaignQueuedBytes, report rows are clipped (Clipped) and carried up
	// to MaxCampaignReportBytes, and the final report's rows up to
	// MaxCampaignResultBytes; rows beyond are counted in Omitted. Asked once, first, in
	// each run. DefaultVersion = counts only, so a queue of long rows could outgrow the
	// continue-as-new's payload, which terminates the campaign.
	ChangeCampaignBoundedState = "campaign-bounded-state"

	// ChangeCampaignStartActivity: a campaign starts its migrations with the
	// StartCampaignMigrations activity, a batch at a time, rather than as children it
	// abandons. A child still reports its start and its close to its parent while the
	// parent runs: close to one workflow task and three events of the campaign per
	// migration, a history that reached its limit every few hundred migrations, and a
	// continue-as-new Temporal refuses while children keep closing. Asked once at the
	// start of each run. DefaultVersion = children.
	ChangeCampaignStartActivity = "campaign-start-activity"
)
