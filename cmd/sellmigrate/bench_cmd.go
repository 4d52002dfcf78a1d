//go:build !lean

package main

import (
	"context"
	"encoding/json"
	"fmt"
	"os"
	"path/filepath"
	"strconv"
	"strings"

	"github.com/spf13/cobra"
	"go.temporal.io/sdk/client"

	"github.com/sellmigrate/sellmigrate/bench"
	"github.com/sellmigrate/sellmigrate/config"
	"github.com/sellmigrate/sellmigrate/devstack"
)

func (a *app) benchCmd() *cobra.Command {
	cmd := &cobra.Command{
		Use:   "bench",
		Short: "Measure migrations end to end on this machine against Temporal's own floor",
		Long: `bench starts a fresh embedded Temporal server (SQLite file), the simulator with
synthetic accounts and --workers worker processes, then runs N floor workflows (the migration's
shape with no-op activities) and N existing-mode migrations, a responder answering
each human input as soon as it is awaited (each owner signs in through the API's OAuth
owner login on the simulator, served in this process). It prints and writes (--out) migrations/s,
floor/s, their ratio, p50/p95/p99 start-to-done latency, bulk starts/s and peak RSS.
With --parked N it instead starts N migrations, leaves them waiting for the owner
login, and reports the worker's memory and the list API's latency.
With --campaign it instead runs the N migrations as one campaign (at most --max-active
in active steps, --rate starts a minute; no floor run) and reports the total time,
the achieved start rate against --rate, the peak active migrations against
--max-active, CPU per migration and when the campaign itself closed.

Worker knobs pass through the environment (SELLMIGRATE_WORKER_STICKY_CACHE_SIZE,
SELLMIGRATE_WORKER_WORKFLOW_TASK_POLLERS, GOMEMLIMIT, ...). See docs/PERFORMANCE.md.`,
		Example: `  sellmigrate bench --n 1000 --out bench-1000.json
  sellmigrate bench --campaign --n 10000 --max-active 500 --rate 1200/m --out campaign-10000.json`,
		Args: exactArgs(0, "", "sellmigrate bench --n 1000 --out bench-1000.json"),
		RunE: func(cmd *cobra.Command, _ []string) error {
			cfg, logger, err := a.loadConfig(cmd, config.RoleClient, nil)
			if err != nil {
				return err
			}
			defer func() { _ = logger.Sync() }()
			f := cmd.Flags()
			n, _ := f.GetInt("n")
			parked, _ := f.GetInt("parked")
			out, _ := f.GetString("out")
			users, _ := f.GetInt("users-per-account")
			dataDir, _ := f.GetString("data-dir")
			sync, _ := f.GetString("sqlite-synchronous")
			conc, _ := f.GetInt("bulk-concurrency")
			rounds, _ := f.GetInt("rounds")
			conns, _ := f.GetInt("sqlite-max-conns")
			simLimit, _ := f.GetInt("sim-support-limit")
			serverKV, _ := f.GetStringArray("server-config")
			serverCfg, err := parseServerConfig(serverKV)
			if err != nil {
				return err
			}
			workers, _ := f.GetInt("workers")
			campaign, _ := f.GetBool("campaign")
			maxActive, _ := f.GetInt("max-active")
			rateFlag, _ := f.GetString("rate")
			rate := 0
			if rateFlag != "" {
				if rate, err = parseRate(rateFlag); err != nil {
					return err
				}
			}
			startServer := startBenchServer
			var conn client.Options
			addr, _ := f.GetString("temporal-address")
			if addr != "" {
				if len(serverKV) > 0 || sync != "normal" || conns != 0 {
					return fmt.Errorf("--server-config, --sqlite-synchronous and --sqlite-max-conns set the embedded server; with --temporal-address set them on that cluster")
				}
				startServer = existingServer(addr)
				// An existing cluster is reached as every client is (TEMPORAL_* or a
				// temporal.toml profile); the embedded one in plaintext on loopback.
				conn = cfg.Temporal.Connection.Options
			}
			exe, err := os.Executable()
			if err != nil {
				return fmt.Errorf("find this program to run its worker: %w", err)
			}
			if prof, _ := f.GetString("cpu-profile"); prof != "" {
				stop, err := startCPUProfile(prof)
				if err != nil {
					return err
				}
				defer stop()
			}
			res, err := bench.Run(cmd.Context(), bench.Options{
				N: n, Parked: parked, UsersPerAccount: users, DataDir: dataDir, SQLiteSynchronous: sync,
				WorkerCommand: []string{exe, "worker", "--" + benchFloorFlag}, BulkConcurrency: conc,
				Rounds: rounds, SQLiteMaxConns: conns, ServerConfig: serverCfg, SimSupportLimitPerMinute: simLimit,
				StartServer: startServer, TemporalAddress: addr, Connection: conn, Workers: workers,
				Campaign: campaign, MaxActive: maxActive, RatePerMinute: rate,
				Progress: func(format string, args ...any) { _, _ = fmt.Fprintf(a.stderr, format+"\n", args...) },
				Logger:   logger,
			})
			if err != nil {
				return err
			}
			body, err := json.MarshalIndent(res, "", "  ")
			if err != nil {
				return fmt.Errorf("encode the results: %w", err)
			}
			a.out("%s\n", body)
			if out == "" {
				return nil
			}
			if dir := filepath.Dir(out); dir != "" {
				if err := os.MkdirAll(dir, 0o755); err != nil {
					return fmt.Errorf("create %s: %w", dir, err)
				}
			}
			if err := os.WriteFile(out, append(body, '\n'), 0o644); err != nil {
				return fmt.Errorf("write the results to %s: %w", out, err)
			}
			return nil
		},
	}
	cmd.AddCommand(a.benchChartCmd())
	f := cmd.Flags()
	f.Int("n", 0, "migrations to run end to end (and as many floor workflows)")
	f.Int("parked", 0, "instead, start this many migrations and leave them waiting for the owner login")
	f.String("cpu-profile", "", "write a CPU profile of this process (the embedded Temporal server, the simulator, the API and the responder; not the workers) to this file, for go tool pprof")
	f.Bool("campaign", false, "instead, run the n migrations as one campaign (no floor run)")
	f.Int("max-active", 0, fmt.Sprintf("with --campaign: at most this many migrations in active steps at once (default %d)", bench.DefaultCampaignMaxActive))
	f.String("rate", "", fmt.Sprintf("with --campaign: at most this many starts a minute, R/m (default %d/m)", bench.DefaultCampaignRate))
	f.String("out", "", "also write the JSON results to this file")
	f.Int("users-per-account", 4, "Sell users per synthetic account (admin and owner included)")
	f.String("data-dir", "", "fresh directory for the server's and simulator's SQLite files (default: a temporary one, removed after)")
	f.String("sqlite-synchronous", "normal", "SQLite synchronous mode of the embedded server: normal or full")
	f.Int("workers", 1, "worker processes side by side, each with its own pollers (1 to 16)")
	f.Int("bulk-concurrency", 0, "starts in flight during the bulk start (default the starter's 16)")
	f.Int("rounds", 0, "alternate floor and migration batches this many times (default 1 below n=400, else 4)")
	f.Int("sqlite-max-conns", 0, "connections to the server's SQLite file (default 1)")
	f.Int("sim-support-limit", 0, "the simulator's Support requests per minute per account, the partner pseudo-account www included (default Zendesk's 700)")
	f.String("temporal-address", "", "run against this existing Temporal cluster (host:port, namespace default; a fresh one: the benchmark's account ids start at 100000) instead of an embedded server")
	f.StringArray("server-config", nil, "server dynamic-config override key=value (repeatable), e.g. matching.numTaskqueueReadPartitions=1")
	return cmd
}

// parseServerConfig reads key=value dynamic-config overrides; values that parse as
// integers, floats or booleans are passed as such.
func parseServerConfig(kvs []string) (map[string]any, error) {
	out := map[string]any{}
	for _, kv := range kvs {
		k, v, ok := strings.Cut(kv, "=")
		if !ok || strings.TrimSpace(k) == "" {
			return nil, fmt.Errorf("--server-config %q must be key=value, e.g. matching.numTaskqueueReadPartitions=1", kv)
		}
		if n, err := strconv.Atoi(v); err == nil {
			out[k] = n
		} else if f, err := strconv.ParseFloat(v, 64); err == nil {
			out[k] = f
		} else if b, err := strconv.ParseBool(v); err == nil {
			out[k] = b
		} else {
			out[k] = v
		}
	}
	return out, nil
}

// startBenchServer gives the benchmark devstack's embedded Temporal server (no Web UI):
// the bench package itself links no server, so the worker that registers its floor
// workflow builds lean.
func startBenchServer(ctx context.Context, o bench.ServerOptions) (bench.Server, error) {
	s, err := devstack.Start(ctx, devstack.Options{
		DataDir: o.DataDir, FrontendPort: o.FrontendPort, UIPort: -1, Namespace: o.Namespace,
		SQLiteSynchronous: o.SQLiteSynchronous, SQLiteMaxConns: o.SQLiteMaxConns, DynamicConfig: o.DynamicConfig,
		Logger: o.Logger, FrontendInterceptors: o.FrontendInterceptors,
	})
	if err != nil {
		return nil, err // not a typed nil in the interface
	}
	return s, nil
}

// existingServer gives the benchmark a cluster that runs already, such as
// deploy/local/cluster's: the benchmark neither starts nor stops it. Its worker
// registers the search attributes, as on any cluster.
func existingServer(addr string) bench.StartServerFunc {
	return func(context.Context, bench.ServerOptions) (bench.Server, error) { return clusterServer(addr), nil }
}

type clusterServer string

func (c clusterServer) FrontendAddress() string { return string(c) }
func (clusterServer) Stop() error               { return nil }
