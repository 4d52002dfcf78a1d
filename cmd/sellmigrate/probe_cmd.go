package main

import (
	"context"
	"fmt"
	"net/http"
	"net/url"
	"time"

	"github.com/spf13/cobra"
)

// probeTimeout bounds one probe; a healthcheck runs it every few seconds.
const probeTimeout = 3 * time.Second

// probeCmd is `sellmigrate probe URL`: the container healthcheck. The image is
// distroless, with no shell, curl or wget, so the binary checks its own endpoints. It
// reads no config: only the URL matters, and a healthcheck must not fail on settings.
func (a *app) probeCmd() *cobra.Command {
	return &cobra.Command{
		Use:   "probe URL",
		Short: "Exit 0 if an http:// URL on this machine answers 2xx (a container healthcheck)",
		Example: `  sellmigrate probe http://127.0.0.1:8080/healthz
  sellmigrate probe http://127.0.0.1:9090/readyz`,
		Args: exactArgs(1, "the URL to check", "sellmigrate probe http://127.0.0.1:8080/healthz"),
		RunE: func(cmd *cobra.Command, args []string) error {
			return probe(cmd.Context(), args[0])
		},
	}
}

func probe(ctx context.Context, raw string) error {
	u, err := url.Parse(raw)
	if err != nil || (u.Scheme != "http" && u.Scheme != "https") || u.Host == "" {
		return fmt.Errorf("probe: %q must be an http(s) URL such as http://127.0.0.1:8080/healthz", raw)
	}
	if ctx == nil {
		ctx = context.Background()
	}
	ctx, cancel := context.WithTimeout(ctx, probeTimeout)
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
