// Package bench measures sellmigrate end to end on this machine: N migrations on the
// embedded Temporal server against the simulator, beside a floor workflow of the same
// shape whose activities do nothing, so the ratio of the two says how much of
// Temporal's own throughput the migration keeps. It is used by `sellmigrate bench`.
package bench

import (
	"context"
	"errors"
	"time"

	"go.temporal.io/sdk/activity"
	"go.temporal.io/sdk/temporal"
	sdkworker "go.temporal.io/sdk/worker"
	"go.temporal.io/sdk/workflow"

	"github.com/sellmigrate/sellmigrate/contract"
)

// FloorWorkflowName is the registered name of the floor workflow.
const FloorWorkflowName = "BenchFloorWorkflow"

// FloorInput starts one floor workflow.
type FloorInput struct {
	SellAccountID string `json:"sellAccountId"`
}

// Floor activity names; each does nothing and returns at once.
var floorActivities = []string{"FloorPreflight", "FloorCheckSubdomain", "FloorVerifyOwner", "FloorCheckSellAdmin", "FloorLink", "FloorConvert", "FloorRevokeGrant"}

// RegisterFloor registers the floor workflow and its no-op activities on a worker (the
// migration worker, so both share pollers, slots and caches).
func RegisterFloor(r sdkworker.Registry) {
	r.RegisterWorkflowWithOptions(FloorWorkflow, workflow.RegisterOptions{Name: FloorWorkflowName})
	for _, name := range floorActivities {
		r.RegisterActivityWithOptions(noop, activity.RegisterOptions{Name: name})
	}
}

func noop(context.Context) error { return nil }

// FloorWorkflow has the shape of an existing-mode migration as Temporal sees it: the
// same seven activities with the same options (preflight, subdomain check, owner
// verification, the check that the disclaimers' sender is a Sell admin, link,
// conversion, and the owner grant's revocation at the end), local or regular as the
// migration runs each (the three read-only checks local since ChangeLocalChecks, the
// revocation since ChangeLocalRevoke; the owner's verification regular), the same two
// human inputs as updates with validators that answer once the workflow has acted,
// one search-attribute upsert per workflow task where it blocks (as the migration
// since ChangeCoalescedUpserts), one version marker (since ChangeOneMarker), and a
// progress query. Only the activities' work (the Zendesk calls) and the migration's
// bookkeeping are missing.
func FloorWorkflow(ctx workflow.Context, in FloorInput) (string, error) {
	f := &floor{in: in, step: contract.StepPreflight, status: contract.StatusRunning}
	ctx = workflow.WithActivityOptions(ctx, workflow.ActivityOptions{
		StartToCloseTimeout: 30 * time.Second,
		RetryPolicy:         &temporal.RetryPolicy{InitialInterval: time.Second, BackoffCoefficient: 2, MaximumInterval: time.Minute, MaximumAttempts: 20},
	})
	if err := f.register(ctx); err != nil {
		return "", err
	}
	// One version marker, and its TemporalChangeVersion upsert, as every migration run
	// records since ChangeOneMarker.
	_ = workflow.GetVersion(ctx, "floor-version-marker", workflow.DefaultVersion, 1)
	f.publish(ctx)
	steps := []func(workflow.Context) error{
		f.check("FloorPreflight"),
		f.enter(contract.StepSubdomain), f.check("FloorCheckSubdomain"),
		f.enter(contract.StepOwnerLogin), f.wait(contract.StatusAwaitingOwnerLogin, &f.loggedIn),
		f.activity("FloorVerifyOwner"), func(workflow.Context) error { f.verified = true; return nil },
		f.enter(contract.StepDisclaimers), f.wait(contract.StatusAwaitingDisclaimers, &f.accepted), f.check("FloorCheckSellAdmin"),
		f.enter(contract.StepLink), f.activity("FloorLink"),
		f.enter(contract.StepContributors), f.activity("FloorConvert"),
		f.enter(contract.StepDone),
	}
	for _, step := range steps {
		if err := step(ctx); err != nil {
			return "", err
		}
	}
	f.setStatus(ctx, contract.StatusCompleted)
	if err := f.check("FloorRevokeGrant")(ctx); err != nil {
		return "", err
	}
	f.flush(ctx)
	_ = workflow.Await(ctx, func() bool { return workflow.AllHandlersFinished(ctx) })
	return string(contract.StatusCompleted), nil
}

type floor struct {
	in                           FloorInput
	step                         contract.Step
	status                       contract.Status
	loggedIn, verified, accepted bool
	// unpublished: a change of step or status awaits its upsert, sent where the
	// workflow blocks, as the migration does since ChangeCoalescedUpserts.
	unpublished bool
}

func (f *floor) register(ctx workflow.Context) error {
	if err := workflow.SetQueryHandler(ctx, contract.ProgressQuery, func() (string, error) { return string(f.status), nil }); err != nil {
		return err
	}
	err := workflow.SetUpdateHandlerWithOptions(ctx, contract.OwnerLoginName,
		func(ctx workflow.Context, _ contract.OwnerLoginInput) (string, error) {
			f.loggedIn = true
			err := workflow.Await(ctx, func() bool { return f.verified })
			return string(f.status), err
		},
		workflow.UpdateHandlerOptions{Validator: func(contract.OwnerLoginInput) error {
			return f.expect(contract.StatusAwaitingOwnerLogin)
		}})
	if err != nil {
		return err
	}
	return workflow.SetUpdateHandlerWithOptions(ctx, contract.AcceptDisclaimersName,
		func(ctx workflow.Context, _ contract.AcceptDisclaimersInput) (string, error) {
			f.accepted = true
			err := workflow.Await(ctx, func() bool { return f.step != contract.StepDisclaimers })
			return string(f.status), err
		},
		workflow.UpdateHandlerOptions{Validator: func(contract.AcceptDisclaimersInput) error {
			return f.expect(contract.StatusAwaitingDisclaimers)
		}})
}

func (f *floor) expect(status contract.Status) error {
	if f.status != status {
		return errors.New("not waiting for this input now (status " + string(f.status) + ")")
	}
	return nil
}

func (f *floor) activity(name string) func(workflow.Context) error {
	return func(ctx workflow.Context) error {
		f.flush(ctx)
		return workflow.ExecuteActivity(ctx, name).Get(ctx, nil)
	}
}

// check is a read-only check (or the revocation) as the migration runs it (workflows'
// localFirst): a local activity with one attempt, inside the workflow task.
func (f *floor) check(name string) func(workflow.Context) error {
	return func(ctx workflow.Context) error {
		ctx = workflow.WithLocalActivityOptions(ctx, workflow.LocalActivityOptions{
			StartToCloseTimeout: 30 * time.Second,
			RetryPolicy:         &temporal.RetryPolicy{MaximumAttempts: 1},
		})
		return workflow.ExecuteLocalActivity(ctx, name).Get(ctx, nil)
	}
}

func (f *floor) enter(step contract.Step) func(workflow.Context) error {
	return func(ctx workflow.Context) error {
		f.step, f.status = step, contract.StatusRunning
		f.publish(ctx)
		return nil
	}
}

func (f *floor) wait(status contract.Status, got *bool) func(workflow.Context) error {
	return func(ctx workflow.Context) error {
		f.setStatus(ctx, status)
		f.flush(ctx)
		if err := workflow.Await(ctx, func() bool { return *got }); err != nil {
			return err
		}
		f.setStatus(ctx, contract.StatusRunning)
		return nil
	}
}

func (f *floor) setStatus(ctx workflow.Context, status contract.Status) {
	f.status = status
	f.publish(ctx)
}

func (f *floor) publish(workflow.Context) { f.unpublished = true }

func (f *floor) flush(ctx workflow.Context) {
	if !f.unpublished {
		return
	}
	f.unpublished = false
	_ = workflow.UpsertTypedSearchAttributes(ctx,
		contract.SearchAttrSellAccountID.ValueSet(f.in.SellAccountID),
		contract.SearchAttrMode.ValueSet(string(contract.ModeExisting)),
		contract.SearchAttrStep.ValueSet(string(f.step)),
		contract.SearchAttrStatus.ValueSet(string(f.status)),
	)
}
