// Package devstack runs a Temporal server inside this process on a durable SQLite file
// (WAL mode), with the Temporal Web UI beside it, for `sellmigrate dev`. It is one of
// the two packages allowed to link go.temporal.io/server; production roles dial a
// cluster instead.
package devstack

import (
	"context"
	"errors"
	"fmt"
	"net"
	"strconv"
	"sync"
	"time"

	sdkworker "go.temporal.io/sdk/worker"
	"go.temporal.io/server/common/authorization"
	"go.temporal.io/server/common/config"
	"go.temporal.io/server/temporal"
	"go.uber.org/zap"

	"github.com/sellmigrate/sellmigrate/devstack/serverconfig"
	"github.com/sellmigrate/sellmigrate/internal/binaryid"
)

// Stack is a running embedded Temporal server and, unless disabled, its Web UI.
type Stack struct {
	server       temporal.Server
	ui           *webUI
	frontendAddr string
	logger       *zap.Logger
	logGate      *logGate

	stopOnce sync.Once
	stopErr  error
}

// Start brings up the server on o.DataDir/temporal.db, creating the schema on first use
// and reusing the database (and every workflow in it) afterwards. It returns once the
// namespace exists with contract.SearchAttributes visible and the UI answers.
func Start(ctx context.Context, o Options) (*Stack, error) {
	o, err := o.withDefaults()
	if err != nil {
		return nil, err
	}
	if _, ok := ctx.Deadline(); !ok {
		var cancel context.CancelFunc
		ctx, cancel = context.WithTimeout(ctx, startupTimeout)
		defer cancel()
	}
	// Fail fast, before the slow server start, on ports that are taken.
	if err := checkPortFree(o.Host, o.FrontendPort, "Temporal frontend", "--temporal-port", "dev.temporal_port"); err != nil {
		return nil, err
	}
	if o.uiEnabled() {
		if err := checkPortFree(o.Host, o.UIPort, "Temporal Web UI", "--ui-port", "dev.ui_port"); err != nil {
			return nil, err
		}
	}
	// Before the server, whose system workers would otherwise hash the executable.
	binaryid.UseGoBuildID(sdkworker.SetBinaryChecksum, o.Logger)
	begin := time.Now()
	gate := &logGate{}
	srv, ports, err := newServer(o, gate)
	if err != nil {
		return nil, err
	}
	s := &Stack{
		server:       srv,
		frontendAddr: net.JoinHostPort(o.dialHost(), strconv.Itoa(o.FrontendPort)),
		logger:       o.Logger,
		logGate:      gate,
	}
	if err := srv.Start(); err != nil {
		return nil, errors.Join(fmt.Errorf("devstack: start Temporal server (%s): %w", ports, err), s.Stop())
	}
	if err := s.finishStart(ctx, o); err != nil {
		return nil, errors.Join(err, s.Stop())
	}
	o.Logger.Info("embedded Temporal started",
		zap.String("frontend", s.frontendAddr), zap.String("ui", s.UIURL()),
		zap.String("namespace", o.Namespace), zap.String("dataDir", o.DataDir),
		zap.String("sqliteSynchronous", o.SQLiteSynchronous), zap.Duration("took", time.Since(begin)))
	return s, nil
}

// finishStart waits for the namespace and then serves the UI.
func (s *Stack) finishStart(ctx context.Context, o Options) error {
	if err := prepareNamespace(ctx, s.frontendAddr, o, o.Logger); err != nil {
		return err
	}
	if !o.uiEnabled() {
		return nil
	}
	ui, err := startUI(ctx, o, s.frontendAddr, o.Logger)
	if err != nil {
		return err
	}
	s.ui = ui
	return nil
}

// newServer prepares the database and assembles, without starting, the server.
func newServer(o Options, gate *logGate) (temporal.Server, serverconfig.Ports, error) {
	dbPath, err := prepareDataDir(o.DataDir)
	if err != nil {
		return nil, serverconfig.Ports{}, err
	}
	sqlCfg, err := serverconfig.SQL(dbPath, o.SQLiteSynchronous, o.SQLiteMaxConns)
	if err != nil {
		return nil, serverconfig.Ports{}, err
	}
	logger := serverLogger(o.Logger, gate)
	created, err := serverconfig.EnsureSchema(sqlCfg, logger)
	if err != nil {
		return nil, serverconfig.Ports{}, err
	}
	if created {
		o.Logger.Info("created Temporal schema", zap.String("db", dbPath))
	}
	// The namespace first: which search-attribute slots it maps decides which
	// visibility indexes are kept.
	if err := serverconfig.EnsureNamespace(sqlCfg, o.Namespace); err != nil {
		return nil, serverconfig.Ports{}, err
	}
	if ch, err := serverconfig.PrepareVisibilityTable(context.Background(), sqlCfg); err != nil {
		return nil, serverconfig.Ports{}, err
	} else if ch.Dropped > 0 || ch.Created > 0 {
		o.Logger.Info("fitted the visibility indexes to the lists here", zap.Int("dropped", ch.Dropped),
			zap.Int("created", ch.Created), zap.String("db", dbPath))
	}
	ports, err := serverconfig.PickPorts(o.FrontendPort)
	if err != nil {
		return nil, serverconfig.Ports{}, err
	}
	frontend := serverconfig.Frontend{Host: o.Host, DialHost: o.dialHost(), TLS: o.TLS}
	cfg := serverconfig.Server(frontend, ports, sqlCfg)
	authorizer, err := authorization.GetAuthorizerFromConfig(&cfg.Global.Authorization)
	if err != nil {
		return nil, serverconfig.Ports{}, fmt.Errorf("devstack: build authorizer: %w", err)
	}
	claimMapper, err := authorization.GetClaimMapperFromConfig(&cfg.Global.Authorization, logger)
	if err != nil {
		return nil, serverconfig.Ports{}, fmt.Errorf("devstack: build claim mapper: %w", err)
	}
	srv, err := temporal.NewServer(
		temporal.WithConfig(cfg),
		temporal.ForServices(temporal.DefaultServices),
		temporal.WithStaticHosts(serverconfig.StaticHosts(frontend, ports)),
		temporal.WithLogger(logger),
		temporal.WithAuthorizer(authorizer),
		temporal.WithClaimMapper(func(*config.Config) authorization.ClaimMapper { return claimMapper }),
		temporal.WithDynamicConfigClient(serverconfig.DynamicConfig(o.DynamicConfig)),
		temporal.WithChainedFrontendGrpcInterceptors(o.FrontendInterceptors...),
	)
	if err != nil {
		return nil, serverconfig.Ports{}, fmt.Errorf("devstack: assemble Temporal server (%s): %w", ports, err)
	}
	return srv, ports, nil
}

// FrontendAddress is the host:port clients dial.
func (s *Stack) FrontendAddress() string { return s.frontendAddr }

// UIURL is the Web UI's base URL, or "" when the UI is disabled.
func (s *Stack) UIURL() string {
	if s.ui == nil {
		return ""
	}
	return s.ui.url
}

// Stop shuts down the UI, then the server. Later calls return the first call's result.
func (s *Stack) Stop() error {
	s.stopOnce.Do(func() {
		if s.ui != nil {
			s.ui.stop()
		}
		begin := time.Now()
		s.logGate.set(phaseStopping)
		if err := s.server.Stop(); err != nil {
			s.stopErr = fmt.Errorf("devstack: stop Temporal server: %w", err)
		}
		s.logGate.set(phaseStopped)
		s.logger.Info("embedded Temporal stopped", zap.Duration("took", time.Since(begin)))
	})
	return s.stopErr
}
