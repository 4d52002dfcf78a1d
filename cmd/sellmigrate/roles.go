package main

import (
	"context"
	"fmt"
	"net/url"
	"os"
	"path/filepath"

	"go.temporal.io/sdk/client"
	"go.uber.org/zap"

	"github.com/sellmigrate/sellmigrate/activities"
	"github.com/sellmigrate/sellmigrate/codec"
	"github.com/sellmigrate/sellmigrate/config"
	"github.com/sellmigrate/sellmigrate/credstore"
	"github.com/sellmigrate/sellmigrate/notify"
	"github.com/sellmigrate/sellmigrate/platform"
	"github.com/sellmigrate/sellmigrate/platform/sim"
	"github.com/sellmigrate/sellmigrate/worker"
)

// newWorker wires the Zendesk client, the activities and the worker from config; tune
// adjusts the worker options (the benchmark registers its floor workflow so).
func newWorker(cfg config.Config, c client.Client, pc *codec.Codec, creds *credstore.Store, logger *zap.Logger, tune ...func(*worker.Options)) (*worker.Worker, error) {
	p, err := zendeskClient(cfg, logger)
	if err != nil {
		return nil, err
	}
	reminders, err := notifyChannels(cfg)
	if err != nil {
		return nil, err
	}
	reminders.OwnerLinks, err = ownerLinkSigner(cfg, logger.Named("notify"), "reminders to the Zendesk account owner link to the migration's dashboard page")
	if err != nil {
		return nil, err
	}
	acts, err := activities.New(activities.Deps{
		Platform:          p,
		Credentials:       creds,
		SellTokenTemplate: cfg.Zendesk.SellTokenTemplate,
		Notify:            reminders,
	})
	if err != nil {
		return nil, err
	}
	logNotifyChannels(cfg.Notify, logger.Named("notify"))
	opts := worker.OptionsFromConfig(cfg.Worker, logger.Named("worker"))
	opts.DataConverter = pc.DataConverter()
	for _, f := range tune {
		f(&opts)
	}
	return worker.New(c, acts, opts)
}

// openSimulator opens (or creates and seeds) the simulator's SQLite state in dataDir;
// dirSetting names where that directory comes from, for the error a person reads.
func openSimulator(cfg config.Config, dataDir, dirSetting string, logger *zap.Logger) (*sim.Sim, error) {
	if err := os.MkdirAll(dataDir, 0o755); err != nil {
		return nil, fmt.Errorf("create data directory %s (%s): %w", dataDir, dirSetting, err)
	}
	s, err := sim.New(sim.Config{
		DBPath:  filepath.Join(dataDir, "sim.db"),
		Faults:  simFaults(cfg),
		Logger:  logger,
		BaseURL: cfg.SimBaseURL(),
		// The simulated Zendesk registers the API's OAuth client (api.oauth_client_*), so
		// the owner login works; empty values leave the simulator's defaults, which match dev's.
		OAuthClientID:     cfg.API.OAuthClientID,
		OAuthClientSecret: cfg.API.OAuthClientSecret,
		// dev sends the partner calls with zendesk.partner_token; the simulator takes it.
		PartnerToken: cfg.Zendesk.PartnerToken,
		// and each Sell account's token is zendesk.sell_token_template with its ID.
		SellTokenTemplate: cfg.Zendesk.SellTokenTemplate,
		// dev signs its webhooks with the same secret (config derives both from it).
		WebhookSecret: cfg.Sim.WebhookSecret,
		JobDuration:   cfg.Sim.JobDuration,
	})
	if err != nil {
		return nil, fmt.Errorf("start the simulator: %w", err)
	}
	return s, nil
}

// simFaults reads the sim.* fault settings.
func simFaults(cfg config.Config) sim.Faults {
	return sim.Faults{
		ErrorRate:     cfg.Sim.ErrorRate,
		RateLimitRate: cfg.Sim.RateLimitRate,
		RetryAfter:    cfg.Sim.RetryAfter,
		Latency:       cfg.Sim.Latency,
	}
}

// logNotifyChannels says once, as the worker starts, which reminder channels are on:
// notify settings are optional, so a channel that is off must not go unnoticed.
// zendeskClient is the Zendesk client of the zendesk.* settings, for the worker's
// activities and the API's owner login alike.
func zendeskClient(cfg config.Config, logger *zap.Logger) (*platform.Client, error) {
	p, err := platform.New(platform.Config{
		SupportURL:        cfg.Zendesk.SupportURL,
		AccountsSubdomain: cfg.Zendesk.AccountsSubdomain,
		PartnerToken:      cfg.Zendesk.PartnerToken,
		SellURL:           cfg.Zendesk.SellURL,
		Timeout:           cfg.Zendesk.Timeout,
		Logger:            logger.Named("platform"),
		Limits: platform.RateLimits{
			SellPerSecond:    cfg.Zendesk.SellRequestsPerSecond,
			SupportPerMinute: cfg.Zendesk.SupportRequestsPerMinute,
			FixedOnly:        !cfg.Zendesk.AdaptiveRateLimit,
		},
		JobPollInitial: cfg.Zendesk.JobPollInitial,
		JobPollMax:     cfg.Zendesk.JobPollMax,
		ReadRetries:    cfg.Zendesk.ReadRetries,
	})
	if err != nil {
		return nil, fmt.Errorf("zendesk settings: %w", err)
	}
	return p, nil
}

// notifyChannels builds the reminder channels config turns on.
func notifyChannels(cfg config.Config) (activities.Notify, error) {
	n := activities.Notify{OpsEmails: cfg.Notify.OpsEmails, DashboardURL: cfg.DashboardURL()}
	if cfg.Notify.EmailEnabled() {
		m, err := notify.NewMailer(cfg.Notify.SMTP())
		if err != nil {
			return n, err
		}
		n.Mailer = m
	}
	if cfg.Notify.WebhookEnabled() {
		w, err := notify.NewWebhook(cfg.Notify.WebhookURL, cfg.Notify.WebhookSecret, nil)
		if err != nil {
			return n, err
		}
		n.Webhook = w
	}
	return n, nil
}

func logNotifyChannels(n config.Notify, logger *zap.Logger) {
	if n.EmailEnabled() {
		logger.Info("email reminders on", zap.String("smtpHost", n.SMTPHost), zap.Int("smtpPort", n.SMTPPort),
			zap.String("smtpTls", n.SMTPTLS), zap.Int("opsEmails", len(n.OpsEmails)))
	} else {
		logger.Info("email reminders off: notify.smtp_host is empty")
	}
	if n.WebhookEnabled() {
		// Only the host: the path of a Slack webhook URL is a credential.
		host := n.WebhookURL
		if u, err := url.Parse(n.WebhookURL); err == nil {
			host = u.Scheme + "://" + u.Host
		}
		logger.Info("webhook reminders on", zap.String("webhookHost", host))
	} else {
		logger.Info("webhook reminders off: notify.webhook_url is empty")
	}
}

// openCredentials opens the credential store the worker acts with and the API keeps
// the owner's sign-in in; the caller closes it.
func openCredentials(ctx context.Context, cfg config.Config) (*credstore.Store, error) {
	creds, err := cfg.OpenCredentials(ctx)
	if err != nil {
		return nil, fmt.Errorf("open the credential store: %w", err)
	}
	return creds, nil
}
