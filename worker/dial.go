package worker

import (
	"context"
	"errors"
	"fmt"
	"time"

	"go.temporal.io/api/serviceerror"
	"go.temporal.io/api/workflowservice/v1"
	"go.temporal.io/sdk/client"
	"go.temporal.io/sdk/converter"
	"go.uber.org/zap"
)

// DialOptions says which Temporal to reach.
type DialOptions struct {
	Address   string // host:port (temporal.address)
	Namespace string // temporal.namespace
	// Connection carries TLS, mTLS, an API key, gRPC metadata and authority, as
	// config.Temporal.Connection resolved them (envconfig); Dial sets the address,
	// namespace, logger, metrics and converters over it. Zero is plaintext.
	Connection client.Options
	Logger     *zap.Logger
	// Timeout bounds connecting and checking the namespace; default 10s.
	Timeout time.Duration
	// MetricsHandler receives the SDK's metrics (see NewMetrics); nil drops them.
	MetricsHandler client.MetricsHandler
	// DataConverter encodes and decodes every payload; every client of one deployment
	// needs the same (the payload codec: config.PayloadCodec). Nil is the SDK's default.
	DataConverter converter.DataConverter
	// FailureConverter goes with it, so error messages are encrypted too; nil is the
	// SDK's default.
	FailureConverter converter.FailureConverter
}

// Dial connects to Temporal and checks that the namespace exists, so a wrong address
// or namespace fails here with what to do, not later in an obscure RPC.
func Dial(ctx context.Context, o DialOptions) (client.Client, error) {
	if o.Timeout <= 0 {
		o.Timeout = 10 * time.Second
	}
	ctx, cancel := context.WithTimeout(ctx, o.Timeout)
	defer cancel()
	opts := o.Connection
	opts.HostPort = o.Address
	opts.Namespace = o.Namespace
	opts.Logger = SDKLogger(o.Logger)
	opts.MetricsHandler = o.MetricsHandler
	opts.DataConverter = o.DataConverter
	opts.FailureConverter = o.FailureConverter
	c, err := client.DialContext(ctx, opts)
	if err != nil {
		return nil, fmt.Errorf("cannot reach Temporal at %s (%s): %w — %s", o.Address, transport(opts), err, dialHint(opts))
	}
	_, err = c.WorkflowService().DescribeNamespace(ctx, &workflowservice.DescribeNamespaceRequest{Namespace: o.Namespace})
	if err != nil {
		c.Close()
		var nf *serviceerror.NamespaceNotFound
		if errors.As(err, &nf) {
			return nil, fmt.Errorf("namespace %q does not exist on Temporal at %s: create it (temporal operator namespace create --namespace %s) or set temporal.namespace", o.Namespace, o.Address, o.Namespace)
		}
		return nil, fmt.Errorf("cannot check namespace %q on Temporal at %s: %w", o.Namespace, o.Address, err)
	}
	return c, nil
}

// transport says how the client talks to Temporal, for errors.
func transport(o client.Options) string {
	switch {
	case o.ConnectionOptions.TLS == nil:
		return "plaintext"
	case len(o.ConnectionOptions.TLS.Certificates) > 0 || o.ConnectionOptions.TLS.GetClientCertificate != nil:
		return "mTLS"
	default:
		return "TLS"
	}
}

// dialHint says what to check for each transport. A server that wants another one
// often fails the connection with only a transport error (a reset, a broken pipe), so
// the hint names the settings that change it.
func dialHint(o client.Options) string {
	switch transport(o) {
	case "plaintext":
		return `start it with "sellmigrate dev" or set temporal.address; if it serves TLS, set TEMPORAL_TLS=true or the TEMPORAL_TLS_* paths (or a temporal.toml profile, temporal.profile)`
	case "TLS":
		return "check temporal.address; if it requires client certificates (mTLS), set TEMPORAL_TLS_CLIENT_CERT_PATH and TEMPORAL_TLS_CLIENT_KEY_PATH (or the temporal.toml profile's tls.client_cert_path and tls.client_key_path)"
	default:
		return "check temporal.address, and that the server trusts your client certificate and TEMPORAL_TLS_SERVER_CA_CERT_PATH holds its CA"
	}
}
