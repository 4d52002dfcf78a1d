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
		return nil, fmt.Errorf("cannot reach Temporal at %s%s: %w — start it with \"sellmigrate dev\" or set temporal.address; for TLS give TEMPORAL_TLS_* (or a temporal.toml profile)", o.Address, transport(opts), err)
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
	if o.ConnectionOptions.TLS == nil {
		return " (plaintext)"
	}
	if len(o.ConnectionOptions.TLS.Certificates) > 0 {
		return " (mTLS)"
	}
	return " (TLS)"
}
