package bench

import (
	"fmt"
	"time"

	"go.temporal.io/sdk/client"
	"go.uber.org/zap"

	"github.com/sellmigrate/sellmigrate/contract"
)

// Options configures one benchmark run. Zero values take the defaults noted.
type Options struct {
	// N is how many migrations run end to end, and as many floor workflows.
	N int
	// Parked, when above zero, measures the parked case instead: that many migrations
	// are started and left waiting for the owner login.
	Parked int
	// UsersPerAccount is the Sell users of each synthetic account (admin and owner
	// included); default 4.
	UsersPerAccount int
	// DataDir must be empty or absent; default a temporary directory, removed after.
	DataDir string
	// StartServer starts the embedded Temporal server the run uses (required), or
	// reaches the existing cluster at TemporalAddress (recorded in the results).
	TemporalAddress string
	// StartServer starts the embedded Temporal server the run uses (required).
	StartServer StartServerFunc
	// Connection is how clients reach the existing cluster at TemporalAddress: TLS,
	// mTLS, API key (config.Temporal.Connection, from Temporal's envconfig). Its
	// worker processes then keep the TEMPORAL_* environment to load the same. Zero,
	// and always for the embedded server, is plaintext on loopback.
	Connection client.Options
	// SQLiteSynchronous is the server's SQLite synchronous mode (normal or full); default normal.
	SQLiteSynchronous string
	// WorkerCommand runs a worker that also registers the floor workflow; the benchmark
	// sets its SELLMIGRATE_* addresses and credentials (other SELLMIGRATE_WORKER_*
	// settings in the environment pass through, so knobs can be tried).
	WorkerCommand []string
	// Workers is how many worker processes run the workflows side by side, each with
	// its own pollers, as several deployed workers do; default 1.
	Workers int
	// BulkConcurrency is the bulk starter's starts in flight; default the starter's 16.
	BulkConcurrency int
	// SimSupportLimitPerMinute is the simulator's per-account Support limit; 0 is 700.
	SimSupportLimitPerMinute int
	// Rounds splits the end-to-end run into alternating batches (floor, migrations,
	// floor, migrations, ...), so a machine whose load drifts (other work on it) weighs
	// on both alike; default 1 below 400 workflows, else 4.
	Rounds int
	// SQLiteMaxConns and ServerConfig are passed to StartServer (connections to the
	// SQLite file; dynamic-config overrides), to measure server knobs.
	SQLiteMaxConns int
	ServerConfig   map[string]any
	// Campaign runs the N migrations instead as one campaign through the starter, as
	// "sellmigrate campaign start" does (see runCampaign): no floor and no rounds.
	Campaign bool
	// MaxActive and RatePerMinute are the campaign's bounds; defaults
	// DefaultCampaignMaxActive and DefaultCampaignRate.
	MaxActive     int
	RatePerMinute int
	// ListSamples is how many list calls the parked case times; default 50.
	ListSamples int
	// Timeout bounds the whole run; default 60 minutes, or for a campaign twice the
	// time its rate needs plus 15 minutes when that is longer.
	Timeout time.Duration
	// Progress receives one line per phase; nil discards them.
	Progress func(format string, args ...any)
	Logger   *zap.Logger
}

func (o Options) withDefaults() (Options, error) {
	if o.N < 0 || o.Parked < 0 || (o.N == 0 && o.Parked == 0) {
		return o, fmt.Errorf("bench: give --n N (migrations end to end) or --parked N, at least 1")
	}
	if o.N > 100_000 || o.Parked > 100_000 {
		return o, fmt.Errorf("bench: at most 100000 migrations per run")
	}
	if err := o.checkCampaign(); err != nil {
		return o, err
	}
	if o.StartServer == nil {
		return o, fmt.Errorf("bench: Options.StartServer is nil; give the function that starts the embedded Temporal server")
	}
	if o.Workers == 0 {
		o.Workers = 1
	}
	if o.Workers < 1 || o.Workers > 16 {
		return o, fmt.Errorf("bench: --workers %d must be 1 to 16", o.Workers)
	}
	if o.UsersPerAccount == 0 {
		o.UsersPerAccount = 4
	}
	if o.UsersPerAccount < 2 || o.UsersPerAccount > 10_000 {
		return o, fmt.Errorf("bench: --users-per-account %d must be 2 (admin and owner) to 10000", o.UsersPerAccount)
	}
	if o.Rounds <= 0 && !o.Campaign {
		o.Rounds = 1
		if o.N >= 400 {
			o.Rounds = 4
		}
	}
	if o.N > 0 && o.Rounds > o.N {
		o.Rounds = o.N
	}
	if o.ListSamples <= 0 {
		o.ListSamples = 50
	}
	if o.Timeout <= 0 {
		o.Timeout = 60 * time.Minute
		if o.Campaign {
			// A large campaign at a low rate takes longer than an hour by design.
			pace := time.Duration(float64(o.N) / float64(o.RatePerMinute) * float64(time.Minute))
			o.Timeout = max(o.Timeout, 2*pace+15*time.Minute)
		}
	}
	if o.Progress == nil {
		o.Progress = func(string, ...any) {}
	}
	if o.Logger == nil {
		o.Logger = zap.NewNop()
	}
	return o, nil
}

// Campaign defaults: a campaign bounded by a deployment's usual figures rather than by
// the benchmark's own speed. The lead tunes them against docs/PERFORMANCE.md.
const (
	DefaultCampaignMaxActive = 500
	DefaultCampaignRate      = 1200
)

// checkCampaign refuses the flags that mean nothing in the mode chosen, and fills the
// campaign's defaults.
func (o *Options) checkCampaign() error {
	if !o.Campaign {
		if o.MaxActive != 0 || o.RatePerMinute != 0 {
			return fmt.Errorf("bench: --max-active and --rate bound a campaign; add --campaign, or leave them out")
		}
		return nil
	}
	switch {
	case o.Parked > 0:
		return fmt.Errorf("bench: --campaign runs N migrations to the end; it does not take --parked (run the parked case on its own)")
	case o.Rounds != 0:
		return fmt.Errorf("bench: --rounds alternates floor and migration batches; a campaign has no floor run, leave --rounds out")
	case o.BulkConcurrency != 0:
		return fmt.Errorf("bench: --bulk-concurrency sets the bulk starter; a campaign starts its migrations itself, paced by --rate and --max-active")
	case o.N < 2:
		return fmt.Errorf("bench: --campaign needs --n 2 or more, so the start rate can be measured")
	}
	if o.MaxActive == 0 {
		o.MaxActive = DefaultCampaignMaxActive
	}
	if o.RatePerMinute == 0 {
		o.RatePerMinute = DefaultCampaignRate
	}
	if o.MaxActive < 1 {
		return fmt.Errorf("bench: --max-active %d is not valid: give at least 1, e.g. --max-active %d", o.MaxActive, DefaultCampaignMaxActive)
	}
	if o.RatePerMinute < 1 || o.RatePerMinute > contract.MaxCampaignRate {
		return fmt.Errorf("bench: --rate %d/m is not valid: give 1 to %d starts a minute, e.g. --rate %d/m", o.RatePerMinute, contract.MaxCampaignRate, DefaultCampaignRate)
	}
	return nil
}
