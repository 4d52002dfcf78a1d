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
)
