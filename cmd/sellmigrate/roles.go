package main

import (
	"fmt"

	"go.temporal.io/sdk/client"
	"go.uber.org/zap"

	"github.com/sellmigrate/sellmigrate/activities"
	"github.com/sellmigrate/sellmigrate/config"
	"github.com/sellmigrate/sellmigrate/platform"
	"github.com/sellmigrate/sellmigrate/platform/sim"
	"github.com/sellmigrate/sellmigrate/worker"
)

// newWorker wires the Zendesk client, the activities and the worker from config; tune
// adjusts the worker options (the benchmark registers its floor workflow so).
func newWorker(cfg config.Config, c client.Client, logger *zap.Logger, tune ...func(*worker.Options)) (*worker.Worker, error) {
	p, err := platform.New(platform.Config{
		SupportURL:        cfg.Zendesk.SupportURL,
		AccountsSubdomain: cfg.Zendesk.AccountsSubdomain,
		SellURL:           cfg.Zendesk.SellURL,
		Timeout:           cfg.Zendesk.Timeout,
		Logger:            logger.Named("platform"),
		Limits: platform.RateLimits{
			SellPerSecond:    cfg.Zendesk.SellRequestsPerSecond,
			SupportPerMinute: cfg.Zendesk.SupportRequestsPerMinute,
		},
	})
	if err != nil {
		return nil, fmt.Errorf("zendesk settings: %w", err)
	}
	acts, err := activities.New(activities.Deps{
		Platform:          p,
		SupportToken:      cfg.Zendesk.APIToken,
		SellTokenTemplate: cfg.Zendesk.SellTokenTemplate,
		Logger:            logger.Named("activities"),
	})
	if err != nil {
		return nil, err
	}
	opts := worker.OptionsFromConfig(cfg.Worker, logger.Named("worker"))
	for _, f := range tune {
		f(&opts)
	}
	return worker.New(c, acts, opts)
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
