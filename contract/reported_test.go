package contract

import (
	"fmt"
	"testing"
)

// TestReportedListsStopAtTheCapAndCountsStayWhole: what the conversion does with every
// end-user, inactive or suspended user it reports.
func TestReportedListsStopAtTheCapAndCountsStayWhole(t *testing.T) {
	var c ContributorCursor
	for i := range MaxReportedEmails + 50 {
		c.NeedsReactivationCount = ReportedCount(c.NeedsReactivationCount, c.NeedsReactivation) + 1
		c.NeedsReactivation = AppendReported(c.NeedsReactivation, fmt.Sprintf("u%d@x.test", i))
	}
	if len(c.NeedsReactivation) != MaxReportedEmails || c.NeedsReactivationCount != MaxReportedEmails+50 {
		t.Fatalf("list %d, count %d; want %d and %d", len(c.NeedsReactivation), c.NeedsReactivationCount, MaxReportedEmails, MaxReportedEmails+50)
	}
	if got := c.Counts().NeedsReactivationCount; got != MaxReportedEmails+50 {
		t.Errorf("progress count %d, want %d", got, MaxReportedEmails+50)
	}
}

// TestReportedCountOfAnUncountedList: a cursor from before the count existed has a
// whole list and no count; the list is its count, and counting goes on from there.
func TestReportedCountOfAnUncountedList(t *testing.T) {
	old := ContributorCursor{NeedsReactivation: []string{"a@x.test", "b@x.test"}}
	if got := old.Counts().NeedsReactivationCount; got != 2 {
		t.Errorf("count of an old cursor = %d, want 2", got)
	}
	if got := ReportedCount(5, []string{"a@x.test"}); got != 5 {
		t.Errorf("ReportedCount(5, one email) = %d, want 5", got)
	}
}
