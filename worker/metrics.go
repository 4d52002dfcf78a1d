package worker

import (
	"fmt"
	"io"
	"net/http"
	"time"

	prom "github.com/prometheus/client_golang/prometheus"
	"github.com/prometheus/client_golang/prometheus/collectors"
	"github.com/uber-go/tally/v4"
	tallyprom "github.com/uber-go/tally/v4/prometheus"
	"go.temporal.io/sdk/client"
	sdktally "go.temporal.io/sdk/contrib/tally"
	"go.uber.org/zap"
)

// histogramBuckets (seconds) span both a Zendesk call (milliseconds) and a wait for a
// person (up to the 14-day default deadline), so one set serves the SDK's latencies,
// step durations and human wait times.
var histogramBuckets = []float64{
	0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30, 60, 300, 900,
	3600, 4 * 3600, 24 * 3600, 4 * 24 * 3600, 14 * 24 * 3600,
}

// Metrics is a Prometheus registry fed by the Temporal SDK (through tally) and by
// sellmigrate's own metrics, which go through the same handler so that metrics
// recorded from workflow code are suppressed during replay.
type Metrics struct {
	// Handler goes into client.Options.MetricsHandler.
	Handler client.MetricsHandler
	// HTTP serves the Prometheus text format.
	HTTP   http.Handler
	closer io.Closer
}

// NewMetrics builds the registry; Close flushes and stops the tally reporter loop.
func NewMetrics(logger *zap.Logger) *Metrics {
	if logger == nil {
		logger = zap.NewNop()
	}
	reg := prom.NewRegistry()
	reg.MustRegister(collectors.NewGoCollector(), collectors.NewProcessCollector(collectors.ProcessCollectorOpts{}))
	reporter := tallyprom.NewReporter(tallyprom.Options{
		Registerer:              reg,
		Gatherer:                reg,
		DefaultTimerType:        tallyprom.HistogramTimerType,
		DefaultHistogramBuckets: histogramBuckets,
		OnRegisterError: func(err error) {
			logger.Warn("metric not registered", zap.Error(err))
		},
	})
	scope, closer := tally.NewRootScope(tally.ScopeOptions{
		CachedReporter:  reporter,
		Separator:       tallyprom.DefaultSeparator,
		SanitizeOptions: &sdktally.PrometheusSanitizeOptions,
	}, time.Second)
	return &Metrics{
		Handler: sdktally.NewMetricsHandler(sdktally.NewPrometheusNamingScope(scope)),
		HTTP:    reporter.HTTPHandler(),
		closer:  closer,
	}
}

// Close stops the reporter.
func (m *Metrics) Close() error {
	if m == nil || m.closer == nil {
		return nil
	}
	if err := m.closer.Close(); err != nil {
		return fmt.Errorf("close metrics reporter: %w", err)
	}
	return nil
}
