package starter

import (
	"encoding/csv"
	"fmt"
	"io"

	"github.com/sellmigrate/sellmigrate/contract"
)

// CampaignReportColumns is the header of a campaign's report as CSV.
var CampaignReportColumns = []string{"line", "account_id", "outcome", "subdomain", "users_converted", "needs_reactivation", "error"}

// WriteCampaignReportCSV writes one line per reported row, in the report's order.
func WriteCampaignReportCSV(w io.Writer, rows []contract.CampaignRowReport) error {
	cw := csv.NewWriter(w)
	if err := cw.Write(CampaignReportColumns); err != nil {
		return fmt.Errorf("write the report header: %w", err)
	}
	for _, r := range rows {
		rec := []string{fmt.Sprint(r.Line), r.AccountID, string(r.Outcome), r.Subdomain,
			fmt.Sprint(r.UsersConverted), fmt.Sprint(r.NeedsReactivation), r.Error}
		if err := cw.Write(rec); err != nil {
			return fmt.Errorf("write the report row of line %d: %w", r.Line, err)
		}
	}
	cw.Flush()
	if err := cw.Error(); err != nil {
		return fmt.Errorf("write the report: %w", err)
	}
	return nil
}
