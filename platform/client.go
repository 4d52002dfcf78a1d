package platform

import (
	"encoding/base64"
	"net/http"
	"net/url"
	"strings"
	"time"

	"go.uber.org/zap"
)

// Client reaches the Zendesk Support API of any subdomain and the Sell API. It holds no
// credentials itself: each Support or Sell handle carries its own, so one Client serves
// every account a worker migrates. It is safe for concurrent use.
type Client struct {
	supportURL        string
	accountsSubdomain string
	partnerToken      string
	sellURL           string
	timeout           time.Duration
	userAgent         string
	http              *http.Client
	log               *zap.Logger
	limits            *limiters
	budgets           *budgets // nil when Limits.FixedOnly
	// jobPollInitial and jobPollMax shape WaitJob's backoff (Config.JobPoll*);
	// jobWaitMax bounds it (Config.JobWaitMax).
	jobPollInitial, jobPollMax, jobWaitMax time.Duration
	// readRetries is how often a failed read is tried again in the call (Config.ReadRetries).
	readRetries int
}

// New checks cfg, fills its defaults and returns a Client. An invalid field is reported
// by name with the form it must take.
func New(cfg Config) (*Client, error) {
	cfg, err := cfg.withDefaults()
	if err != nil {
		return nil, err
	}
	var b *budgets
	if !cfg.Limits.FixedOnly {
		b = newBudgets(cfg.Limits.BudgetWindow, time.Now)
	}
	return &Client{
		supportURL:        cfg.SupportURL,
		accountsSubdomain: cfg.AccountsSubdomain,
		partnerToken:      cfg.PartnerToken,
		sellURL:           cfg.SellURL,
		timeout:           cfg.Timeout,
		userAgent:         cfg.UserAgent,
		http:              cfg.HTTPClient,
		log:               cfg.Logger.Named("platform"),
		limits:            newLimiters(cfg.Limits),
		budgets:           b,
		jobPollInitial:    cfg.JobPollInitial,
		jobPollMax:        cfg.JobPollMax,
		jobWaitMax:        cfg.JobWaitMax,
		readRetries:       cfg.ReadRetries,
	}, nil
}

// LoginURL is the base URL of a Zendesk account: where its users sign in and under which
// its Support API lives (https://acme.zendesk.com in production).
func (c *Client) LoginURL(subdomain string) string {
	return strings.ReplaceAll(c.supportURL, SubdomainPlaceholder, url.PathEscape(subdomain))
}

// Accounts returns the partner calls, which are made with the partner credential
// (Config.PartnerToken) rather than as any account's user.
func (c *Client) Accounts() *Accounts {
	ep := endpoint{c: c, service: ServiceSupport, base: c.LoginURL(c.accountsSubdomain), partner: true}
	if c.partnerToken != "" {
		ep.auth = "Bearer " + c.partnerToken
		ep.secrets = []string{c.partnerToken}
	}
	return &Accounts{ep: ep}
}

// Support returns the Support API of one account, authenticated with cr. A bearer token
// wins over an API token when both are set; with neither, calls go unauthenticated and
// Zendesk answers 401.
func (c *Client) Support(subdomain string, cr Credentials) *Support {
	ep := endpoint{c: c, service: ServiceSupport, base: c.LoginURL(subdomain)}
	switch {
	case cr.BearerToken != "":
		ep.auth = "Bearer " + cr.BearerToken
		ep.secrets = []string{cr.BearerToken}
	case cr.APIToken != "":
		basic := base64.StdEncoding.EncodeToString([]byte(cr.Email + "/token:" + cr.APIToken))
		ep.auth = "Basic " + basic
		ep.secrets = []string{cr.APIToken, basic}
	}
	return &Support{ep: ep, subdomain: subdomain}
}

// Sell returns the Sell API as the account that token belongs to.
func (c *Client) Sell(token string) *Sell {
	ep := endpoint{c: c, service: ServiceSell, base: c.sellURL}
	if token != "" {
		ep.auth = "Bearer " + token
		ep.secrets = []string{token}
	}
	return &Sell{ep: ep}
}
