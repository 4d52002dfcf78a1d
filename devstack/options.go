package devstack

import (
	"errors"
	"fmt"
	"net"
	"strings"

	"go.uber.org/zap"
	"google.golang.org/grpc"

	"github.com/sellmigrate/sellmigrate/devstack/serverconfig"
	"github.com/sellmigrate/sellmigrate/internal/devtls"
)

// Defaults applied by Start to zero-valued Options fields.
const (
	DefaultHost         = "127.0.0.1"
	DefaultFrontendPort = 7233
	DefaultUIPort       = 8233
	DefaultNamespace    = "default"
	// DefaultSQLiteSynchronous survives any process crash; see Options.SQLiteSynchronous
	// for the power-loss trade-off.
	DefaultSQLiteSynchronous = "normal"
)

// Options configures the embedded stack. Zero values take the defaults above.
type Options struct {
	// DataDir holds temporal.db (and its -wal/-shm companions); created if absent.
	DataDir string
	// Host is the address the frontend and UI listen on; internal services always use
	// loopback.
	Host string
	// FrontendPort is the Temporal gRPC frontend port.
	FrontendPort int
	// UIPort is the Temporal Web UI port; negative disables the UI.
	UIPort int
	// Namespace is created (7-day retention) with the migration search attributes if absent.
	Namespace string
	// SQLiteSynchronous is "normal" or "full". Both run SQLite in WAL mode, which loses
	// nothing when the process crashes. They differ on power loss or an OS crash:
	// "normal" fsyncs the WAL only at checkpoints, so the last transactions before the
	// cut may roll back (the database stays consistent); "full" fsyncs the WAL on every
	// commit, losing nothing, at roughly a quarter less throughput.
	SQLiteSynchronous string
	// SQLiteMaxConns is the SQL connections to the file; 0 means 1, which measured
	// fastest (SQLite serialises writers; more connections add lock contention). More
	// than one is only valid because the file is in WAL mode.
	SQLiteMaxConns int
	// DynamicConfig overrides server dynamic-config keys (e.g.
	// "matching.numTaskqueueReadPartitions": 1) on top of devstack's own, for tuning
	// and benchmarks.
	DynamicConfig map[string]any
	// CodecEndpoint is the remote payload codec the Web UI decodes payloads with (the
	// API's /codec); the browser calls it with its cookies, so a signed-in dashboard
	// session authorizes it. Empty leaves payloads shown as stored.
	CodecEndpoint string
	// TLS, when set, serves the frontend over mTLS with these certificates: clients
	// must present a certificate signed by its CA. The server's own system worker,
	// Start's readiness client and the Web UI use its client certificate. Nil serves
	// plaintext.
	TLS *devtls.Files
	// FrontendInterceptors run, after the server's own, on every call the frontend
	// serves (the benchmark times visibility reads with one).
	FrontendInterceptors []grpc.UnaryServerInterceptor
	// Logger receives the server's warnings and errors; nil discards them.
	Logger *zap.Logger
}

// withDefaults returns a copy of o with defaults filled in, or an error naming the
// first invalid field.
func (o Options) withDefaults() (Options, error) {
	if strings.TrimSpace(o.DataDir) == "" {
		return o, errors.New("devstack: DataDir is required (set --data-dir)")
	}
	if o.Host == "" {
		o.Host = DefaultHost
	}
	if net.ParseIP(o.Host) == nil {
		return o, fmt.Errorf("devstack: host %q is not an IP address; use e.g. 127.0.0.1", o.Host)
	}
	if o.FrontendPort == 0 {
		o.FrontendPort = DefaultFrontendPort
	}
	if o.FrontendPort < 0 || o.FrontendPort > 65535 {
		return o, fmt.Errorf("devstack: Temporal frontend port %d is out of range 1-65535; change --temporal-port (config dev.temporal_port)", o.FrontendPort)
	}
	if o.UIPort == 0 {
		o.UIPort = DefaultUIPort
	}
	if o.UIPort > 65535 {
		return o, fmt.Errorf("devstack: Temporal UI port %d is out of range 1-65535; change --ui-port (config dev.ui_port), or make it negative to disable the UI", o.UIPort)
	}
	if o.UIPort == o.FrontendPort {
		return o, fmt.Errorf("devstack: Temporal frontend and UI both want port %d; change --temporal-port (dev.temporal_port) or --ui-port (dev.ui_port)", o.UIPort)
	}
	if o.Namespace == "" {
		o.Namespace = DefaultNamespace
	}
	switch strings.ToLower(o.SQLiteSynchronous) {
	case "":
		o.SQLiteSynchronous = DefaultSQLiteSynchronous
	case "normal", "full":
		o.SQLiteSynchronous = strings.ToLower(o.SQLiteSynchronous)
	default:
		return o, fmt.Errorf("devstack: SQLite synchronous mode %q is not supported; use \"normal\" or \"full\"", o.SQLiteSynchronous)
	}
	if o.SQLiteMaxConns == 0 {
		o.SQLiteMaxConns = serverconfig.DefaultMaxConns
	}
	if o.SQLiteMaxConns < 1 || o.SQLiteMaxConns > 64 {
		return o, fmt.Errorf("devstack: SQLite connections %d must be 1 to 64", o.SQLiteMaxConns)
	}
	if o.Logger == nil {
		o.Logger = zap.NewNop()
	}
	return o, nil
}

// dialHost is the address clients in this process use to reach a listener on o.Host: a
// wildcard bind is reachable on loopback.
func (o Options) dialHost() string {
	if ip := net.ParseIP(o.Host); ip != nil && ip.IsUnspecified() {
		return DefaultHost
	}
	return o.Host
}

func (o Options) uiEnabled() bool { return o.UIPort > 0 }
