package starter

import (
	"context"
)

// Headline reports where a migration stands from its latest run alone: Temporal's
// execution, and the step, status, mode and subdomain the workflow keeps in its search
// attributes. It costs one describe: no progress query (so no worker is asked), no
// task-queue describe, no list of runs. Temporal keeps those search attributes with
// the run, and the workflow upserts them in every workflow task that changes them, so
// they are as current as the query's answer; visibility's copy, which lags, is not
// read (ProgressSource says "visibility" all the same, as Status does when it reads
// these attributes without the query). A closed run that never recorded its outcome (terminated, timed out) shows
// how it ended, as in Status.
//
// It is for a page that only has to decide whether the migration takes a request now,
// such as the owner's sign-in, which reads a migration twice per login; Status gives
// the whole report.
func (s *Starter) Headline(ctx context.Context, ref string) (Report, error) {
	desc, err := s.describeRef(ctx, ref)
	if err != nil {
		return Report{}, err
	}
	info := desc.GetWorkflowExecutionInfo()
	r := Report{
		Progress:          progressFromVisibility(info),
		Execution:         executionOf(info),
		PendingActivities: []PendingActivity{},
		ProgressSource:    "visibility",
		ProgressNote:      "the headline only: read from the run's search attributes",
		Executions:        []Summary{},
	}
	if st := closedStatus(info.GetStatus()); st != "" && !r.Status.Final() {
		r.Status = st
	}
	return r, nil
}
