package api

import (
	"crypto/tls"
	"errors"
	"fmt"
	"net/http"
	"os"
	"sync"
	"time"

	"go.uber.org/zap"
)

// hstsValue asks browsers to use HTTPS only for this host for a year (RFC 6797). It
// leaves out includeSubDomains and preload: other services under the same domain are
// not ours to commit to HTTPS.
const hstsValue = "max-age=31536000"

// withHSTS sends Strict-Transport-Security on every response served over TLS, and
// never over plain HTTP, where a browser must ignore it anyway (RFC 6797 §8.1) and
// where it would only mislead. Deciding by the request's own connection keeps the
// header right on whichever listener the handler is put.
func withHSTS(next http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if r.TLS != nil {
			w.Header().Set("Strict-Transport-Security", hstsValue)
		}
		next.ServeHTTP(w, r)
	})
}

// newTLSConfig serves certFile and keyFile, both PEM, with TLS 1.2 at least. Empty
// paths mean plain HTTP (nil); one without the other is refused.
func newTLSConfig(certFile, keyFile string, log *zap.Logger) (*tls.Config, error) {
	switch {
	case certFile == "" && keyFile == "":
		return nil, nil
	case certFile == "" || keyFile == "":
		return nil, errors.New("api: TLS needs both a certificate and a key file (api.tls_cert_file, api.tls_key_file); set both, or neither for plain HTTP")
	}
	c := &certFiles{certFile: certFile, keyFile: keyFile, log: log}
	if err := c.load(); err != nil {
		return nil, err
	}
	return &tls.Config{MinVersion: tls.VersionTLS12, GetCertificate: c.get}, nil
}

// certFiles serves a certificate pair from disk and reloads it when either file
// changes, so a renewed certificate (certbot, cert-manager) is used from the next
// handshake on without a restart.
type certFiles struct {
	certFile, keyFile string
	log               *zap.Logger

	mu   sync.Mutex
	cert *tls.Certificate
	// seen is the files' state at the last attempt to load them, good or not: a
	// pair that failed is tried again only once the files change again.
	seen [2]fileStamp
}

// fileStamp is what tells a replaced file apart without reading it.
type fileStamp struct {
	size    int64
	modTime time.Time
}

func stamp(path string) fileStamp {
	fi, err := os.Stat(path)
	if err != nil {
		return fileStamp{size: -1}
	}
	return fileStamp{size: fi.Size(), modTime: fi.ModTime()}
}

// load reads the pair now; the caller holds mu or owns c alone.
func (c *certFiles) load() error {
	c.seen = [2]fileStamp{stamp(c.certFile), stamp(c.keyFile)}
	cert, err := tls.LoadX509KeyPair(c.certFile, c.keyFile)
	if err != nil {
		return fmt.Errorf("api: the TLS certificate %s and key %s (api.tls_cert_file, api.tls_key_file): %w; give a readable PEM certificate and its matching unencrypted key", c.certFile, c.keyFile, err)
	}
	c.cert = &cert
	return nil
}

// get is tls.Config.GetCertificate: two stat calls a handshake, cheap beside the
// handshake itself. A changed pair that does not load (the key not yet written
// beside a new certificate) leaves the one in use serving, with a warning.
func (c *certFiles) get(*tls.ClientHelloInfo) (*tls.Certificate, error) {
	c.mu.Lock()
	defer c.mu.Unlock()
	if now := [2]fileStamp{stamp(c.certFile), stamp(c.keyFile)}; now != c.seen {
		if err := c.load(); err != nil {
			c.log.Warn("the TLS certificate files changed but do not load; still serving the previous certificate", zap.Error(err))
		} else {
			c.log.Info("TLS certificate reloaded", zap.String("certFile", c.certFile))
		}
	}
	return c.cert, nil
}
