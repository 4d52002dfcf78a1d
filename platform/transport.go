package platform

import (
	"net/http"
	"time"
)

// Connection pool sizes. Go's default keeps only 2 idle connections per host, so a
// worker running dozens of activities against one host (api.getbase.com serves every
// Sell account) closes most connections after each call and opens new ones: a TCP (and
// in production a TLS) handshake per request and thousands of sockets in TIME_WAIT.
// Measured in docs/PERFORMANCE.md.
const (
	maxIdleConnsPerHost = 64
	maxIdleConns        = 256
)

// newTransport is http.DefaultTransport's settings with a pool sized for a worker.
func newTransport() *http.Transport {
	t := http.DefaultTransport.(*http.Transport).Clone()
	t.MaxIdleConns = maxIdleConns
	t.MaxIdleConnsPerHost = maxIdleConnsPerHost
	t.IdleConnTimeout = 90 * time.Second
	return t
}
