// Package starter holds the client-side operations on migrations — start (one or bulk),
// human inputs, status, list, wait and cancel — shared by the CLI and the HTTP API.
// Every operation checks its input before it talks to Temporal, so bad input changes
// nothing and needs no server to be reported.
package starter

import (
	"time"

	"go.temporal.io/sdk/client"
	"go.temporal.io/sdk/converter"
	"go.uber.org/zap"

	"github.com/sellmigrate/sellmigrate/contract"
)

// Options tunes a Starter. Zero values take the defaults noted.
type Options struct {
	// Policy is recorded in every migration started; default contract.DefaultPolicy().
	Policy contract.Policy
	// BulkConcurrency bounds the starts in flight during a bulk start; default 16.
	BulkConcurrency int
	// QueryTimeout bounds the progress query, which needs a worker to answer; default 5s.
	QueryTimeout time.Duration
	// UpdateTimeout bounds waiting for the workflow to answer a human input; default 1m.
	UpdateTimeout time.Duration
	// PreflightTimeout bounds waiting for a preflight's report; default 10m.
	PreflightTimeout time.Duration
	// ReportConcurrency bounds the migrations read at once to complete a campaign's
	// report past contract.MaxCampaignReportRows; default 16.
	ReportConcurrency int
	// ReportTimeout bounds completing such a report from visibility; default 5m.
	ReportTimeout time.Duration
	Logger        *zap.Logger
	// DataConverter reads what the client hands back undecoded (the conversion's
	// heartbeat in a describe); it must be the client's own (the payload codec's).
	// Nil is the SDK's default.
	DataConverter converter.DataConverter
}

// Starter runs the operations against one Temporal namespace.
type Starter struct {
	c    client.Client
	opts Options
	log  *zap.Logger
}

// New wraps a connected (or lazy) Temporal client.
func New(c client.Client, o Options) *Starter {
	if o.Policy == (contract.Policy{}) {
		o.Policy = contract.DefaultPolicy()
	}
	if o.BulkConcurrency <= 0 {
		o.BulkConcurrency = 16
	}
	if o.QueryTimeout <= 0 {
		o.QueryTimeout = 5 * time.Second
	}
	if o.UpdateTimeout <= 0 {
		o.UpdateTimeout = time.Minute
	}
	if o.PreflightTimeout <= 0 {
		o.PreflightTimeout = 10 * time.Minute
	}
	if o.ReportConcurrency <= 0 {
		o.ReportConcurrency = 16
	}
	if o.ReportTimeout <= 0 {
		o.ReportTimeout = 5 * time.Minute
	}
	if o.Logger == nil {
		o.Logger = zap.NewNop()
	}
	if o.DataConverter == nil {
		o.DataConverter = converter.GetDefaultDataConverter()
	}
	return &Starter{c: c, opts: o, log: o.Logger}
}
