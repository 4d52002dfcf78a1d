package api

import (
	"context"
	"crypto/tls"
	"crypto/x509"
	"errors"
	"io"
	"net"
	"net/http"
	"os"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/sellmigrate/sellmigrate/internal/testcert"
)

// serveOn runs s.ServeListener on a loopback port until the test ends, and returns
// the address; the test fails if serving ends with an error.
func serveOn(t *testing.T, s *Server) string {
	t.Helper()
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	ctx, cancel := context.WithCancel(context.Background())
	errc := make(chan error, 1)
	go func() { errc <- s.ServeListener(ctx, ln) }()
	t.Cleanup(func() {
		cancel()
		if err := <-errc; err != nil {
			t.Errorf("ServeListener: %v", err)
		}
	})
	return ln.Addr().String()
}

// hstsMaxAge is the max-age the response asks for, or -1 without the header.
func hstsMaxAge(t *testing.T, resp *http.Response) int {
	t.Helper()
	v := resp.Header.Get("Strict-Transport-Security")
	if v == "" {
		return -1
	}
	for _, part := range strings.Split(v, ";") {
		if n, ok := strings.CutPrefix(strings.TrimSpace(part), "max-age="); ok {
			age, err := strconv.Atoi(n)
			if err != nil {
				t.Fatalf("Strict-Transport-Security %q: max-age is not a number", v)
			}
			return age
		}
	}
	t.Fatalf("Strict-Transport-Security %q has no max-age", v)
	return 0
}

func TestHTTPSSendsHSTSAndPlainHTTPDoesNot(t *testing.T) {
	pair := testcert.New(t, "api")
	cert, key := pair.Write(t, t.TempDir())
	s := testServerWith(t, func(o *Options) {
		o.TLSCertFile, o.TLSKeyFile = cert, key
		o.PublicURL = "https://127.0.0.1:8080"
	})
	addr := serveOn(t, s)
	client := &http.Client{Timeout: 10 * time.Second, Transport: &http.Transport{TLSClientConfig: &tls.Config{RootCAs: pair.Pool()}}}
	defer client.CloseIdleConnections()
	// Every response over TLS: a page, an API answer, an error, an unknown path.
	for _, path := range []string{"/healthz", "/openapi.json", "/api/v1/me", "/metrics", "/nowhere"} {
		resp, err := client.Get("https://" + addr + path)
		if err != nil {
			t.Fatalf("GET https://%s%s: %v", addr, path, err)
		}
		resp.Body.Close()
		if age := hstsMaxAge(t, resp); age < 365*24*3600 {
			t.Errorf("GET %s over TLS (status %d): Strict-Transport-Security max-age %d; want at least a year", path, resp.StatusCode, age)
		}
		if resp.TLS == nil || resp.TLS.Version < tls.VersionTLS12 {
			t.Errorf("GET %s: TLS state %+v; want TLS 1.2 or later", path, resp.TLS)
		}
	}
	// The listener speaks TLS only: plain HTTP to it gets no answer of ours.
	if resp, err := (&http.Client{Timeout: 10 * time.Second}).Get("http://" + addr + "/healthz"); err == nil {
		resp.Body.Close()
		if resp.StatusCode == http.StatusOK || hstsMaxAge(t, resp) != -1 {
			t.Errorf("plain HTTP to the TLS port answered %d with HSTS %q", resp.StatusCode, resp.Header.Get("Strict-Transport-Security"))
		}
	}
	// TLS 1.1 and older are refused by the server (the client offers them).
	conn, err := tls.Dial("tcp", addr, &tls.Config{RootCAs: pair.Pool(), MinVersion: tls.VersionTLS10, MaxVersion: tls.VersionTLS11})
	if err == nil {
		conn.Close()
		t.Error("a TLS 1.1 client was accepted; want TLS 1.2 at least")
	} else if !strings.Contains(err.Error(), "protocol version") {
		t.Errorf("a TLS 1.1 client failed with %v; want the server's protocol version alert", err)
	}

	plain := serveOn(t, testServer(t))
	for _, path := range []string{"/healthz", "/nowhere"} {
		resp, err := (&http.Client{Timeout: 10 * time.Second}).Get("http://" + plain + path)
		if err != nil {
			t.Fatal(err)
		}
		resp.Body.Close()
		if v := resp.Header.Get("Strict-Transport-Security"); v != "" {
			t.Errorf("GET %s over plain HTTP sent Strict-Transport-Security %q; want none", path, v)
		}
	}
}

// TestHTTPSPicksUpAReplacedCertificate: a renewed pair written over the files is
// served from the next handshake, without a restart; a half-written renewal (the
// new certificate beside the old key) keeps the old pair serving.
func TestHTTPSPicksUpAReplacedCertificate(t *testing.T) {
	dir := t.TempDir()
	first, second := testcert.New(t, "first"), testcert.New(t, "second")
	cert, key := first.Write(t, dir)
	s := testServerWith(t, func(o *Options) { o.TLSCertFile, o.TLSKeyFile = cert, key })
	addr := serveOn(t, s)
	roots := x509.NewCertPool()
	roots.AddCert(first.Cert)
	roots.AddCert(second.Cert)
	served := func() string {
		t.Helper()
		conn, err := tls.Dial("tcp", addr, &tls.Config{RootCAs: roots})
		if err != nil {
			t.Fatalf("TLS handshake: %v", err)
		}
		defer conn.Close()
		return conn.ConnectionState().PeerCertificates[0].Subject.CommonName
	}
	// Each write gets a later modification time than the last: a file system may
	// keep times coarser than this test's pace (renewals are days apart).
	at := time.Now()
	write := func(path string, data []byte) {
		t.Helper()
		if err := os.WriteFile(path, data, 0o600); err != nil {
			t.Fatal(err)
		}
		at = at.Add(time.Second)
		if err := os.Chtimes(path, at, at); err != nil {
			t.Fatal(err)
		}
	}
	if got := served(); got != "first" {
		t.Fatalf("served %q; want first", got)
	}
	write(cert, second.CertPEM)
	if got := served(); got != "first" {
		t.Errorf("with the new certificate beside the old key: served %q; want the old pair, first", got)
	}
	write(key, second.KeyPEM)
	if got := served(); got != "second" {
		t.Errorf("after the renewal: served %q; want second", got)
	}
}

func TestNewServerRefusesAnIncompleteOrBadTLSPair(t *testing.T) {
	dir := t.TempDir()
	cert, key := testcert.New(t, "one").Write(t, dir)
	_, otherKey := testcert.New(t, "two").Write(t, t.TempDir())
	for name, files := range map[string][2]string{
		"cert only":  {cert, ""},
		"key only":   {"", key},
		"mismatched": {cert, otherKey},
		"missing":    {dir + "/nope.pem", key},
	} {
		_, err := NewServer(Options{Starter: testServer(t).starter, Tokens: Tokens{Admin: []string{"tok"}}, TLSCertFile: files[0], TLSKeyFile: files[1]})
		if err == nil || !strings.Contains(err.Error(), "api.tls_cert_file") {
			t.Errorf("%s: NewServer error %v; want one naming api.tls_cert_file", name, err)
		}
	}
}

func TestMetricsAndReadyzOnlyOnTheAdminListener(t *testing.T) {
	notReady := errors.New("the Temporal frontend does not answer")
	s := testServerWith(t, func(o *Options) {
		o.Metrics = NewMetrics()
		o.Ready = func(context.Context) error { return notReady }
	})
	for _, path := range []string{"/metrics", "/readyz"} {
		rec, m := call(t, s, "GET", path, "", "", "")
		wantError(t, rec, m, http.StatusNotFound, "not_found")
	}
	if rec, _ := call(t, s, "GET", "/healthz", "", "", ""); rec.Code != http.StatusOK {
		t.Errorf("public /healthz = %d; want 200", rec.Code)
	}
	call(t, s, "GET", "/openapi.json", "", "", "")

	ln, err := ListenAdmin("127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	ctx, cancel := context.WithCancel(context.Background())
	errc := make(chan error, 1)
	go func() { errc <- s.ServeAdmin(ctx, ln) }()
	get := func(path string) (int, string) {
		t.Helper()
		resp, err := (&http.Client{Timeout: 10 * time.Second}).Get("http://" + ln.Addr().String() + path)
		if err != nil {
			t.Fatalf("GET %s on the admin listener: %v", path, err)
		}
		defer resp.Body.Close()
		var b strings.Builder
		_, _ = io.Copy(&b, resp.Body)
		return resp.StatusCode, b.String()
	}
	if code, body := get("/metrics"); code != http.StatusOK || !strings.Contains(body, `route="GET /openapi.json"`) {
		t.Errorf("admin /metrics = %d, want 200 with the latency of GET /openapi.json:\n%s", code, body)
	}
	if code, body := get("/readyz"); code != http.StatusServiceUnavailable || !strings.Contains(body, notReady.Error()) {
		t.Errorf("admin /readyz while Temporal is down = %d %s; want 503 with the reason", code, body)
	}
	notReady = nil
	if code, _ := get("/readyz"); code != http.StatusOK {
		t.Errorf("admin /readyz when ready = %d; want 200", code)
	}
	if code, _ := get("/healthz"); code != http.StatusOK {
		t.Errorf("admin /healthz = %d; want 200", code)
	}
	if code, _ := get("/api/v1/me"); code != http.StatusNotFound {
		t.Errorf("admin /api/v1/me = %d; the admin listener serves no API", code)
	}
	cancel()
	if err := <-errc; err != nil {
		t.Errorf("ServeAdmin after cancel: %v", err)
	}
	if again, err := ListenAdmin(ln.Addr().String()); err != nil {
		t.Errorf("the admin port is still taken after ServeAdmin returned: %v", err)
	} else {
		again.Close()
	}
	busy, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	defer busy.Close()
	if _, err := ListenAdmin(busy.Addr().String()); err == nil || !strings.Contains(err.Error(), "api.admin_listen") {
		t.Errorf("a taken admin address: %v; want an error naming api.admin_listen", err)
	}
}
