package bench

import (
	"context"
	"strings"
	"testing"
	"time"
)

func noServer(context.Context, ServerOptions) (Server, error) { return nil, nil }

func TestCampaignOptions(t *testing.T) {
	bad := []struct {
		o    Options
		want string
	}{
		{Options{Campaign: true, N: 10, Parked: 5}, "--parked"},
		{Options{Campaign: true, N: 10, Rounds: 2}, "--rounds"},
		{Options{Campaign: true, N: 10, BulkConcurrency: 8}, "--bulk-concurrency"},
		{Options{Campaign: true, N: 1}, "--n 2 or more"},
		{Options{Campaign: true, N: 10, MaxActive: -1}, "--max-active -1"},
		{Options{Campaign: true, N: 10, RatePerMinute: 60_001}, "--rate 60001/m"},
		{Options{N: 10, MaxActive: 5}, "add --campaign"},
		{Options{N: 10, RatePerMinute: 60}, "add --campaign"},
	}
	for _, c := range bad {
		c.o.StartServer = noServer
		if _, err := c.o.withDefaults(); err == nil || !strings.Contains(err.Error(), c.want) {
			t.Errorf("withDefaults(%+v) = %v, want an error naming %q", c.o, err, c.want)
		}
	}
	o, err := Options{Campaign: true, N: 100_000, StartServer: noServer}.withDefaults()
	if err != nil {
		t.Fatal(err)
	}
	if o.MaxActive != DefaultCampaignMaxActive || o.RatePerMinute != DefaultCampaignRate || o.Rounds != 0 {
		t.Errorf("defaults: max active %d, rate %d, rounds %d", o.MaxActive, o.RatePerMinute, o.Rounds)
	}
	// 100000 starts at 1200/m take 83m20s: the run gets twice that and 15 minutes.
	if want := 2*(83*time.Minute+20*time.Second) + 15*time.Minute; o.Timeout != want {
		t.Errorf("timeout %s, want %s", o.Timeout, want)
	}
}

func TestCampaignMeasure(t *testing.T) {
	t0 := time.Date(2026, 12, 1, 10, 0, 0, 0, time.UTC)
	cr := &CampaignResult{MaxActive: 50, RatePerMinute: 600, PeakActive: 40, StartedAt: t0.Add(-time.Second)}
	// 201 starts over 20 seconds: 200 intervals in a third of a minute, 600/m.
	cr.measure(phase{count: 201, firstStart: t0, lastStart: t0.Add(20 * time.Second)}, t0.Add(29*time.Second))
	if cr.AchievedPerMinute != 600 || cr.RateRatio != 1 {
		t.Errorf("achieved %v/m, ratio %v; want 600/m, 1", cr.AchievedPerMinute, cr.RateRatio)
	}
	if cr.ActiveRatio != 0.8 {
		t.Errorf("active ratio %v, want 0.8", cr.ActiveRatio)
	}
	if cr.TotalSec != 30 || cr.MigrationsPerSec != 6.7 {
		t.Errorf("total %vs at %v/s, want 30s at 6.7/s", cr.TotalSec, cr.MigrationsPerSec)
	}
}

func TestCampaignRows(t *testing.T) {
	rows := campaignRows(2)
	if len(rows) != 2 || rows[1].AccountID != "100001" || rows[1].Mode != "existing" || rows[1].OwnerEmail == "" || rows[1].Subdomain == "" {
		t.Errorf("campaign rows = %+v, want existing-mode rows of accounts 100000 and 100001 with owner and subdomain", rows)
	}
}
