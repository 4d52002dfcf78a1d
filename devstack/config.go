package devstack

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

// serverPorts are the gRPC ports of the four services of one process.
type serverPorts struct {
	frontend, history, matching, worker int
}

func pickServerPorts(frontend int) (serverPorts, error) {
	free, err := loopport.PickOwn(3)
	if err != nil {
		return serverPorts{}, fmt.Errorf("devstack: pick loopback ports for the internal Temporal services: %w", err)
	}
	return serverPorts{frontend: frontend, history: free[0], matching: free[1], worker: free[2]}, nil
}

// serverConfig assembles a single-process cluster: one history shard, SQLite for
// persistence and visibility, archival off, no metrics or pprof listeners, and no
// frontend HTTP API (the Web UI talks gRPC).
func serverConfig(o Options, ports serverPorts, sqlCfg *config.SQL) *config.Config {
	frontendAddr := net.JoinHostPort(o.dialHost(), strconv.Itoa(ports.frontend))
	var c config.Config
	c.Global.Membership.MaxJoinDuration = 30 * time.Second
	c.Global.Membership.BroadcastAddress = loopback
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
		string(primitives.FrontendService): serviceConfig(o.Host, ports.frontend),
		string(primitives.HistoryService):  serviceConfig(loopback, ports.history),
		string(primitives.MatchingService): serviceConfig(loopback, ports.matching),
		string(primitives.WorkerService):   serviceConfig(loopback, ports.worker),
	}
	c.Archival.History.State = "disabled"
	c.Archival.Visibility.State = "disabled"
	c.NamespaceDefaults.Archival.History.State = "disabled"
	c.NamespaceDefaults.Archival.Visibility.State = "disabled"
	// The server's own worker service (system workflows) dials the frontend as a client.
	c.PublicClient.HostPort = frontendAddr
	if o.TLS != nil {
		c.Global.TLS = frontendTLS(*o.TLS)
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

// staticHosts replaces ringpop membership: every service is in this process at a known
// address, so no membership ports are opened and no gossip runs.
func staticHosts(o Options, ports serverPorts) map[primitives.ServiceName]static.Hosts {
	at := func(host string, port int) static.Hosts {
		return static.SingleLocalHost(net.JoinHostPort(host, strconv.Itoa(port)))
	}
	return map[primitives.ServiceName]static.Hosts{
		primitives.FrontendService: at(o.dialHost(), ports.frontend),
		primitives.HistoryService:  at(loopback, ports.history),
		primitives.MatchingService: at(loopback, ports.matching),
		primitives.WorkerService:   at(loopback, ports.worker),
	}
}

// dynamicConfig holds the few server knobs that differ from the defaults, then the
// caller's overrides.
func dynamicConfig(overrides map[string]any) dynamicconfig.StaticClient {
	c := dynamicconfig.StaticClient{
		dynamicconfig.FrontendMaxNamespaceVisibilityRPSPerInstance.Key(): visibilityRPS,
	}
	for k, v := range overrides {
		c[dynamicconfig.MakeKey(k)] = v
	}
	return c
}

func (p serverPorts) String() string {
	return fmt.Sprintf("frontend %d, history %d, matching %d, worker %d", p.frontend, p.history, p.matching, p.worker)
}
