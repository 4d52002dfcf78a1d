package e2e

import (
	"context"
	"encoding/json"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/sellmigrate/sellmigrate/contract"
	"github.com/sellmigrate/sellmigrate/e2e/harness"
	"github.com/sellmigrate/sellmigrate/starter"
)

// writeWave writes a campaign list of the accounts (each row's tenant zone, "" for
// none) and, repeated at the end, the first account's row, which the campaign must
// report as a duplicate. It returns the file's path.
func writeWave(t *testing.T, accounts []harness.ChaosAccount, zone string) string {
	t.Helper()
	var list strings.Builder
	list.WriteString("account_id,mode,subdomain,requested_by,owner_email,time_zone\n")
	for _, a := range accounts {
		r := a.Start()
		fmt.Fprintf(&list, "%s,%s,%s,%s,,%s\n", r.AccountID, r.Mode, r.Subdomain, r.RequestedBy, zone)
	}
	first := accounts[0].Start()
	fmt.Fprintf(&list, "%s,%s,%s,%s,,\n", first.AccountID, first.Mode, first.Subdomain, first.RequestedBy)
	path := filepath.Join(t.TempDir(), "wave.csv")
	if err := os.WriteFile(path, []byte(list.String()), 0o600); err != nil {
		t.Fatal(err)
	}
	return path
}

// watchWith runs the responder until the returned stop is called, which also waits for
// the inputs it is sending.
func watchWith(ctx context.Context, resp *harness.Responder) (stop func()) {
	watchCtx, stopWatch := context.WithCancel(ctx)
	watched := make(chan struct{})
	go func() { defer close(watched); resp.Watch(watchCtx, 250*time.Millisecond) }()
	return func() { stopWatch(); <-watched; resp.Wait() }
}

// campaignProgress asks the campaign for its progress; the test fails if it cannot.
func campaignProgress(ctx context.Context, t *testing.T, st *starter.Starter, name string) contract.CampaignProgress {
	t.Helper()
	p, err := st.CampaignProgress(ctx, name)
	if err != nil {
		t.Fatal(err)
	}
	return p
}

// finalCampaignReport waits until the campaign has ended, then reads its report as
// `campaign report --format json` prints it.
func finalCampaignReport(ctx context.Context, t *testing.T, d *harness.Dev, st *starter.Starter, name string) contract.CampaignReport {
	t.Helper()
	for {
		rep, err := st.CampaignReport(ctx, name)
		if err != nil {
			t.Fatal(err)
		}
		if rep.Final {
			break
		}
		time.Sleep(250 * time.Millisecond)
	}
	var rep contract.CampaignReport
	if err := json.Unmarshal([]byte(harness.MustCLI(t, d, "campaign", "report", name, "--format", "json")), &rep); err != nil {
		t.Fatalf("decode the JSON report: %v", err)
	}
	return rep
}
