package config

import (
	"crypto/tls"
	"fmt"
	"net"
	"os"
	"strconv"
)

// DefaultAPIAdminListen is where the API serves /metrics and /readyz: loopback, one
// port above the worker's metrics (127.0.0.1:9090), so dev can serve both.
const DefaultAPIAdminListen = "127.0.0.1:9091"

// TLSEnabled reports whether the API serves HTTPS: both api.tls_cert_file and
// api.tls_key_file are set (validation refuses one without the other).
func (a API) TLSEnabled() bool { return a.TLSCertFile != "" && a.TLSKeyFile != "" }

// scheme is the API's URL scheme on api.listen.
func (a API) scheme() string {
	if a.TLSEnabled() {
		return "https"
	}
	return "http"
}

// validateTransport checks the TLS pair and the admin address. The files are read
// only by the roles that serve the API (api, dev), so a client sharing the file on
// another machine is not refused for paths that exist only on the server; it still
// gets the https:// default public URL.
func (a API) validateTransport(r Role) error {
	if err := a.validateAdminListen(); err != nil {
		return err
	}
	switch {
	case a.TLSCertFile == "" && a.TLSKeyFile == "":
		return nil
	case a.TLSCertFile == "":
		return fmt.Errorf("config: api.tls_key_file is set but api.tls_cert_file is empty; set both (the PEM certificate chain and its private key) to serve HTTPS, or neither (env %s)", EnvVar("api.tls_cert_file"))
	case a.TLSKeyFile == "":
		return fmt.Errorf("config: api.tls_cert_file is set but api.tls_key_file is empty; set both (the PEM certificate chain and its private key) to serve HTTPS, or neither (env %s)", EnvVar("api.tls_key_file"))
	}
	if r != RoleAPI && r != RoleDev {
		return nil
	}
	_, err := loadAPIKeyPair(a.TLSCertFile, a.TLSKeyFile)
	return err
}

// loadAPIKeyPair reads the API's certificate and key once at load, so a missing file
// or a mismatched pair stops the start with the key to fix named (the API re-reads
// them itself when they change on disk).
func loadAPIKeyPair(certFile, keyFile string) (tls.Certificate, error) {
	certPEM, err := os.ReadFile(certFile)
	if err != nil {
		return tls.Certificate{}, fmt.Errorf("config: api.tls_cert_file %s cannot be read (%w); give a PEM certificate file this process may read", certFile, err)
	}
	keyPEM, err := os.ReadFile(keyFile)
	if err != nil {
		return tls.Certificate{}, fmt.Errorf("config: api.tls_key_file %s cannot be read (%w); give a PEM private key file this process may read", keyFile, err)
	}
	cert, err := tls.X509KeyPair(certPEM, keyPEM)
	if err != nil {
		return tls.Certificate{}, fmt.Errorf("config: api.tls_cert_file %s and api.tls_key_file %s are not a matching PEM certificate and unencrypted private key (%w)", certFile, keyFile, err)
	}
	return cert, nil
}

// validateAdminListen accepts empty (off) or host:port, port 0 meaning any free port.
func (a API) validateAdminListen() error {
	if a.AdminListen == "" {
		return nil
	}
	host, p, err := net.SplitHostPort(a.AdminListen)
	n, perr := strconv.Atoi(p)
	if err != nil || host == "" || perr != nil || n < 0 || n > 65535 {
		return fmt.Errorf("config: api.admin_listen %q must be host:port (port 0 for any free port), or empty to serve no /metrics or /readyz, e.g. %s", a.AdminListen, DefaultAPIAdminListen)
	}
	if a.AdminListen == a.Listen {
		return fmt.Errorf("config: api.admin_listen %q must differ from api.listen: /metrics and /readyz stay off the public port", a.AdminListen)
	}
	return nil
}
