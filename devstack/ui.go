package devstack

import (
	"context"
	"fmt"
	"net"
	"net/http"
	"strconv"
	"strings"
	"time"

	uiserver "github.com/temporalio/ui-server/v2/server"
	uiconfig "github.com/temporalio/ui-server/v2/server/config"
	uiserveroptions "github.com/temporalio/ui-server/v2/server/server_options"
	"go.uber.org/zap"

	"github.com/sellmigrate/sellmigrate/internal/devtls"
)

// webUI is the Temporal Web UI, its assets served from the ui-server module's embedded
// build, so it works offline.
type webUI struct {
	srv  *uiserver.Server
	url  string
	done chan struct{} // closed when the serving goroutine returns
}

// startUI serves the Web UI on o.Host:o.UIPort against the frontend and returns once it
// answers its health check.
func startUI(ctx context.Context, o Options, frontendAddr string, logger *zap.Logger) (*webUI, error) {
	if err := checkPortFree(o.Host, o.UIPort, "Temporal Web UI", "--ui-port", "dev.ui_port"); err != nil {
		return nil, err
	}
	srv := uiserver.NewServer(uiserveroptions.WithConfigProvider(&uiconfig.Config{
		Host:                bracketIPv6(o.Host),
		Port:                o.UIPort,
		TemporalGRPCAddress: frontendAddr,
		EnableUI:            true,
		DefaultNamespace:    o.Namespace,
		// Plain HTTP on loopback: a Secure CSRF cookie would never come back.
		CORS:     uiconfig.CORS{CookieInsecure: true},
		HideLogs: true,
		// The news feed is fetched from temporal.io; dev must work offline.
		DisableNewsFetch: true,
		// IncludeCredentials: the API authenticates a browser by its session cookie.
		Codec: uiconfig.Codec{Endpoint: o.CodecEndpoint, IncludeCredentials: o.CodecEndpoint != ""},
		TLS:   uiTLS(o),
	}))
	ui := &webUI{
		srv:  srv,
		url:  "http://" + net.JoinHostPort(o.dialHost(), strconv.Itoa(o.UIPort)),
		done: make(chan struct{}),
	}
	// Start blocks while serving and returns nil once Stop closes it.
	go func() {
		defer close(ui.done)
		if err := srv.Start(); err != nil {
			logger.Error("Temporal Web UI stopped", zap.Error(err))
		}
	}()
	if err := ui.waitHealthy(ctx); err != nil {
		ui.stop()
		return nil, err
	}
	return ui, nil
}

// uiTLS gives the UI server the client certificate for an mTLS frontend.
func uiTLS(o Options) uiconfig.TLS {
	if o.TLS == nil {
		return uiconfig.TLS{}
	}
	return uiconfig.TLS{CaFile: o.TLS.CACert, CertFile: o.TLS.ClientCert, KeyFile: o.TLS.ClientKey,
		EnableHostVerification: true, ServerName: devtls.ServerName}
}

// waitHealthy polls the UI's /healthz until it answers 200.
func (ui *webUI) waitHealthy(ctx context.Context) error {
	client := &http.Client{Timeout: time.Second}
	var last error
	for {
		last = ui.healthOnce(ctx, client)
		if last == nil {
			return nil
		}
		select {
		case <-ctx.Done():
			return fmt.Errorf("devstack: Temporal Web UI at %s did not become healthy: %w (last: %v)", ui.url, ctx.Err(), last)
		case <-ui.done:
			return fmt.Errorf("devstack: Temporal Web UI at %s stopped while starting (last: %v)", ui.url, last)
		case <-time.After(50 * time.Millisecond):
		}
	}
}

func (ui *webUI) healthOnce(ctx context.Context, client *http.Client) error {
	req, err := http.NewRequestWithContext(ctx, http.MethodGet, ui.url+"/healthz", nil)
	if err != nil {
		return err
	}
	resp, err := client.Do(req)
	if err != nil {
		return err
	}
	_ = resp.Body.Close()
	if resp.StatusCode != http.StatusOK {
		return fmt.Errorf("GET /healthz: %s", resp.Status)
	}
	return nil
}

// stop closes the UI's listener and waits for its serving goroutine.
func (ui *webUI) stop() {
	ui.srv.Stop()
	select {
	case <-ui.done:
	case <-time.After(5 * time.Second):
	}
}

// bracketIPv6 formats host for the UI library, which joins host and port with a colon.
func bracketIPv6(host string) string {
	if strings.Contains(host, ":") {
		return "[" + host + "]"
	}
	return host
}
