//go:build !lean

package main

import (
	"context"
	"fmt"
	"net"
	"strings"

	"github.com/spf13/cobra"
	"go.uber.org/zap"
	"golang.org/x/sync/errgroup"

	"github.com/sellmigrate/sellmigrate/api"
	"github.com/sellmigrate/sellmigrate/config"
	"github.com/sellmigrate/sellmigrate/devstack"
	"github.com/sellmigrate/sellmigrate/internal/devtls"
	"github.com/sellmigrate/sellmigrate/platform/sim"
	"github.com/sellmigrate/sellmigrate/worker"
)

func (a *app) devCmd() *cobra.Command {
	cmd := &cobra.Command{
		Use:   "dev",
		Short: "Run everything on this machine: embedded Temporal + Web UI, simulator, worker, API + dashboard",
		Long: `dev runs an embedded Temporal server (state in a SQLite file under --data-dir),
the Temporal Web UI, the Zendesk/Sell simulator seeded with the demo data, a worker, and
the HTTP API with the dashboard on --api-listen (demo tokens demo-viewer, demo-ops and
demo-admin unless api.*_tokens say otherwise).
With --tls the Temporal frontend requires mTLS (certificates made once under
<data-dir>/tls) and dev prints the TEMPORAL_* environment other clients need.
Ctrl-C stops it cleanly; running it again resumes every migration.`,
		Args: exactArgs(0, "", "sellmigrate dev --data-dir ./.sellmigrate"),
		RunE: func(cmd *cobra.Command, _ []string) error {
			cfg, logger, err := a.loadConfig(cmd, config.RoleDev, map[string]string{"data-dir": "dev.data_dir", "api-listen": "api.listen",
				"sim-smtp-listen": "sim.smtp_listen"})
			if err != nil {
				return err
			}
			defer func() { _ = logger.Sync() }()
			noWorker, _ := cmd.Flags().GetBool("no-worker")
			certs, err := devCertificates(cmd, cfg)
			if err != nil {
				return err
			}
			return a.runDev(cmd.Context(), cfg, logger, !noWorker, certs)
		},
	}
	f := cmd.Flags()
	f.String("data-dir", "", "where Temporal's and the simulator's SQLite files live (config dev.data_dir, default ./.sellmigrate)")
	f.String("namespace", "", "Temporal namespace (config temporal.namespace, default \"default\")")
	f.Int("temporal-port", 0, "embedded Temporal frontend port on 127.0.0.1 (config dev.temporal_port, default 7233)")
	f.Int("ui-port", 0, "Temporal Web UI port on 127.0.0.1, -1 disables (config dev.ui_port, default 8233)")
	f.String("sim-listen", "", "simulator host:port (config sim.listen, default 127.0.0.1:8081)")
	f.String("sim-smtp-listen", "", "simulator's SMTP sink host:port (config sim.smtp_listen, default 127.0.0.1:2525)")
	f.String("api-listen", "", "API and dashboard host:port (config api.listen, default 127.0.0.1:8080)")
	addDevTLSFlag(cmd)
	f.Bool("no-worker", false, "run no worker in this process (run \"sellmigrate worker\" processes instead, e.g. to kill and restart them)")
	return cmd
}

// runDev starts the stack, the simulator and a worker, and stops them in reverse order:
// the worker first (so no activity is cut off mid-call), then the simulator, then Temporal.
func (a *app) runDev(ctx context.Context, cfg config.Config, logger *zap.Logger, runWorker bool, certs *devtls.Files) error {
	// The simulator's ports are checked before the slow Temporal start.
	if err := portFree(cfg.Sim.Listen, "simulator", "--sim-listen (config sim.listen)"); err != nil {
		return err
	}
	if err := portFree(cfg.Sim.SMTPListen, "simulator SMTP sink", "--sim-smtp-listen (config sim.smtp_listen)"); err != nil {
		return err
	}
	apiListener, err := listenAPI(cfg)
	if err != nil {
		return err
	}
	defer apiListener.Close()
	adminListener, err := listenAdmin(cfg)
	if err != nil {
		return err
	}
	if adminListener != nil {
		defer adminListener.Close()
	}
	stack, err := devstack.Start(ctx, devstack.Options{
		DataDir:           cfg.Dev.DataDir,
		Host:              devstack.DefaultHost,
		FrontendPort:      cfg.Dev.TemporalPort,
		UIPort:            cfg.Dev.UIPort,
		Namespace:         cfg.Temporal.Namespace,
		SQLiteSynchronous: cfg.Dev.SQLiteSynchronous,
		// The Web UI decodes payloads through the API's codec endpoint, sending the
		// dashboard's session cookie (sign in on the dashboard first).
		CodecEndpoint: strings.TrimRight(cfg.APIPublicURL(), "/") + api.CodecPath,
		TLS:           certs,
		Logger:        logger.Named("temporal"),
	})
	if err != nil {
		return err
	}
	defer func() {
		if err := stack.Stop(); err != nil {
			logger.Warn("embedded Temporal did not stop cleanly", zap.Error(err))
		}
	}()

	// dev always encrypts: its key is made in the data dir (which the stack has just
	// checked and prepared) on first use.
	pc, err := payloadCodec(cfg, logger, true)
	if err != nil {
		return err
	}
	simulator, err := openSimulator(cfg, cfg.Dev.DataDir, "--data-dir, config dev.data_dir", logger)
	if err != nil {
		return err
	}
	defer func() { _ = simulator.Close() }()

	metrics := worker.NewMetrics(logger)
	defer func() { _ = metrics.Close() }()
	dial := dialOptions(cfg, stack.FrontendAddress(), pc, logger)
	dial.MetricsHandler = metrics.Handler
	if err := useDevCertificates(&dial, certs); err != nil {
		return err
	}
	c, err := worker.Dial(ctx, dial)
	if err != nil {
		return err
	}
	defer c.Close()
	creds, err := openCredentials(ctx, cfg)
	if err != nil {
		return err
	}
	defer func() { _ = creds.Close() }()
	w, err := newWorker(cfg, c, pc, creds, logger)
	if err != nil {
		return err
	}
	apiServer, err := newAPIServer(cfg, c, creds, pc, stack.UIURL(), logger)
	if err != nil {
		return err
	}

	g, gctx := errgroup.WithContext(ctx)
	// The simulator outlives the worker: it stops only once the worker has.
	simCtx, stopSim := context.WithCancel(context.WithoutCancel(ctx))
	defer stopSim()
	simHandler, err := withStaffIdP(cfg, simulator.Handler(), logger)
	if err != nil {
		return err
	}
	g.Go(func() error { return sim.Serve(simCtx, cfg.Sim.Listen, simHandler, logger) })
	g.Go(func() error { return simulator.ServeSMTP(simCtx, cfg.Sim.SMTPListen) })
	ready := temporalReady(c)
	if runWorker {
		ready = w.Ready(c)
	}
	g.Go(func() error { return serveWorkerTelemetry(gctx, cfg, c, metrics, ready, logger) })
	// The API stops before the worker, so no request is left waiting on a workflow
	// whose worker has gone.
	apiCtx, stopAPI := context.WithCancel(gctx)
	apiDone := make(chan struct{})
	g.Go(func() error {
		defer close(apiDone)
		return serveAPI(apiCtx, apiServer, apiListener, adminListener)
	})
	stopAPIFirst := func() {
		stopAPI()
		<-apiDone
	}
	g.Go(func() error {
		defer stopSim()
		if !runWorker {
			// Workers run elsewhere; the stack and the simulator serve until stopped.
			a.devBanner(cfg, stack, adminListener)
			a.devTLSBanner(cfg, stack.FrontendAddress(), certs)
			<-gctx.Done()
			stopAPIFirst()
			return nil
		}
		if err := w.Start(); err != nil {
			stopAPIFirst()
			return err
		}
		defer w.Stop()
		defer stopAPIFirst()
		a.devBanner(cfg, stack, adminListener)
		a.devTLSBanner(cfg, stack.FrontendAddress(), certs)
		return w.Wait(gctx)
	})
	err = g.Wait()
	if ctx.Err() != nil {
		logger.Info("stopped; run \"sellmigrate dev\" again to resume every migration")
	}
	return err
}

func (a *app) devBanner(cfg config.Config, stack *devstack.Stack, admin net.Listener) {
	ui := stack.UIURL()
	if ui == "" {
		ui = "disabled"
	}
	a.out(`
sellmigrate dev is running (state in %s)
  Temporal frontend   %s  (namespace %s)
  Temporal Web UI     %s
  Zendesk simulator   %s  (ledger: %s/_sim/ledger)
  Reminder sinks      SMTP %s (received: %s/_sim/mail), webhooks %s/_sim/webhooks
%s  Payloads            encrypted (%s); the Web UI decodes them through %s once you sign in on the dashboard
Try:
  sellmigrate start --account 1001 --mode new --subdomain acme --requested-by admin@acme.test --wait

Ctrl-C stops everything; running "sellmigrate dev" again resumes every migration.
`, cfg.Dev.DataDir, stack.FrontendAddress(), cfg.Temporal.Namespace, ui, cfg.SimBaseURL(), cfg.SimBaseURL(),
		cfg.Sim.SMTPListen, cfg.SimBaseURL(), cfg.SimBaseURL(), apiBanner(cfg, admin), codecKeySource(cfg),
		strings.TrimRight(cfg.APIPublicURL(), "/")+api.CodecPath)
}

// portFree fails early, naming the setting, when a listen address is taken.
func portFree(addr, what, setting string) error {
	ln, err := net.Listen("tcp", addr)
	if err != nil {
		return fmt.Errorf("%s address %s is not available (%v); stop what uses it or change %s", what, addr, err, setting)
	}
	return ln.Close()
}
