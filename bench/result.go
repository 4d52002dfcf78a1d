package bench

import (
	"math"
	"sort"
	"time"

	"github.com/sellmigrate/sellmigrate/platform/sim"
)

// Result is what a run prints and writes as JSON.
type Result struct {
	Mode string `json:"mode"` // "end_to_end", "parked" or "campaign"
	N    int    `json:"n"`

	MigrationsPerSec float64 `json:"migrations_per_sec"`
	FloorPerSec      float64 `json:"floor_per_sec"`
	Ratio            float64 `json:"ratio"`
	// Start-to-done latency of the migrations (server timestamps), milliseconds.
	P50ms float64 `json:"p50_ms"`
	P95ms float64 `json:"p95_ms"`
	P99ms float64 `json:"p99_ms"`
	// The same for the floor workflows.
	FloorP50ms float64 `json:"floor_p50_ms"`
	FloorP95ms float64 `json:"floor_p95_ms"`
	FloorP99ms float64 `json:"floor_p99_ms"`
	// StartsPerSec is the bulk starter's rate for the migrations (starter.StartRows).
	StartsPerSec      float64 `json:"starts_per_sec"`
	FloorStartsPerSec float64 `json:"floor_starts_per_sec,omitempty"`
	// PeakRSSMB is the worker processes' peak resident memory (summed when several);
	// ServerPeakRSSMB that of
	// this process (embedded Temporal and simulator).
	PeakRSSMB       float64 `json:"peak_rss_mb"`
	ServerPeakRSSMB float64 `json:"server_peak_rss_mb"`
	Completed       int     `json:"completed"`
	NotCompleted    int     `json:"not_completed"`
	InputsSent      int     `json:"inputs_sent"`
	InputRetries    int     `json:"input_retries"`
	// History length of one migration and one floor workflow.
	HistoryEvents      int `json:"history_events"`
	FloorHistoryEvents int `json:"floor_history_events"`
	// CPUmsPerWorkflow is CPU time per workflow during the batches, split by process:
	// migration_server (embedded Temporal + simulator), migration_worker, floor_server,
	// floor_worker. On a shared machine it is steadier than wall-clock rates.
	CPUmsPerWorkflow map[string]float64 `json:"cpu_ms_per_workflow,omitempty"`

	Parked   *ParkedResult   `json:"parked,omitempty"`
	Campaign *CampaignResult `json:"campaign,omitempty"`

	// VisibilityQueries are the lists and counts that cost the embedded server the most
	// time, by query shape (none against a server the benchmark did not start).
	VisibilityQueries []VisibilityQuery `json:"visibility_queries,omitempty"`
	// FrontendCalls counts what the run asked of the embedded server, by gRPC method
	// (workers' polls included; a long poll's time is mostly waiting for a task).
	FrontendCalls map[string]FrontendCalls `json:"frontend_calls,omitempty"`

	// SimStats is the simulator's own count of the requests it served.
	SimStats sim.Stats `json:"sim_stats"`
	Setup    Setup     `json:"setup"`
}

// ParkedResult is the parked case: migrations waiting for the owner login.
type ParkedResult struct {
	Waiting         int     `json:"waiting"`
	SecondsToPark   float64 `json:"seconds_to_park"`
	WorkerRSSMB     float64 `json:"worker_rss_mb"`
	WorkerPeakRSSMB float64 `json:"worker_peak_rss_mb"`
	// List timings: the first page (50) of migrations awaiting the owner login, as the
	// HTTP API's GET /api/v1/migrations or, without it, starter.ListPage.
	ListVia   string  `json:"list_via"`
	ListP50ms float64 `json:"list_p50_ms"`
	ListP95ms float64 `json:"list_p95_ms"`
	ListP99ms float64 `json:"list_p99_ms"`
	// CountMs is one visibility count of the waiting migrations.
	CountMs float64 `json:"count_ms"`
}

// Setup records how the run was made, so a figure can be reproduced.
type Setup struct {
	Command           string         `json:"command"`
	StartedAt         time.Time      `json:"started_at"`
	DurationSec       float64        `json:"duration_sec"`
	CPUs              int            `json:"cpus"`
	GoVersion         string         `json:"go_version"`
	SQLiteSynchronous string         `json:"sqlite_synchronous"`
	UsersPerAccount   int            `json:"users_per_account"`
	BulkConcurrency   int            `json:"bulk_concurrency"`
	Rounds            int            `json:"rounds,omitempty"`
	SimSupportLimit   int            `json:"sim_support_limit_per_minute"`
	ServerConfig      map[string]any `json:"server_config,omitempty"`
	SQLiteMaxConns    int            `json:"sqlite_max_conns"`
	// Workers is how many worker processes ran; TemporalAddress the cluster the run used
	// (empty: an embedded server).
	Workers         int               `json:"workers"`
	TemporalAddress string            `json:"temporal_address,omitempty"`
	WorkerEnv       map[string]string `json:"worker_env"`
}

// phase is what the batches of one kind (migrations or floor) measured, summed.
type phase struct {
	count            int
	secs             float64 // first start to last close, summed over batches
	starts           int
	startSecs        float64
	latencies        []time.Duration
	completed, other int
	sent, retries    int
	events           int // history length of the first one
	// firstStart and lastStart are the earliest and latest server start times read.
	firstStart, lastStart time.Time
	// CPU seconds used during the batches by this process (server and simulator) and
	// by the worker.
	serverCPU, workerCPU float64
}

func (p phase) rate() float64 {
	if p.secs <= 0 {
		return 0
	}
	return float64(p.count) / p.secs
}

func (p phase) startRate() float64 {
	if p.startSecs <= 0 {
		return 0
	}
	return float64(p.starts) / p.startSecs
}

// percentile of sorted durations, in milliseconds (nearest rank).
func percentile(sorted []time.Duration, p float64) float64 {
	if len(sorted) == 0 {
		return 0
	}
	i := int(math.Ceil(p/100*float64(len(sorted)))) - 1
	i = max(0, min(i, len(sorted)-1))
	return round(float64(sorted[i]) / float64(time.Millisecond))
}

func sortDurations(d []time.Duration) {
	sort.Slice(d, func(i, j int) bool { return d[i] < d[j] })
}

func round(f float64) float64 { return math.Round(f*100) / 100 }
