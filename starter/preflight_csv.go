package starter

import (
	"encoding/csv"
	"fmt"
	"io"
	"strings"

	"github.com/sellmigrate/sellmigrate/contract"
)

// PreflightCSVColumns is the preflight report's header: the row's line, the input
// columns, then what the checks found.
var PreflightCSVColumns = append(append([]string{"line"}, CSVColumns...),
	"verdict", "problems", "users", "estimated_duration", "estimate_basis")

// WritePreflightCSV writes the report with PreflightCSVColumns, one line per row in the
// list's order. Problems are joined by "; "; users is empty when unknown.
func WritePreflightCSV(w io.Writer, report contract.PreflightReport) error {
	cw := csv.NewWriter(w)
	if err := cw.Write(PreflightCSVColumns); err != nil {
		return fmt.Errorf("write the report header: %w", err)
	}
	for _, r := range report.Rows {
		users, est := "", ""
		if r.Users >= 0 {
			users, est = fmt.Sprint(r.Users), r.Estimate().String()
		}
		rec := []string{fmt.Sprint(r.Line), r.AccountID, r.Mode, r.Subdomain, r.RequestedBy, r.OwnerEmail,
			string(r.Verdict), strings.Join(r.Problems, "; "), users, est, r.EstimateBasis}
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
