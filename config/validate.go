package config

import (
	"fmt"
	"net"
	"net/url"
	"strconv"
	"strings"
	"time"

	"github.com/sellmigrate/sellmigrate/contract"
	"github.com/sellmigrate/sellmigrate/platform"
)

// validate checks every setting; each error names its key and the expected form.
// Secrets are never echoed.
func (c Config) validate(r Role) error {
	checks := []error{
		hostPort("temporal.address", c.Temporal.Address, "127.0.0.1:7233"),
		word("temporal.namespace", c.Temporal.Namespace, "default"),
		c.Temporal.validateCodec(),
		upTo("temporal.query_timeout", c.Temporal.QueryTimeout, time.Minute, "5s"),

		urlTemplate("zendesk.support_url", c.Zendesk.SupportURL, "{subdomain}", "https://{subdomain}.zendesk.com"),
		label("zendesk.accounts_subdomain", c.Zendesk.AccountsSubdomain),
		urlTemplate("zendesk.sell_url", c.Zendesk.SellURL, "", "https://api.getbase.com"),
		credentialsNeeded(c.Credentials, r),
		partnerToken(c.Zendesk.PartnerToken),
		sellTemplate(c.Zendesk.SellTokenTemplate, r),
		positive("zendesk.timeout", c.Zendesk.Timeout, "15s"),

		intRange("worker.max_concurrent_activities", c.Worker.MaxConcurrentActivities, 0, 100_000),
		workflowTasks(c.Worker.MaxConcurrentWorkflowTasks),
		floatRange("worker.activities_per_second", c.Worker.ActivitiesPerSecond, 0, 1e6, "0 for unlimited"),
		floatRange("worker.task_queue_activities_per_second", c.Worker.TaskQueueActivitiesPerSecond, 0, 1e6, "0 for unlimited"),
		nonNegative("worker.stop_timeout", c.Worker.StopTimeout, "10s"),
		positive("worker.max_heartbeat_throttle", c.Worker.MaxHeartbeatThrottle, "1s"),
		intRange("worker.sticky_cache_size", c.Worker.StickyCacheSize, 0, 1_000_000),
		intRange("worker.workflow_task_pollers", c.Worker.WorkflowTaskPollers, 0, 1_000),
		intRange("worker.activity_task_pollers", c.Worker.ActivityTaskPollers, 0, 1_000),
		optionalHostPort("worker.metrics_listen", c.Worker.MetricsListen, "127.0.0.1:9090"),
		floatRange("zendesk.sell_requests_per_second", c.Zendesk.SellRequestsPerSecond, 0, 1e6, "0 for unlimited, Sell allows about 10"),
		intRange("zendesk.support_requests_per_minute", c.Zendesk.SupportRequestsPerMinute, 0, 1_000_000),
		intRange("zendesk.read_retries", c.Zendesk.ReadRetries, 0, platform.MaxReadRetries),
		jobPoll(c.Zendesk),

		nonEmpty("dev.data_dir", c.Dev.DataDir, "./.sellmigrate"),
		port("dev.temporal_port", c.Dev.TemporalPort, false),
		port("dev.ui_port", c.Dev.UIPort, true),
		distinctPorts(c.Dev),
		oneOf("dev.sqlite_synchronous", c.Dev.SQLiteSynchronous, "normal", "full"),

		hostPort("sim.listen", c.Sim.Listen, "127.0.0.1:8081"),
		nonEmpty("sim.data_dir", c.Sim.DataDir, "./.sellmigrate"),
		floatRange("sim.error_rate", c.Sim.ErrorRate, 0, 1, "a fraction such as 0.2"),
		floatRange("sim.rate_limit_rate", c.Sim.RateLimitRate, 0, 1, "a fraction such as 0.1"),
		faultShare(c.Sim),
		nonNegative("sim.retry_after", c.Sim.RetryAfter, "1s"),
		nonNegative("sim.latency", c.Sim.Latency, "5ms"),
		positive("sim.job_duration", c.Sim.JobDuration, "200ms"),
		simNotifyChecks(c.Sim),

		hostPort("api.listen", c.API.Listen, "127.0.0.1:8080"),
		c.API.validate(r),
		c.API.validateTransport(r),
		c.API.OIDC.validate(),
		codecOrigin(c.API.CodecCORSOrigin),
		c.API.OwnerLink.validate(),
		c.Notify.validate(),
		c.Credentials.validate(),
		c.Audit.validate(r),
		c.productionGate(r), // last: the checks above name a malformed value first

		oneOf("log.level", c.Log.Level, "debug", "info", "warn", "error"),
		oneOf("log.format", c.Log.Format, "console", "json"),
	}
	for _, err := range checks {
		if err != nil {
			return err
		}
	}
	// The migration policy's rules live with the policy, in the contract.
	if err := c.Migration.Validate(); err != nil {
		return fmt.Errorf("config: %w", err)
	}
	return nil
}

func hostPort(name, v, example string) error {
	host, p, err := net.SplitHostPort(v)
	if err != nil || host == "" || !validPort(p) {
		return fmt.Errorf("config: %s %q must be host:port, e.g. %s", name, v, example)
	}
	return nil
}

func validPort(p string) bool {
	n, err := strconv.Atoi(p)
	return err == nil && n >= 1 && n <= 65535
}

func port(name string, n int, disableable bool) error {
	if disableable && n == -1 {
		return nil
	}
	if n < 1 || n > 65535 {
		if disableable {
			return fmt.Errorf("config: %s %d must be a TCP port from 1 to 65535, or -1 to disable", name, n)
		}
		return fmt.Errorf("config: %s %d must be a TCP port from 1 to 65535", name, n)
	}
	return nil
}

func distinctPorts(d Dev) error {
	if d.UIPort == d.TemporalPort {
		return fmt.Errorf("config: dev.ui_port %d must differ from dev.temporal_port %d", d.UIPort, d.TemporalPort)
	}
	return nil
}

func word(name, v, example string) error {
	if v == "" || strings.ContainsAny(v, " \t\r\n") {
		return fmt.Errorf("config: %s %q must be a non-empty name without spaces, e.g. %s", name, v, example)
	}
	return nil
}

func nonEmpty(name, v, example string) error {
	if v == "" {
		return fmt.Errorf("config: %s must not be empty, e.g. %s", name, example)
	}
	return nil
}

// label checks a DNS label; unlike a migration's subdomain, reserved names such as www
// are fine here because it names Zendesk's own endpoint.
func label(name, v string) error {
	if !contract.IsLabel(v) {
		return fmt.Errorf("config: %s %q must be a lowercase DNS label, e.g. www", name, v)
	}
	return nil
}

// urlTemplate checks an http(s) base URL, which must contain placeholder when one is given.
func urlTemplate(name, v, placeholder, example string) error {
	bad := fmt.Errorf("config: %s %q must be an http(s) base URL, e.g. %s", name, v, example)
	if placeholder != "" {
		if !strings.Contains(v, placeholder) {
			return fmt.Errorf("config: %s %q must contain %s, e.g. %s", name, v, placeholder, example)
		}
		v = strings.ReplaceAll(v, placeholder, "example")
	}
	u, err := url.Parse(v)
	if err != nil || (u.Scheme != "http" && u.Scheme != "https") || u.Host == "" || u.RawQuery != "" {
		return bad
	}
	return nil
}

func sellTemplate(v string, r Role) error {
	const name, ph = "zendesk.sell_token_template", "{account_id}"
	if v == "" {
		if r == RoleWorker || r == RoleDev {
			return fmt.Errorf("config: %s must be set for the worker: the Sell API token of an account, with %s where the account ID goes (env %s)", name, ph, EnvVar(name))
		}
		return nil
	}
	if !strings.Contains(v, ph) {
		return fmt.Errorf("config: %s must contain %s so each Sell account gets its own token, e.g. sell-demo-%s", name, ph, ph)
	}
	return nil
}

// credentialsNeeded: the worker acts in Zendesk only with stored credentials, so it
// cannot start without the store (dev has its own). The API, which keeps the owner's
// sign-in there, says the same when it opens the store.
func credentialsNeeded(c Credentials, r Role) error {
	if r != RoleWorker {
		return nil
	}
	const who = "worker"
	if c.DSN == "" {
		return fmt.Errorf("config: credentials.dsn must be set for the %s: the credential store, sqlite:/path/to/credentials.db or postgres://user:password@host:5432/dbname (env %s)", who, EnvVar("credentials.dsn"))
	}
	if len(c.Keys) == 0 {
		return fmt.Errorf("config: credentials.keys must be set for the %s: at least one ID:BASE64 key, made with \"sellmigrate credentials new-key\" (env %s)", who, EnvVar("credentials.keys"))
	}
	return nil
}

// partnerToken may be empty (the worker then cannot create accounts: Zendesk answers
// 401, which the migration reports) but must be one word.
func partnerToken(v string) error {
	const name = "zendesk.partner_token"
	if strings.ContainsAny(v, " \t\r\n") {
		return fmt.Errorf("config: %s must not contain whitespace; paste the partner token alone (env %s)", name, EnvVar(name))
	}
	return nil
}

func positive(name string, d time.Duration, example string) error {
	if d <= 0 {
		return fmt.Errorf("config: %s %s must be a positive duration, e.g. %s", name, d, example)
	}
	return nil
}

// upTo is a positive duration no longer than most.
func upTo(name string, d, most time.Duration, example string) error {
	if d <= 0 || d > most {
		return fmt.Errorf("config: %s %s must be a positive duration up to %s, e.g. %s", name, d, most, example)
	}
	return nil
}

func nonNegative(name string, d time.Duration, example string) error {
	if d < 0 {
		return fmt.Errorf("config: %s %s must be zero or a positive duration, e.g. %s", name, d, example)
	}
	return nil
}

func intRange(name string, n, lo, hi int) error {
	if n < lo || n > hi {
		return fmt.Errorf("config: %s %d must be a whole number from %d to %d", name, n, lo, hi)
	}
	return nil
}

// workflowTasks refuses 1, which the SDK cannot run with (its pollers alternate
// between the sticky and the normal queue).
func workflowTasks(n int) error {
	if n < 0 || n == 1 || n > 100_000 {
		return fmt.Errorf("config: worker.max_concurrent_workflow_tasks %d must be 0 (SDK default) or a whole number from 2 to 100000", n)
	}
	return nil
}

func floatRange(name string, f, lo, hi float64, example string) error {
	if f < lo || f > hi || f != f {
		return fmt.Errorf("config: %s %v must be a number from %v to %v (%s)", name, f, lo, hi, example)
	}
	return nil
}

// faultShare keeps the two fault rates a valid split of one coin toss per request.
func faultShare(s Sim) error {
	if sum := s.ErrorRate + s.RateLimitRate; sum > 1 {
		return fmt.Errorf("config: sim.error_rate + sim.rate_limit_rate is %v; together they must be at most 1", sum)
	}
	return nil
}

func oneOf(name, v string, allowed ...string) error {
	for _, a := range allowed {
		if v == a {
			return nil
		}
	}
	return fmt.Errorf("config: %s %q must be one of %s", name, v, strings.Join(allowed, ", "))
}

// optionalHostPort is hostPort, or empty for "off".
func optionalHostPort(name, v, example string) error {
	if v == "" {
		return nil
	}
	return hostPort(name, v, example)
}

// jobPoll checks zendesk.job_poll_initial and job_poll_max (filled by then when empty).
func jobPoll(z Zendesk) error {
	if err := positive("zendesk.job_poll_initial", z.JobPollInitial, "1s"); err != nil {
		return err
	}
	if err := positive("zendesk.job_poll_max", z.JobPollMax, "10s"); err != nil {
		return err
	}
	if z.JobPollMax < z.JobPollInitial {
		return fmt.Errorf("config: zendesk.job_poll_max %s must be at least zendesk.job_poll_initial %s, e.g. 10s and 1s",
			z.JobPollMax, z.JobPollInitial)
	}
	return nil
}
