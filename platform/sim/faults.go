package sim

import (
	"encoding/json"
	"fmt"
	"math"
	"math/rand/v2"
	"net/http"
	"strconv"
	"strings"
	"sync"
	"time"

	"go.uber.org/zap"
)

// Faults makes the simulated APIs misbehave the way real ones do, so retries, backoff
// and idempotency are exercised. It never applies to /_sim/* endpoints.
type Faults struct {
	// ErrorRate is the share of requests (0..1) answered 500, 502 or 503.
	ErrorRate float64
	// RateLimitRate is the share of requests (0..1) answered 429 with Retry-After.
	RateLimitRate float64
	// RetryAfter is what a 429 asks the client to wait (sent in whole seconds, at least 1).
	RetryAfter time.Duration
	// Latency is added to every request before it is answered.
	Latency time.Duration
}

// validate rejects rates a coin cannot produce.
func (f Faults) validate() error {
	switch {
	case f.ErrorRate < 0 || f.ErrorRate > 1 || math.IsNaN(f.ErrorRate):
		return fmt.Errorf("error_rate %v must be between 0 and 1", f.ErrorRate)
	case f.RateLimitRate < 0 || f.RateLimitRate > 1 || math.IsNaN(f.RateLimitRate):
		return fmt.Errorf("rate_limit_rate %v must be between 0 and 1", f.RateLimitRate)
	case f.ErrorRate+f.RateLimitRate > 1:
		return fmt.Errorf("error_rate + rate_limit_rate is %v; together they must be at most 1", f.ErrorRate+f.RateLimitRate)
	case f.RetryAfter < 0:
		return fmt.Errorf("retry_after %v must not be negative", f.RetryAfter)
	case f.Latency < 0:
		return fmt.Errorf("latency %v must not be negative", f.Latency)
	}
	return nil
}

// retryAfterSeconds is the Retry-After header value: whole seconds, rounded up, at least 1.
func retryAfterSeconds(d time.Duration) int {
	s := int(math.Ceil(d.Seconds()))
	if s < 1 {
		return 1
	}
	return s
}

// faultInjector holds the current faults and the seeded RNG. The mutex makes the draw
// sequence deterministic for a given seed and request order.
type faultInjector struct {
	mu       sync.Mutex
	faults   Faults
	rng      *rand.Rand
	injected FaultCounts
}

// FaultCounts counts the failures injected since the simulator started (in memory: a
// restarted simulator counts from zero), so a chaos run can report what it survived.
// GET /_sim/faults carries them as flat numbers beside the settings.
type FaultCounts struct {
	ServerErrors int64 `json:"injected_server_errors"`
	RateLimited  int64 `json:"injected_rate_limited"`
}

// Injected returns the failures injected so far.
func (s *Sim) Injected() FaultCounts {
	s.faults.mu.Lock()
	defer s.faults.mu.Unlock()
	return s.faults.injected
}

func newFaultInjector(f Faults, seed int64) *faultInjector {
	return &faultInjector{faults: f, rng: rand.New(rand.NewPCG(uint64(seed), 0x5e11))}
}

func (fi *faultInjector) get() Faults {
	fi.mu.Lock()
	defer fi.mu.Unlock()
	return fi.faults
}

func (fi *faultInjector) set(f Faults) {
	fi.mu.Lock()
	defer fi.mu.Unlock()
	fi.faults = f
}

// verdict is what the injector decided for one request.
type verdict struct {
	status     int // 0: serve normally
	retryAfter int
	latency    time.Duration
}

// decide draws once per request, before the handler runs, so a faulted request never
// touches state.
func (fi *faultInjector) decide() verdict {
	fi.mu.Lock()
	defer fi.mu.Unlock()
	f := fi.faults
	v := verdict{latency: f.Latency}
	if f.ErrorRate == 0 && f.RateLimitRate == 0 {
		return v
	}
	u := fi.rng.Float64()
	switch {
	case u < f.ErrorRate:
		v.status = []int{http.StatusInternalServerError, http.StatusBadGateway, http.StatusServiceUnavailable}[fi.rng.IntN(3)]
		fi.injected.ServerErrors++
	case u < f.ErrorRate+f.RateLimitRate:
		v.status = http.StatusTooManyRequests
		v.retryAfter = retryAfterSeconds(f.RetryAfter)
		fi.injected.RateLimited++
	}
	return v
}

// withFaults wraps the Zendesk APIs: latency first, then the injected failure if any.
func (s *Sim) withFaults(next http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		v := s.faults.decide()
		if v.latency > 0 {
			t := time.NewTimer(v.latency)
			select {
			case <-t.C:
			case <-r.Context().Done():
				t.Stop()
				return
			}
		}
		if v.status == 0 {
			next.ServeHTTP(w, r)
			return
		}
		writeFault(w, r, v)
	})
}

// writeFault answers an injected failure in the called API's own error shape.
func writeFault(w http.ResponseWriter, r *http.Request, v verdict) {
	sell := strings.HasPrefix(r.URL.Path, sellPrefix)
	if v.status == http.StatusTooManyRequests {
		w.Header().Set("Retry-After", strconv.Itoa(v.retryAfter))
		if sell {
			sellError(w, v.status, "rate_limited", "Rate limit exceeded (simulated); retry after "+strconv.Itoa(v.retryAfter)+"s", "")
			return
		}
		supportError(w, v.status, "TooManyRequests", "Rate limit exceeded (simulated); retry after "+strconv.Itoa(v.retryAfter)+"s")
		return
	}
	if sell {
		code := map[int]string{500: "internal_server_error", 502: "bad_gateway", 503: "service_unavailable"}[v.status]
		sellError(w, v.status, code, "Simulated "+http.StatusText(v.status), "")
		return
	}
	code := map[int]string{500: "InternalError", 502: "BadGateway", 503: "ServiceUnavailable"}[v.status]
	supportError(w, v.status, code, "Simulated "+http.StatusText(v.status)+"; nothing was changed, retry the request")
}

// faultsJSON is the wire form of Faults on /_sim/faults.
type faultsJSON struct {
	ErrorRate         float64 `json:"error_rate"`
	RateLimitRate     float64 `json:"rate_limit_rate"`
	RetryAfterSeconds float64 `json:"retry_after_seconds"`
	LatencyMS         float64 `json:"latency_ms"`
}

func toFaultsJSON(f Faults) faultsJSON {
	return faultsJSON{
		ErrorRate: f.ErrorRate, RateLimitRate: f.RateLimitRate,
		RetryAfterSeconds: f.RetryAfter.Seconds(),
		LatencyMS:         float64(f.Latency) / float64(time.Millisecond),
	}
}

func (j faultsJSON) faults() Faults {
	return Faults{
		ErrorRate: j.ErrorRate, RateLimitRate: j.RateLimitRate,
		RetryAfter: time.Duration(j.RetryAfterSeconds * float64(time.Second)),
		Latency:    time.Duration(j.LatencyMS * float64(time.Millisecond)),
	}
}

// SetFaults replaces the injected faults; invalid values are clamped into range so a
// programmatic caller cannot wedge the simulator (the HTTP endpoint rejects them instead).
func (s *Sim) SetFaults(f Faults) { s.faults.set(clampFaults(f)) }

// Faults returns the faults currently injected.
func (s *Sim) Faults() Faults { return s.faults.get() }

func clampFaults(f Faults) Faults {
	clamp := func(x float64) float64 {
		if math.IsNaN(x) || x < 0 {
			return 0
		}
		return math.Min(x, 1)
	}
	f.ErrorRate = clamp(f.ErrorRate)
	f.RateLimitRate = math.Min(clamp(f.RateLimitRate), 1-f.ErrorRate)
	f.RetryAfter = max(f.RetryAfter, 0)
	f.Latency = max(f.Latency, 0)
	return f
}

// faultsReport is GET /_sim/faults: the settings plus the read-only counts of failures
// injected so far (every field a number, so a reader may decode it as a map of numbers).
type faultsReport struct {
	faultsJSON
	FaultCounts
}

// handleGetFaults serves GET /_sim/faults.
func (s *Sim) handleGetFaults(w http.ResponseWriter, _ *http.Request) {
	writeJSON(w, http.StatusOK, faultsReport{faultsJSON: toFaultsJSON(s.Faults()), FaultCounts: s.Injected()})
}

// handlePutFaults serves PUT /_sim/faults. The body replaces the faults as a whole
// (absent fields are zero), so `{}` turns every fault off.
func (s *Sim) handlePutFaults(w http.ResponseWriter, r *http.Request) {
	// The injected_* counts are read-only: accepted (so a GET body can be edited and PUT
	// back) and ignored.
	var body struct {
		faultsJSON
		FaultCounts
	}
	dec := json.NewDecoder(http.MaxBytesReader(w, r.Body, 1<<16))
	dec.DisallowUnknownFields()
	if err := dec.Decode(&body); err != nil {
		writeJSON(w, http.StatusBadRequest, map[string]string{"error": "faults body is not valid JSON of " +
			`{"error_rate","rate_limit_rate","retry_after_seconds","latency_ms"}: ` + err.Error()})
		return
	}
	f := body.faults()
	if err := f.validate(); err != nil {
		writeJSON(w, http.StatusUnprocessableEntity, map[string]string{"error": err.Error()})
		return
	}
	s.faults.set(f)
	s.log.Info("simulator faults changed", zap.Float64("errorRate", f.ErrorRate),
		zap.Float64("rateLimitRate", f.RateLimitRate), zap.Duration("retryAfter", f.RetryAfter),
		zap.Duration("latency", f.Latency))
	writeJSON(w, http.StatusOK, toFaultsJSON(f))
}
