// Package devtls makes the certificates of `sellmigrate dev --tls`: a CA, a server
// certificate for this machine (127.0.0.1, ::1, localhost) and a client certificate,
// all signed by the CA, written once under a directory and reused after. They are for
// a development stack on loopback only: the CA key sits beside them unencrypted.
package devtls

import (
	"crypto"
	"crypto/ecdsa"
	"crypto/elliptic"
	"crypto/rand"
	"crypto/tls"
	"crypto/x509"
	"crypto/x509/pkix"
	"encoding/pem"
	"errors"
	"fmt"
	"io/fs"
	"math/big"
	"net"
	"os"
	"path/filepath"
	"time"

	"go.temporal.io/sdk/client"
	"go.temporal.io/sdk/contrib/envconfig"
)

// ServerName is the DNS name in the server certificate besides the loopback IPs.
const ServerName = "localhost"

// validity is long enough that a dev data dir never sees its certificates expire.
const validity = 10 * 365 * 24 * time.Hour

// Files are the PEM files under one directory.
type Files struct {
	Dir        string
	CACert     string // the CA clients and the server trust
	CAKey      string
	ServerCert string
	ServerKey  string
	ClientCert string
	ClientKey  string
	created    bool
}

// Created reports whether Ensure made the files (rather than reusing them).
func (f Files) Created() bool { return f.created }

// At names the files under dir without touching the disk.
func At(dir string) Files {
	p := func(name string) string { return filepath.Join(dir, name) }
	return Files{Dir: dir, CACert: p("ca.pem"), CAKey: p("ca-key.pem"), ServerCert: p("server.pem"),
		ServerKey: p("server-key.pem"), ClientCert: p("client.pem"), ClientKey: p("client-key.pem")}
}

// Ensure returns the files under dir, making all of them when none exist. A partial
// set (say a deleted client key) is an error rather than silently remade, since
// clients elsewhere may hold the old CA.
func Ensure(dir string) (Files, error) {
	f := At(dir)
	all := []string{f.CACert, f.CAKey, f.ServerCert, f.ServerKey, f.ClientCert, f.ClientKey}
	var present, missing []string
	for _, p := range all {
		switch _, err := os.Stat(p); {
		case err == nil:
			present = append(present, p)
		case errors.Is(err, fs.ErrNotExist):
			missing = append(missing, p)
		default:
			return Files{}, fmt.Errorf("devtls: cannot read %s: %w", p, err)
		}
	}
	if len(missing) == 0 {
		if _, err := tls.LoadX509KeyPair(f.ClientCert, f.ClientKey); err != nil {
			return Files{}, fmt.Errorf("devtls: client certificate in %s is unusable (%w); delete %s to make new certificates", dir, err, dir)
		}
		return f, nil
	}
	if len(present) > 0 {
		return Files{}, fmt.Errorf("devtls: %s lacks %v but has %v; delete %s to make new certificates (clients then need the new CA)", dir, missing, present, dir)
	}
	if err := os.MkdirAll(dir, 0o700); err != nil {
		return Files{}, fmt.Errorf("devtls: create %s: %w", dir, err)
	}
	if err := f.generate(); err != nil {
		return Files{}, err
	}
	f.created = true
	return f, nil
}

func (f Files) generate() error {
	now := time.Now()
	caKey, err := newKey()
	if err != nil {
		return err
	}
	ca := &x509.Certificate{
		Subject:               pkix.Name{CommonName: "sellmigrate dev CA"},
		NotBefore:             now.Add(-time.Hour),
		NotAfter:              now.Add(validity),
		KeyUsage:              x509.KeyUsageCertSign | x509.KeyUsageCRLSign,
		BasicConstraintsValid: true,
		IsCA:                  true,
		MaxPathLenZero:        true,
	}
	caDER, err := sign(ca, ca, caKey.Public(), caKey)
	if err != nil {
		return err
	}
	caCert, err := x509.ParseCertificate(caDER)
	if err != nil {
		return fmt.Errorf("devtls: parse new CA: %w", err)
	}
	if err := writePEM(f.CACert, "CERTIFICATE", caDER, 0o644); err != nil {
		return err
	}
	if err := writeKey(f.CAKey, caKey); err != nil {
		return err
	}
	leaf := func(cn string, usage x509.ExtKeyUsage, certPath, keyPath string, san func(*x509.Certificate)) error {
		key, err := newKey()
		if err != nil {
			return err
		}
		tmpl := &x509.Certificate{
			Subject:     pkix.Name{CommonName: cn},
			NotBefore:   now.Add(-time.Hour),
			NotAfter:    now.Add(validity),
			KeyUsage:    x509.KeyUsageDigitalSignature,
			ExtKeyUsage: []x509.ExtKeyUsage{usage},
		}
		if san != nil {
			san(tmpl)
		}
		der, err := sign(tmpl, caCert, key.Public(), caKey)
		if err != nil {
			return err
		}
		if err := writePEM(certPath, "CERTIFICATE", der, 0o644); err != nil {
			return err
		}
		return writeKey(keyPath, key)
	}
	if err := leaf("sellmigrate dev server", x509.ExtKeyUsageServerAuth, f.ServerCert, f.ServerKey, func(c *x509.Certificate) {
		c.DNSNames = []string{ServerName}
		c.IPAddresses = []net.IP{net.IPv4(127, 0, 0, 1), net.IPv6loopback}
	}); err != nil {
		return err
	}
	return leaf("sellmigrate dev client", x509.ExtKeyUsageClientAuth, f.ClientCert, f.ClientKey, nil)
}

func newKey() (*ecdsa.PrivateKey, error) {
	k, err := ecdsa.GenerateKey(elliptic.P256(), rand.Reader)
	if err != nil {
		return nil, fmt.Errorf("devtls: generate key: %w", err)
	}
	return k, nil
}

func sign(tmpl, parent *x509.Certificate, pub crypto.PublicKey, signer crypto.Signer) ([]byte, error) {
	serial, err := rand.Int(rand.Reader, new(big.Int).Lsh(big.NewInt(1), 120))
	if err != nil {
		return nil, fmt.Errorf("devtls: serial number: %w", err)
	}
	tmpl.SerialNumber = serial
	der, err := x509.CreateCertificate(rand.Reader, tmpl, parent, pub, signer)
	if err != nil {
		return nil, fmt.Errorf("devtls: sign %q: %w", tmpl.Subject.CommonName, err)
	}
	return der, nil
}

func writeKey(path string, k *ecdsa.PrivateKey) error {
	der, err := x509.MarshalPKCS8PrivateKey(k)
	if err != nil {
		return fmt.Errorf("devtls: encode key: %w", err)
	}
	return writePEM(path, "PRIVATE KEY", der, 0o600)
}

func writePEM(path, kind string, der []byte, mode os.FileMode) error {
	data := pem.EncodeToMemory(&pem.Block{Type: kind, Bytes: der})
	if err := os.WriteFile(path, data, mode); err != nil {
		return fmt.Errorf("devtls: write %s: %w", path, err)
	}
	return nil
}

// ClientEnv is the environment a Temporal client (the temporal CLI, any SDK's
// envconfig, sellmigrate) needs to reach the dev server at address over mTLS.
func (f Files) ClientEnv(address, namespace string) []string {
	return []string{
		"TEMPORAL_ADDRESS=" + address,
		"TEMPORAL_NAMESPACE=" + namespace,
		"TEMPORAL_TLS_CLIENT_CERT_PATH=" + f.ClientCert,
		"TEMPORAL_TLS_CLIENT_KEY_PATH=" + f.ClientKey,
		"TEMPORAL_TLS_SERVER_CA_CERT_PATH=" + f.CACert,
	}
}

// ClientOptions are the connection settings of a client holding the client
// certificate, built by envconfig from the same values ClientEnv prints, so dev's own
// clients connect exactly as a client given that environment does.
func (f Files) ClientOptions() (client.Options, error) {
	prof := envconfig.ClientConfigProfile{TLS: &envconfig.ClientConfigTLS{
		ClientCertPath: f.ClientCert, ClientKeyPath: f.ClientKey, ServerCACertPath: f.CACert,
	}}
	opts, err := prof.ToClientOptions(envconfig.ToClientOptionsRequest{})
	if err != nil {
		return client.Options{}, fmt.Errorf("devtls: client settings from %s: %w; delete %s to make new certificates", f.Dir, err, f.Dir)
	}
	return opts, nil
}
