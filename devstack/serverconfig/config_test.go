package serverconfig

import (
	"testing"

	"github.com/sellmigrate/sellmigrate/internal/devtls"
)

// TestServerTLS: with certificates the frontend requires client certificates
// from the dev CA and the server's own system worker presents the client one; without
// them the server config has no TLS at all.
func TestServerTLS(t *testing.T) {
	ports := Ports{Frontend: 7233, History: 1, Matching: 2, Worker: 3}
	plain := Server(Frontend{Host: Loopback, DialHost: Loopback}, ports, nil)
	if plain.Global.TLS.Frontend.Server.CertFile != "" || plain.Global.TLS.SystemWorker.CertFile != "" {
		t.Fatalf("plaintext stack has TLS settings: %+v", plain.Global.TLS)
	}

	f := devtls.At(t.TempDir())
	c := Server(Frontend{Host: Loopback, DialHost: Loopback, TLS: &f}, ports, nil).Global.TLS
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
