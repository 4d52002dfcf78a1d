//go:build !lean

package main

import (
	"fmt"
	"path/filepath"
	"strings"

	"github.com/spf13/cobra"

	"github.com/sellmigrate/sellmigrate/config"
	"github.com/sellmigrate/sellmigrate/internal/devtls"
	"github.com/sellmigrate/sellmigrate/worker"
)

// devTLSFlag serves dev's Temporal frontend over mTLS.
const devTLSFlag = "tls"

func addDevTLSFlag(cmd *cobra.Command) {
	cmd.Flags().Bool(devTLSFlag, false, "serve the embedded Temporal frontend over mTLS with a CA and certificates made on first start under <data-dir>/tls (prints the client environment)")
}

// devCertificates makes or reuses dev's certificates under the data dir when --tls is
// given; nil without it. Paths are absolute, so the printed environment works from any
// directory.
func devCertificates(cmd *cobra.Command, cfg config.Config) (*devtls.Files, error) {
	if on, _ := cmd.Flags().GetBool(devTLSFlag); !on {
		return nil, nil
	}
	dir, err := filepath.Abs(filepath.Join(cfg.Dev.DataDir, "tls"))
	if err != nil {
		return nil, fmt.Errorf("--tls: cannot resolve the data dir %s (--data-dir, config dev.data_dir): %w", cfg.Dev.DataDir, err)
	}
	f, err := devtls.Ensure(dir)
	if err != nil {
		return nil, fmt.Errorf("--tls: %w", err)
	}
	return &f, nil
}

// useDevCertificates makes dev's own client present the client certificate.
func useDevCertificates(dial *worker.DialOptions, certs *devtls.Files) error {
	if certs == nil {
		return nil
	}
	conn, err := certs.ClientOptions()
	if err != nil {
		return err
	}
	dial.Connection = conn
	return nil
}

// devTLSEnv is what a client in another shell needs: Temporal's client settings as
// envconfig reads them, and the data dir, where the payload key is.
func devTLSEnv(cfg config.Config, frontend string, certs devtls.Files) []string {
	env := certs.ClientEnv(frontend, cfg.Temporal.Namespace)
	if abs, err := filepath.Abs(cfg.Dev.DataDir); err == nil {
		env = append(env, config.EnvVar("dev.data_dir")+"="+abs)
	}
	return env
}

// devTLSBanner prints the client environment after dev's banner.
func (a *app) devTLSBanner(cfg config.Config, frontend string, certs *devtls.Files) {
	if certs == nil {
		return
	}
	made := "reused"
	if certs.Created() {
		made = "made"
	}
	var b strings.Builder
	for _, kv := range devTLSEnv(cfg, frontend, *certs) {
		b.WriteString("  export " + kv + "\n")
	}
	a.out(`
The Temporal frontend requires mTLS (certificates %s in %s). In another shell,
for sellmigrate, the temporal CLI or any SDK client:
%s`, made, certs.Dir, b.String())
}
