// Package config loads sellmigrate's settings into one typed struct. Precedence, lowest
// first: built-in defaults < YAML file (--config or SELLMIGRATE_CONFIG) < SELLMIGRATE_*
// environment variables < command-line flags. Everything is validated once, at load, and
// every error names the key and the form it expects.
package config

import "time"

// Config is every setting of every role. Each role reads the parts it needs.
type Config struct {
	Temporal  Temporal
	Zendesk   Zendesk
	Migration Migration
	Worker    Worker
	Dev       Dev
	Sim       Sim
	API       API
	Log       Log
	// File is the YAML file that was read, empty when none was.
	File string
}

// Temporal says where the Temporal frontend is.
type Temporal struct {
	Address   string // host:port
	Namespace string
}

// Zendesk says how activities reach Zendesk Support and Sell.
type Zendesk struct {
	// SupportURL is the Support API base with a {subdomain} placeholder.
	SupportURL string
	// AccountsSubdomain is the subdomain under which the partner account calls are made.
	AccountsSubdomain string
	// APIToken is the Support API token used with an account owner's email.
	APIToken string
	SellURL  string
	// SellTokenTemplate yields the Sell API token of one account; {account_id} is replaced.
	SellTokenTemplate string
	// Timeout bounds one HTTP request.
	Timeout time.Duration
}

// Migration is the policy every new migration records in its history at start.
type Migration struct {
	ReminderInterval     time.Duration
	WaitDeadline         time.Duration
	DisclaimerVersion    string
	RetryInitialInterval time.Duration
	RetryMaxInterval     time.Duration
	RetryMaxAttempts     int
	ActivityTimeout      time.Duration
	ContributorTimeout   time.Duration
	HeartbeatTimeout     time.Duration
}

// Worker tunes the worker. Zero means the SDK's default (or unlimited for rates).
type Worker struct {
	MaxConcurrentActivities    int
	MaxConcurrentWorkflowTasks int
	// ActivitiesPerSecond caps activities started by this worker process.
	ActivitiesPerSecond float64
	// TaskQueueActivitiesPerSecond caps activities across every worker of the task
	// queue, which is what protects a shared Zendesk rate limit.
	TaskQueueActivitiesPerSecond float64
	// StopTimeout is how long a stopping worker lets running activities finish.
	StopTimeout time.Duration
}

// Dev configures `sellmigrate dev`.
type Dev struct {
	DataDir      string
	TemporalPort int
	// UIPort is the Temporal Web UI port; -1 disables the UI.
	UIPort            int
	SQLiteSynchronous string // normal | full
}

// Sim configures the Zendesk/Sell simulator.
type Sim struct {
	Listen        string // host:port
	DataDir       string
	ErrorRate     float64
	RateLimitRate float64
	RetryAfter    time.Duration
	Latency       time.Duration
}

// API configures the HTTP API and dashboard.
type API struct {
	Listen string // host:port
}

// Log configures zap.
type Log struct {
	Level  string // debug | info | warn | error
	Format string // console | json
}
