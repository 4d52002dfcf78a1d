// Package serverconfig is what devstack's embedded Temporal server is built from: its
// configuration (one process, four services at known loopback addresses, SQLite, the
// frontend's TLS, the dynamic config) and its SQLite file (the schema, the namespace,
// the visibility indexes kept and the planner's statistics). It imports Temporal's
// configuration and persistence packages but not the server itself, so its tests link
// in seconds, not the half minute a test binary with the whole server takes.
package serverconfig

import (
	"fmt"
	"net"
	"strconv"
	"time"

	"go.temporal.io/server/common/cluster"
	"go.temporal.io/server/common/config"
	"go.temporal.io/server/common/dynamicconfig"
	"go.temporal.io/server/common/membership/static"
	sqliteplugin "go.temporal.io/server/common/persistence/sql/sqlplugin/sqlite"
	"go.temporal.io/server/common/primitives"

	"github.com/sellmigrate/sellmigrate/internal/devtls"
	"github.com/sellmigrate/sellmigrate/internal/loopport"
)

// visibilityRPS lifts the per-namespace visibility rate limit from the server default of
// 10/s: the Web UI, the dashboard and `list` all page through visibility.
const visibilityRPS = 100

// Loopback is where the internal services (history, matching, worker) listen: nothing
// outside this process needs them.
const Loopback = "127.0.0.1"

// Ports are the gRPC ports of the four services of one process.
type Ports struct {
	Frontend, History, Matching, Worker int
}

// PickPorts keeps the frontend's port and picks free loopback ports for the others.
func PickPorts(frontend int) (Ports, error) {
	free, err := loopport.PickOwn(3)
	if err != nil {
		return Ports{}, fmt.Errorf("devstack: pick loopback ports for the internal Temporal services: %w", err)
	}
	return Ports{Frontend: frontend, History: free[0], Matching: free[1], Worker: free[2]}, nil
}

// Frontend is where the frontend listens and how clients in this process reach it.
type Frontend struct {
	// Host is the address the frontend binds (possibly a wildcard).
	Host string
	// DialHost is the address clients in this process dial: Host, or loopback for a
	// wildcard.
	DialHost string
	// TLS, when set, serves the frontend over mTLS with these files.
	TLS *devtls.Files
}

// Server assembles a single-process cluster: one history shard, SQLite for
// persistence and visibility, archival off, no metrics or pprof listeners, and no
// frontend HTTP API (the Web UI talks gRPC).
func Server(f Frontend, ports Ports, sqlCfg *config.SQL) *config.Config {
	frontendAddr := net.JoinHostPort(f.DialHost, strconv.Itoa(ports.Frontend))
	var c config.Config
	c.Global.Membership.MaxJoinDuration = 30 * time.Second
	c.Global.Membership.BroadcastAddress = Loopback
	c.Persistence = config.Persistence{
		DefaultStore:     sqliteplugin.PluginName,
		VisibilityStore:  sqliteplugin.PluginName,
		NumHistoryShards: 1,
		DataStores:       map[string]config.DataStore{sqliteplugin.PluginName: {SQL: sqlCfg}},
	}
	c.ClusterMetadata = &cluster.Config{
		EnableGlobalNamespace:    false,
		FailoverVersionIncrement: 10,
		MasterClusterName:        clusterName,
		CurrentClusterName:       clusterName,
		ClusterInformation: map[string]cluster.ClusterInformation{
			clusterName: {Enabled: true, InitialFailoverVersion: 1, RPCAddress: frontendAddr},
		},
	}
	c.DCRedirectionPolicy.Policy = "noop"
	c.Services = map[string]config.Service{
		string(primitives.FrontendService): serviceConfig(f.Host, ports.Frontend),
		string(primitives.HistoryService):  serviceConfig(Loopback, ports.History),
		string(primitives.MatchingService): serviceConfig(Loopback, ports.Matching),
		string(primitives.WorkerService):   serviceConfig(Loopback, ports.Worker),
	}
	c.Archival.History.State = "disabled"
	c.Archival.Visibility.State = "disabled"
	c.NamespaceDefaults.Archival.History.State = "disabled"
	c.NamespaceDefaults.Archival.Visibility.State = "disabled"
	// The server's own worker service (system workflows) dials the frontend as a client.
	c.PublicClient.HostPort = frontendAddr
	if f.TLS != nil {
		c.Global.TLS = frontendTLS(*f.TLS)
	}
	return &c
}

// frontendTLS serves the frontend over mTLS and gives the server's own clients of it
// (the system worker) the client certificate. Internode traffic stays on loopback in
// this one process and is left plaintext.
func frontendTLS(f devtls.Files) config.RootTLS {
	trust := config.ClientTLS{RootCAFiles: []string{f.CACert}, ServerName: devtls.ServerName}
	return config.RootTLS{
		Frontend: config.GroupTLS{
			Server: config.ServerTLS{CertFile: f.ServerCert, KeyFile: f.ServerKey,
				ClientCAFiles: []string{f.CACert}, RequireClientAuth: true},
			Client: trust,
		},
		SystemWorker: config.WorkerTLS{CertFile: f.ClientCert, KeyFile: f.ClientKey, Client: trust},
	}
}

func serviceConfig(host string, port int) config.Service {
	return config.Service{RPC: config.RPC{GRPCPort: port, BindOnIP: host}}
}

// StaticHosts replaces ringpop membership: every service is in this process at a known
// address, so no membership ports are opened and no gossip runs.
func StaticHosts(f Frontend, ports Ports) map[primitives.ServiceName]static.Hosts {
	at := func(host string, port int) static.Hosts {
		return static.SingleLocalHost(net.JoinHostPort(host, strconv.Itoa(port)))
	}
	return map[primitives.ServiceName]static.Hosts{
		primitives.FrontendService: at(f.DialHost, ports.Frontend),
		primitives.HistoryService:  at(Loopback, ports.History),
		primitives.MatchingService: at(Loopback, ports.Matching),
		primitives.WorkerService:   at(Loopback, ports.Worker),
	}
}

// DynamicConfig holds the few server knobs that differ from the defaults, then the
// caller's overrides.
func DynamicConfig(overrides map[string]any) dynamicconfig.StaticClient {
	c := dynamicconfig.StaticClient{
		dynamicconfig.FrontendMaxNamespaceVisibilityRPSPerInstance.Key(): visibilityRPS,
	}
	for k, v := range overrides {
		c[dynamicconfig.MakeKey(k)] = v
	}
	return c
}

func (p Ports) String() string {
	return fmt.Sprintf("frontend %d, history %d, matching %d, worker %d", p.Frontend, p.History, p.Matching, p.Worker)
}
