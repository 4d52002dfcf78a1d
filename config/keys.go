package config

import (
	"time"

	"github.com/sellmigrate/sellmigrate/contract"
)

// key is one setting: its dotted name (also its env var, SELLMIGRATE_ + upper snake case),
// its production default and the struct field it fills.
type key struct {
	name  string
	def   any
	field func(*Config) any
}

// defaultPolicy gives the migration.* defaults: the contract owns the policy.
var defaultPolicy = contract.DefaultPolicy()

// keys lists every setting. config.example.yaml documents the same list; a test keeps
// them in step.
var keys = []key{
	// Empty address and namespace take TEMPORAL_ADDRESS / TEMPORAL_NAMESPACE, then the
	// temporal.toml profile, then 127.0.0.1:7233 / default (see resolveClient).
	{"temporal.address", "", func(c *Config) any { return &c.Temporal.Address }},
	{"temporal.namespace", "", func(c *Config) any { return &c.Temporal.Namespace }},
	{"temporal.profile", "", func(c *Config) any { return &c.Temporal.Profile }},
	{"temporal.config_file", "", func(c *Config) any { return &c.Temporal.ConfigFile }},
	{"temporal.allow_insecure", false, func(c *Config) any { return &c.Temporal.AllowInsecure }},
	{"temporal.query_timeout", 5 * time.Second, func(c *Config) any { return &c.Temporal.QueryTimeout }},
	// Empty codec keys mean dev's key file under dev.data_dir (see Config.PayloadCodec).
	{"temporal.codec_keys", []string{}, func(c *Config) any { return &c.Temporal.CodecKeys }},
	{"temporal.codec_active_key", "", func(c *Config) any { return &c.Temporal.CodecActiveKey }},

	// Empty Zendesk URLs and credentials take role defaults; see deriveRoleValues.
	{"zendesk.support_url", "", func(c *Config) any { return &c.Zendesk.SupportURL }},
	{"zendesk.accounts_subdomain", "www", func(c *Config) any { return &c.Zendesk.AccountsSubdomain }},
	{"zendesk.partner_token", "", func(c *Config) any { return &c.Zendesk.PartnerToken }},
	{"zendesk.sell_url", "", func(c *Config) any { return &c.Zendesk.SellURL }},
	{"zendesk.sell_token_template", "", func(c *Config) any { return &c.Zendesk.SellTokenTemplate }},
	{"zendesk.timeout", 15 * time.Second, func(c *Config) any { return &c.Zendesk.Timeout }},
	{"zendesk.sell_requests_per_second", 10.0, func(c *Config) any { return &c.Zendesk.SellRequestsPerSecond }},
	{"zendesk.support_requests_per_minute", 700, func(c *Config) any { return &c.Zendesk.SupportRequestsPerMinute }},
	{"zendesk.adaptive_rate_limit", true, func(c *Config) any { return &c.Zendesk.AdaptiveRateLimit }},
	// 0 means the role's default (deriveRoleValues): 1s/10s, shorter in dev.
	{"zendesk.job_poll_initial", time.Duration(0), func(c *Config) any { return &c.Zendesk.JobPollInitial }},
	{"zendesk.job_poll_max", time.Duration(0), func(c *Config) any { return &c.Zendesk.JobPollMax }},
	{"zendesk.read_retries", 2, func(c *Config) any { return &c.Zendesk.ReadRetries }},

	{"migration.reminder_interval", defaultPolicy.ReminderInterval, func(c *Config) any { return &c.Migration.ReminderInterval }},
	{"migration.wait_deadline", defaultPolicy.WaitDeadline, func(c *Config) any { return &c.Migration.WaitDeadline }},
	{"migration.disclaimer_version", defaultPolicy.DisclaimerVersion, func(c *Config) any { return &c.Migration.DisclaimerVersion }},
	{"migration.retry_initial_interval", defaultPolicy.RetryInitialInterval, func(c *Config) any { return &c.Migration.RetryInitialInterval }},
	{"migration.retry_max_interval", defaultPolicy.RetryMaxInterval, func(c *Config) any { return &c.Migration.RetryMaxInterval }},
	{"migration.retry_max_attempts", defaultPolicy.RetryMaxAttempts, func(c *Config) any { return &c.Migration.RetryMaxAttempts }},
	{"migration.activity_timeout", defaultPolicy.ActivityTimeout, func(c *Config) any { return &c.Migration.ActivityTimeout }},
	{"migration.contributor_timeout", defaultPolicy.ContributorTimeout, func(c *Config) any { return &c.Migration.ContributorTimeout }},
	{"migration.heartbeat_timeout", defaultPolicy.HeartbeatTimeout, func(c *Config) any { return &c.Migration.HeartbeatTimeout }},
	{"migration.max_history_events", defaultPolicy.MaxHistoryEvents, func(c *Config) any { return &c.Migration.MaxHistoryEvents }},

	{"worker.max_concurrent_activities", 0, func(c *Config) any { return &c.Worker.MaxConcurrentActivities }},
	{"worker.max_concurrent_workflow_tasks", 0, func(c *Config) any { return &c.Worker.MaxConcurrentWorkflowTasks }},
	{"worker.activities_per_second", 0.0, func(c *Config) any { return &c.Worker.ActivitiesPerSecond }},
	{"worker.task_queue_activities_per_second", 0.0, func(c *Config) any { return &c.Worker.TaskQueueActivitiesPerSecond }},
	{"worker.stop_timeout", 10 * time.Second, func(c *Config) any { return &c.Worker.StopTimeout }},
	{"worker.max_heartbeat_throttle", time.Second, func(c *Config) any { return &c.Worker.MaxHeartbeatThrottle }},
	{"worker.sticky_cache_size", 2000, func(c *Config) any { return &c.Worker.StickyCacheSize }},
	{"worker.workflow_task_pollers", 0, func(c *Config) any { return &c.Worker.WorkflowTaskPollers }},
	{"worker.activity_task_pollers", 0, func(c *Config) any { return &c.Worker.ActivityTaskPollers }},
	{"worker.disable_eager_activities", false, func(c *Config) any { return &c.Worker.DisableEagerActivities }},
	{"worker.metrics_listen", "127.0.0.1:9090", func(c *Config) any { return &c.Worker.MetricsListen }},

	{"dev.data_dir", "./.sellmigrate", func(c *Config) any { return &c.Dev.DataDir }},
	{"dev.temporal_port", 7233, func(c *Config) any { return &c.Dev.TemporalPort }},
	{"dev.ui_port", 8233, func(c *Config) any { return &c.Dev.UIPort }},
	{"dev.sqlite_synchronous", "normal", func(c *Config) any { return &c.Dev.SQLiteSynchronous }},

	{"sim.listen", "127.0.0.1:8081", func(c *Config) any { return &c.Sim.Listen }},
	{"sim.data_dir", "./.sellmigrate", func(c *Config) any { return &c.Sim.DataDir }},
	{"sim.error_rate", 0.0, func(c *Config) any { return &c.Sim.ErrorRate }},
	{"sim.rate_limit_rate", 0.0, func(c *Config) any { return &c.Sim.RateLimitRate }},
	{"sim.retry_after", time.Second, func(c *Config) any { return &c.Sim.RetryAfter }},
	{"sim.latency", time.Duration(0), func(c *Config) any { return &c.Sim.Latency }},
	{"sim.job_duration", 200 * time.Millisecond, func(c *Config) any { return &c.Sim.JobDuration }},
	{"sim.smtp_listen", "127.0.0.1:2525", func(c *Config) any { return &c.Sim.SMTPListen }},
	// Empty means the demo secret under dev and sim (see deriveNotifyValues).
	{"sim.webhook_secret", "", func(c *Config) any { return &c.Sim.WebhookSecret }},

	{"api.listen", "127.0.0.1:8080", func(c *Config) any { return &c.API.Listen }},
	// Both TLS files set: HTTPS on api.listen (see config/api_tls.go).
	{"api.tls_cert_file", "", func(c *Config) any { return &c.API.TLSCertFile }},
	{"api.tls_key_file", "", func(c *Config) any { return &c.API.TLSKeyFile }},
	// /metrics and /readyz; empty turns them off, port 0 takes a free port.
	{"api.admin_listen", DefaultAPIAdminListen, func(c *Config) any { return &c.API.AdminListen }},
	// Token lists take a YAML list or a comma-separated string; empty lists take the
	// dev demo tokens under dev (see deriveRoleValues).
	{"api.viewer_tokens", []string{}, func(c *Config) any { return &c.API.ViewerTokens }},
	{"api.ops_tokens", []string{}, func(c *Config) any { return &c.API.OpsTokens }},
	{"api.admin_tokens", []string{}, func(c *Config) any { return &c.API.AdminTokens }},
	// Named tokens: a YAML list of {name, email, role, sha256}, or in the environment
	// NAME:EMAIL:ROLE:SHA256 entries separated by commas.
	{"api.tokens", []any{}, func(c *Config) any { return &c.API.Tokens }},
	// Empty public_url means http(s)://<api.listen>; empty temporal_ui_url means the
	// Temporal Web UI on 127.0.0.1 (dev: dev.ui_port); see deriveRoleValues.
	{"api.public_url", "", func(c *Config) any { return &c.API.PublicURL }},
	{"api.allow_insecure_http", false, func(c *Config) any { return &c.API.AllowInsecureHTTP }},
	{"api.temporal_ui_url", "", func(c *Config) any { return &c.API.TemporalUIURL }},
	{"api.oauth_client_id", "sellmigrate", func(c *Config) any { return &c.API.OAuthClientID }},
	{"api.oauth_client_secret", "", func(c *Config) any { return &c.API.OAuthClientSecret }},
	// Empty oauth_authorize_url means zendesk.support_url (the browser reaches Zendesk
	// where this server does).
	{"api.oauth_authorize_url", "", func(c *Config) any { return &c.API.OAuthAuthorizeURL }},
	// Empty oidc_issuer turns staff sign-in off, or under dev takes the simulator's
	// demo provider (see deriveOIDCValues).
	{"api.oidc_issuer", "", func(c *Config) any { return &c.API.OIDC.Issuer }},
	{"api.oidc_client_id", "sellmigrate", func(c *Config) any { return &c.API.OIDC.ClientID }},
	{"api.oidc_client_secret", "", func(c *Config) any { return &c.API.OIDC.ClientSecret }},
	{"api.oidc_role_claim", DefaultOIDCRoleClaim, func(c *Config) any { return &c.API.OIDC.RoleClaim }},
	{"api.max_body_bytes", 1 << 20, func(c *Config) any { return &c.API.MaxBodyBytes }},
	// Empty codec_cors_origin means the origin of api.temporal_ui_url (dev: its Web UI).
	{"api.codec_cors_origin", "", func(c *Config) any { return &c.API.CodecCORSOrigin }},
	{"api.rate_limit_per_second", 50.0, func(c *Config) any { return &c.API.RateLimitPerSecond }},
	{"api.rate_limit_burst", 200, func(c *Config) any { return &c.API.RateLimitBurst }},
	{"api.max_streams_per_principal", 8, func(c *Config) any { return &c.API.MaxStreamsPerPrincipal }},
	{"api.owner_login_rate_per_minute", 60, func(c *Config) any { return &c.API.OwnerLoginRatePerMinute }},
	// Empty owner_link_key means dev's key file <dev.data_dir>/owner-link.key (see
	// config/owner_link.go); the TTL suits owners who log in days later.
	{"api.owner_link_key", "", func(c *Config) any { return &c.API.OwnerLink.Key }},
	{"api.owner_link_ttl", 72 * time.Hour, func(c *Config) any { return &c.API.OwnerLink.TTL }},

	// Empty notify settings turn the channel off, or under dev take the simulator's
	// sinks (see deriveNotifyValues).
	{"notify.smtp_host", "", func(c *Config) any { return &c.Notify.SMTPHost }},
	{"notify.smtp_port", 587, func(c *Config) any { return &c.Notify.SMTPPort }},
	{"notify.smtp_username", "", func(c *Config) any { return &c.Notify.SMTPUsername }},
	{"notify.smtp_password", "", func(c *Config) any { return &c.Notify.SMTPPassword }},
	{"notify.smtp_from", "sellmigrate@localhost", func(c *Config) any { return &c.Notify.SMTPFrom }},
	{"notify.smtp_tls", "starttls", func(c *Config) any { return &c.Notify.SMTPTLS }},
	{"notify.webhook_url", "", func(c *Config) any { return &c.Notify.WebhookURL }},
	{"notify.webhook_secret", "", func(c *Config) any { return &c.Notify.WebhookSecret }},
	{"notify.ops_emails", []string{}, func(c *Config) any { return &c.Notify.OpsEmails }},
	{"notify.dashboard_url", "", func(c *Config) any { return &c.Notify.DashboardURL }},

	// Empty credentials.* take dev's store and key under dev.data_dir in dev; other
	// roles must set them where they open the store (see Config.OpenCredentials).
	{"credentials.dsn", "", func(c *Config) any { return &c.Credentials.DSN }},
	{"credentials.keys", []string{}, func(c *Config) any { return &c.Credentials.Keys }},
	{"credentials.active_key", "", func(c *Config) any { return &c.Credentials.ActiveKey }},

	// Empty audit.file keeps the audit trail in the log only.
	{"audit.file", "", func(c *Config) any { return &c.Audit.File }},

	{"log.level", "info", func(c *Config) any { return &c.Log.Level }},
	// Empty log.format takes the role's default; see defaultLogFormat.
	{"log.format", "", func(c *Config) any { return &c.Log.Format }},
}

// Keys returns every setting's dotted name, in the documented order.
func Keys() []string {
	names := make([]string, len(keys))
	for i, k := range keys {
		names[i] = k.name
	}
	return names
}

// EnvVar is the environment variable that sets a key, e.g. SELLMIGRATE_TEMPORAL_ADDRESS.
func EnvVar(name string) string { return envPrefix + "_" + envReplacer.Replace(upper(name)) }
