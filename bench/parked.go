package bench

import (
	"context"
	"errors"
	"fmt"
	"io"
	"net/http"
	"time"

	"go.temporal.io/api/workflowservice/v1"

	"github.com/sellmigrate/sellmigrate/contract"
	"github.com/sellmigrate/sellmigrate/starter"
)

// runParked starts o.Parked migrations through the bulk starter and leaves them all
// waiting for the owner login, then measures the worker's memory and the list API.
func runParked(ctx context.Context, o Options, e *env, st *starter.Starter, res *Result) error {
	o.Progress("parked: starting %d existing-mode migrations; nobody logs in", o.Parked)
	began := time.Now()
	o.N = o.Parked
	if err := startMigrations(ctx, st, span{n: o.Parked}); err != nil {
		return fmt.Errorf("bench: start: %w", err)
	}
	res.StartsPerSec = round(float64(o.Parked) / time.Since(began).Seconds())
	o.Progress("  started %d in %.1fs (%.0f/s)", o.Parked, time.Since(began).Seconds(), res.StartsPerSec)
	p := &ParkedResult{}
	res.Parked = p
	q := fmt.Sprintf("WorkflowType = '%s' AND %s = '%s'", contract.WorkflowName, contract.SearchAttrStatus.GetName(), contract.StatusAwaitingOwnerLogin)
	for {
		t0 := time.Now()
		resp, err := e.client.CountWorkflow(ctx, &workflowservice.CountWorkflowExecutionsRequest{Query: q})
		if err != nil {
			return fmt.Errorf("bench: count waiting migrations: %w", err)
		}
		p.CountMs = round(float64(time.Since(t0).Microseconds()) / 1000)
		p.Waiting = int(resp.GetCount())
		if p.Waiting >= o.Parked {
			break
		}
		select {
		case <-ctx.Done():
			return fmt.Errorf("bench: only %d of %d migrations reached the owner login: %w", p.Waiting, o.Parked, ctx.Err())
		case <-time.After(time.Second):
			o.Progress("  %d of %d waiting for the owner login", p.Waiting, o.Parked)
		}
	}
	p.SecondsToPark = round(time.Since(began).Seconds())
	// Let the worker settle (idle pollers, GC) before reading its memory.
	time.Sleep(5 * time.Second)
	p.WorkerRSSMB, p.WorkerPeakRSSMB = e.workerRSS()
	p.WorkerRSSMB, p.WorkerPeakRSSMB = round(p.WorkerRSSMB), round(p.WorkerPeakRSSMB)
	o.Progress("  all %d waiting after %.1fs; worker RSS %.0f MB (peak %.0f MB)", p.Waiting, p.SecondsToPark, p.WorkerRSSMB, p.WorkerPeakRSSMB)
	lat, err := timeListAPI(ctx, e.apiURL, o.ListSamples)
	if err != nil {
		return err
	}
	sortDurations(lat)
	p.ListVia = "GET /api/v1/migrations?status=awaiting_owner_login (HTTP, first page)"
	p.ListP50ms, p.ListP95ms, p.ListP99ms = percentile(lat, 50), percentile(lat, 95), percentile(lat, 99)
	o.Progress("  list API p50 %.0f ms, p95 %.0f ms", p.ListP50ms, p.ListP95ms)
	return nil
}

// timeListAPI times n list calls to the benchmark's API server (serveAPI), one at a
// time, as a dashboard opening the "awaiting owner login" view would make them.
func timeListAPI(ctx context.Context, apiURL string, n int) ([]time.Duration, error) {
	url := apiURL + "/api/v1/migrations?status=" + string(contract.StatusAwaitingOwnerLogin)
	hc := &http.Client{Timeout: 30 * time.Second}
	out := make([]time.Duration, 0, n)
	for range n {
		req, err := http.NewRequestWithContext(ctx, http.MethodGet, url, nil)
		if err != nil {
			return nil, err
		}
		req.Header.Set("Authorization", "Bearer "+benchViewerToken)
		t0 := time.Now()
		resp, err := hc.Do(req)
		if err != nil {
			return nil, fmt.Errorf("bench: list API: %w", err)
		}
		_, _ = io.Copy(io.Discard, resp.Body)
		_ = resp.Body.Close()
		if resp.StatusCode != http.StatusOK {
			return nil, errors.New("bench: list API answered " + resp.Status)
		}
		out = append(out, time.Since(t0))
	}
	return out, nil
}
