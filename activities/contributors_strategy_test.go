package activities

import (
	"context"
	"fmt"
	"strings"
	"testing"
	"time"

	"github.com/stretchr/testify/require"
	"go.temporal.io/sdk/activity"
	"go.temporal.io/sdk/testsuite"

	"github.com/sellmigrate/sellmigrate/contract"
	"github.com/sellmigrate/sellmigrate/platform"
)

// This file measures the per-page look-up ConvertContributors uses against the
// strategy it replaced, which is kept here only as the baseline: every attempt first
// listed every Support user (100 per call) and matched Sell users by email.
//
//	go test ./activities -run '^$' -bench ContributorLookupStrategies -benchtime 1x
//
// prints, per case, the Support and Sell calls the simulator counted and the wall time
// of each strategy (mean of two runs), and new/old ratios. Both run in this process
// against one simulator, each run on its own Zendesk account in the same state.
// TestContributorLookupCalls pins the per-page strategy's calls on every `go test`.

const baselineName = "BaselineConvertContributors"

// listAllStrategy is the baseline: the old ConvertContributors, its Support-user
// listing included, with failed job rows mapped back by index (a failed row carries no
// email) so it runs correctly against the simulator.
func listAllStrategy(a *Activities) func(ctx context.Context, in ConvertContributorsInput) (contract.ContributorCursor, error) {
	return func(ctx context.Context, in ConvertContributorsInput) (contract.ContributorCursor, error) {
		cur := contract.ContributorCursor{NextPage: 1}
		support, _, err := a.supportWith(ctx, in.Subdomain, in.CredentialID)
		if err != nil {
			return cur, err
		}
		roleID, err := contributorRoleID(ctx, support)
		if err != nil {
			return cur, err
		}
		known := map[string]platform.SupportUser{}
		opts := platform.ListUsersOptions{PageSize: platform.MaxPageSize}
		for {
			page, err := support.ListUsers(ctx, opts)
			if err != nil {
				return cur, err
			}
			for _, u := range page.Users {
				known[strings.ToLower(u.Email)] = u
			}
			activity.RecordHeartbeat(ctx, cur)
			if !page.HasMore || page.AfterCursor == "" {
				break
			}
			opts.After = page.AfterCursor
		}
		sell := a.sell(in.SellAccountID)
		for {
			page, err := sell.Users(ctx, cur.NextPage, sellPageSize)
			if err != nil {
				return cur, err
			}
			if err := baselinePage(ctx, a, support, roleID, known, page.Users, &cur); err != nil {
				return cur, err
			}
			cur.NextPage++
			activity.RecordHeartbeat(ctx, cur)
			if page.NextPage == "" || len(page.Users) == 0 {
				return cur, nil
			}
		}
	}
}

func baselinePage(ctx context.Context, a *Activities, support *platform.Support, roleID int64, known map[string]platform.SupportUser,
	users []platform.SellUser, cur *contract.ContributorCursor) error {
	var create []platform.NewSupportUser
	for _, u := range users {
		cur.SellUsers++
		if u.Status != "active" {
			cur.Inactive++
			continue
		}
		if existing, ok := known[strings.ToLower(u.Email)]; ok {
			tally(cur, existing)
			continue
		}
		create = append(create, platform.NewSupportUser{Name: u.Name, Email: u.Email, Role: platform.RoleAgent, CustomRoleID: &roleID, Verified: true})
	}
	if len(create) == 0 {
		return nil
	}
	job, err := support.CreateManyUsers(ctx, create)
	if err != nil {
		return err
	}
	if job, err = support.WaitJob(ctx, job.ID, nil); err != nil {
		return err
	}
	rows, err := rowsByIndex(job, len(create))
	if err != nil {
		return err
	}
	for i, r := range rows {
		if r.Status == "Created" {
			cur.Converted++
			known[strings.ToLower(create[i].Email)] = platform.SupportUser{ID: r.ID, Email: create[i].Email, Role: platform.RoleAgent}
			continue
		}
		existing, err := support.SearchUserByEmail(ctx, create[i].Email)
		if err != nil {
			return err
		}
		if existing == nil {
			return fmt.Errorf("%s refused (%s) and not found", create[i].Email, r.Error)
		}
		tally(cur, *existing)
	}
	return nil
}

// strategyRun is what one strategy cost in one case.
type strategyRun struct {
	support, sell int64
	wall          time.Duration
}

// measure runs one strategy as an activity (heartbeats and all) and counts the
// Support and Sell requests the simulator served meanwhile.
func (f *convFixture) measure(t testing.TB, useBaseline bool, in ConvertContributorsInput, want contract.ContributorCursor) strategyRun {
	t.Helper()
	var suite testsuite.WorkflowTestSuite
	env := suite.NewTestActivityEnvironment()
	env.RegisterActivity(f.acts)
	env.RegisterActivityWithOptions(listAllStrategy(f.acts), activity.RegisterOptions{Name: baselineName})
	var fn any = f.acts.ConvertContributors
	if useBaseline {
		fn = baselineName
	}
	before := f.sim.Stats().TotalRequests
	start := time.Now()
	v, err := env.ExecuteActivity(fn, in)
	wall := time.Since(start)
	after := f.sim.Stats().TotalRequests
	require.NoError(t, err)
	var got contract.ContributorCursor
	require.NoError(t, v.Get(&got))
	got.Total = want.Total // the baseline never knew the total
	require.Equal(t, want, got, "baseline=%v", useBaseline)
	return strategyRun{support: after["support"] - before["support"], sell: after["sell"] - before["sell"], wall: wall}
}

// seedUsers creates users in an account with create_many, 100 a job, outside any
// measurement. withExternalID gives each the external_id the per-page strategy uses.
func (f *convFixture) seedUsers(t testing.TB, sub, owner string, users []platform.NewSupportUser) {
	t.Helper()
	s := f.support(t, sub)
	for start := 0; start < len(users); start += platform.MaxPageSize {
		job, err := s.CreateManyUsers(t.Context(), users[start:min(start+platform.MaxPageSize, len(users))])
		require.NoError(t, err)
		_, err = s.WaitJob(t.Context(), job.ID, nil)
		require.NoError(t, err)
	}
}

// contributorsAsCreatedBy are Sell users as contributors, the way a strategy creates
// them: the per-page one with its external_id, the baseline without.
func (f *convFixture) contributorsAsCreatedBy(t testing.TB, perPage bool, sellAccountID, sub, owner string, pages int) []platform.NewSupportUser {
	t.Helper()
	roleID, err := contributorRoleID(t.Context(), f.support(t, sub))
	require.NoError(t, err)
	sell := f.acts.sell(sellAccountID)
	var out []platform.NewSupportUser
	for p := 1; p <= pages; p++ {
		page, err := sell.Users(t.Context(), p, sellPageSize)
		require.NoError(t, err)
		for _, u := range page.Users {
			nu := platform.NewSupportUser{Name: u.Name, Email: u.Email, Role: platform.RoleAgent, CustomRoleID: &roleID, Verified: true}
			if perPage {
				nu.ExternalID = contributorExternalID(sellAccountID, u.ID)
			}
			out = append(out, nu)
		}
	}
	return out
}

// lookupCase is one situation both strategies are measured in, with the calls each
// strategy's cost model predicts.
type lookupCase struct {
	name         string
	sub          string
	setUp        func(sub string, perPage bool) ConvertContributorsInput
	want         contract.ContributorCursor
	wantOldCalls int64
	wantNewCalls int64
	wantOldSell  int64
	wantNewSell  int64
}

// lookupCases are three cases:
//
//	(a) a fresh account with 2,500 Sell users (demo Hooli);
//	(b) the same after an earlier run created 1,000 of them and lost its cursor;
//	(c) an existing Zendesk account of 5,000 end-users joined by 8 Sell users (Globex's).
func lookupCases(t testing.TB, f *convFixture) []lookupCase {
	hooli := func(name string, preCreatedPages int) func(string, bool) ConvertContributorsInput {
		return func(sub string, perPage bool) ConvertContributorsInput {
			f.createAccount(t, name, sub, "admin@hooli.test")
			if preCreatedPages > 0 {
				f.seedUsers(t, sub, "admin@hooli.test", f.contributorsAsCreatedBy(t, perPage, "1005", sub, "admin@hooli.test", preCreatedPages))
			}
			return ConvertContributorsInput{SellAccountID: "1005", Subdomain: sub, ActingEmail: "admin@hooli.test"}
		}
	}
	bigco := func(sub string, _ bool) ConvertContributorsInput {
		f.createAccount(t, "BigCo", sub, "owner@globex.test")
		endUsers := []platform.NewSupportUser{{Name: "Lee Lambert", Email: "lee@globex.test", Role: platform.RoleEndUser}}
		for i := 1; i < 5000; i++ {
			endUsers = append(endUsers, platform.NewSupportUser{Name: fmt.Sprintf("Customer %04d", i),
				Email: fmt.Sprintf("customer%04d@example.test", i), Role: platform.RoleEndUser})
		}
		f.seedUsers(t, sub, "owner@globex.test", endUsers)
		return ConvertContributorsInput{SellAccountID: "1002", Subdomain: sub, ActingEmail: "owner@globex.test"}
	}
	// Expected calls. Both: one custom-roles read; per Sell page with users to create,
	// create_many + one job poll; per
	// refused row (an email already taken), one search. The baseline adds one list call
	// per 100 Support users; the per-page strategy one show_many per page, and on its
	// first page a count of the Sell users (10 page probes for 2,500 users, none for a
	// single page). In (b) the owner, not created by the earlier run, is not found by
	// external id: page 1 creates (and is refused) just them. One poll per job holds
	// because the test simulator's jobs take 10ms and WaitJob first polls after 20ms
	// (sim_helpers_test.go); against Zendesk, with the 1s-then-doubling default, a job
	// that takes longer than a second costs a poll per doubling: ~2 at 3s, ~4 at 15s.
	return []lookupCase{
		{name: "(a) fresh, 2,500 Sell users", setUp: hooli("Hooli", 0), sub: "hoolia",
			want:         contract.ContributorCursor{NextPage: 26, SellUsers: 2500, Converted: 2499, AlreadyAgents: 1, Total: 2500},
			wantOldCalls: 1 + 1 + 25*2, wantNewCalls: 1 + 25*3 + 1, wantOldSell: 25, wantNewSell: 25 + 10},
		{name: "(b) restart, 1,000 created", setUp: hooli("Hooli", 10), sub: "hoolib",
			want:         contract.ContributorCursor{NextPage: 26, SellUsers: 2500, Converted: 2499, AlreadyAgents: 1, Total: 2500},
			wantOldCalls: 1 + 10 + 15*2, wantNewCalls: 1 + 10 + 2 + 1 + 15*3, wantOldSell: 25, wantNewSell: 25 + 10},
		{name: "(c) 5,000 end-users, 8 Sell", setUp: bigco, sub: "bigco",
			want: contract.ContributorCursor{NextPage: 2, SellUsers: 8, Converted: 6, AlreadyAgents: 1,
				NeedsReactivation: []string{"lee@globex.test"}, NeedsReactivationCount: 1, Total: 8},
			wantOldCalls: 1 + 51 + 2, wantNewCalls: 1 + 3 + 2, wantOldSell: 1, wantNewSell: 1},
	}
}

// TestContributorLookupCalls runs the per-page strategy once per case and pins the
// Support and Sell calls its cost model predicts, so a change in cost fails here.
func TestContributorLookupCalls(t *testing.T) {
	t.Parallel()
	if testing.Short() {
		t.Skip("converts 5,000+ simulated users")
	}
	f := newConvFixture(t)
	for _, c := range lookupCases(t, f) {
		run := f.measure(t, false, c.setUp(c.sub, true), c.want)
		require.Equal(t, c.wantNewCalls, run.support, "%s: per-page Support calls", c.name)
		require.Equal(t, c.wantNewSell, run.sell, "%s: per-page Sell calls", c.name)
	}
	_, bySubject := f.userConversions(t)
	requireConvertedOnce(t, bySubject)
}

// BenchmarkContributorLookupStrategies measures both strategies in every case and
// prints the table of calls, wall times and new/old ratios. Run it once
// (-benchtime 1x): each run converts about 25,000 simulated users.
func BenchmarkContributorLookupStrategies(b *testing.B) {
	for b.Loop() {
		compareLookupStrategies(b)
	}
}

func compareLookupStrategies(b *testing.B) {
	f := newConvFixture(b)
	cases := lookupCases(b, f)
	old, cur := make([]strategyRun, len(cases)), make([]strategyRun, len(cases))
	// Each strategy runs twice per case, in the order old, new, new, old, each time on
	// an account of its own set up the same way: the call counts must match, and the
	// wall times are averaged, so the simulator's database growing over the run (or a
	// cold start) favours neither.
	order := []string{"old-1", "new-1", "new-2", "old-2"}
	for i, c := range cases {
		in := map[string]ConvertContributorsInput{}
		for _, run := range order {
			in[run] = c.setUp(c.sub+"-"+run, strings.HasPrefix(run, "new"))
		}
		runs := map[string]strategyRun{}
		for _, run := range order {
			runs[run] = f.measure(b, strings.HasPrefix(run, "old"), in[run], c.want)
		}
		for _, s := range []string{"old", "new"} {
			one, two := runs[s+"-1"], runs[s+"-2"]
			require.Equal(b, one.support, two.support, "%s: %s strategy made different Support calls on identical accounts", c.name, s)
			require.Equal(b, one.sell, two.sell, "%s: %s strategy made different Sell calls on identical accounts", c.name, s)
			avg := strategyRun{support: one.support, sell: one.sell, wall: (one.wall + two.wall) / 2}
			if s == "old" {
				old[i] = avg
			} else {
				cur[i] = avg
			}
		}
	}
	_, bySubject := f.userConversions(b)
	requireConvertedOnce(b, bySubject)

	var sb strings.Builder
	fmt.Fprintf(&sb, "\n%-30s %13s %13s %9s %10s %10s %11s %11s %9s\n", "case", "support old", "support new", "new/old",
		"sell old", "sell new", "wall old", "wall new", "new/old")
	for i, c := range cases {
		fmt.Fprintf(&sb, "%-30s %13d %13d %9.2f %10d %10d %11s %11s %9.2f\n", c.name, old[i].support, cur[i].support,
			float64(cur[i].support)/float64(old[i].support), old[i].sell, cur[i].sell,
			old[i].wall.Round(time.Millisecond), cur[i].wall.Round(time.Millisecond), float64(cur[i].wall)/float64(old[i].wall))
	}
	b.Log(sb.String())
	for i, c := range cases {
		require.Equal(b, c.wantOldCalls, old[i].support, "%s: baseline Support calls", c.name)
		require.Equal(b, c.wantNewCalls, cur[i].support, "%s: per-page Support calls", c.name)
		require.Equal(b, c.wantOldSell, old[i].sell, "%s: baseline Sell calls", c.name)
		require.Equal(b, c.wantNewSell, cur[i].sell, "%s: per-page Sell calls", c.name)
	}
}
