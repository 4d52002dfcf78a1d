// Package api is sellmigrate's HTTP API for admin UIs and dashboards: list, start (one
// or in bulk), inspect, act on and cancel migrations, live updates over server-sent
// events, the OpenAPI document, the dashboard page and the Zendesk owner login. Every
// operation goes through package starter, exactly as the CLI's do.
package api

import (
	"context"
	"crypto/tls"
	"errors"
	"fmt"
	"net"
	"net/http"
	"net/url"
	"strings"
	"sync"
	"time"

	"go.uber.org/zap"

	"github.com/sellmigrate/sellmigrate/credstore"
	"github.com/sellmigrate/sellmigrate/internal/ownerlink"
	"github.com/sellmigrate/sellmigrate/platform"
	"github.com/sellmigrate/sellmigrate/starter"
)

// Options configures a Server. Zero values take the defaults noted.
type Options struct {
	// Starter runs every operation on migrations; required.
	Starter *starter.Starter
	Logger  *zap.Logger
	// Tokens are the bearer tokens and the role each grants; at least one is required.
	Tokens Tokens
	// PublicURL is how browsers reach this server, e.g. http://127.0.0.1:8080; it
	// builds the OAuth redirect_uri and decides whether cookies are Secure.
	PublicURL string
	// TemporalUIURL is the Temporal Web UI base, for links to a migration's workflow;
	// empty leaves the links out.
	TemporalUIURL string
	// Namespace is the Temporal namespace the migrations run in; default "default".
	Namespace string
	OAuth     OAuthOptions
	// MaxBodyBytes caps a request body; default 1 MiB.
	MaxBodyBytes int64
	// Live updates: how often a watched migration is polled, once for all its streams
	// (default 500ms), how often a stream sends a keepalive comment (default 15s), the
	// most streams open at once (default 256) and the longest one lasts before the
	// browser is asked to reconnect (default 1h).
	PollInterval      time.Duration
	KeepAlive         time.Duration
	MaxStreams        int
	MaxStreamDuration time.Duration
	// The list stream polls counts and the newest ListWatchLimit migrations every
	// ListPollInterval (defaults 1s and 1000), once for all its subscribers.
	ListPollInterval time.Duration
	ListWatchLimit   int
	// Abuse limits. RateLimitPerSecond and RateLimitBurst bound each principal's API
	// requests (defaults 50/s, bursts of 200); unauthenticated callers get the same
	// per client IP. MaxStreamsPerPrincipal caps one principal's live streams (default
	// 8). OwnerLoginPerMinute bounds each client IP's visits to the unauthenticated
	// owner-login page, which costs Temporal calls (default 60).
	RateLimitPerSecond     float64
	RateLimitBurst         int
	MaxStreamsPerPrincipal int
	OwnerLoginPerMinute    int
	// Metrics, when set, records the latency of every request by route; Ready says
	// whether the API can serve (nil means always ready). AdminHandler serves both, at
	// GET /metrics and GET /readyz, apart from the public handler.
	Metrics *Metrics
	Ready   ReadyFunc
	// Codec serves the remote payload codec at /codec for the Temporal Web UI and CLI.
	Codec CodecOptions
	// OIDC is the dashboard's staff sign-in; empty Issuer leaves the token form only.
	OIDC OIDCOptions
	// AuditFile, when set, gets every audit record appended as a JSON line (created
	// 0600 when missing), besides the info log line, and GET /api/v1/audit reads it.
	// Empty means the log only (audit.file).
	AuditFile string
	// TLSCertFile and TLSKeyFile, both set, make ServeListener serve HTTPS (TLS 1.2
	// or later) from these PEM files, re-read when they change; responses over TLS
	// carry Strict-Transport-Security. Both empty: plain HTTP.
	TLSCertFile, TLSKeyFile string
}

// OAuthOptions configures the Zendesk account owner's login (authorization-code flow).
type OAuthOptions struct {
	// ClientID and ClientSecret identify this server to Zendesk's OAuth endpoints.
	ClientID     string
	ClientSecret string
	// SupportURL is the Support API base with a {subdomain} placeholder, as the worker
	// uses it (zendesk.support_url); the owner logs in at the migration's subdomain.
	SupportURL string
	// AuthorizeURL is the same kind of template for where the owner's browser signs in,
	// when a browser reaches Zendesk elsewhere than this server does (docker compose:
	// the server at http://sim:8081, the browser at http://127.0.0.1:8081); empty means
	// SupportURL. The code exchange and users/me always use SupportURL.
	AuthorizeURL string
	// Zendesk makes the code exchange and users/me calls; nil means a platform client
	// on SupportURL with platform's defaults (timeout, rate limits).
	Zendesk *platform.Client
	// Grants stores the owner's sign-in; the owner-login input carries only its ID.
	// Nil disables the owner login, with a page that says so.
	Grants GrantStore
	// Links signs and checks the owner-login links (api.owner_link_key); nil disables
	// the owner login, with a page that says so.
	Links *ownerlink.Signer
}

// GrantStore is the part of the credential store the owner login uses.
type GrantStore interface {
	Put(ctx context.Context, c credstore.Credential) (credstore.Credential, error)
	Revoke(ctx context.Context, id string, at time.Time) (credstore.Info, error)
}

// Defaults of the abuse limits, generous enough for the dashboard (which streams and
// reloads on changes) and for automation driving many migrations with one token.
const (
	DefaultRateLimitPerSecond     = 50.0
	DefaultRateLimitBurst         = 200
	DefaultMaxStreamsPerPrincipal = 8
	DefaultOwnerLoginPerMinute    = 60
)

// Server serves the API, the dashboard and the OAuth callback.
type Server struct {
	opts    Options
	starter *starter.Starter
	log     *zap.Logger
	auth    *authenticator
	mux     *http.ServeMux
	// routes are the API's own routes, by mux pattern; anything else under /api/ is
	// answered with a JSON 404 or 405.
	routes map[string]route
	// streams bounds the live-update streams open at once.
	streams chan struct{}
	list    *listHub
	// watches polls each streamed migration once for all its streams.
	watches *migrationHub
	// streamQuota caps each principal's open streams.
	streamQuota *streamQuota
	// readStatus reads one migration (starter.Status); tests count and fake it.
	readStatus func(ctx context.Context, ref string) (starter.Report, error)
	// readHeadline reads one migration's headline (starter.Headline), as the owner's
	// sign-in does; tests count and fake it.
	readHeadline func(ctx context.Context, ref string) (starter.Report, error)
	// principalLimits and ipLimits rate-limit API requests by token and, for callers
	// without one, by client IP.
	principalLimits, ipLimits *keyedLimiter
	// publicHost is the host of PublicURL, an origin cookie sessions may come from.
	publicHost string
	// staff runs the OIDC staff sign-in (/auth/login, /auth/callback).
	staff *staffSignIn
	// auditFile keeps the audit trail when Options.AuditFile is set; nil otherwise.
	auditFile *auditFile
	// tls serves HTTPS when Options.TLSCertFile is set; nil serves plain HTTP.
	tls *tls.Config
	// stop ends live streams when Serve shuts down.
	stop     chan struct{}
	stopOnce sync.Once
}

// NewServer checks the options and builds the routes.
func NewServer(o Options) (*Server, error) {
	if o.Starter == nil {
		return nil, errors.New("api: Options.Starter is required")
	}
	if o.Logger == nil {
		o.Logger = zap.NewNop()
	}
	if o.Namespace == "" {
		o.Namespace = "default"
	}
	if o.MaxBodyBytes <= 0 {
		o.MaxBodyBytes = 1 << 20
	}
	if o.PollInterval <= 0 {
		o.PollInterval = 500 * time.Millisecond
	}
	if o.KeepAlive <= 0 {
		o.KeepAlive = 15 * time.Second
	}
	if o.MaxStreams <= 0 {
		o.MaxStreams = 256
	}
	if o.MaxStreamDuration <= 0 {
		o.MaxStreamDuration = time.Hour
	}
	if o.ListPollInterval <= 0 {
		o.ListPollInterval = time.Second
	}
	if o.ListWatchLimit <= 0 {
		o.ListWatchLimit = 1000
	}
	if o.RateLimitPerSecond <= 0 {
		o.RateLimitPerSecond = DefaultRateLimitPerSecond
	}
	if o.RateLimitBurst <= 0 {
		o.RateLimitBurst = DefaultRateLimitBurst
	}
	if o.MaxStreamsPerPrincipal <= 0 {
		o.MaxStreamsPerPrincipal = DefaultMaxStreamsPerPrincipal
	}
	if o.OwnerLoginPerMinute <= 0 {
		o.OwnerLoginPerMinute = DefaultOwnerLoginPerMinute
	}
	if o.OAuth.Zendesk == nil && strings.Contains(o.OAuth.SupportURL, platform.SubdomainPlaceholder) {
		z, err := platform.New(platform.Config{SupportURL: o.OAuth.SupportURL, Logger: o.Logger})
		if err != nil {
			return nil, fmt.Errorf("api: the Zendesk Support URL for the owner login: %w", err)
		}
		o.OAuth.Zendesk = z
	}
	o.PublicURL = strings.TrimRight(o.PublicURL, "/")
	o.TemporalUIURL = strings.TrimRight(o.TemporalUIURL, "/")
	o.Codec.CORSOrigin = strings.TrimRight(o.Codec.CORSOrigin, "/")
	auth, err := newAuthenticatorWith(o.Tokens, httpsURL(o.PublicURL), o.OIDC.Issuer != "")
	if err != nil {
		return nil, err
	}
	s := &Server{
		opts:    o,
		starter: o.Starter,
		log:     o.Logger,
		auth:    auth,
		mux:     http.NewServeMux(),
		routes:  map[string]route{},
		streams: make(chan struct{}, o.MaxStreams),
		stop:    make(chan struct{}),

		principalLimits: newKeyedLimiter(o.RateLimitPerSecond, o.RateLimitBurst),
		ipLimits:        newKeyedLimiter(o.RateLimitPerSecond, o.RateLimitBurst),
	}
	if u, err := url.Parse(o.PublicURL); err == nil {
		s.publicHost = u.Host
	}
	s.list = newListHub(s)
	s.watches = newMigrationHub(s)
	s.streamQuota = newStreamQuota(o.MaxStreamsPerPrincipal)
	s.readStatus, s.readHeadline = o.Starter.Status, o.Starter.Headline
	if o.AuditFile != "" {
		if s.auditFile, err = openAuditFile(o.AuditFile, o.Logger); err != nil {
			return nil, fmt.Errorf("api: the audit file (audit.file): %w; set audit.file to a path in a directory that exists and this process may write", err)
		}
	}
	if s.tls, err = newTLSConfig(o.TLSCertFile, o.TLSKeyFile, o.Logger); err != nil {
		return nil, err
	}
	for _, rt := range s.apiRoutes() {
		s.handle(rt)
	}
	s.registerOAuth(s.mux)
	if err := s.registerStaffSignIn(s.mux); err != nil {
		return nil, err
	}
	s.registerCodec(s.mux)
	s.registerDashboard(s.mux)
	return s, nil
}

// Handler is the whole server as one http.Handler.
func (s *Server) Handler() http.Handler {
	h := http.Handler(http.HandlerFunc(s.serveHTTP))
	if s.opts.Metrics != nil {
		h = Instrument(h, s.opts.Metrics)
	}
	// Outermost, so every response names its request and, over TLS, carries HSTS.
	return withRequestID(withHSTS(h))
}

// ServeListener serves on a listener the caller opened until ctx is done, then shuts
// down gracefully: live streams end at once, other requests get up to 10 seconds.
func (s *Server) ServeListener(ctx context.Context, ln net.Listener) error {
	srv := &http.Server{
		Handler:           s.Handler(),
		ReadHeaderTimeout: 10 * time.Second,
		ReadTimeout:       time.Minute,
		// Actions wait for the workflow's answer (up to the starter's update timeout);
		// live streams lift this deadline for themselves.
		WriteTimeout: 2 * time.Minute,
		IdleTimeout:  2 * time.Minute,
		ErrorLog:     zap.NewStdLog(s.log.Named("http")),
	}
	errc := make(chan error, 1)
	if s.tls != nil {
		// ServeTLS adds HTTP/2 to a clone of the config; the certificate comes from
		// its GetCertificate, hence no file names here.
		srv.TLSConfig = s.tls
		go func() { errc <- srv.ServeTLS(ln, "", "") }()
	} else {
		go func() { errc <- srv.Serve(ln) }()
	}
	s.log.Info("API listening", zap.String("address", ln.Addr().String()), zap.Bool("tls", s.tls != nil))
	select {
	case err := <-errc:
		s.Close()
		return fmt.Errorf("api: serve on %s: %w", ln.Addr(), err)
	case <-ctx.Done():
	}
	s.Close()
	shutdownCtx, cancel := context.WithTimeout(context.WithoutCancel(ctx), 10*time.Second)
	defer cancel()
	if err := srv.Shutdown(shutdownCtx); err != nil {
		// Requests still waiting (an action waits for the workflow's answer) are cut;
		// the workflow keeps what it was sent, and the client can read the outcome.
		s.log.Warn("API requests still running after 10s were cut at shutdown", zap.Error(err))
		_ = srv.Close()
	}
	if err := <-errc; err != nil && !errors.Is(err, http.ErrServerClosed) {
		return fmt.Errorf("api: serve: %w", err)
	}
	s.log.Info("API stopped")
	return nil
}

// status reads one migration through readStatus (starter.Status when unset).
func (s *Server) status(ctx context.Context, ref string) (starter.Report, error) {
	if s.readStatus != nil {
		return s.readStatus(ctx, ref)
	}
	return s.starter.Status(ctx, ref)
}

// headline reads one migration's headline through readHeadline (starter.Headline
// when unset): enough to decide whether it takes a request now, at a fraction of a
// status read's cost.
func (s *Server) headline(ctx context.Context, ref string) (starter.Report, error) {
	if s.readHeadline != nil {
		return s.readHeadline(ctx, ref)
	}
	return s.starter.Headline(ctx, ref)
}

// Close ends every live stream; Serve calls it on shutdown.
func (s *Server) Close() { s.stopOnce.Do(func() { close(s.stop) }) }
