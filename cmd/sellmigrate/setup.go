package main

import (
	"context"
	"encoding/json"
	"fmt"
	"io"

	"github.com/spf13/cobra"
	"github.com/spf13/pflag"
	"go.temporal.io/sdk/client"
	"go.uber.org/zap"

	"github.com/sellmigrate/sellmigrate/codec"
	"github.com/sellmigrate/sellmigrate/config"
	"github.com/sellmigrate/sellmigrate/starter"
	"github.com/sellmigrate/sellmigrate/worker"
)

// flagKeys maps flags to the config keys they override. --data-dir means a different
// key per command, so commands pass it as an extra binding.
var flagKeys = map[string]string{
	"log-level":        "log.level",
	"log-format":       "log.format",
	"temporal-address": "temporal.address",
	"namespace":        "temporal.namespace",
	"temporal-port":    "dev.temporal_port",
	"ui-port":          "dev.ui_port",
	"sim-listen":       "sim.listen",
}

// loadConfig reads the settings for a role, with the command's flags bound over them,
// and builds the logger.
func (a *app) loadConfig(cmd *cobra.Command, role config.Role, extra map[string]string) (config.Config, *zap.Logger, error) {
	bind := map[string]*pflag.Flag{}
	add := func(flag, key string) {
		if f := cmd.Flags().Lookup(flag); f != nil {
			bind[key] = f
		}
	}
	for flag, key := range flagKeys {
		add(flag, key)
	}
	for flag, key := range extra {
		add(flag, key)
	}
	cfg, err := config.Load(config.Options{Role: role, File: a.configFile, Flags: bind})
	if err != nil {
		return config.Config{}, nil, err
	}
	logger, err := cfg.Log.NewLogger()
	if err != nil {
		return config.Config{}, nil, err
	}
	return cfg, logger, nil
}

// addTemporalFlags adds the flags that say where Temporal is.
func addTemporalFlags(cmd *cobra.Command) {
	cmd.Flags().String("temporal-address", "", "Temporal frontend host:port (config temporal.address; default TEMPORAL_ADDRESS, the temporal.toml profile, else 127.0.0.1:7233; TLS from TEMPORAL_TLS_* or the profile)")
	cmd.Flags().String("namespace", "", "Temporal namespace (config temporal.namespace; default TEMPORAL_NAMESPACE, the profile's, else \"default\")")
}

// session is a connected client-side command.
type session struct {
	cfg     config.Config
	logger  *zap.Logger
	client  client.Client
	starter *starter.Starter
}

func (s *session) close() {
	s.client.Close()
	_ = s.logger.Sync()
}

// connect loads the client settings and dials Temporal.
func (a *app) connect(ctx context.Context, cmd *cobra.Command) (*session, error) {
	cfg, logger, err := a.loadConfig(cmd, config.RoleClient, nil)
	if err != nil {
		return nil, err
	}
	pc, err := payloadCodec(cfg, logger, false)
	if err != nil {
		_ = logger.Sync()
		return nil, err
	}
	c, err := worker.Dial(ctx, dialOptions(cfg, cfg.Temporal.Address, pc, logger))
	if err != nil {
		_ = logger.Sync()
		return nil, err
	}
	return &session{
		cfg:     cfg,
		logger:  logger,
		client:  c,
		starter: newStarter(cfg, c, pc, logger),
	}, nil
}

// newStarter is the starter the CLI and the API use, with the settings from config.
func newStarter(cfg config.Config, c client.Client, pc *codec.Codec, logger *zap.Logger) *starter.Starter {
	return starter.New(c, starter.Options{Policy: cfg.Migration, Logger: logger, DataConverter: pc.DataConverter(),
		QueryTimeout: cfg.Temporal.QueryTimeout})
}

// withSession connects as connect does, runs fn with the session and closes it: the
// shape of every command that talks to Temporal once.
func (a *app) withSession(cmd *cobra.Command, fn func(ctx context.Context, s *session) error) error {
	ctx := cmd.Context()
	s, err := a.connect(ctx, cmd)
	if err != nil {
		return err
	}
	defer s.close()
	return fn(ctx, s)
}

// printJSON writes v to w as indented JSON, the form every --json output takes.
func printJSON(w io.Writer, v any) error {
	enc := json.NewEncoder(w)
	enc.SetIndent("", "  ")
	return enc.Encode(v)
}

// out writes command output; a failed write to stdout is not worth another error.
func (a *app) out(format string, args ...any) {
	_, _ = fmt.Fprintf(a.stdout, format, args...)
}
