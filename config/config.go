// Package config loads sellmigrate's settings into one typed struct. Precedence, lowest
// first: built-in defaults < YAML file (--config or SELLMIGRATE_CONFIG) < SELLMIGRATE_*
// environment variables < command-line flags. Everything is validated once, at load, and
// every error names the key and the form it expects.
package config

import (
	"time"

	"github.com/sellmigrate/sellmigrate/contract"
)

// Config is every setting of every role. Each role reads the parts it needs.
type Config struct {
	Temporal Temporal
	Zendesk  Zendesk
	// Migration is the policy every new migration records in its history at start.
	Migration contract.Policy
	Worker    Worker
	Dev       Dev
	Sim       Sim
	API       API
	Notify    Notify
	// Credentials says where Zendesk credentials are kept and the keys sealing them.
	Credentials Credentials
	// Audit says where the API's audit trail is kept besides the log.
	Audit Audit
	Log   Log
	// File is the YAML file that was read, empty when none was.
	File string
}

// Temporal says where the Temporal frontend is and how payloads are encrypted.
type Temporal struct {
	Address   string // host:port
	Namespace string
	// Profile and ConfigFile pick the temporal.toml profile envconfig reads (empty:
	// TEMPORAL_PROFILE / TEMPORAL_CONFIG_FILE, then its defaults).
	Profile    string
	ConfigFile string
	// AllowInsecure lets api and worker dial a non-loopback Temporal in plaintext.
	AllowInsecure bool
	// QueryTimeout bounds a progress query (status, campaign status, the API's reads):
	// a worker answers it, replaying a closed or evicted workflow first. Past it a
	// migration's status falls back to its search attributes and says so; a campaign's
	// fails, naming this key. At most a minute, within the API's write timeout.
	QueryTimeout time.Duration
	// Connection is the TLS, API key and metadata every client uses; set at load by
	// resolveClient, never by a setting.
	Connection TemporalConnection
	// CodecKeys are "ID:BASE64" AES-256 keys of the payload codec; CodecActiveKey names
	// the one new payloads get (empty: the only key). See PayloadCodec for the rule.
	CodecKeys      []string
	CodecActiveKey string
	// DevCodecKeyFile is dev's key file, used when CodecKeys is empty; set by
	// deriveRoleValues, never by a setting. Only dev creates it.
	DevCodecKeyFile   string
	createDevCodecKey bool
}

// Zendesk says how activities reach Zendesk Support and Sell.
type Zendesk struct {
	// SupportURL is the Support API base with a {subdomain} placeholder.
	SupportURL string
	// AccountsSubdomain is the subdomain under which the partner account calls are made.
	AccountsSubdomain string
	// PartnerToken is the partner (reseller) credential of the account availability
	// check and account creation, sent as a bearer token.
	PartnerToken string
	SellURL      string
	// SellTokenTemplate yields the Sell API token of one account; {account_id} is replaced.
	SellTokenTemplate string
	// Timeout bounds one HTTP request.
	Timeout time.Duration
	// SellRequestsPerSecond caps this process's Sell API calls per token (Sell allows
	// about 10/s per token); 0 = unlimited.
	SellRequestsPerSecond float64
	// SupportRequestsPerMinute caps this process's Support API calls per Zendesk account
	// (the plan's per-account limit: 200/min on Team, 400 on Growth and Professional, 700 on Enterprise); 0 = unlimited.
	SupportRequestsPerMinute int
	// AdaptiveRateLimit paces Support calls by the budget Zendesk reports account-wide
	// (X-Rate-Limit-Remaining), so that several workers slow down together as one
	// account's shared budget runs low. The fixed limits above stay an upper bound.
	AdaptiveRateLimit bool
	// JobPollInitial is the wait before the first poll of a Zendesk job (create_many)
	// and between the first two; waits then double up to JobPollMax. Empty (0) means
	// the role's default: 1s and 10s, or DevJobPoll* in dev.
	JobPollInitial time.Duration
	JobPollMax     time.Duration
	// ReadRetries is how many more times a Zendesk read (GET) that answered 429, 5xx or
	// nothing is tried within the call, after its Retry-After (up to 2s) or a short
	// backoff, before the activity's retry policy takes over. 0 leaves every failure
	// to that policy.
	ReadRetries int
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
	// MaxHeartbeatThrottle caps how long the SDK holds back an activity heartbeat, so
	// the contributor cursor reaches the server at least this often (a crash redoes at
	// most this much work).
	MaxHeartbeatThrottle time.Duration
	// StickyCacheSize caps the workflows kept in memory between tasks (process-wide; 0 =
	// the SDK's 10,000, default 2000). Waiting migrations hold a few goroutines each; a
	// smaller cache bounds memory when thousands wait, at the cost of a history replay
	// when an evicted one moves again. See docs/PERFORMANCE.md.
	StickyCacheSize int
	// WorkflowTaskPollers and ActivityTaskPollers: long polls per task type; 0 = SDK default (2).
	WorkflowTaskPollers int
	ActivityTaskPollers int
	// DisableEagerActivities turns off eager activity dispatch (the server hands the
	// next activity back in the workflow task's reply instead of through matching).
	DisableEagerActivities bool
	// MetricsListen is where /metrics, /healthz and /readyz are served; empty disables.
	MetricsListen string
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
	// JobDuration is how long the simulator's bulk jobs take (queued, then working,
	// then completed); a Sell account can have its own.
	JobDuration time.Duration
	// SMTPListen is where the SMTP sink listens (host:port), beside the HTTP server.
	SMTPListen string
	// WebhookSecret is what POST /_sim/webhooks checks signatures with; dev signs its
	// webhooks with it.
	WebhookSecret string
}

// API configures the HTTP API and dashboard.
type API struct {
	Listen string // host:port
	// TLSCertFile and TLSKeyFile, both set, make the API serve HTTPS on Listen.
	TLSCertFile, TLSKeyFile string
	// AdminListen serves /metrics and /readyz apart from the public listener; empty
	// serves neither.
	AdminListen string
	// Bearer tokens per role; a token belongs to one role, and admin ⊇ ops ⊇ viewer.
	ViewerTokens, OpsTokens, AdminTokens []string
	// Tokens are the named API tokens: a principal (name, email) and a role each,
	// with the token's SHA-256. Their principals are stamped into inputs and starts.
	Tokens []APIToken
	// PublicURL is how browsers reach the API (OAuth redirect_uri, secure cookies).
	PublicURL string
	// AllowInsecureHTTP lets the api role serve an http:// PublicURL while listening
	// beyond loopback (see the production gate).
	AllowInsecureHTTP bool
	// TemporalUIURL is the Temporal Web UI the dashboard links workflows to; empty in
	// dev when the UI is disabled.
	TemporalUIURL string
	// OAuth client registered with Zendesk for the account owner's login.
	OAuthClientID     string
	OAuthClientSecret string
	// OAuthAuthorizeURL is the Support URL template ({subdomain}) the owner's browser
	// is sent to for the sign-in; empty means Zendesk.SupportURL. The code exchange
	// always uses Zendesk.SupportURL, which is how this server reaches Zendesk.
	OAuthAuthorizeURL string
	// MaxBodyBytes caps a request body.
	MaxBodyBytes int
	// CodecCORSOrigin is the one browser origin (the Temporal Web UI's) allowed to call
	// the codec endpoint from script; empty means the origin of TemporalUIURL.
	CodecCORSOrigin string
	// Abuse limits: requests a second and the burst allowed per token (per client IP
	// for callers without one), live streams open at once per token, and visits a
	// minute per client IP to the unauthenticated owner-login page.
	RateLimitPerSecond      float64
	RateLimitBurst          int
	MaxStreamsPerPrincipal  int
	OwnerLoginRatePerMinute int
	// Owner-login links: the HMAC key they are signed with and how long they last
	// (see owner_link.go).
	OwnerLink OwnerLink
	// OIDC is the dashboard's staff sign-in (api.oidc_*); see config/oidc.go.
	OIDC OIDC
}

// Log configures zap.
type Log struct {
	Level  string // debug | info | warn | error
	Format string // console | json
}
