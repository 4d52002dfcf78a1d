// Package sim simulates the Zendesk Support and Zendesk Sell APIs that a Sell→Zendesk
// migration uses, with state in a SQLite file, injectable faults and a ledger of every
// side effect. Off-the-shelf Zendesk clients work against it with only the base URL
// changed: Support for subdomain S is served under /zendesk/S (a ".json" suffix is
// accepted as on Zendesk), Sell under /sell, and the simulator's own controls, which
// are never faulted and need no auth, under /_sim.
//
// Where Zendesk publishes nothing, the simulator makes these assumptions:
//   - DELETE /api/v2/accounts/{subdomain}, by the account owner, releases an account
//     not linked to Sell (204; 404 if gone; 409 AccountLinked if linked) and forgets
//     the Idempotency-Key that created it, so a restarted migration can create it again.
//   - GET /api/v2/account returns {name, subdomain, url, owner_id}.
//   - POST /sell/v2/accounts/self/zendesk_link links a Sell account to a subdomain.
//   - A Sell license is being an active Sell user of the account.
//   - API tokens are per account (api_tokens.go): Basic "{email}/token:{token}" acts
//     as any active, unsuspended user of the account the token belongs to, and is 401
//     on every other account. Seeded accounts have DemoAPIToken(subdomain); accounts
//     created through POST /api/v2/accounts have none until a test or a person gives
//     one (AddAPIToken, POST /_sim/accounts/{subdomain}/api_tokens, as an admin makes
//     one in Admin Center). A bearer token from the OAuth
//     flow (oauth.go) acts as the user who signed in, within its scope.
//   - The partner calls (GET /api/v2/accounts/available, POST /api/v2/accounts) take
//     "Authorization: Bearer <Config.PartnerToken>" (partner.go), else 401 "Couldn't
//     authenticate you". Zendesk's reseller API uses a partner credential whose exact
//     form is not public to us.
//   - POST /api/v2/accounts answers, besides "account", "owner_token": {access_token,
//     token_type "bearer", scope "read write"}, an OAuth token of the new owner on the
//     new account (oauth_owner_token.go). A replay with the same Idempotency-Key answers
//     the same token, so the stored answer holds it: the one usable credential the
//     state file keeps.
//   - DELETE /api/v2/oauth/tokens/current (documented) needs a write scope like any
//     DELETE; sent with an API token instead of an OAuth token it is 404.
//   - The OAuth sign-in takes DemoPassword for every user, registers one client with
//     every account, and sits outside rate limiting and fault injection.
//   - The account's base URL (/zendesk/S, /zendesk/S/) shows its sign-in page, which
//     posts to /zendesk/S/access/login (account_signin.go) and takes the same
//     credentials; success shows who signed in and their role, with no session.
//   - Bulk jobs (jobs_queue.go) are queued and run after Config.JobDuration (or the
//     linked Sell account's own duration) in one transaction; a job still queued when
//     the simulator stops runs when one starts again on the same file. The 429 for an
//     account's 31st job in flight has error TooManyJobs (Zendesk publishes the limit,
//     not the body).
//   - user_converted is recorded for every user create_many creates, and for an update
//     that turns a user into a contributor.
//   - A user's external_id ("a unique identifier from another system", compared without
//     regard to case) is unique within an account: a create_many row reusing one fails
//     with error DuplicateValue, a PUT answers 422 RecordInvalid DuplicateValue. Zendesk
//     publishes neither error. Case is folded for ASCII letters only. A blank
//     external_id means none.
//   - GET /api/v2/users/show_many takes ids or external_ids; Zendesk does not say how
//     the two combine, so giving both is a 400 InvalidValue.
//   - POST and DELETE /api/v2/custom_roles are for admins only (Zendesk also allows
//     agents with the manage_roles permission, which the simulator does not model). A
//     created role takes name (unique, compared without case: 422 DuplicateValue),
//     description and role_type 0–3 (default 0); its configuration is ignored. Zendesk
//     lets a role be deleted only when no agent holds it; as its API error for that is
//     unpublished, the simulator answers 422 RecordInvalid (details under "base").
//
// # Notification sinks
//
// Reminders a migration sends reach two sinks, whose contents survive a restart in the
// same SQLite file:
//
// SMTP sink (smtp_sink.go): a mail server on a port of its own, started with StartSMTP
// (or ServeSMTP beside Serve). It takes mail for any address; with
// Config.SMTPUsername/SMTPPassword it first requires AUTH PLAIN (530 before, 535 on
// bad credentials), with Config.SMTPTLS it offers STARTTLS (SelfSignedTLS makes a
// certificate and the pool a client trusts it with). Each message is stored with its
// envelope recipients and sender, decoded subject, text body (quoted-printable and
// base64 undone; of a multipart, the text/plain part), the X-Sellmigrate-Migration and
// X-Sellmigrate-Key headers, its Message-ID and when it arrived.
//
//	GET    /_sim/mail[?to=EMAIL][&migration=WORKFLOW_ID]
//	       → {"messages":[{"to":[...],"from","subject","body","migrationId","key","messageId","receivedAt"}]}
//	         oldest first; to matches any recipient, ignoring case
//	DELETE /_sim/mail → {"deleted":N}
//
// Webhook receiver: POST /_sim/webhooks takes what notify.Webhook posts. It checks
// X-Sellmigrate-Timestamp and X-Sellmigrate-Signature with Config.WebhookSecret
// (notify.Verify, five minutes' tolerance) and refuses a bad or stale one with 401
// {"error": "..."}, requires an Idempotency-Key (400 without one), and stores text,
// migration_id and link of the JSON body. A repeat of a key adds no row but counts a
// delivery (the first body is kept), so one reminder retried shows deliveries > 1.
// It answers 200 {"ok":true,"key":K,"deliveries":N}.
//
//	GET    /_sim/webhooks[?migration=WORKFLOW_ID]
//	       → {"webhooks":[{"text","migrationId","key","link","receivedAt","lastReceivedAt","deliveries"}]}
//	         in the order first received
//	DELETE /_sim/webhooks → {"deleted":N}
//
// Like every /_sim route these are never faulted and need no auth. Mail and Webhooks
// read the same from Go.
package sim

import (
	"context"
	"crypto/tls"
	"errors"
	"fmt"
	"net/http"
	"strings"
	"time"

	"go.uber.org/zap"
)

// DemoAPIToken is the Support API token the simulator gives each account it seeds
// (the demo accounts, AddAccount, AddBenchAccounts): "demo-api-token-<subdomain>". It
// works only on that account, with the email of any active user of it, as a Zendesk API
// token does. Accounts created through POST /api/v2/accounts get none, as a new Zendesk
// account has none until its admin makes one: their owner uses the owner_token the
// creation answers.
func DemoAPIToken(subdomain string) string { return demoAPITokenPrefix + subdomain }

const demoAPITokenPrefix = "demo-api-token-"

// DefaultPartnerToken is the partner credential the simulator takes on the partner calls
// (GET /api/v2/accounts/available, POST /api/v2/accounts) when Config.PartnerToken is
// empty; dev configures zendesk.partner_token with the same value.
const DefaultPartnerToken = "demo-partner-token"

// SimulatorHeader is sent, with value "1", on the simulator's browser pages (the OAuth
// authorize page and the account's sign-in page), so a tool about to post a password
// can refuse anything that is not the simulator. Zendesk sends no such header.
const SimulatorHeader = "X-Zendesk-Simulator"

// DemoSellToken is the Sell API bearer token of a simulated Sell account under the
// default template.
func DemoSellToken(accountID int64) string { return fmt.Sprintf("%s%d", sellTokenPrefix, accountID) }

// DefaultSellTokenTemplate is the Sell accounts' tokens when Config.SellTokenTemplate is
// empty: sell-demo-<account ID>.
const DefaultSellTokenTemplate = sellTokenPrefix + accountIDPlaceholder

const accountIDPlaceholder = "{account_id}"

const sellTokenPrefix = "sell-demo-"

// Config configures a simulator.
type Config struct {
	// DBPath is the SQLite file holding all state; created (and seeded) if absent.
	DBPath string
	// Faults are injected from the start; change them later with SetFaults or PUT /_sim/faults.
	Faults Faults
	// Seed seeds the fault RNG, so a run with the same requests fails the same way.
	Seed int64
	// Logger receives request logs at debug level; nil discards them.
	Logger *zap.Logger
	// BaseURL (e.g. http://127.0.0.1:8081) is used in url fields and pagination links;
	// empty means derive it from each request's Host.
	BaseURL string
	// RateLimitPerMinute is the Support requests allowed per account per minute before
	// 429s; 0 means Zendesk's 700.
	RateLimitPerMinute int
	// RateLimitWindow is test-only: the length of the rate-limit window, in which
	// RateLimitPerMinute is then the allowance. 0 means one minute, as Zendesk counts.
	// Tests of pacing shorten it to stay within seconds; nothing else should set it.
	RateLimitWindow time.Duration
	// OAuthClientID and OAuthClientSecret are the OAuth client registered with every
	// simulated account; empty means DefaultOAuthClientID / DefaultOAuthClientSecret.
	OAuthClientID     string
	OAuthClientSecret string
	// OAuthRedirectURLs are that client's registered redirect URLs; empty accepts any
	// absolute http(s) URL.
	OAuthRedirectURLs []string
	// PartnerToken is the bearer token the partner calls require
	// ("Authorization: Bearer <token>"); empty means DefaultPartnerToken.
	PartnerToken string
	// SellTokenTemplate is each Sell account's API token, with {account_id} where the
	// account ID goes (the worker's zendesk.sell_token_template); empty means
	// DefaultSellTokenTemplate.
	SellTokenTemplate string
	// WebhookSecret is the shared secret POST /_sim/webhooks checks signatures with
	// (notify.Verify); empty means DefaultWebhookSecret.
	WebhookSecret string
	// SMTPUsername and SMTPPassword, when set, make the SMTP sink require AUTH PLAIN
	// with them before it takes mail; empty takes mail from anyone.
	SMTPUsername, SMTPPassword string
	// SMTPTLS, when set, makes the SMTP sink offer STARTTLS with it (SelfSignedTLS makes
	// one); nil offers none.
	SMTPTLS *tls.Config
	// JobDuration is how long a bulk job (create_many, update_many) stays queued and
	// working before it completes; 0 means DefaultJobDuration. A Sell account's own
	// duration (AccountSpec.JobDurationMs) overrides it for the Zendesk account linked
	// to it.
	JobDuration time.Duration
}

// DefaultWebhookSecret is the webhook receiver's secret when Config.WebhookSecret is
// empty; dev configures the notifier with the same one.
const DefaultWebhookSecret = "demo-webhook-secret"

// Sim is a running simulator: a SQLite store, fault injection and an HTTP handler.
type Sim struct {
	cfg     Config
	log     *zap.Logger
	store   *store
	faults  *faultInjector
	limiter *rateLimiter
	oauth   oauthClient
	now     func() time.Time
	handler http.Handler
	stats   *requestStats // request peaks for GET /_sim/stats (stats.go)
	// sellPages counts served Sell user pages per account (sim_pages.go).
	sellPages *sellPageCounter
	// jobs completes queued bulk jobs when they are due (jobs_runner.go).
	jobs *jobRunner
}

// New opens (or creates) the SQLite file in WAL mode, creates the schema, seeds the
// demo data if the database is empty, and builds the HTTP handler.
func New(cfg Config) (*Sim, error) {
	if err := cfg.Faults.validate(); err != nil {
		return nil, fmt.Errorf("sim: Config.Faults: %w", err)
	}
	if cfg.RateLimitPerMinute < 0 {
		return nil, fmt.Errorf("sim: Config.RateLimitPerMinute is %d; give a positive limit or 0 for Zendesk's %d",
			cfg.RateLimitPerMinute, defaultRateLimit)
	}
	if cfg.RateLimitWindow < 0 {
		return nil, fmt.Errorf("sim: Config.RateLimitWindow is %s; give a positive length or 0 for Zendesk's minute", cfg.RateLimitWindow)
	}
	if cfg.RateLimitWindow == 0 {
		cfg.RateLimitWindow = time.Minute
	}
	if cfg.RateLimitPerMinute == 0 {
		cfg.RateLimitPerMinute = defaultRateLimit
	}
	if (cfg.SMTPUsername == "") != (cfg.SMTPPassword == "") {
		return nil, errors.New("sim: set both Config.SMTPUsername and Config.SMTPPassword for the SMTP sink to require AUTH, or neither")
	}
	if cfg.WebhookSecret == "" {
		cfg.WebhookSecret = DefaultWebhookSecret
	}
	if cfg.PartnerToken == "" {
		cfg.PartnerToken = DefaultPartnerToken
	}
	if cfg.SellTokenTemplate == "" {
		cfg.SellTokenTemplate = DefaultSellTokenTemplate
	}
	if strings.Count(cfg.SellTokenTemplate, accountIDPlaceholder) != 1 {
		return nil, fmt.Errorf("sim: Config.SellTokenTemplate %q must hold %s once, where each account's ID goes", cfg.SellTokenTemplate, accountIDPlaceholder)
	}
	if cfg.JobDuration < 0 {
		return nil, fmt.Errorf("sim: Config.JobDuration is %s; give a positive duration or 0 for the default %s",
			cfg.JobDuration, DefaultJobDuration)
	}
	if cfg.JobDuration == 0 {
		cfg.JobDuration = DefaultJobDuration
	}
	cfg.BaseURL = strings.TrimRight(cfg.BaseURL, "/")
	oauth, err := newOAuthClient(cfg)
	if err != nil {
		return nil, err
	}
	log := cfg.Logger
	if log == nil {
		log = zap.NewNop()
	}
	ctx := context.Background()
	st, err := openStore(ctx, cfg.DBPath)
	if err != nil {
		return nil, err
	}
	seeded, err := st.seedIfEmpty(ctx)
	if err != nil {
		st.close()
		return nil, err
	}
	s := &Sim{
		cfg:       cfg,
		log:       log.Named("sim"),
		store:     st,
		faults:    newFaultInjector(cfg.Faults, cfg.Seed),
		limiter:   newRateLimiter(cfg.RateLimitPerMinute, cfg.RateLimitWindow, time.Now),
		oauth:     oauth,
		stats:     newRequestStats(time.Now),
		sellPages: newSellPageCounter(),
		now:       time.Now,
	}
	s.handler = s.routes()
	s.jobs = s.startJobRunner()
	s.log.Info("simulator state ready", zap.String("db", cfg.DBPath), zap.Bool("seededDemoData", seeded))
	return s, nil
}

// Handler serves the Support API under /zendesk/{subdomain}, the Sell API under /sell
// and the simulator controls under /_sim.
func (s *Sim) Handler() http.Handler { return s.handler }

// Close closes the SQLite database; the handler must no longer be serving.
func (s *Sim) Close() error {
	s.jobs.stop()
	if err := s.store.close(); err != nil {
		return fmt.Errorf("sim: close database: %w", err)
	}
	return nil
}

// nowString is the current time as stored and served.
func (s *Sim) nowString() string { return formatTime(s.now()) }

// baseURL is the scheme and host the simulator is reached at, for url fields and links.
func (s *Sim) baseURL(r *http.Request) string {
	if s.cfg.BaseURL != "" {
		return s.cfg.BaseURL
	}
	scheme := "http"
	if r.TLS != nil {
		scheme = "https"
	}
	return scheme + "://" + r.Host
}

// supportBase is the Support API base of a subdomain, e.g. http://127.0.0.1:8081/zendesk/acme.
func (s *Sim) supportBase(r *http.Request, subdomain string) string {
	return s.baseURL(r) + supportPrefix + subdomain
}
