// Package probe is `sellmigrate probe URL`, the container healthcheck: the image is
// distroless, with no shell, curl or wget, so the binary checks its own endpoints.
package probe

import (
	"context"
	"fmt"
	"net/http"
	"net/url"
	"time"
)

// Timeout bounds one probe; a healthcheck runs it every few seconds.
const Timeout = 3 * time.Second

// Check GETs raw, an http(s) URL, and fails unless it answers 2xx within Timeout.
func Check(ctx context.Context, raw string) error {
	u, err := url.Parse(raw)
	if err != nil || (u.Scheme != "http" && u.Scheme != "https") || u.Host == "" {
		return fmt.Errorf("probe: %q must be an http(s) URL such as http://127.0.0.1:8080/healthz", raw)
	}
	if ctx == nil {
		ctx = context.Background()
	}
	ctx, cancel := context.WithTimeout(ctx, Timeout)
	defer cancel()
	req, err := http.NewRequestWithContext(ctx, http.MethodGet, u.String(), nil)
	if err != nil {
		return fmt.Errorf("probe %s: %w", raw, err)
	}
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		return fmt.Errorf("probe %s: %w", raw, err)
	}
	_ = resp.Body.Close()
	if resp.StatusCode < 200 || resp.StatusCode > 299 {
		return fmt.Errorf("probe %s: answered %s, want 2xx", raw, resp.Status)
	}
	return nil
}
