package bench

import (
	"context"
	"encoding/xml"
	"errors"
	"strings"
	"testing"
	"time"
)

func TestChartDrawsEachN(t *testing.T) {
	rs := []Result{
		{Mode: "end_to_end", N: 1000, MigrationsPerSec: 20.4, FloorPerSec: 22.2, Ratio: 0.92, P50ms: 6480, P95ms: 11035, P99ms: 11889},
		{Mode: "parked", N: 10000},
		{Mode: "end_to_end", N: 100, MigrationsPerSec: 21.6, FloorPerSec: 25.4, Ratio: 0.85, P50ms: 2504, P95ms: 4481, P99ms: 4535},
	}
	svg, err := Chart(rs)
	if err != nil {
		t.Fatal(err)
	}
	if err := xml.Unmarshal([]byte(svg), new(struct{})); err != nil {
		t.Fatalf("not well-formed XML: %v", err)
	}
	i100, i1000 := strings.Index(svg, "N=100<"), strings.Index(svg, "N=1000<")
	if i100 < 0 || i1000 < 0 || i100 > i1000 || strings.Contains(svg, "N=10000") {
		t.Errorf("x axis must show N=100 then N=1000 and skip parked runs:\n%s", svg)
	}
	for _, want := range []string{"migrations/s", "floor/s", "p95", "ratio 0.92"} {
		if !strings.Contains(svg, want) {
			t.Errorf("chart lacks %q", want)
		}
	}
	if _, err := Chart([]Result{{Mode: "parked", N: 5}}); err == nil || !strings.Contains(err.Error(), "--n") {
		t.Errorf("no end-to-end results: %v", err)
	}
}

func TestPercentileNearestRank(t *testing.T) {
	var d []time.Duration
	for i := 100; i >= 1; i-- {
		d = append(d, time.Duration(i)*time.Millisecond)
	}
	sortDurations(d)
	if p := percentile(d, 50); p != 50 {
		t.Errorf("p50 = %v, want 50", p)
	}
	if p := percentile(d, 99); p != 99 {
		t.Errorf("p99 = %v, want 99", p)
	}
	if p := percentile(nil, 95); p != 0 {
		t.Errorf("empty p95 = %v", p)
	}
}

func TestOptionsNeedAWorkload(t *testing.T) {
	if _, err := (Options{}).withDefaults(); err == nil || !strings.Contains(err.Error(), "--n") {
		t.Errorf("empty options: %v", err)
	}
	if _, err := (Options{N: 1000}).withDefaults(); err == nil || !strings.Contains(err.Error(), "StartServer") {
		t.Errorf("options without a server to start: %v", err)
	}
	noServer := func(context.Context, ServerOptions) (Server, error) { return nil, errors.New("not in this test") }
	o, err := Options{N: 1000, StartServer: noServer}.withDefaults()
	if err != nil || o.Rounds != 4 || o.UsersPerAccount != 4 {
		t.Errorf("defaults = %+v, %v", o, err)
	}
}
