package devstack

import (
	"testing"

	"github.com/sellmigrate/sellmigrate/internal/devtls"
)

// TestServerConfigTLS: with certificates the frontend requires client certificates
// from the dev CA and the server's own system worker presents the client one; without
// them the server config has no TLS at all.
func TestServerConfigTLS(t *testing.T) {
	ports := serverPorts{frontend: 7233, history: 1, matching: 2, worker: 3}
	plain := serverConfig(Options{Host: DefaultHost}, ports, nil)
	if plain.Global.TLS.Frontend.Server.CertFile != "" || plain.Global.TLS.SystemWorker.CertFile != "" {
		t.Fatalf("plaintext stack has TLS settings: %+v", plain.Global.TLS)
	}

	f := devtls.At(t.TempDir())
	c := serverConfig(Options{Host: DefaultHost, TLS: &f}, ports, nil).Global.TLS
	s := c.Frontend.Server
	if !s.RequireClientAuth || s.CertFile != f.ServerCert || s.KeyFile != f.ServerKey || len(s.ClientCAFiles) != 1 || s.ClientCAFiles[0] != f.CACert {
		t.Errorf("frontend server TLS = %+v", s)
	}
	w := c.SystemWorker
	if w.CertFile != f.ClientCert || w.KeyFile != f.ClientKey || len(w.Client.RootCAFiles) != 1 || w.Client.ServerName != devtls.ServerName {
		t.Errorf("system worker TLS = %+v", w)
	}
	if c.Internode.Server.CertFile != "" {
		t.Errorf("internode TLS set: %+v", c.Internode)
	}
}
