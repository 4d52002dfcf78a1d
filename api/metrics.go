package api

import (
	"context"
	"encoding/json"
	"net/http"
	"strconv"
	"time"

	prom "github.com/prometheus/client_golang/prometheus"
	"github.com/prometheus/client_golang/prometheus/collectors"
	"github.com/prometheus/client_golang/prometheus/promhttp"
)

// Metrics is the API role's Prometheus registry: request latency by route, plus the
// Go runtime and process collectors.
type Metrics struct {
	reg     *prom.Registry
	latency *prom.HistogramVec
}

// NewMetrics builds the registry.
func NewMetrics() *Metrics {
	reg := prom.NewRegistry()
	reg.MustRegister(collectors.NewGoCollector(), collectors.NewProcessCollector(collectors.ProcessCollectorOpts{}))
	latency := prom.NewHistogramVec(prom.HistogramOpts{
		Name: "sellmigrate_api_request_duration_seconds",
		Help: "HTTP API latency by method, route pattern and status class. Live streams (SSE) are left out: they last as long as the client stays.",
		// From a cached list page (milliseconds) to a bulk start of thousands of rows.
		Buckets: []float64{0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30, 60},
	}, []string{"method", "route", "code"})
	reg.MustRegister(latency)
	return &Metrics{reg: reg, latency: latency}
}

// ReadyFunc says why the API cannot serve yet, or nil (for the API: Temporal answers).
type ReadyFunc func(ctx context.Context) error

// Handler serves the registry in the Prometheus text format (AdminHandler's /metrics).
func (m *Metrics) Handler() http.Handler { return promhttp.HandlerFor(m.reg, promhttp.HandlerOpts{}) }

// Instrument wraps the API's handler: each request's latency is recorded under its
// route pattern (not the raw path, so IDs do not explode the label set). The registry
// itself is served on the admin listener only (AdminHandler).
func Instrument(next http.Handler, m *Metrics) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		start := time.Now()
		rec := &codeRecorder{ResponseWriter: w, code: http.StatusOK}
		next.ServeHTTP(rec, r)
		if rec.Header().Get("Content-Type") == "text/event-stream" {
			return
		}
		route := r.Pattern // set by the ServeMux that routed this request
		if route == "" {
			route = "unmatched"
		}
		m.latency.WithLabelValues(r.Method, route, strconv.Itoa(rec.code/100)+"xx").Observe(time.Since(start).Seconds())
	})
}

func serveReadyz(w http.ResponseWriter, r *http.Request, ready ReadyFunc) {
	w.Header().Set("Content-Type", "application/json")
	w.Header().Set("Cache-Control", "no-store")
	if ready != nil {
		ctx, cancel := context.WithTimeout(r.Context(), 3*time.Second)
		defer cancel()
		if err := ready(ctx); err != nil {
			w.WriteHeader(http.StatusServiceUnavailable)
			_ = json.NewEncoder(w).Encode(map[string]any{"ok": false, "reason": err.Error()})
			return
		}
	}
	_ = json.NewEncoder(w).Encode(map[string]any{"ok": true})
}

// codeRecorder remembers the status code written.
type codeRecorder struct {
	http.ResponseWriter
	code        int
	wroteHeader bool
}

func (c *codeRecorder) WriteHeader(code int) {
	if !c.wroteHeader {
		c.code, c.wroteHeader = code, true
	}
	c.ResponseWriter.WriteHeader(code)
}

// Unwrap lets http.ResponseController reach the writer (flushing for live streams).
func (c *codeRecorder) Unwrap() http.ResponseWriter { return c.ResponseWriter }

// Flush keeps live streams working through the wrapper.
func (c *codeRecorder) Flush() {
	if f, ok := c.ResponseWriter.(http.Flusher); ok {
		f.Flush()
	}
}
