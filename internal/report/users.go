package report

import (
	"fmt"

	"github.com/sellmigrate/sellmigrate/contract"
)

// reportedUsers spells a count of reported users and the emails the migration kept:
// "2: ana@x.test, ben@x.test", or with "… and 150 more" when the list was capped at
// contract.MaxReportedEmails (the count is whole, the list is not).
func reportedUsers(count int, emails []string) string {
	if count == 0 {
		return "none"
	}
	if len(emails) == 0 {
		return fmt.Sprintf("%d", count)
	}
	return fmt.Sprintf("%d: %s", count, cappedList(count, emails))
}

// cappedList lists emails, saying how many more the count has than the list kept.
func cappedList(count int, emails []string) string {
	s := list(emails)
	if more := contract.ReportedCount(count, emails) - len(emails); more > 0 {
		s += fmt.Sprintf(" … and %d more", more)
	}
	return s
}

// reportedLine is the part of a one-line summary about users reported, not converted;
// empty when there are none.
func reportedLine(inactive int, inactiveEmails []string, suspended int, suspendedEmails []string) string {
	s := ""
	if inactive > 0 {
		s += ", inactive in Sell (not converted): " + reportedUsers(inactive, inactiveEmails)
	}
	if suspended > 0 {
		s += ", suspended in Zendesk (left suspended): " + reportedUsers(suspended, suspendedEmails)
	}
	return s
}
