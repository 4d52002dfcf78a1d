package e2e

import (
	"strings"
	"testing"

	"github.com/sellmigrate/sellmigrate/e2e/harness"
)

// TestStarkConvertsOneByOne migrates demo 1007 Stark with the CLI into its existing
// Zendesk account `stark`, whose bulk imports are off (Zendesk's default): create_many
// answers 403 "Data imports are not enabled", and the conversion creates the users one at
// a time instead of parking. It completes with 299 converted and the owner already an
// agent, each user converted once in the simulator's ledger; status says one by one.
// Shared stack; no other test touches 1007.
func TestStarkConvertsOneByOne(t *testing.T) {
	t.Parallel()
	d := shared(t)
	harness.MustCLI(t, d, "start", "--account", "1007", "--mode", "existing", "--subdomain", "stark",
		"--requested-by", "admin@stark.test", "--owner-email", "owner@stark.test")
	harness.AwaitStatus(t, d, "1007", "awaiting_owner_login")
	harness.MustCLI(t, d, "signal", "1007", "owner-login", "--as", "owner@stark.test", "--password", harness.DemoPassword)
	harness.AwaitStatus(t, d, "1007", "awaiting_disclaimers")
	harness.MustCLI(t, d, "signal", "1007", "accept-disclaimers", "--by", "admin@stark.test")

	s := harness.AwaitStatus(t, d, "1007", "completed")
	if r := s.Result; r == nil || r.UsersConverted != 299 || r.AlreadyAgents != 1 || r.ConversionPath != "one-by-one" {
		t.Errorf("1007 result = %+v; want 299 converted, 1 already an agent, conversionPath one-by-one", s.Result)
	}
	if c := s.Contributors; c == nil || c.SellUsers != 300 || c.ConversionPath != "one-by-one" {
		t.Errorf("1007 contributors = %+v; want 300 Sell users, one-by-one", s.Contributors)
	}
	if out := harness.MustCLI(t, d, "status", "1007"); !strings.Contains(out, "created one by one") {
		t.Errorf("status 1007 does not say the users were created one by one:\n%s", out)
	}
	byKind, bySubject := d.Sim().LedgerCounts(t, "stark")
	if byKind["user_converted"] != 299 || byKind["account_linked"] != 1 {
		t.Errorf("stark ledger %v, want 299 users converted and one link", byKind)
	}
	for subject, n := range bySubject {
		if n != 1 {
			t.Errorf("side effect %q happened %d times", subject, n)
		}
	}
}
