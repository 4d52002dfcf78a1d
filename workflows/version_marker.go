package workflows

import (
	"maps"
	"slices"

	"go.temporal.io/sdk/workflow"
)

// settledVersions are the migration's changes a run that recorded ChangeOneMarker
// takes without asking: each at the version given here, with no marker of its own.
// An entry is never edited: a later change to one of these IDs needs a new marker ID
// (and a new map) so that the runs which settled them keep replaying as recorded.
var settledVersions = map[string]workflow.Version{
	ChangeLicenseRecheck:   1,
	ChangeReminderNotify:   1,
	ChangeFinishLinked:     1,
	ChangeNeedsAttention:   1,
	ChangeRevokeGrant:      1,
	ChangeBoundedQuietWait: 1,
	ChangeSellAdminInputs:  1,
	ChangeLocalChecks:      1,
	ChangeCoalescedUpserts: 1,
	ChangeLocalRevoke:      1,
}

// version is workflow.GetVersion(ctx, changeID, DefaultVersion, maxSupported) for
// the migration's changes. Why not GetVersion itself: the SDK records each change's
// first GetVersion in a run as a marker and an upsert of the TemporalChangeVersion
// search attribute, and the server writes the run's visibility row again for every
// upsert. With ten changes that was up to twenty extra history events and ten extra
// visibility writes per migration, paid by every new run for changes that every new run takes.
// A run that recorded ChangeOneMarker (every run started since) takes the settled
// ones from settledVersions; one started before asks each change as it did.
func (m *migration) version(ctx workflow.Context, changeID string, maxSupported workflow.Version) workflow.Version {
	if m.oneMarker == nil {
		one := workflow.GetVersion(ctx, ChangeOneMarker, workflow.DefaultVersion, 1) == 1
		m.oneMarker = &one
	}
	if v, ok := settledVersions[changeID]; ok && *m.oneMarker {
		return v
	}
	return workflow.GetVersion(ctx, changeID, workflow.DefaultVersion, maxSupported)
}

// SettledChanges lists, sorted, the changes a run with ChangeOneMarker takes without
// asking: the replay test checks that such a run's history has none of their markers.
func SettledChanges() []string {
	return slices.Sorted(maps.Keys(settledVersions))
}
