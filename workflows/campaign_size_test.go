package workflows

import (
	"fmt"
	"strings"
	"testing"
	"time"

	"github.com/stretchr/testify/require"
	"go.temporal.io/sdk/converter"
	"go.temporal.io/sdk/workflow"
	"google.golang.org/protobuf/proto"

	"github.com/sellmigrate/sellmigrate/contract"
)

// blobSizeLimit is Temporal's default limit on one payload (limit.blobSize.error): a
// continue-as-new whose input is larger terminates the workflow.
const blobSizeLimit = 2 << 20

// longRow is a valid row with every column filled at length.
func longRow(id int) contract.CampaignRow {
	return contract.CampaignRow{AccountID: fmt.Sprint(id), Mode: "existing", Subdomain: "acme-corporation-" + strings.Repeat("x", 40),
		RequestedBy: "firstname.lastname." + strings.Repeat("a", 30) + "@acme-corporation-emea.example",
		OwnerEmail:  "owner.firstname.lastname." + strings.Repeat("b", 30) + "@acme-corporation-emea.example",
		TimeZone:    "America/Argentina/Buenos_Aires"}
}

// pastedRow is a row whose account ID is a pasted paragraph: refused, and its report
// row repeats the value in its error.
func pastedRow() contract.CampaignRow {
	return contract.CampaignRow{AccountID: strings.Repeat("<pasted text> ", 150), Mode: "new", RequestedBy: "admin@acme.test"}
}

// fillQueue is about as many long rows from id as the campaign's queue holds, an even
// number so that each half fits one add.
func fillQueue(id int) []contract.CampaignRow {
	n := 2 * (contract.MaxCampaignAddBytes / contract.RowBytes(longRow(id))) // two adds of at most MaxCampaignAddBytes
	rows := make([]contract.CampaignRow, n)
	for i := range rows {
		rows[i] = longRow(id + i)
	}
	return rows
}

// A campaign continued as new with a full queue of long rows and hundreds of refused
// rows with pasted-in values hands the next run one payload under Temporal's limit;
// runs from before ChangeCampaignBoundedState carried both in full, over it, which
// terminated the campaign.
func TestCampaignStateStaysUnderThePayloadLimit(t *testing.T) {
	for _, version := range []workflow.Version{1, workflow.DefaultVersion} {
		t.Run(fmt.Sprintf("version %d", version), func(t *testing.T) {
			pasted := make([]contract.CampaignRow, 250)
			for i := range pasted {
				pasted[i] = pastedRow()
			}
			in := campaignInput(pasted...)
			start := time.Date(2026, 12, 1, 10, 0, 0, 0, time.UTC)
			h := newCampaignHarness(t, in, start, 0)
			h.env.OnGetVersion(ChangeCampaignBoundedState, workflow.DefaultVersion, 1).Return(version)
			pause := h.control(0, contract.CampaignPauseName, contract.CampaignControlInput{By: by})
			full := fillQueue(100_000)
			add := h.control(time.Second, contract.CampaignAddName, contract.CampaignAddInput{By: by, Rows: full[:len(full)/2]})
			add2 := h.control(1500*time.Millisecond, contract.CampaignAddName, contract.CampaignAddInput{By: by, Rows: full[len(full)/2:]})
			more := h.control(2*time.Second, contract.CampaignAddName, contract.CampaignAddInput{By: by, Rows: fillQueue(900_000)[:100]})
			h.env.RegisterDelayedCallback(func() { h.env.SetContinueAsNewSuggested(true) }, 3*time.Second)
			// The resume wakes the paused loop, which continues as new before any start.
			resume := h.control(4*time.Second, contract.CampaignResumeName, contract.CampaignControlInput{By: by})
			h.env.ExecuteWorkflow(contract.CampaignWorkflowName, h.in)

			require.True(t, h.env.IsWorkflowCompleted())
			var can *workflow.ContinueAsNewError
			require.ErrorAs(t, h.env.GetWorkflowError(), &can)
			require.True(t, pause.done && pause.rejected == nil, "pause: %+v", pause)
			require.True(t, add.done && add.rejected == nil && add.failed == nil, "add filling half the queue: %+v", add)
			require.True(t, add2.done && add2.rejected == nil && add2.failed == nil, "add filling the queue: %+v", add2)
			require.True(t, more.done, "add past the queue's room")
			require.True(t, resume.done && resume.rejected == nil, "resume: %+v", resume)
			require.Empty(t, h.started, "nothing starts before the continue-as-new")
			require.ErrorContains(t, more.rejected, "queues at most 1024 KiB of rows", "an add past the queue's room is refused with the reason")
			require.ErrorContains(t, more.rejected, "fits now", "and says what fits")
			var next contract.CampaignInput
			require.NoError(t, converter.GetDefaultDataConverter().FromPayloads(can.Input, &next))
			require.Len(t, next.Rows, len(full), "the queue is carried whole; the refused add changed nothing")
			require.Equal(t, len(next.Rows), next.Carry.Counts.Queued)
			require.Equal(t, len(pasted), next.Carry.Counts.Refused)

			size := proto.Size(can.Input)
			t.Logf("continue-as-new input: %d KiB, %d rows queued, %d report rows, %d omitted", size>>10, len(next.Rows), len(next.Carry.Reports), next.Carry.Omitted)
			if version == workflow.DefaultVersion {
				require.Greater(t, size, blobSizeLimit, "the old branch carried everything; if it fits now, this test no longer shows the limit")
				return
			}
			require.Less(t, size, blobSizeLimit-64<<10, "the carry must stay under the payload limit, with room for the codec")
			require.Equal(t, len(pasted), len(next.Carry.Reports)+next.Carry.Omitted, "every refused row is reported or counted")
			for _, r := range next.Carry.Reports {
				require.LessOrEqual(t, len(r.Error), 512)
				require.True(t, strings.HasSuffix(r.AccountID, "…"), "a pasted account ID is clipped: %q", r.AccountID)
			}
		})
	}
}

// The final report's rows stay within MaxCampaignResultBytes once long errors are read
// into them; the rows cut are counted in Omitted.
func TestCampaignResultFitsThePayloadLimit(t *testing.T) {
	long := strings.Repeat("Zendesk answered 422: ", 200)
	c := &campaign{bounded: true}
	for i := range contract.MaxCampaignReportRows {
		c.reports = append(c.reports, contract.CampaignRowReport{Line: i + 1, AccountID: fmt.Sprint(1000 + i), Outcome: contract.CampaignOutcome(contract.StatusFailed), Error: long})
	}
	c.fitResult()
	total := 0
	for _, r := range c.reports {
		total += contract.ReportBytes(r)
	}
	require.LessOrEqual(t, total, contract.MaxCampaignResultBytes)
	require.Equal(t, contract.MaxCampaignReportRows, len(c.reports)+c.omitted)
	require.Equal(t, contract.MaxCampaignReportRows, len(c.reports), "clipped errors leave room for every row")

	c = &campaign{bounded: true}
	for i := range contract.MaxCampaignReportRows {
		// Each row near the clip size: the budget, not the clip, decides.
		c.reports = append(c.reports, contract.CampaignRowReport{Line: i + 1, AccountID: strings.Repeat("9", 60), Subdomain: strings.Repeat("s", 120), Error: strings.Repeat("<", 160), RunID: strings.Repeat("r", 36)})
	}
	c.fitResult()
	total = 0
	for _, r := range c.reports {
		total += contract.ReportBytes(r)
	}
	require.LessOrEqual(t, total, contract.MaxCampaignResultBytes)
	require.Less(t, len(c.reports), contract.MaxCampaignReportRows)
	require.Equal(t, contract.MaxCampaignReportRows, len(c.reports)+c.omitted, "rows cut are counted")
}

// Report rows carried from run to run stay within MaxCampaignReportBytes, each clipped;
// the rest are counted.
func TestCampaignCarriedReportsKeepTheirBudget(t *testing.T) {
	c := &campaign{bounded: true}
	for range contract.MaxCampaignReportRows {
		c.refuse(pastedRow(), contract.OutcomeInvalid, "the Sell account ID "+pastedRow().AccountID+" must be digits only")
	}
	require.LessOrEqual(t, c.reportBytes, contract.MaxCampaignReportBytes)
	total := 0
	for _, r := range c.reports {
		total += contract.ReportBytes(r)
	}
	require.Equal(t, total, c.reportBytes, "the running size is the rows' size")
	require.Less(t, len(c.reports), contract.MaxCampaignReportRows, "the byte budget, not the count, stops rows this long")
	require.Equal(t, contract.MaxCampaignReportRows, len(c.reports)+c.omitted)
	require.Equal(t, contract.MaxCampaignReportRows, c.counts.Refused)
}

// A bounded run that takes over from a run before the budget clips the report rows it
// carried and keeps them within the budget; none goes uncounted.
func TestCampaignRestoreBoundsAnOldRunsReports(t *testing.T) {
	var carried []contract.CampaignRowReport
	for i := range contract.MaxCampaignReportRows {
		r := pastedRow()
		carried = append(carried, contract.CampaignRowReport{Line: i + 1, AccountID: r.AccountID, Outcome: contract.OutcomeInvalid, Error: "the Sell account ID " + r.AccountID + " must be digits only"})
	}
	c := &campaign{bounded: true, queued: map[string]int{}}
	c.restore(contract.CampaignCarry{Reports: carried, Omitted: 7, Counts: contract.CampaignCounts{Total: 2007, Refused: 2007}})
	require.LessOrEqual(t, c.reportBytes, contract.MaxCampaignReportBytes)
	require.Less(t, len(c.reports), len(carried))
	require.Equal(t, len(carried)+7, len(c.reports)+c.omitted)
	require.Equal(t, 2007, c.counts.Refused, "restoring reports counts no row twice")
}
