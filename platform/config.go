package platform

import (
	"fmt"
	"net/http"
	"net/url"
	"strings"
	"time"

	"go.uber.org/zap"

	"github.com/sellmigrate/sellmigrate/contract"
)

// Defaults used by New when a Config field is left empty.
const (
	DefaultSupportURL        = "https://{subdomain}.zendesk.com"
	DefaultAccountsSubdomain = "www"
	DefaultSellURL           = "https://api.getbase.com"
	DefaultTimeout           = 15 * time.Second
	DefaultUserAgent         = "sellmigrate-platform/1.0"
	// DefaultJobPollInitial and DefaultJobPollMax shape WaitJob's polling: the first
	// poll a second after the job was queued (small jobs are done by then), then
	// doubling up to ten seconds, so a long job costs a few requests a minute against
	// the account's rate limit.
	DefaultJobPollInitial = time.Second
	DefaultJobPollMax     = 10 * time.Second
)

// SubdomainPlaceholder is replaced by the account's subdomain in Config.SupportURL.
const SubdomainPlaceholder = "{subdomain}"

// Config configures a Client. The zero value talks to production Zendesk.
type Config struct {
	// SupportURL is the Support API base URL template; it must contain {subdomain}.
	// Production: "https://{subdomain}.zendesk.com"; the simulator:
	// "http://127.0.0.1:8081/zendesk/{subdomain}".
	SupportURL string
	// AccountsSubdomain is the subdomain under which the partner calls (availability
	// check, account creation) are made; they are not tied to one account.
	AccountsSubdomain string
	// PartnerToken is the partner (reseller) credential the partner calls send as
	// "Authorization: Bearer <token>". It never appears in errors or logs. Empty sends
	// none, and Zendesk answers those calls 401.
	PartnerToken string
	// SellURL is the Sell API base URL.
	SellURL string
	// Timeout bounds each HTTP request, from dialling to reading the whole body.
	Timeout time.Duration
	// UserAgent identifies us to Zendesk; it appears in their logs when they help debug.
	UserAgent string
	// HTTPClient, if set, carries the requests (proxies, TLS settings). Its own Timeout
	// still applies on top of Config.Timeout.
	HTTPClient *http.Client
	// Logger receives one debug entry per call; never credentials.
	Logger *zap.Logger
	// Limits are client-side rate limits (ratelimit.go); zero means unlimited.
	Limits RateLimits
	// JobPollInitial is how long WaitJob waits before its first poll of a job, and
	// between the first two; each wait then doubles up to JobPollMax. Zero means
	// DefaultJobPollInitial and DefaultJobPollMax.
	JobPollInitial time.Duration
	JobPollMax     time.Duration
	// JobWaitMax is the longest WaitJob waits for one job before it gives up with
	// ErrJobPending; zero means MaxJobWait.
	JobWaitMax time.Duration
	// ReadRetries is how many more times a read (GET) is tried within the call when
	// its answer is one time may cure (a 429, a 5xx, no complete answer): after the
	// answer's Retry-After, or a short backoff, as long as that wait is at most
	// MaxReadRetryWait. Zero tries once and leaves every failure to the caller (an
	// activity's retry policy). Writes are never repeated here.
	ReadRetries int
}

// withDefaults fills empty fields and checks the rest, so a bad setting fails at start-up
// with the field named rather than on the first call with a confusing URL error.
func (cfg Config) withDefaults() (Config, error) {
	if cfg.SupportURL == "" {
		cfg.SupportURL = DefaultSupportURL
	}
	if cfg.AccountsSubdomain == "" {
		cfg.AccountsSubdomain = DefaultAccountsSubdomain
	}
	if cfg.SellURL == "" {
		cfg.SellURL = DefaultSellURL
	}
	if cfg.Timeout == 0 {
		cfg.Timeout = DefaultTimeout
	}
	if cfg.UserAgent == "" {
		cfg.UserAgent = DefaultUserAgent
	}
	if cfg.HTTPClient == nil {
		// No client-level timeout: Config.Timeout is applied per request through the
		// context, which also covers reading the body.
		cfg.HTTPClient = &http.Client{Transport: newTransport()}
	}
	if cfg.Logger == nil {
		cfg.Logger = zap.NewNop()
	}
	if cfg.JobPollInitial == 0 {
		cfg.JobPollInitial = DefaultJobPollInitial
	}
	if cfg.JobPollMax == 0 {
		cfg.JobPollMax = max(DefaultJobPollMax, cfg.JobPollInitial)
	}
	if cfg.JobWaitMax == 0 {
		cfg.JobWaitMax = MaxJobWait
	}

	cfg.SupportURL = strings.TrimRight(strings.TrimSpace(cfg.SupportURL), "/")
	if !strings.Contains(cfg.SupportURL, SubdomainPlaceholder) ||
		!isHTTPURL(strings.ReplaceAll(cfg.SupportURL, SubdomainPlaceholder, "example")) {
		return cfg, fmt.Errorf("platform: SupportURL %q must be an http(s) URL containing %s, without credentials, query or fragment, like %q or %q",
			cfg.SupportURL, SubdomainPlaceholder, DefaultSupportURL, "http://127.0.0.1:8081/zendesk/{subdomain}")
	}
	cfg.SellURL = strings.TrimRight(strings.TrimSpace(cfg.SellURL), "/")
	if !isHTTPURL(cfg.SellURL) {
		return cfg, fmt.Errorf("platform: SellURL %q must be an http(s) URL without credentials, query or fragment, like %q or %q",
			cfg.SellURL, DefaultSellURL, "http://127.0.0.1:8081/sell")
	}
	if !contract.IsLabel(cfg.AccountsSubdomain) { // one lowercase DNS label
		return cfg, fmt.Errorf("platform: AccountsSubdomain %q must be one lowercase DNS label (letters, digits, inner hyphens) like %q",
			cfg.AccountsSubdomain, DefaultAccountsSubdomain)
	}
	if cfg.Timeout < 0 {
		return cfg, fmt.Errorf("platform: Timeout %s must be positive (or 0 for the default %s)", cfg.Timeout, DefaultTimeout)
	}
	if cfg.Limits.BudgetWindow < 0 {
		return cfg, fmt.Errorf("platform: Limits.BudgetWindow %s must be positive (or 0 for Zendesk's %s)", cfg.Limits.BudgetWindow, DefaultBudgetWindow)
	}
	if cfg.JobPollInitial < 0 || cfg.JobPollMax < cfg.JobPollInitial {
		return cfg, fmt.Errorf("platform: JobPollInitial %s must be positive and JobPollMax %s at least as long (0 for the defaults %s and %s)",
			cfg.JobPollInitial, cfg.JobPollMax, DefaultJobPollInitial, DefaultJobPollMax)
	}
	if cfg.ReadRetries < 0 || cfg.ReadRetries > MaxReadRetries {
		return cfg, fmt.Errorf("platform: ReadRetries %d must be from 0 (try once) to %d", cfg.ReadRetries, MaxReadRetries)
	}
	if cfg.JobWaitMax < 0 {
		return cfg, fmt.Errorf("platform: JobWaitMax %s must be positive (or 0 for the default %s)", cfg.JobWaitMax, MaxJobWait)
	}
	if strings.ContainsAny(cfg.PartnerToken, " \t\r\n") {
		return cfg, fmt.Errorf("platform: PartnerToken must be one word without whitespace; check the partner credential you were issued")
	}
	if strings.ContainsAny(cfg.UserAgent, "\r\n") {
		return cfg, fmt.Errorf("platform: UserAgent %q must be a single line", cfg.UserAgent)
	}
	return cfg, nil
}

// isHTTPURL reports whether s is an absolute http or https URL with a host, usable as a
// base that API paths are appended to.
func isHTTPURL(s string) bool {
	u, err := url.Parse(s)
	if err != nil {
		return false
	}
	return (u.Scheme == "http" || u.Scheme == "https") && u.Host != "" &&
		u.RawQuery == "" && u.Fragment == "" && u.User == nil
}
