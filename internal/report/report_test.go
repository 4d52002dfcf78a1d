package report

import (
	"bytes"
	"fmt"
	"strings"
	"testing"

	"github.com/sellmigrate/sellmigrate/contract"
	"github.com/sellmigrate/sellmigrate/starter"
)

// TestReportListsInactiveAndSuspended: the human status names the users the conversion
// reported instead of converting, in the Contributors row and the Result line, and says
// how many more there are when the list was capped.
func TestReportListsInactiveAndSuspended(t *testing.T) {
	var r starter.Report
	r.SellAccountID = "1001"
	r.Contributors = &contract.ContributorCounts{SellUsers: 6, Converted: 3, AlreadyAgents: 1,
		Inactive: 1, InactiveEmails: []string{"dan@acme.test"}, Suspended: 1, SuspendedEmails: []string{"carla@acme.test"}}
	r.Result = &contract.Result{Outcome: contract.StatusCompleted, Subdomain: "acme", UsersConverted: 3, AlreadyAgents: 1,
		Inactive: 1, InactiveEmails: []string{"dan@acme.test"}, Suspended: 1, SuspendedEmails: []string{"carla@acme.test"}}
	var out bytes.Buffer
	Print(&out, r)

	rows := map[string]string{}
	for _, line := range strings.Split(out.String(), "\n") {
		label, rest, _ := strings.Cut(line, "  ")
		rows[label] = rest
	}
	for _, label := range []string{"Contributors", "Result"} {
		for _, want := range []string{"inactive in Sell (not converted): 1: dan@acme.test", "suspended in Zendesk (left suspended): 1: carla@acme.test"} {
			if !strings.Contains(rows[label], want) {
				t.Errorf("%s row lacks %q:\n%s", label, want, out.String())
			}
		}
	}
}

func TestReportedUsersSaysWhenCapped(t *testing.T) {
	emails := make([]string, contract.MaxReportedEmails)
	for i := range emails {
		emails[i] = fmt.Sprintf("u%03d@x.test", i)
	}
	got := reportedUsers(150, emails)
	if !strings.HasPrefix(got, "150: u000@x.test, ") || !strings.HasSuffix(got, "u099@x.test … and 50 more") {
		t.Errorf("reportedUsers(150, first 100) = %q", got)
	}
	if got := cappedList(150, emails); !strings.HasSuffix(got, "u099@x.test … and 50 more") {
		t.Errorf("cappedList(150, first 100) = %q", got)
	}
	if got := cappedList(0, []string{"lee@globex.test"}); got != "lee@globex.test" {
		t.Errorf("cappedList of an uncounted list = %q, want the list alone", got)
	}
	if got := reportedUsers(0, nil); got != "none" {
		t.Errorf("reportedUsers(0) = %q, want none", got)
	}
	if got := reportedLine(0, nil, 0, nil); got != "" {
		t.Errorf("nothing reported still prints %q", got)
	}
}

// TestReportNamesTheConversionPath: the Contributors row and the Result line say when
// contributors were created one by one (bulk imports off), and in bulk otherwise.
func TestReportNamesTheConversionPath(t *testing.T) {
	var r starter.Report
	r.SellAccountID = "1007"
	r.Contributors = &contract.ContributorCounts{SellUsers: 300, Converted: 299, AlreadyAgents: 1, ConversionPath: contract.ConversionPathOneByOne}
	r.Result = &contract.Result{Outcome: contract.StatusCompleted, Subdomain: "stark", UsersConverted: 299, AlreadyAgents: 1,
		ConversionPath: contract.ConversionPathOneByOne}
	var out bytes.Buffer
	Print(&out, r)
	if n := strings.Count(out.String(), "created one by one (the Zendesk account's bulk imports are off"); n != 2 {
		t.Errorf("one-by-one named %d times, want in the Contributors row and the Result line:\n%s", n, out.String())
	}
	r.Result.ConversionPath = contract.ConversionPathBulk
	if line := ResultLine(*r.Result); !strings.Contains(line, "; created in bulk") {
		t.Errorf("bulk result line %q does not say so", line)
	}
}
